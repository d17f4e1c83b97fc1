import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Argv } from 'yargs';
import { EnvironmentError, InputError } from '../../errors.js';
import { PACKAGE_ROOT, type CommandContext } from '../context.js';

export const command = 'studio';
export const describe =
  'serve the what-if page (the simulator in the browser) on 127.0.0.1 and print its URL; Ctrl-C stops it';

export const DEFAULT_PORT = 7390;

export function builder(y: Argv) {
  return y.option('port', {
    type: 'number',
    default: DEFAULT_PORT,
    describe: 'TCP port on 127.0.0.1 (0: any free port)',
  });
}

type Args = Awaited<ReturnType<typeof builder>['argv']>;

/**
 * The built page: dist/studio in the package (or the repository), found wherever the package
 * is installed, whatever the current directory, and from the sources (the tests) too.
 */
export function studioDir(): string {
  const dir = join(PACKAGE_ROOT, 'dist', 'studio');
  if (existsSync(join(dir, 'studio.js'))) return dir;
  throw new EnvironmentError('dist/studio', 'the studio page is not built: run npm run build');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface StudioServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves `dir` read-only on 127.0.0.1: GET and HEAD of the files in it (no listing, nothing
 * outside it), `/` as index.html. No caching, so a rebuilt page is what the next load gets.
 */
export async function serveStudio(dir: string, port: number): Promise<StudioServer> {
  // Loaded here, not at the top: every other command would pay for node:http at start-up.
  const { createServer } = await import('node:http');
  const rootDir = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const server = createServer((req, res) => {
    const send = (status: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(rootDir, path));
    const type = TYPES[extname(file)];
    if (!file.startsWith(rootDir) || type === undefined || !existsSync(file)) return send(404, 'not found\n');
    send(200, readFileSync(file), type);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** `iovsim studio`: serves the page until interrupted. */
export async function handler(argv: Args, { io }: CommandContext): Promise<void> {
  const port = argv.port;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new InputError('--port', 'a TCP port from 0 to 65535', String(port));
  const dir = studioDir();
  let studio: StudioServer;
  try {
    studio = await serveStudio(dir, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `127.0.0.1:${port}`,
      code === 'EADDRINUSE' ? 'the port is in use: choose another with --port (0 for any free one)' : String(e),
    );
  }
  io.out(`iovsim studio: open ${studio.url}  (the page also works opened as a file: ${join(dir, 'index.html')})\n`);
  io.out('Ctrl-C stops the server.\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void studio.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
