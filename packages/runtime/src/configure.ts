import { sinkFailureCounts } from './dispatch.js';
import { settingsFromEnvironment, sinksFromEnvironment, type Environment } from './environment.js';
import { installExitHooks } from './exit-hooks.js';
import { reportOnce, reportToOperator } from './internal-report.js';
import { flushPipeline, pipelineStats, setPipeline, type PipelineStats } from './pipeline.js';
import { setRecording } from './recorder.js';
import { setRedactionSettings, type PathPolicy } from './settings.js';
import type { AuditSink } from './sinks/sink.js';

/** Options of `configure()`; each one left out comes from its `MLX_AUDIT_*` variable, then the default. */
export interface AuditOptions {
  /** Where events go; `[]` turns recording off (nothing subscribes). Default: `MLX_AUDIT_SINK`, else stderr. */
  readonly sinks?: readonly AuditSink[];
  /** Key for the HMAC digests of strings, paths and client ids; `null` for none. Default: `MLX_AUDIT_HMAC_KEY`. */
  readonly hmacKey?: string | Uint8Array | null;
  /** How path arguments appear: as given, basename only, or a keyed digest. Default: `MLX_AUDIT_PATHS`, else `full`. */
  readonly paths?: PathPolicy;
  /** Records the buffer holds before routine events are dropped. Default: `MLX_AUDIT_BUFFER_SIZE`, else 16384. */
  readonly bufferSize?: number;
  /** `service.name` on every event. Default: `MLX_AUDIT_SERVICE_NAME`, else `OTEL_SERVICE_NAME`. */
  readonly serviceName?: string;
  /** Flush at exit, on SIGINT/SIGTERM and on an uncaught exception (default true). */
  readonly exitHooks?: boolean;
  /** Where the `MLX_AUDIT_*` variables are read (default `process.env`). */
  readonly env?: Environment;
}

let configured = false;
let activeSinks: readonly AuditSink[] = [];

/**
 * Sets where events go and how they are redacted. Call it once at start-up, before the first
 * MLX call; calling it again flushes what is buffered to the previous sinks, closes the sinks
 * the new configuration drops and takes effect for the next call. Throws a TypeError for an
 * invalid option (a programming error); invalid variables are reported on stderr and ignored.
 */
export function configure(options: AuditOptions = {}): void {
  const env = options.env ?? process.env;
  const fromEnvironment = settingsFromEnvironment(env);
  const sinks = options.sinks ?? sinksFromEnvironment(env);
  const paths = options.paths ?? fromEnvironment.paths;
  const bufferSize = options.bufferSize ?? fromEnvironment.bufferSize;
  if (!['full', 'basename', 'hash'].includes(paths)) throw new TypeError(`mlx-audit: paths must be 'full', 'basename' or 'hash'`);
  if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) throw new TypeError('mlx-audit: bufferSize must be a positive integer');

  flushAuditLog();
  configured = true;
  for (const sink of activeSinks) {
    if (!sinks.includes(sink)) closeSink(sink);
  }
  activeSinks = [...sinks];

  const hmacKey = options.hmacKey !== undefined ? options.hmacKey : fromEnvironment.hmacKey;
  setRedactionSettings({ hmacKey, paths, serviceName: options.serviceName ?? fromEnvironment.serviceName });
  if (paths === 'hash' && (hmacKey === null || hmacKey.length === 0)) {
    reportOnce('hash-without-key', "paths 'hash' needs an HMAC key (MLX_AUDIT_HMAC_KEY); path arguments will show their length only");
  }
  setPipeline({ sinks: activeSinks, capacity: bufferSize });
  setRecording(activeSinks.length > 0);
  if (activeSinks.length > 0 && options.exitHooks !== false) installExitHooks(flushAuditLog);
}

/** Configures from the environment alone, unless `configure()` already ran (what `./instrument` does on load). */
export function ensureConfigured(): void {
  if (!configured) configure();
}

/** Writes every buffered event now, synchronously. Never throws. */
export function flushAuditLog(): void {
  try {
    flushPipeline();
  } catch (error) {
    reportOnce('flush', `flushing failed: ${String(error)}`);
  }
}

export interface AuditStats extends PipelineStats {
  /** Failed writes per sink name. */
  readonly sinkFailures: Readonly<Record<string, number>>;
}

/** Counters of the pipeline, for health checks and tests. */
export function auditStats(): AuditStats {
  return { ...pipelineStats(), sinkFailures: sinkFailureCounts() };
}

function closeSink(sink: AuditSink): void {
  try {
    sink.close?.();
  } catch (error) {
    reportToOperator(`closing the ${sink.name} sink failed: ${String(error)}`);
  }
}
