import { ChainChecks } from './chain-checks.js';
import { ProblemLog } from './problem-log.js';
import { RuntimeRecords } from './runtime-records.js';
import { SealVerifier } from './seal-verification.js';
import type { SealKey } from './seal-key.js';
import { TrailReader } from './trail-reader.js';
import { findTrails } from './trail-files.js';
import { verificationResult, type TrailVerification } from './verification-result.js';

// Verifies trails line by line, in constant memory (a chunk, and at most one line held back to
// tell a swap from a deletion or an edit from an insertion). The parts, in the order a line meets
// them: trail-reader.ts reads the files, chained-line.ts finds a line's number, hash and runtime
// action without parsing it, chain-checks.ts checks the chain, runtime-records.ts the runtime's own
// records (file opened, seal, stopped, closed) and the streams they shape, seal-verification.ts
// the seals; verification-result.ts puts the result together. What each problem kind means:
// problems.ts.

export type { StreamSummary } from './stream-state.js';
export type { TrailVerification } from './verification-result.js';

export interface VerifyOptions {
  /**
   * Seal keys (`readSealKeyFile`): the initial key of each key pair the trail was sealed with.
   * Without one, seals are checked for their ranges and epochs but not their MACs; with one, a
   * stream without seals is a problem (its seals may have been stripped).
   */
  readonly keys?: readonly SealKey[];
  /**
   * The newest stream may still be being written (a running service): its lines after the last
   * seal and its missing `stopped` record are not problems. Default false.
   */
  readonly live?: boolean;
  /** Problems reported at most; the rest are counted in `problemsOmitted` (default 1000). */
  readonly maxProblems?: number;
}

/**
 * Verifies the trails in `paths` (files, or directories of a file sink's files with their
 * rotated copies). Never throws for what it reads: an unreadable file is a problem of the result.
 */
export async function verifyTrail(paths: string | readonly string[], options: VerifyOptions = {}): Promise<TrailVerification> {
  const found = await findTrails(typeof paths === 'string' ? [paths] : paths);
  const log = new ProblemLog(options.maxProblems ?? 1000);
  const seals = new SealVerifier(options.keys ?? [], log);
  const records = new RuntimeRecords(log, seals, options.live ?? false);
  const reader = new TrailReader(log, new ChainChecks(log, records), records);
  for (const { file, reason } of found.unreadable) log.report('unreadable', { file, line: 0 }, `cannot read ${file}: ${reason}`);
  for (const trail of found.trails) await reader.readTrail(trail.files);
  return verificationResult(log, reader, records.summaries, seals.sealing, found.skipped);
}
