import type { Site } from './contract.js';
import { sanitizeErrorMessage, type CapturedError } from './errors.js';
import { pathAsShown, renderSummary } from './render.js';
import type { RedactionSettings } from './settings.js';
import type { AuditEvent } from './sinks/sink.js';
import { PendingPath, type JsonValue, type Summary } from './summary.js';

/** Who and what an event belongs to: the request context and the active span, when there are. */
export interface Correlation {
  readonly requestId: string | undefined;
  readonly clientId: string | undefined;
  readonly traceId: string | undefined;
  readonly spanId: string | undefined;
}

/** What the hot path records of one call; everything here is already a summary. */
export interface CallRecord extends Correlation {
  readonly site: Site;
  readonly sequence: number;
  /** `performance.now()` at the start and at the end of the call (settlement, for a promise). */
  readonly startTime: number;
  readonly endTime: number;
  readonly failed: boolean;
  readonly receiver: Summary | undefined;
  readonly args: readonly Summary[];
  readonly result: Summary | undefined;
  readonly error: CapturedError | undefined;
}

/** An event the application records itself (`auditEvent`); everything here is already a summary. */
export interface ManualRecord extends Correlation {
  readonly action: string;
  readonly kind: string | undefined;
  readonly sequence: number;
  /** `performance.now()` when it was recorded. */
  readonly time: number;
  readonly outcome: 'success' | 'failure' | 'unknown';
  /** The model's source: a path, or a URL already stripped of credentials, query and fragment. */
  readonly source: PendingPath | undefined;
  readonly sourceDomain: string | undefined;
  readonly data: Summary | undefined;
  readonly error: CapturedError | undefined;
}

export const ECS_VERSION = '8.11.0';
export const DROPPED_ACTION = 'mlx-audit.dropped';

/** ECS `event.category` and `event.type` per kind (ECS allows these pairs for `api`, `file`, `configuration`). */
const ECS_CLASSIFICATION: Readonly<Record<string, readonly [category: string, type: string]>> = {
  'model-load': ['file', 'access'],
  'model-save': ['file', 'creation'],
  inference: ['api', 'access'],
  'layer-composition': ['api', 'access'],
  evaluation: ['api', 'info'],
  transform: ['api', 'creation'],
  'training-update': ['api', 'change'],
  'tensor-creation': ['api', 'creation'],
  'tensor-operation': ['api', 'access'],
  'data-extraction': ['api', 'access'],
  metadata: ['api', 'info'],
  'module-construction': ['api', 'creation'],
  'module-state': ['api', 'change'],
  'runtime-config': ['configuration', 'change'],
  constant: ['api', 'info'],
  utility: ['api', 'info'],
};

const INFERENCE_KINDS = new Set(['inference', 'layer-composition']);
const FILE_KINDS = new Set(['model-load', 'model-save']);

/**
 * The event for one call, keys in a fixed order: ECS envelope, correlation, OpenTelemetry
 * GenAI and code attributes, then what MLX was given and returned.
 */
export function buildCallEvent(record: CallRecord, settings: RedactionSettings): AuditEvent {
  const { site, failed } = record;
  const [category, type] = ECS_CLASSIFICATION[site.kind] ?? ['api', 'access'];
  const event: Record<string, JsonValue> = {
    ...envelope(record.startTime, [category, type], site.id, failed ? 'failure' : 'success'),
    'event.duration': Math.max(0, Math.round((record.endTime - record.startTime) * 1e6)),
    'event.sequence': record.sequence,
    'process.pid': process.pid,
  };
  addCorrelation(event, record, settings);
  event['gen_ai.operation.name'] = INFERENCE_KINDS.has(site.kind) ? 'inference' : site.kind;
  event['gen_ai.provider.name'] = 'mlx';
  event['code.filepath'] = site.file;
  event['code.lineno'] = site.line;
  event['code.column'] = site.column;
  if (site.fn !== null) event['code.function'] = site.fn;
  event['mlx.kind'] = site.kind;
  event['mlx.binding'] = site.id;
  event['mlx.callee'] = site.callee;
  if (record.receiver !== undefined) event['mlx.receiver'] = renderSummary(record.receiver, settings);
  event['mlx.args'] = record.args.map((summary) => renderSummary(summary, settings));
  if (record.result !== undefined) event['mlx.result'] = renderSummary(record.result, settings);
  const lazy = lazinessOf(site.kind, record.result);
  if (lazy !== undefined) event['mlx.lazy'] = lazy;
  const filePath = FILE_KINDS.has(site.kind) ? firstPath(record.args, settings) : undefined;
  if (filePath !== undefined) event['file.path'] = filePath;
  if (record.error !== undefined) {
    event['error.type'] = record.error.type;
    if (record.error.message !== undefined) event['error.message'] = sanitizeErrorMessage(record.error.message);
  }
  return event;
}

