import type { Command } from './commands/command.js';
import { detectCommand } from './commands/detect.js';
import { keygenCommand } from './commands/keygen.js';
import { reportCommand } from './commands/report.js';
import { scanLogsCommand } from './commands/scan-logs.js';
import { rulesCommand } from './commands/rules.js';
import { buildCommand, planCommand } from './commands/transformer.js';
import { verifyCommand } from './commands/verify.js';

/** Every subcommand of `mlx-audit`, in the order the usage lists them. */
export const COMMANDS: readonly Command[] = [planCommand, buildCommand, verifyCommand, detectCommand, reportCommand, scanLogsCommand, rulesCommand, keygenCommand];

export function usage(): string {
  return `Usage: mlx-audit <command> [options]\n\n${COMMANDS.map((command) => command.usage).join('\n\n')}\n\nmlx-audit <command> --help says more of one command.`;
}

/**
 * Runs `mlx-audit` with its arguments (those after the program's name) and resolves to the exit
 * code: 0 done, 1 what the command checks failed (findings, tampering), 2 it could not run (bad
 * arguments, unreadable input).
 */
export async function run(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    process.stderr.write(`mlx-audit: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return command.run(rest);
}
