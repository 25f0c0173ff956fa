import { COMPUTING_KINDS, ecsClassification, FILE_KINDS, FORWARD_PASS_KINDS } from './catalogue-tables.js';
import type { Site } from './contract.js';
import type { ErrorSummary } from './errors.js';
import type { FileIdentity, IdentityEventFields, ModelFields } from './model-identity/fields.js';
import type { RedactionSettings } from './settings.js';
import type { AuditEvent } from './sinks/sink.js';
import type { JsonValue, Summary } from './summary.js';

/** Who and what an event belongs to: the request context and the active span, when there are. */
export interface Correlation {
  readonly requestId: string | undefined;
  readonly clientId: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/** What the hot path records of one call; everything here is already a summary, redacted. */
export interface CallRecord extends Correlation {
  readonly site: Site;
  readonly sequence: number;
  /** `performance.now()` at the start and at the end of the call (settlement, for a promise). */
  readonly startTime: number;
  readonly endTime: number;
  readonly failed: boolean;
  /** `training` for a forward pass of a training step, by its site or its training scope (`CallContext.phase`). */
  readonly phase: 'training' | undefined;
  readonly receiver: Summary | undefined;
  readonly args: readonly Summary[];
  readonly result: Summary | undefined;
  readonly error: ErrorSummary | undefined;
  /** A model load's or save's files, when their hashes were known as it was recorded (model-identity/). */
  readonly files: FileIdentity | undefined;
  /** The model a module was last loaded from, for a call on that module (model-identity/). */
  readonly model: ModelFields | undefined;
  /** Its estimated size, counted against the buffer's byte budget (pipeline.ts). */
  readonly bytes: number;
}

/** An event the application records itself (`auditEvent`); everything here is already a summary. */
export interface ManualRecord extends Correlation {
  readonly action: string;
  readonly kind: string | undefined;
  readonly sequence: number;
  /** `performance.now()` when it was recorded. */
  readonly time: number;
  readonly outcome: 'success' | 'failure' | 'unknown';
  /** The model's source, summarised as a path argument is (a URL without credentials, query and fragment). */
  readonly source: Summary | undefined;
  readonly sourceDomain: string | undefined;
  /** `file.path`: a local source as the path policy shows it. */
  readonly filePath: string | undefined;
  readonly data: Summary | undefined;
  readonly error: ErrorSummary | undefined;
  /** Set on the runtime's own model-identity events (hashed, not hashed, not allowed); undefined for `auditEvent`. */
  readonly identity: IdentityEventFields | undefined;
  readonly bytes: number;
}

export const ECS_VERSION = '8.11.0';
export const DROPPED_ACTION = 'mlx-audit.dropped';

const DEFAULT_CLASSIFICATION = ['api', 'access'] as const;
const MANUAL_CLASSIFICATION = ['api', 'info'] as const;
const PID = process.pid;

/**
 * An event as the builders make it: every key present, in its fixed order, and `undefined` where
 * the event has no such field. JSON leaves those out; `neutralizeValue` drops them for object sinks.
 */
export type EventDraft = Readonly<Record<string, JsonValue | undefined>>;

// Events are built as one object literal each: V8 makes an object that receives its (dotted) keys
// one by one, or a spread and then more keys, a slow dictionary, at tens of microseconds an event.

/**
 * The event for one call, keys in a fixed order: ECS envelope, correlation, OpenTelemetry
 * GenAI and code attributes, then what MLX was given and returned.
 */
export function buildCallEvent(record: CallRecord, settings: RedactionSettings): EventDraft {
  const { site, failed, error } = record;
  const [category, type] = ecsClassification(site.kind) ?? DEFAULT_CLASSIFICATION;
  return {
    '@timestamp': isoTime(record.startTime),
    'ecs.version': ECS_VERSION,
    'log.level': failed ? 'error' : 'info',
    'event.kind': 'event',
    'event.category': [category],
    'event.type': failed ? [type, 'error'] : [type],
    'event.action': site.id,
    'event.outcome': failed ? 'failure' : 'success',
    'event.duration': durationOf(record),
    'event.sequence': record.sequence,
    'process.pid': PID,
    'service.name': settings.serviceName,
    'request.id': record.requestId,
    'client.id': record.clientId,
    'trace.id': record.traceId,
    'span.id': record.spanId,
    'gen_ai.operation.name': operationName(record),
    'gen_ai.provider.name': 'mlx',
    'code.filepath': site.file,
    'code.lineno': site.line,
    'code.column': site.column,
    'code.function': site.fn ?? undefined,
    'mlx.kind': site.kind,
    'mlx.phase': record.phase,
    'mlx.binding': site.id,
    'mlx.callee': site.callee,
    'mlx.receiver': record.receiver,
    'mlx.args': record.args,
    'mlx.result': record.result,
    'mlx.lazy': lazinessOf(site.kind, record.result),
    'file.path': filePathOf(record),
    'file.hash.sha256': record.files?.sha256,
    'file.size': record.files?.size,
    'mlx.files': record.files?.files,
    'mlx.model.sha256': record.model?.sha256,
    'mlx.model.load_sequence': record.model?.loadSequence,
    'error.type': error?.type,
    'error.code': error?.code,
    'error.message': error?.message,
    'mlx.error.message_length': error?.length,
  };
}

/**
 * `gen_ai.operation.name`: `training` for a forward pass of a training step (found in training
 * code, or run in a training scope), `inference` for any other forward pass (a request, or a
 * layer of a model in one), else the kind.
 */
function operationName(record: CallRecord): string {
  if (record.phase === 'training') return 'training';
  return FORWARD_PASS_KINDS.has(record.site.kind) ? 'inference' : record.site.kind;
}

// The fields below are computed by these helpers, shared with the line writer (line.ts), so the
// event and its line cannot drift apart.

/** `event.duration`: nanoseconds, from the record's `performance.now()` readings. */
export function durationOf(record: CallRecord): number {
  return Math.max(0, Math.round((record.endTime - record.startTime) * 1e6));
}

/** `file.path` of a model load or save: its first path argument, as the policy showed it when recorded. */
export function filePathOf(record: CallRecord): string | undefined {
  return FILE_KINDS.has(record.site.kind) ? firstPath(record.args) : undefined;
}

/** The event for an `auditEvent` call: the same envelope, correlation and redaction as a call's. */
export function buildManualEvent(record: ManualRecord, settings: RedactionSettings): EventDraft {
  const [category, type] = (record.kind === undefined ? undefined : ecsClassification(record.kind)) ?? MANUAL_CLASSIFICATION;
  const { source, error, identity } = record;
  const failed = record.outcome === 'failure';
  return {
    '@timestamp': isoTime(record.time),
    'ecs.version': ECS_VERSION,
    'log.level': identity?.level ?? (failed ? 'error' : 'info'),
    'event.kind': identity?.alert === true ? 'alert' : 'event',
    'event.category': [category],
    'event.type': identity?.type ?? (failed ? [type, 'error'] : [type]),
    'event.action': record.action,
    'event.outcome': record.outcome,
    'event.reason': identity?.reason,
    'event.sequence': record.sequence,
    'process.pid': PID,
    'service.name': settings.serviceName,
    'request.id': record.requestId,
    'client.id': record.clientId,
    'trace.id': record.traceId,
    'span.id': record.spanId,
    'mlx.kind': record.kind,
    'mlx.source': source,
    'url.domain': record.sourceDomain,
    'file.path': record.filePath,
    'file.hash.sha256': identity?.file?.sha256,
    'file.size': identity?.file?.size,
    'mlx.files': identity?.file?.files,
    'mlx.load.sequence': identity?.loadSequence,
    'mlx.save.sequence': identity?.saveSequence,
    'mlx.data': record.data,
    'error.type': error?.type,
    'error.code': error?.code,
    'error.message': error?.message,
    'mlx.error.message_length': error?.length,
  };
}

/** The record that says how many events the full buffer turned away since the last one. */
export function buildDroppedEvent(count: number, sequence: number): AuditEvent {
  return {
    '@timestamp': new Date().toISOString(),
    'ecs.version': ECS_VERSION,
    'log.level': 'warn',
    'event.kind': 'event',
    'event.category': ['process'],
    'event.type': ['info'],
    'event.action': DROPPED_ACTION,
    'event.outcome': 'unknown',
    'event.sequence': sequence,
    'process.pid': PID,
    count,
  };
}

// Formatting a date costs microseconds and events come in bursts: reuse the string within a millisecond.
let lastMillisecond = Number.NaN;
let lastIsoTime = '';
// Constant for the process, but a getter each time it is read.
const TIME_ORIGIN = performance.timeOrigin;

/** `@timestamp`: the ISO date of a `performance.now()` reading. */
export function isoTime(performanceTime: number): string {
  const millisecond = Math.floor(TIME_ORIGIN + performanceTime);
  if (millisecond !== lastMillisecond) {
    lastMillisecond = millisecond;
    lastIsoTime = new Date(millisecond).toISOString();
  }
  return lastIsoTime;
}

/**
 * MLX builds a graph and computes only when asked (`eval`, `item`...): a call that returns
 * tensors measured graph building, not compute (`true`); an evaluation measured compute (`false`).
 */
export function lazinessOf(kind: string, result: Summary | undefined): boolean | undefined {
  if (COMPUTING_KINDS.has(kind)) return false;
  return holdsTensors(result) ? true : undefined;
}

function holdsTensors(summary: Summary | undefined): boolean {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return false;
  const type = (summary as Readonly<Record<string, Summary>>).type;
  return type === 'tensor' || type === 'tensors' || type === 'weights';
}

function firstPath(args: readonly Summary[]): string | undefined {
  for (const summary of args) {
    if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) continue;
    const { type, path } = summary as Readonly<Record<string, Summary>>;
    if (type === 'path') return typeof path === 'string' ? path : undefined;
  }
  return undefined;
}
