import { sinkFailureCounts } from './dispatch.js';
import { settingsFromEnvironment, sinksFromEnvironment, type Environment } from './environment.js';
import { installExitHooks } from './exit-hooks.js';
import { reportOnce, reportToOperator } from './internal-report.js';
import { settlePendingHashes } from './model-identity/hash-queue.js';
import { checkModelOptions, type ModelOptions } from './model-identity/options.js';
import { modelPolicyFrom, setModelPolicy } from './model-identity/policy.js';
import { flushPipeline, pipelineStats, setPipeline, type PipelineStats } from './pipeline.js';
import { setRecording } from './recorder.js';
import { checkResourceOption, resourceIntervalFor, type ResourceOptions } from './resource-gauges/options.js';
import { setResourceSampling, stopResourceSampling } from './resource-gauges/sampler.js';
import {
  ERROR_MESSAGE_POLICIES,
  hmacKeyFrom,
  MAX_NAME_LENGTH,
  PATH_POLICIES,
  setRedactionSettings,
  type ErrorMessagePolicy,
  type PathPolicy,
  type RedactionSettings,
} from './settings.js';
import type { AuditSink } from './sinks/sink.js';
import { settleFileWrites } from './sinks/writer-thread/writer-host.js';
import { describeThrown, sinkName } from './describe-thrown.js';
import { announceConfiguration, announceStop, type ProcessEnding } from './trail/lifecycle.js';
import { applySealing, checkSealOption, sealingFor, type SealOptions } from './trail/seal-options.js';

/** Options of `configure()`; each one left out comes from its `MLX_AUDIT_*` variable, then the default. */
export interface AuditOptions {
  /** Where events go; `[]` turns recording off (nothing subscribes). Default: `MLX_AUDIT_SINK`, else stderr. */
  readonly sinks?: readonly AuditSink[];
  /** Key (at least 16 bytes) for the HMAC digests of text arguments, paths and client ids; `null` for none. Default: `MLX_AUDIT_HMAC_KEY`. */
  readonly hmacKey?: string | Uint8Array | null;
  /** How path arguments appear: as given, basename only, or a keyed digest. Default: `MLX_AUDIT_PATHS`, else `full`. */
  readonly paths?: PathPolicy;
  /** What `error.message` shows: MLX's fixed text (`mlx`) or, in a trusted environment, the reduced message. Default: `MLX_AUDIT_ERROR_MESSAGES`, else `mlx`. */
  readonly errorMessages?: ErrorMessagePolicy;
  /** Records the buffer holds before routine events are dropped. Default: `MLX_AUDIT_BUFFER_SIZE`, else 16384. */
  readonly bufferSize?: number;
  /** Estimated bytes the buffer holds before routine events are dropped. Default: `MLX_AUDIT_BUFFER_BYTES`, else 32 MiB. */
  readonly bufferBytes?: number;
  /** `service.name` on every event. Default: `MLX_AUDIT_SERVICE_NAME`, else `OTEL_SERVICE_NAME`. */
  readonly serviceName?: string;
  /** Flush at exit, on SIGINT/SIGTERM/SIGHUP and on an uncaught exception (default true); see the README, "Flushing at exit". */
  readonly exitHooks?: boolean;
  /** Where the `MLX_AUDIT_*` variables are read (default `process.env`). */
  readonly env?: Environment;
  /**
   * The model files that may be loaded (by SHA-256) and what an unlisted one gets: an alert, or in
   * `enforce` mode a refusal before MLX reads it. Default: `MLX_AUDIT_MODELS_MANIFEST` and
   * `MLX_AUDIT_MODELS_MODE`, else no list (files are hashed, nothing is checked).
   */
  readonly models?: ModelOptions;
  /**
   * Seal the file sink's trail (README, "Tamper evidence"): `keyFile` is the host's state file
   * made by `createSealKeys`, `everyLines` the most lines a seal covers (default 1000). `null`
   * turns sealing off. Default: `MLX_AUDIT_SEAL_KEY_FILE` and `MLX_AUDIT_SEAL_EVERY_LINES`.
   */
  readonly seal?: SealOptions | null;
  /**
   * The periodic resource gauges (`mlx-audit.resources`: process memory and CPU, MLX's memory
   * counters), sampled while sinks are configured; `null` turns them off. Default:
   * `MLX_AUDIT_RESOURCES_INTERVAL_MS`, else every 60 s.
   */
  readonly resources?: ResourceOptions | null;
}

let configured = false;
let activeSinks: readonly AuditSink[] = [];

/**
 * Sets where events go and how they are redacted. Call it once at start-up, before the first
 * MLX call; calling it again flushes what is buffered to the previous sinks, closes the sinks
 * the new configuration drops and takes effect for the next call. Every option is checked before
 * anything changes: an invalid one (a programming error, an unknown option's name included)
 * throws a TypeError and leaves the configuration in force as it was. Invalid variables are
 * reported on stderr and replaced by the safest value that keeps auditing on.
 */
