import type { CallContext } from '../call-context.js';
import { MODULE_WEIGHT_UPDATES } from '../catalogue-tables.js';
import type { Site } from '../contract.js';
import { describeThrown } from '../describe-thrown.js';
import type { Correlation } from '../event.js';
import { reportOnce } from '../internal-report.js';
import { shownPath } from '../location.js';
import { recordBytes } from '../pipeline.js';
import type { RedactionSettings } from '../settings.js';
import type { FileIdentity } from './fields.js';
import { fileIdentity, knownOutcome } from './file-identity.js';
import { refusalOf, verifyBeforeLoad, type Refusal } from './gate.js';
import { isHashed, type HashOutcome } from './hash-file.js';
import { hashLater } from './hash-queue.js';
import { recordHashed, recordNotAllowed, type CallLink } from './identity-events.js';
import { namedFiles, type NamedFiles } from './model-files.js';
import { ModelSource, noteLoadResult, noteWeightsInto, sourcesOf } from './module-models.js';
import { modelPolicy, type ModelPolicy } from './policy.js';
import { verdictOf } from './verdict.js';

// Where model identity meets a call: instrument.ts runs `invokeModelCall` around model loads and
// module updates; the recorder asks `observeModelCall` before it enqueues a load's or save's
// record (a hash already known goes on its event) and calls `modelCallRecorded` after, once the
// call has its sequence (the hash comes in a follow-up event, alerts are linked to it).

type ModelKind = 'model-load' | 'model-save';

/** What the recorder learns of a model load or save before it enqueues the call's record. */
export interface ModelCallObservation {
  readonly kind: ModelKind;
  /**
   * For the call's event: its files, when every one is known without reading it (hashed already,
   * or by the enforce check; or not there to hash) and at least one has a hash.
   */
  readonly files: FileIdentity | undefined;
  /** What `mlx.files` adds to the record's estimated size (pipeline.ts). */
  readonly bytes: number;
  readonly named: NamedFiles | undefined;
  /** Per file, what is known without reading it; undefined where it must be read. */
  readonly known: readonly (HashOutcome | undefined)[];
  readonly refusal: Refusal | undefined;
  readonly settings: RedactionSettings;
}

/**
 * The call of an instrumented model load or module update (kinds `model-load` and
 * `module-state`): in enforce mode a load is checked before it runs (and refused by a
 * `ModelNotAllowedError`); arrays given to `update` are traced to the loads that returned them.
 */
export function invokeModelCall(site: Site, self: unknown, args: readonly unknown[], fn: unknown): unknown {
  if (site.kind === 'model-load') verifyBeforeLoad(site, args);
  // instrument.ts checked that it is a function.
  const result = Reflect.apply(fn as (...args: unknown[]) => unknown, self, args);
  if (MODULE_WEIGHT_UPDATES.has(site.id)) {
    try {
      noteWeightsInto(self, args);
    } catch (error) {
      // The call has succeeded: the runtime's own failure is the operator's business, not the application's.
      reportOnce('model-update', `tracing a module's weights failed: ${describeThrown(error)}`);
    }
  }
  return result;
}

/** What is known of a model load's or save's files when it is recorded (stat and the cache only); undefined for other calls. */
export function observeModelCall(context: CallContext, settings: RedactionSettings): ModelCallObservation | undefined {
  const kind = context.site.kind;
  if (kind !== 'model-load' && kind !== 'model-save') return undefined;
  if (context.failed) {
    const refusal = refusalOf(context.error);
    return refusal === undefined ? undefined : { kind, files: refusal.files, bytes: filesBytes(refusal.files), named: undefined, known: [], refusal, settings };
  }
  const named = namedFiles(context.args, context.site.args);
  const known = named?.files.map(knownOutcome) ?? [];
  let files: FileIdentity | undefined;
  if (named !== undefined && known.every((outcome) => outcome !== undefined) && known.some(isHashed)) files = fileIdentity(named, known, settings);
  return { kind, files, bytes: filesBytes(files), named, known, refusal: undefined, settings };
}

