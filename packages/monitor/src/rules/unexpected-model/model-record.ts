import { INVALID_ACTION, MODEL_HASHED_ACTION, MODEL_NOT_ALLOWED_ACTION, type AuditEvent, type JsonValue } from '@mlx-audit/runtime';
import { count, RUNTIME_ACTION_PREFIX, text } from '../../fields.js';
import type { EventInterest } from '../../rule.js';
import { normalisedPath } from './options.js';

// What the trail says of a model load, read from any of the records that speak of one:
// - the load's own event: an instrumented call of kind `model-load` (`file.path` from its path
//   argument, `mlx.args` with the path's summary), or the application's `auditEvent` with kind
//   `model-load` (`mlx.source`, and `url.domain` for a URL);
// - `mlx-audit.model-hashed`, the runtime's follow-up with the hashes it read after the call,
//   linked by `mlx.load.sequence` to the load's `event.sequence`;
// - `mlx-audit.model-not-allowed`, the runtime's alert for a load its own allow-list did not allow.
// A load's hash is on exactly one of its records in the runtime's trails: on its event when the
// file was hashed before (a reload, enforce mode), else on the follow-up.

const SHA256 = /^[0-9a-f]{64}$/i;
/** What `locate` in the runtime takes for a URL: a scheme of two characters or more (one is a drive). */
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]+:/;
/** `mlx.files` entries read per record: the runtime lists 256 at most. */
const MAX_FILES = 256;

export type ModelRecordKind = 'load' | 'hashed' | 'not-allowed';

/** Where a load's model comes from, as the trail shows it. */
export interface ModelSource {
  /** From a URL (`url.domain`, or a path that is a URL). */
  readonly remote: boolean;
  /** The path or URL as shown: in full, as the file's name alone (paths policy `basename`), or not at all (`hash`). */
  readonly shown: string | undefined;
  readonly domain: string | undefined;
  /** The runtime's keyed digest of a path it does not show (paths policy `hash` with a key). */
  readonly digest: string | undefined;
  /** What keeps one model's state apart from another's: the normalised path, else the digest or URL; undefined when nothing names it. */
  readonly key: string | undefined;
}

/** A file of a load with its SHA-256. */
export interface HashedFile {
  /** Its path as shown, if the record shows one. */
  readonly path: string | undefined;
  /** Which file of the load it is: undefined for the load's one file (`file.hash.sha256`), else its `mlx.files` path or index. */
  readonly member: string | undefined;
  readonly sha256: string;
}

export interface ModelRecord {
  readonly kind: ModelRecordKind;
  /** The `event.sequence` of the load the record is about. */
  readonly loadSequence: number | undefined;
  /** Undefined for a load that names no path or URL (weights passed as arrays). */
  readonly source: ModelSource | undefined;
  readonly files: readonly HashedFile[];
  readonly failed: boolean;
}

/** The events `modelRecord` reads: every record of a load has the kind `model-load`. */
export const MODEL_RECORDS: EventInterest = { kinds: ['model-load'] };

/** The model load an event is, or is about; undefined for any other event. */
export function modelRecord(event: AuditEvent): ModelRecord | undefined {
  if (text(event, 'mlx.kind') !== 'model-load') return undefined;
  const action = text(event, 'event.action') ?? '';
  const kind: ModelRecordKind | undefined =
    action === MODEL_HASHED_ACTION ? 'hashed' : action === MODEL_NOT_ALLOWED_ACTION ? 'not-allowed' : !action.startsWith(RUNTIME_ACTION_PREFIX) || action === INVALID_ACTION ? 'load' : undefined;
  if (kind === undefined) return undefined;
  return {
    kind,
    loadSequence: count(event, kind === 'load' ? 'event.sequence' : 'mlx.load.sequence'),
    source: sourceOf(event),
    files: hashedFiles(event),
    failed: text(event, 'event.outcome') === 'failure',
  };
}

function sourceOf(event: AuditEvent): ModelSource | undefined {
  const summary = pathSummary(event);
  const shown = text(event, 'file.path') ?? (typeof summary?.path === 'string' ? summary.path : undefined);
  const digest = typeof summary?.hmac === 'string' ? summary.hmac : undefined;
  const remoteShown = shown !== undefined && URL_LIKE.test(shown) && !/^file:/i.test(shown);
  const domain = text(event, 'url.domain') ?? (remoteShown ? hostOf(shown) : undefined);
  if (shown === undefined && summary === undefined && domain === undefined) return undefined;
  const remote = domain !== undefined || remoteShown;
  const key = shown !== undefined ? (remote ? shown : normalisedPath(shown)) : digest !== undefined ? `hmac:${digest}` : domain === undefined ? undefined : `host:${domain}`;
  return { remote, shown, domain, digest, key };
}

/** The summary of the load's path argument (`mlx.args` of a call) or of its source (`mlx.source` of an `auditEvent`). */
function pathSummary(event: AuditEvent): Readonly<Record<string, JsonValue>> | undefined {
  const source = event['mlx.source'];
  if (isPathSummary(source)) return source;
  const args = event['mlx.args'];
  return Array.isArray(args) ? args.find(isPathSummary) : undefined;
}

function isPathSummary(value: JsonValue | undefined): value is Readonly<Record<string, JsonValue>> {
  return isObject(value) && value.type === 'path';
}

/** A JSON object (`Array.isArray` does not narrow a readonly array away). */
function isObject(value: JsonValue | undefined): value is Readonly<Record<string, JsonValue>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hostOf(url: string): string | undefined {
  try {
    const { hostname } = new URL(url);
    return hostname === '' ? undefined : hostname;
  } catch {
    return undefined;
  }
}

/** `file.hash.sha256` of a load of one file, else each hashed file of `mlx.files` (files that could not be hashed have none). */
function hashedFiles(event: AuditEvent): HashedFile[] {
  const sha256 = text(event, 'file.hash.sha256');
  if (sha256 !== undefined && SHA256.test(sha256)) return [{ path: text(event, 'file.path'), member: undefined, sha256: sha256.toLowerCase() }];
  const files = event['mlx.files'];
  if (!Array.isArray(files)) return [];
  return files.slice(0, MAX_FILES).flatMap((file: JsonValue, index): HashedFile[] => {
    if (!isObject(file)) return [];
    const { path, sha256: hash } = file;
    if (typeof hash !== 'string' || !SHA256.test(hash)) return [];
    const shown = typeof path === 'string' ? path : undefined;
    return [{ path: shown, member: shown ?? `#${index}`, sha256: hash.toLowerCase() }];
  });
}
