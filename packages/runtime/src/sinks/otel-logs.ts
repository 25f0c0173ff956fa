import { loadOptional } from '../optional-module.js';
import type { AuditEvent, AuditSink } from './sink.js';

/** The part of `@opentelemetry/api-logs` the sink uses. */
export interface OtelLogsApi {
  readonly logs: {
    getLogger(name: string, version?: string): { emit(record: OtelLogRecord): void };
  };
}

/** A log record as `@opentelemetry/api-logs` defines it (the fields the sink sets). */
export interface OtelLogRecord {
  eventName: string;
  timestamp: number;
  severityNumber: number;
  severityText: string;
  attributes: Record<string, AuditEvent[string]>;
}

export interface OtelLogsSinkOptions {
  /** The API module, when the application prefers to pass its own import (default: loaded lazily). */
  readonly api?: OtelLogsApi;
  /** The instrumentation scope name (default `mlx-audit`). */
  readonly loggerName?: string;
}

// SeverityNumber INFO, WARN and ERROR of the OpenTelemetry log data model.
const SEVERITY: Readonly<Record<string, readonly [number, string]>> = {
  info: [9, 'INFO'],
  warn: [13, 'WARN'],
  error: [17, 'ERROR'],
};

/**
 * Emits each event through the OpenTelemetry logs API, the fields as attributes. The API is a
 * no-op until the application registers an SDK LoggerProvider (with an OTLP exporter, say), and
 * the logger is asked for on every batch so one registered later is picked up.
 */
export function otelLogsSink(options: OtelLogsSinkOptions = {}): AuditSink {
  const loggerName = options.loggerName ?? 'mlx-audit';
  let api = options.api;
  return {
    name: 'otel',
    write(batch) {
      api ??= asLogsApi(loadOptional('@opentelemetry/api-logs'));
      const logger = api.logs.getLogger(loggerName);
      for (const event of batch.events) logger.emit(toLogRecord(event));
    },
  };
}

function toLogRecord(event: AuditEvent): OtelLogRecord {
  const { '@timestamp': timestamp, ...attributes } = event;
  const level = event['log.level'];
  const action = event['event.action'];
  const [severityNumber, severityText] = (typeof level === 'string' ? SEVERITY[level] : undefined) ?? [9, 'INFO'];
  return {
    eventName: typeof action === 'string' ? action : 'mlx-audit',
    timestamp: typeof timestamp === 'string' ? Date.parse(timestamp) : Date.now(),
    severityNumber,
    severityText,
    attributes,
  };
}

function asLogsApi(module: unknown): OtelLogsApi {
  if (typeof module === 'object' && module !== null && 'logs' in module) {
    const { logs } = module;
    if (typeof logs === 'object' && logs !== null && 'getLogger' in logs && typeof logs.getLogger === 'function') {
      return module as OtelLogsApi;
    }
  }
  throw new Error('@opentelemetry/api-logs is not installed where the runtime can load it; install it or pass { api }');
}
