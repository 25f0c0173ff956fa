import type { Site } from '../contract.js';
import { describeThrown } from '../describe-thrown.js';
import { reportOnce } from '../internal-report.js';
import { redactionSettings } from '../settings.js';
import type { FileIdentity } from './fields.js';
import { fileIdentity, knownOutcome } from './file-identity.js';
import { hashFileSync, isHashed, type HashOutcome } from './hash-file.js';
import { namedFiles } from './model-files.js';
import { modelPolicy, type ModelPolicy } from './policy.js';
import { verdictOf } from './verdict.js';

/**
 * Thrown by an instrumented model load in `enforce` mode, before MLX reads anything, when a file
 * it names is not in the allow-list or cannot be vouched for (not hashable, not local). `code` is
 * stable; `sha256` is the first refused file's hash when it has one; `path` is that file as the
 * application named it (or joined under the directory it named).
 */
export class ModelNotAllowedError extends Error {
  readonly code = 'ERR_MLX_AUDIT_MODEL_NOT_ALLOWED';

  constructor(
    /** Why, as `event.reason` says it: `not in the allow-list`, `a file could not be hashed (ENOENT)`, … */
    readonly reason: string,
    readonly sha256: string | undefined,
    readonly path: string | undefined,
  ) {
    super(`mlx-audit: model load refused: ${reason}${sha256 === undefined ? '' : ` (sha256 ${sha256})`}`);
    this.name = 'ModelNotAllowedError';
  }
}

/** What the recorder needs of a refusal for the call's event and the alert. */
export interface Refusal {
  readonly reason: string;
  /** The first path argument, located (`file.path` before the path policy). */
  readonly shown: string;
  /** The call's files as its event shows them (hashed here, so known), and those the alert is about. */
  readonly files: FileIdentity;
  readonly refusedFiles: FileIdentity;
}

const refusals = new WeakMap<object, Refusal>();

/** The refusal behind an error the gate threw, if it is one. */
export function refusalOf(error: unknown): Refusal | undefined {
  return typeof error === 'object' && error !== null ? refusals.get(error) : undefined;
}

/**
 * In enforce mode, checks the files a model load names before it runs: hashed now (or found in
 * the cache), and refused with a `ModelNotAllowedError` unless every one is listed. A load that
 * names no path (weights passed as arrays) reads no file, and is not checked.
 */
export function verifyBeforeLoad(site: Site, args: readonly unknown[]): void {
  const policy = modelPolicy();
  if (policy?.mode !== 'enforce') return;
  let refusal: ModelNotAllowedError | undefined;
  try {
    refusal = refusalFor(policy, site, args);
  } catch (error) {
    // The runtime's own failure: in enforce mode a load it could not check does not run.
    reportOnce('model-check', `checking a model load failed: ${describeThrown(error)}`);
    refusal = new ModelNotAllowedError('the runtime could not check it', undefined, undefined);
  }
  if (refusal !== undefined) throw refusal;
}

function refusalFor(policy: ModelPolicy, site: Site, args: readonly unknown[]): ModelNotAllowedError | undefined {
  const named = namedFiles(args, site.args);
  if (named === undefined) return undefined;
  const outcomes: HashOutcome[] = named.files.map((file) => knownOutcome(file) ?? hashFileSync(file.path, file.version));
  const verdict = verdictOf(policy, named, outcomes);
  if (verdict === undefined) return undefined;
  const index = verdict.refused.indexOf(true);
  const outcome = outcomes[index];
  const error = new ModelNotAllowedError(verdict.reason, outcome !== undefined && isHashed(outcome) ? outcome.sha256 : undefined, named.files[index]?.path ?? named.shown);
  const settings = redactionSettings();
  refusals.set(error, {
    reason: verdict.reason,
    shown: named.shown,
    files: fileIdentity(named, outcomes, settings),
    refusedFiles: fileIdentity(named, outcomes, settings, (at) => verdict.refused[at] === true),
  });
  return error;
}
