import type { Argv } from 'yargs';
import type { CommandContext } from '../context.js';

export const command = 'paths';
export const describe = "list each built-in path's hops and costs, and the cost table with each default's source";

export const builder = (y: Argv) => y;

export async function handler(_argv: unknown, { io }: CommandContext): Promise<void> {
  const { BUILTIN_PATHS } = await import('../../model/paths.js');
  const { describePaths } = await import('../../output/paths.js');
  io.out(describePaths(BUILTIN_PATHS));
}
