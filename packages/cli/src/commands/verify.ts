import { PROBLEM_KINDS, verifyTrail, type TrailVerification } from '@mlx-audit/runtime/trail';
import { sealKeysFrom } from '../seal-keys.js';
import { parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit verify`: whether a trail is what the runtime wrote, complete and unaltered. The
// engine is the runtime's (`@mlx-audit/runtime/trail`), which wrote the chain and the seals; this
// file is the command line: arguments, the report for people or for machines, the exit code.

const USAGE = `mlx-audit verify <files or directories>... [--key-file F]... [--live] [--json]
    Checks audit trails written by the runtime's file sink, rotated files included, in order:
    intact, or each line and file where lines were modified, inserted, deleted, reordered or
    replayed, a rotated file missing or cut, a seal missing or not verifying, no 'stopped' record.
    --key-file  an initial seal key (mlx-audit keygen): seals are checked with it (repeatable)
    --live      the newest stream is still being written: its unsealed tail is not a problem
    --json      one JSON object: { intact, problems: [{ kind, class, file, line, message }], ... }
    Exit 0 intact, 1 tampered or incomplete, 2 cannot verify (bad arguments, unreadable file).`;

export const verifyCommand: Command = {
  name: 'verify',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: { 'key-file': { type: 'string', multiple: true }, live: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no trail given: name its files or its directory');
    const keys = sealKeysFrom(values['key-file']);
    if (typeof keys === 'string') {
      process.stderr.write(`mlx-audit verify: ${keys}\n`);
      return 2;
    }
    const result = await verifyTrail(positionals, { keys, live: values.live });
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : forPeople(result));
    return exitCode(result);
  },
};

/** 0 intact; 1 tampered or incomplete; 2 when only what could not be checked is wrong. */
export function exitCode(result: TrailVerification): number {
  if (result.intact) return 0;
  return result.problems.some((problem) => PROBLEM_KINDS[problem.kind] !== 'unverifiable') ? 1 : 2;
}

/** One line per problem (file:line kind: message), then what was checked. */
function forPeople(result: TrailVerification): string {
  const lines = result.problems.map((problem) => `${problem.file}${problem.line > 0 ? `:${problem.line}` : ''}: ${problem.kind} (${problem.class}): ${problem.message}`);
  if (result.problemsOmitted > 0) lines.push(`... and ${result.problemsOmitted} more problems`);
  const sealing = { verified: 'seals verified with the key', unverified: 'seals present, not checked (no --key-file)', unsealed: 'no seals' }[result.sealing];
  const summary = `${result.intact ? 'intact' : 'NOT INTACT'}: ${result.lines} lines in ${result.files.length} files, ${result.streams.length} streams, ${sealing}`;
  for (const skipped of result.skipped) lines.push(`(skipped ${skipped.file}: ${skipped.reason})`);
  return `${[...lines, summary].join('\n')}\n`;
}
