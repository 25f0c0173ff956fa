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
  type RequestWithSocket,
} from './context.js';
export type { AuditSink, AuditBatch, AuditEvent } from './sinks/sink.js';
export { stderrSink } from './sinks/stderr.js';
export { fileSink, type FileSinkOptions } from './sinks/file.js';
export { pinoSink, type PinoLikeLogger } from './sinks/pino.js';
export { otelLogsSink, type OtelLogsApi, type OtelLogsSinkOptions, type OtelLogRecord } from './sinks/otel-logs.js';
export { functionSink } from './sinks/function.js';
export { summarizeValue, summarizeTensor } from './summarizers.js';
export type { TensorSummary } from './tensor.js';
export type { JsonValue } from './summary.js';
export { DROPPED_ACTION, ECS_VERSION } from './event.js';
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