function filesBytes(files: FileIdentity | undefined): number {
  return recordBytes(files?.files?.length ?? 0) - recordBytes(0);
}

/**
 * After the call's record is enqueued with `sequence`: the refusal's alert; the module or arrays a
 * load returned, noted as loaded from it; and the files' hashes, known already or read now in the
 * background, each checked against the allow-list of loads.
 */
export function modelCallRecorded(observed: ModelCallObservation, context: CallContext, sequence: number, correlation: Correlation): void {
  const { kind, named, refusal, settings } = observed;
  // The list in force when the call ran, not when its hash arrives.
  const policy = kind === 'model-load' ? modelPolicy() : undefined;
  const shown = refusal?.shown ?? named?.shown;
  const link: CallLink = { kind, sequence, correlation, filePath: shown === undefined ? undefined : shownPath(shown, settings) };
  if (refusal !== undefined) {
    recordNotAllowed(link, refusal.refusedFiles, refusal.reason, true);
    return;
  }
  const file = kind === 'model-load' && named !== undefined ? new ModelSource(sequence, observed.files?.sha256) : undefined;
  if (kind === 'model-load') noteLoadResult(context.result, context.self, loadSources(file, context.args, sequence), file);
  if (named === undefined) return;
  const toRead = named.files.flatMap((entry, index) => (observed.known[index] === undefined && entry.version !== undefined ? [{ path: entry.path, version: entry.version, index }] : []));
  const conclude = (outcomes: readonly HashOutcome[]): void => {
    const [first] = outcomes;
    if (file !== undefined && named.single && first !== undefined && isHashed(first)) file.sha256 = first.sha256;
    const unhashed = outcomes.find((outcome) => !isHashed(outcome));
    recordHashed(link, fileIdentity(named, outcomes, settings), unhashed === undefined || isHashed(unhashed) ? undefined : `could not be hashed: ${unhashed.problem}`);
    checkAllowed(policy, link, settings, named, outcomes);
  };
  // Nothing to read: what is known is on the call's event (a path with no file behind it, a
  // `stat` that failed, is no file the runtime saw: no follow-up, but no allowed model either).
  if (toRead.length === 0) {
    checkAllowed(policy, link, settings, named, observed.known as HashOutcome[]);
    return;
  }
  hashLater(toRead, (read) => {
    const outcomes = [...observed.known] as HashOutcome[];
    toRead.forEach((entry, at) => {
      outcomes[entry.index] = read[at] ?? { problem: 'unreadable' };
    });
    conclude(outcomes);
  });
}

/**
 * The loads a module loaded by this call is loaded from: its own file; else, for weights passed
 * as arrays (`loadWeights(entries)`), the loads that returned them, or this call alone when no
 * traced load did (their source is unknown, but the module was loaded here).
 */
function loadSources(file: ModelSource | undefined, args: readonly unknown[], sequence: number): ModelSource[] {
  if (file !== undefined) return [file];
  const sources = sourcesOf(args);
  return sources.length > 0 ? sources : [new ModelSource(sequence, undefined)];
}

/** An alert for a load whose files are not all listed (saves and loads with no list are not checked). */
function checkAllowed(policy: ModelPolicy | undefined, link: CallLink, settings: RedactionSettings, named: NamedFiles | undefined, outcomes: readonly HashOutcome[]): void {
  if (policy === undefined || named === undefined) return;
  const verdict = verdictOf(policy, named, outcomes);
  if (verdict === undefined) return;
  // Enforce mode checked these files before the call: one that fails now changed since.
  const reason = policy.mode === 'enforce' ? `${verdict.reason}; the load was not refused: the file changed after it was checked` : verdict.reason;
  recordNotAllowed(link, fileIdentity(named, outcomes, settings, (index) => verdict.refused[index] === true), reason, false);
}
