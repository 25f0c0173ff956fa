import type { ProblemLog } from './problem-log.js';
import type { TrailProblem } from './problems.js';
import type { StreamSummary } from './stream-state.js';

// What `verifyTrail` returns, put together once every trail was read: nothing read at all is a
// problem too (`empty`), so that an empty directory never passes for an intact trail.

export interface TrailVerification {
  /** No problem of any kind. */
  readonly intact: boolean;
  readonly problems: readonly TrailProblem[];
  readonly problemsOmitted: number;
  /** The files verified, each trail's oldest first. */
  readonly files: readonly string[];
  /** Files of a directory left out (not JSON lines: a key file, a compressed copy). */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Lines read. */
  readonly lines: number;
  readonly streams: readonly StreamSummary[];
  /**
   * `verified`: every seal's MAC was checked under a key given; `unverified`: the trail has seals
   * but no key was given for them; `unsealed`: the trail has no seal.
   */
  readonly sealing: 'verified' | 'unverified' | 'unsealed';
}

/** What was read: the files, and the lines in them. */
export interface TrailsRead {
  readonly files: readonly string[];
  readonly lines: number;
}

export function verificationResult(
  log: ProblemLog,
  read: TrailsRead,
  streams: readonly StreamSummary[],
  sealing: TrailVerification['sealing'],
  skipped: TrailVerification['skipped'],
): TrailVerification {
  const { files, lines } = read;
  if (files.length === 0 && log.problems.length === 0) log.report('empty', { file: '', line: 0 }, 'no trail file to verify');
  else if (lines === 0 && files.length > 0) log.report('empty', { file: files[0] ?? '', line: 0 }, 'the trail holds no line');
  return {
    intact: log.problems.length === 0 && log.omitted === 0,
    problems: log.problems,
    problemsOmitted: log.omitted,
    files,
    skipped,
    lines,
    streams,
    sealing,
  };
}
