// What the verifier reports (README, "Tamper evidence"). The kinds are stable strings: tools
// match on them. Each has a class: `tampered` (the trail is not what was written), `incomplete`
// (its end or its seals are missing: a crash, a cut, or a trail still being written) and
// `unverifiable` (something could not be checked). `mlx-audit verify` exits 1 for the first two
// and 2 when only the third is found.

export type ProblemClass = 'tampered' | 'incomplete' | 'unverifiable';

export const PROBLEM_KINDS = {
  /** A line's content does not match its own hash (the line, or its hash, was changed). */
  modified: 'tampered',
  /** A line that does not belong to the chain where it is: inserted, or copied from another trail or run. */
  inserted: 'tampered',
  /** A line that neither follows the line before it nor is explained otherwise: lines were replaced. */
  'chain-break': 'tampered',
  /** Line numbers skip: lines were deleted (or a write failed, which the runtime reported then). */
  'missing-lines': 'tampered',
  /** Two lines are in each other's place. */
  reordered: 'tampered',
  /** A line number that was already passed: a line repeated, replayed or moved. */
  'out-of-sequence': 'tampered',
  /** A file of the trail is missing: the next file continues from an opening the files do not hold. */
  'missing-file': 'tampered',
  /** A file ends before the line the next file says it ended with. */
  'truncated-file': 'tampered',
  /** A file does not begin with its `mlx-audit.file-opened` record. */
  'missing-opening': 'tampered',
  /** A line that is not JSON (a torn write closed by the file sink, or damage). */
  malformed: 'tampered',
  /** A JSON line without a chain in a chained trail. */
  unchained: 'tampered',
  /** A file that carries no chain at all: not written by the file sink of this version, or rewritten. */
  'no-chain': 'tampered',
  /** A seal whose MAC does not verify under the key of its epoch. */
  'seal-invalid': 'tampered',
  /** A seal of another epoch than the next one: a key of a later epoch (taken from the host) resealed lines. */
  'seal-epoch': 'tampered',
  /** A seal whose range does not continue the previous seal's or does not end at the line before it. */
  'seal-range': 'tampered',
  /** A seal whose chain value is not the one of the last line it covers: the lines were rewritten. */
  'seal-head': 'tampered',
  /** The file ends in the middle of a line (a crash during a write, or a cut). */
  'partial-line': 'incomplete',
  /** Lines no seal covers: after a sealed stream's last seal, or anywhere when a key is given and the stream has none. */
  unsealed: 'incomplete',
  /** A stream ends without `mlx-audit.stopped` or `mlx-audit.file-closed`: a crash, a kill, or a cut. */
  'not-stopped': 'incomplete',
  /** Seals made with a key that was not given (another key id, or an epoch before the key file's). */
  'seal-key': 'unverifiable',
  /** A file that cannot be read. */
  unreadable: 'unverifiable',
  /** Nothing to verify: no file, or no line. */
  empty: 'unverifiable',
} as const satisfies Readonly<Record<string, ProblemClass>>;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

export interface TrailProblem {
  readonly kind: ProblemKind;
  readonly class: ProblemClass;
  /** The file, as given or found in the directory. */
  readonly file: string;
  /** 1-based line in that file; 0 for the file as a whole. */
  readonly line: number;
  readonly message: string;
}
