// npm run docs: rewrites the generated sections of docs/ from the declarations in the code.
import { writeDocs } from './generate.js';

const written = writeDocs();
process.stdout.write(written.length ? `rewrote ${written.join(', ')}\n` : 'docs are up to date\n');
