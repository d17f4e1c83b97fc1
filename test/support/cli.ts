import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process and captures what it prints; `stdin` is what standard input holds, if anything. */
export async function cli(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    isTty: false,
    ...(stdin !== undefined ? { stdin: async () => stdin } : {}),
  });
  return { code, out, err };
}
