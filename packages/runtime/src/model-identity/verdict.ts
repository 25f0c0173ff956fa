import { isHashed, type HashOutcome } from './hash-file.js';
import { MAX_FILES, type NamedFiles } from './model-files.js';
import type { ModelPolicy } from './policy.js';

/** Why a call's files are not allowed, and which of them (by index) the alert is about. */
export interface Verdict {
  readonly reason: string;
  readonly refused: readonly boolean[];
}

/**
 * Whether every file a call names is listed. A file that cannot be hashed, a path that is no
 * local file, and files past the cap cannot be vouched for, so they are not allowed either.
 * Undefined when all are allowed.
 */
export function verdictOf(policy: ModelPolicy, named: NamedFiles, outcomes: readonly HashOutcome[]): Verdict | undefined {
  const refused = outcomes.map((outcome) => !isHashed(outcome) || !policy.allowed.has(outcome.sha256));
  const unhashed = outcomes.find((outcome) => !isHashed(outcome));
  let reason: string | undefined;
  if (named.remote > 0) reason = 'a path is not a local file, which the runtime cannot hash';
  else if (named.omitted > 0) reason = `more than ${MAX_FILES} files: the others were not hashed`;
  else if (unhashed !== undefined && !isHashed(unhashed)) reason = `a file could not be hashed (${unhashed.problem})`;
  else if (refused.includes(true)) reason = 'not in the allow-list';
  if (reason === undefined) return undefined;
  return { reason: policy.problem === undefined ? reason : `${reason}; ${policy.problem}`, refused };
}
