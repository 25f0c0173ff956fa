import type { JsonValue } from '../summary.js';

/**
 * One audit event: flat, dotted ECS and OpenTelemetry keys (`event.action`, `code.lineno`,
 * `mlx.args`...), values that JSON can hold. See the README for every field.
 */
export type AuditEvent = Readonly<Record<string, JsonValue>>;

/** The events of one drain of the buffer, in the two forms sinks consume. */
export interface AuditBatch {
  /** The events, every string (keys included) with control characters written out as `\uXXXX`. */
  readonly events: readonly AuditEvent[];
  /** The same events as JSON lines, each ending in `\n`, with control characters JSON-escaped. */
  readonly lines: readonly string[];
}

/**
 * Where events go. `write` runs off the hot path, once per drain; it may throw, which the runtime
 * counts as a failure of this sink and reports once on stderr: nothing reaches the application.
 */
export interface AuditSink {
  /** Names the sink in failure reports and in `auditStats().sinkFailures`. */
  readonly name: string;
  write(batch: AuditBatch): void;
  /** Releases what the sink holds (a file descriptor) when a new configuration drops it. */
  close?(): void;
}
