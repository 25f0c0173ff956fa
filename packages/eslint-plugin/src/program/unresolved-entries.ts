import { isMainThread, threadId } from 'node:worker_threads';
import type { CatalogueMatcher, UnresolvedEntry, UnresolvedReason, UserEntry } from '@mlx-audit/catalogue';

/** What the programs linted so far say of one entry: whether one of them resolves it, else its most telling problem. */
interface Verdict {
  resolved: boolean;
  problem: UnresolvedEntry | undefined;
}

/** A module found with the name missing tells more than a path outside one program. */
const RANK: Readonly<Record<UnresolvedReason, number>> = { 'name-not-declared': 3, 'module-not-in-program': 2, 'module-not-found': 1 };
/** Where each worker thread leaves its verdicts for the main thread (ESLint runs its workers with `SHARE_ENV`), by process and thread. */
const SHARED_PREFIX = `MLX_AUDIT_ENTRY_VERDICTS_${process.pid}_`;
/** Set by a main thread that will say the verdicts of its workers too. */
const MAIN_LISTENS = 'MLX_AUDIT_ENTRY_VERDICTS_MAIN';
const PID = String(process.pid);

/** This thread's verdicts, by module and name, over every program, rule and file it lints. */
const verdicts = new Map<string, Verdict>();
let listening = false;

if (isMainThread) {
  process.env[MAIN_LISTENS] = PID;
  listen();
}

/**
 * Notes which of `entries` the matcher's program resolves. When the lint run ends (the process
 * exits), each entry that no program of the run resolved is said in one line on stderr, once,
 * naming the entry and what to fix: a mistyped `module` or `name` does not leave the user's
 * `generate()` silently unaudited. Not before the end: ESLint lints several programs (one per
 * tsconfig, each with paths relative to its own folder), and an entry missing from one is found in
 * another; under `--concurrency`, the workers' verdicts are said by the main thread, together.
 * stderr keeps `-f json` and SARIF output on stdout whole; the exit status is left alone.
 */
export function noteUnresolvedEntries(matcher: CatalogueMatcher, entries: readonly UserEntry[]): void {
  if (entries.length === 0) return;
  const problems = new Map(matcher.unresolvedEntries().map((problem) => [keyOf(problem.entry), problem]));
  for (const entry of entries) {
    const problem = problems.get(keyOf(entry));
    merge(verdicts, keyOf(entry), { resolved: problem === undefined, problem });
  }
  if (isMainThread) return;
  // A worker leaves its verdicts for the main thread, and says them itself at its exit only if no
  // main thread of ours listens by then: whether ESLint's main thread has loaded the plugin is
  // known for sure only when the linting is over, not when a worker lints its first file.
  process.env[`${SHARED_PREFIX}${threadId}`] = JSON.stringify([...verdicts]);
  listen();
}

/** The lines said at the end of the run: the entries that no program linted by this thread or its workers resolves. */
export function unresolvedEntryLines(): string[] {
  const all = new Map([...verdicts].map(([key, verdict]) => [key, { ...verdict }]));
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith(SHARED_PREFIX) || value === undefined) continue;
    for (const [key, verdict] of JSON.parse(value) as [string, Verdict][]) merge(all, key, verdict);
  }
  return linesOf(all);
}

function linesOf(of: ReadonlyMap<string, Verdict>): string[] {
  return [...of.values()].flatMap(({ resolved, problem }) => (resolved || problem === undefined ? [] : [`mlx-audit: ${problem.message}`]));
}

function listen(): void {
  if (listening) return;
  listening = true;
  // Written synchronously in an exit handler: stderr is a file, a terminal or (on Linux) a pipe.
  process.once('exit', () => {
    if (!isMainThread && process.env[MAIN_LISTENS] === PID) return; // the main thread says them, with the other workers'
    // A worker with no main thread of ours says its own: what the other workers saw is theirs to say.
    const lines = isMainThread ? unresolvedEntryLines() : linesOf(verdicts);
    if (lines.length > 0) process.stderr.write(`${lines.join('\n')}\n`);
  });
}

function merge(into: Map<string, Verdict>, key: string, { resolved, problem }: Verdict): void {
  const verdict = into.get(key) ?? { resolved: false, problem: undefined };
  into.set(key, verdict);
  if (resolved) verdict.resolved = true;
  else if (problem !== undefined && (verdict.problem === undefined || RANK[problem.reason] > RANK[verdict.problem.reason])) verdict.problem = problem;
}

function keyOf(entry: UserEntry): string {
  return `${entry.module}\0${entry.name}`;
}
