export { configure, flushAuditLog, auditStats, type AuditOptions, type AuditStats } from './configure.js';
export type { PathPolicy } from './settings.js';
export { auditEvent, INVALID_ACTION, type AuditEventFields } from './audit-event.js';
export type { Environment } from './environment.js';
export {
  withAuditContext,
  currentAuditContext,
  auditHttpHandler,
  pseudonymize,
  type AuditContext,
  type AuditHttpHandlerOptions,
  type RequestWithSocket,
} from './context.js';
export type { AuditSink, AuditBatch, AuditEvent } from './sinks/sink.js';
export { stderrSink } from './sinks/stderr.js';
export { fileSink, type FileSinkOptions } from './sinks/file.js';
export type { SealOptions } from './trail/seal-options.js';
export { pinoSink, type PinoLikeLogger } from './sinks/pino.js';
export { otelLogsSink, type OtelLogsApi, type OtelLogsSinkOptions, type OtelLogRecord } from './sinks/otel-logs.js';
export { functionSink } from './sinks/function.js';
export { summarizeValue, summarizeTensor } from './summarizers.js';
export type { TensorSummary } from './tensor.js';
export { confidenceSummary, CONFIDENCE_BUCKETS, type ConfidenceSummary } from './confidence.js';
export { RESOURCES_ACTION } from './resource-gauges/sampler.js';
export type { ResourceOptions } from './resource-gauges/options.js';
export type { JsonValue } from './summary.js';
export { DROPPED_ACTION, ECS_VERSION } from './event.js';
export { ALERT_ACTION, watchTrail, type TrailWatcher, type WatchedEvent } from './watchers.js';
export { neutralizeEvent, toJsonLine } from './escape.js';
export { ModelNotAllowedError } from './model-identity/gate.js';
export { MODEL_HASHED_ACTION, MODEL_NOT_ALLOWED_ACTION, MODEL_NOT_HASHED_ACTION } from './model-identity/identity-events.js';
export { modelHashingIdle } from './model-identity/hash-queue.js';
export type { AllowedModel, ModelMode, ModelOptions } from './model-identity/options.js';
export {
  channelName,
  INSTRUMENT_MODULE,
  type AuditCallContext,
  type Site,
  type SiteArgumentRole,
  type SiteDescriptor,
  type SiteKind,
  type SiteMode,
} from './contract.js';