/** The event for an `auditEvent` call: the same envelope, correlation and redaction as a call's. */
export function buildManualEvent(record: ManualRecord, settings: RedactionSettings): AuditEvent {
  const classification = (record.kind === undefined ? undefined : ECS_CLASSIFICATION[record.kind]) ?? ['api', 'info'];
  const event: Record<string, JsonValue> = {
    ...envelope(record.time, classification, record.action, record.outcome),
    'event.sequence': record.sequence,
    'process.pid': process.pid,
  };
  addCorrelation(event, record, settings);
  if (record.kind !== undefined) event['mlx.kind'] = record.kind;
  if (record.source !== undefined) {
    event['mlx.source'] = renderSummary(record.source, settings);
    if (record.sourceDomain !== undefined) event['url.domain'] = record.sourceDomain;
    else {
      const filePath = pathAsShown(record.source.path, settings);
      if (filePath !== undefined) event['file.path'] = filePath;
    }
  }
  if (record.data !== undefined) event['mlx.data'] = renderSummary(record.data, settings);
  if (record.error !== undefined) {
    event['error.type'] = record.error.type;
    if (record.error.message !== undefined) event['error.message'] = sanitizeErrorMessage(record.error.message);
  }
  return event;
}

/** The ECS keys every event starts with; a failure is an error by level and by type. */
function envelope(time: number, [category, type]: readonly [string, string], action: string, outcome: string): Record<string, JsonValue> {
  const failed = outcome === 'failure';
  return {
    '@timestamp': isoTime(time),
    'ecs.version': ECS_VERSION,
    'log.level': failed ? 'error' : 'info',
    'event.kind': 'event',
    'event.category': [category],
    'event.type': failed ? [type, 'error'] : [type],
    'event.action': action,
    'event.outcome': outcome,
  };
}

function addCorrelation(event: Record<string, JsonValue>, record: Correlation, settings: RedactionSettings): void {
  if (settings.serviceName !== undefined) event['service.name'] = settings.serviceName;
  if (record.requestId !== undefined) event['request.id'] = record.requestId;
  if (record.clientId !== undefined) event['client.id'] = record.clientId;
  if (record.traceId !== undefined) event['trace.id'] = record.traceId;
  if (record.spanId !== undefined) event['span.id'] = record.spanId;
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
    'process.pid': process.pid,
    count,
  };
}

// Formatting a date costs microseconds and events come in bursts: reuse the string within a millisecond.
let lastMillisecond = Number.NaN;
let lastIsoTime = '';

function isoTime(performanceTime: number): string {
  const millisecond = Math.floor(performance.timeOrigin + performanceTime);
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
function lazinessOf(kind: string, result: Summary | undefined): boolean | undefined {
  if (kind === 'evaluation') return false;
  return holdsTensors(result) ? true : undefined;
}

function holdsTensors(summary: Summary | undefined): boolean {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return false;
  const type = (summary as Readonly<Record<string, Summary>>).type;
  return type === 'tensor' || type === 'tensors' || type === 'weights';
}

function firstPath(args: readonly Summary[], settings: RedactionSettings): string | undefined {
  const path = args.find((summary) => summary instanceof PendingPath);
  return path === undefined ? undefined : pathAsShown(path.path, settings);
}