export function configure(options: AuditOptions = {}): void {
  const checked = checkOptions(options);
  const env = checked.env ?? process.env;
  const fromEnvironment = settingsFromEnvironment(env);
  const paths = checked.paths ?? fromEnvironment.paths;
  const key = checked.hmacKey !== undefined ? hmacKeyFrom(checked.hmacKey) : hmacKeyFrom(fromEnvironment.hmacKey);
  const settings: RedactionSettings = {
    key,
    paths,
    errorMessages: checked.errorMessages ?? fromEnvironment.errorMessages,
    serviceName: (checked.serviceName ?? fromEnvironment.serviceName)?.slice(0, MAX_NAME_LENGTH),
  };
  const sinks = checked.sinks ?? sinksFromEnvironment(env);
  const capacity = checked.bufferSize ?? fromEnvironment.bufferSize;
  const byteCapacity = checked.bufferBytes ?? fromEnvironment.bufferBytes;
  // Reads the manifest: a TypeError for the option's here, before anything changes.
  const models = modelPolicyFrom(checked.models, fromEnvironment.models);
  // Reads the seal key: an Error for the option's key file here, before anything changes.
  const seal = sealingFor(checked.seal, fromEnvironment.seal, sinks);
  const resourcesInterval = resourceIntervalFor(checked.resources, fromEnvironment.resourcesIntervalMs);

  flushAuditLog();
  configured = true;
  // The new file sink seals from its first line; the sinks dropped hear of the change before they close.
  applySealing(seal);
  announceConfiguration(activeSinks, { sinks, settings, sealEveryLines: seal.sealing?.everyLines, capacity, byteCapacity, models: models && { mode: models.mode, allowed: models.allowed.size } });
  for (const sink of activeSinks) {
    if (!sinks.includes(sink)) closeSink(sink);
  }
  activeSinks = [...sinks];
  setRedactionSettings(settings);
  setModelPolicy(models);
  if (paths === 'hash' && key === null) {
    reportOnce('hash-without-key', "paths 'hash' needs an HMAC key (MLX_AUDIT_HMAC_KEY); path arguments will show their length only");
  }
  setPipeline({ sinks: activeSinks, capacity, byteCapacity });
  setRecording(activeSinks.length > 0);
  setResourceSampling(activeSinks.length > 0 ? resourcesInterval : null);
  if (activeSinks.length > 0 && options.exitHooks !== false) installExitHooks(flushAtExit, stopAtExit);
}

const OPTION_NAMES: readonly string[] = ['sinks', 'hmacKey', 'paths', 'errorMessages', 'bufferSize', 'bufferBytes', 'serviceName', 'exitHooks', 'env', 'models', 'seal', 'resources'];

/** The options, each checked (a TypeError names the first wrong one); nothing is applied here. */
function checkOptions(options: unknown): AuditOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError('mlx-audit: configure() takes an options object');
  const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`mlx-audit: unknown option ${unknown.map((name) => `'${name.slice(0, 64)}'`).join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);
  // Read as unknowns: a JavaScript caller (or a cast) can pass anything.
  const { sinks, hmacKey, paths, errorMessages, bufferSize, bufferBytes, serviceName, exitHooks, env } = options as Readonly<Record<string, unknown>>;
  if (sinks !== undefined && (!Array.isArray(sinks) || !sinks.every(isSink))) throw new TypeError('mlx-audit: sinks must be an array of sinks (objects with a name and a write method)');
  if (hmacKey !== undefined) hmacKeyFrom(hmacKey);
  if (paths !== undefined && !(PATH_POLICIES as readonly unknown[]).includes(paths)) throw new TypeError(`mlx-audit: paths must be one of ${PATH_POLICIES.join(', ')}`);
  if (errorMessages !== undefined && !(ERROR_MESSAGE_POLICIES as readonly unknown[]).includes(errorMessages)) throw new TypeError(`mlx-audit: errorMessages must be one of ${ERROR_MESSAGE_POLICIES.join(', ')}`);
  for (const [name, value] of [['bufferSize', bufferSize], ['bufferBytes', bufferBytes]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) throw new TypeError(`mlx-audit: ${name} must be a positive integer`);
  }
  if (serviceName !== undefined && typeof serviceName !== 'string') throw new TypeError('mlx-audit: serviceName must be a string');
  if (exitHooks !== undefined && typeof exitHooks !== 'boolean') throw new TypeError('mlx-audit: exitHooks must be a boolean');
  if (env !== undefined && (typeof env !== 'object' || env === null)) throw new TypeError('mlx-audit: env must be an object of variables');
  checkModelOptions((options as Readonly<Record<string, unknown>>).models);
  checkSealOption((options as Readonly<Record<string, unknown>>).seal);
  checkResourceOption((options as Readonly<Record<string, unknown>>).resources);
  return options;
}

function isSink(sink: unknown): boolean {
  try {
    return typeof sink === 'object' && sink !== null && typeof (sink as AuditSink).write === 'function';
  } catch {
    return false;
  }
}

/** Configures from the environment alone, unless `configure()` already ran (what `./instrument` does on load). */
export function ensureConfigured(): void {
  if (!configured) configure();
}

/**
 * What the exit hooks run: the model files still being hashed, finished now (up to a budget, see
 * model-identity/hash-queue.ts), so their events are among those flushed; then the flush.
 */
function flushAtExit(): void {
  try {
    settlePendingHashes();
  } catch (error) {
    reportOnce('settle-hashes', `hashing model files at exit failed: ${describeThrown(error)}`);
  }
  flushAuditLog();
}

/** What the exit hooks run once the last flush is done: the run's `stopped` record, and the file sinks' last seals. */
function stopAtExit(ending: ProcessEnding): void {
  stopResourceSampling();
  try {
    announceStop(activeSinks, ending);
  } catch (error) {
    reportOnce('stop', `recording the end of the run failed: ${describeThrown(error)}`);
  }
}

/** Writes every buffered event now, synchronously. Never throws. */
export function flushAuditLog(): void {
  try {
    flushPipeline();
  } catch (error) {
    reportOnce('flush', `flushing failed: ${describeThrown(error)}`);
  }
  // The file sinks' writer thread writes what they were handed: on disk when this returns.
  settleFileWrites();
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
    reportToOperator(`closing the ${sinkName(sink)} sink failed: ${describeThrown(error)}`);
  }
}
