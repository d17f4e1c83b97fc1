import type { Argv } from 'yargs';
import type { CommandContext } from '../context.js';

export const command = 'schema';
export const describe = 'print the JSON Schema of scenario files (for editors: completion, hover help and checks)';

export const builder = (y: Argv) => y;

export async function handler(_argv: unknown, { io }: CommandContext): Promise<void> {
  const { scenarioJsonSchema } = await import('../../scenario/reference.js');
  io.out(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
}
