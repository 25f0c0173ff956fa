import { parseArgs, type ParseArgsConfig } from 'node:util';

/** One subcommand of `mlx-audit`: its name, one-paragraph usage, and how to run it. */
export interface Command {
  readonly name: string;
  /** First line: the synopsis; then what it does, indented. */
  readonly usage: string;
  /** Runs with the arguments after the command's name; resolves to the exit code. */
  run(argv: readonly string[]): number | Promise<number>;
}

/** Said when a command is called wrongly: one line on stderr, then its usage; exit code 2. */
export function usageError(command: Pick<Command, 'name' | 'usage'>, message: string): number {
  process.stderr.write(`mlx-audit ${command.name}: ${message}\n\nUsage: ${command.usage}\n`);
  return 2;
}

/** An error's first sentence: what `parseArgs` or a key file's check says, without its advice. */
export function firstSentence(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('. ')[0] ?? 'invalid arguments';
}

/**
 * A command's arguments (`parseArgs` with `config`, whose options include `help`), or its exit code
 * when it has nothing more to do: its usage for `--help` (0), a mistyped option in one line (2).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(command: Pick<Command, 'name' | 'usage'>, config: T): ReturnType<typeof parseArgs<T>> | number {
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    return usageError(command, firstSentence(error));
  }
  if ((parsed.values as Record<string, unknown>).help === true) {
    process.stdout.write(`Usage: ${command.usage}\n`);
    return 0;
  }
  return parsed;
}
