import type { Correlation } from '../event.js';
import { admit, enqueue, hasSinks, nextSequence, recordBytes } from '../pipeline.js';
import type { FileIdentity, IdentityEventFields } from './fields.js';

// The runtime's own events about a model file, each linked to the call it is about by that call's
// `event.sequence` (`mlx.load.sequence` or `mlx.save.sequence`), with its request context and its
// `file.path` as the path policy showed it. Audit records: kept when the buffer is full.

export const MODEL_HASHED_ACTION = 'mlx-audit.model-hashed';
export const MODEL_NOT_HASHED_ACTION = 'mlx-audit.model-not-hashed';
export const MODEL_NOT_ALLOWED_ACTION = 'mlx-audit.model-not-allowed';

/** The call an identity event is about. */
export interface CallLink {
  readonly kind: 'model-load' | 'model-save';
  readonly sequence: number;
  readonly correlation: Correlation;
  /** `file.path` of the call's event. */
  readonly filePath: string | undefined;
}

/** The hashes that came after the call (`mlx-audit.model-hashed`), or why some did not (`…-not-hashed`). */
export function recordHashed(link: CallLink, file: FileIdentity, problem: string | undefined): void {
  record(problem === undefined ? MODEL_HASHED_ACTION : MODEL_NOT_HASHED_ACTION, problem === undefined ? 'success' : 'failure', link, {
    alert: false,
    level: problem === undefined ? 'info' : 'warn',
    type: problem === undefined ? ['info'] : ['info', 'error'],
    reason: problem,
    file,
  });
}

/**
 * An alert: the call's files are not all in the allow-list. `refused`: the load did not run
 * (enforce mode, `event.type` denied, outcome failure); else it ran (allowed, outcome success).
 */
export function recordNotAllowed(link: CallLink, file: FileIdentity, reason: string, refused: boolean): void {
  record(MODEL_NOT_ALLOWED_ACTION, refused ? 'failure' : 'success', link, {
    alert: true,
    level: refused ? 'error' : 'warn',
    type: ['access', refused ? 'denied' : 'allowed'],
    reason,
    file,
  });
}

function record(action: string, outcome: 'success' | 'failure', link: CallLink, fields: Omit<IdentityEventFields, 'loadSequence' | 'saveSequence'>): void {
  if (!hasSinks()) return;
  const bytes = recordBytes(2 + (fields.file?.files?.length ?? 0));
  if (!admit(true, bytes)) return;
  const { correlation } = link;
  enqueue({
    action,
    kind: link.kind,
    sequence: nextSequence(),
    time: performance.now(),
    outcome,
    source: undefined,
    sourceDomain: undefined,
    filePath: link.filePath,
    data: undefined,
    error: undefined,
    identity: {
      ...fields,
      loadSequence: link.kind === 'model-load' ? link.sequence : undefined,
      saveSequence: link.kind === 'model-save' ? link.sequence : undefined,
    },
    bytes,
    requestId: correlation.requestId,
    clientId: correlation.clientId,
    traceId: correlation.traceId,
    spanId: correlation.spanId,
  });
}
