import { reportOnce } from './internal-report.js';
import { MODEL_MODES } from './model-identity/options.js';
import type { ModelEnvironment } from './model-identity/policy.js';
import { DEFAULT_BUFFER_BYTES, DEFAULT_BUFFER_SIZE } from './pipeline.js';
import { DEFAULT_RESOURCES_INTERVAL_MS, MIN_RESOURCES_INTERVAL_MS } from './resource-gauges/options.js';
import { ERROR_MESSAGE_POLICIES, MIN_KEY_BYTES, PATH_POLICIES, type ErrorMessagePolicy, type PathPolicy } from './settings.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, fileSink } from './sinks/file.js';
import { otelLogsSink } from './sinks/otel-logs.js';
import type { AuditSink } from './sinks/sink.js';
import { stderrSink } from './sinks/stderr.js';
import { DEFAULT_SEAL_EVERY_LINES, type SealEnvironment } from './trail/seal-options.js';

export type Environment = Readonly<Record<string, string | undefined>>;

// A mistake in a variable never turns auditing off and never reveals more: each one is reported
// on stderr and replaced by the safest value that keeps recording (an unknown sink by stderr, an
// unknown path policy by `hash`, a short key by no key). Only `MLX_AUDIT_SINK=off`, spelled so
// and alone, turns recording off.

/** The configuration the `MLX_AUDIT_*` variables describe (each documented in the README). */
export interface EnvironmentSettings {
  readonly hmacKey: string | null;
  readonly paths: PathPolicy;
  readonly errorMessages: ErrorMessagePolicy;
  readonly bufferSize: number;
  readonly bufferBytes: number;
  readonly serviceName: string | undefined;
  /** `MLX_AUDIT_MODELS_MANIFEST` and `MLX_AUDIT_MODELS_MODE` (model-identity/policy.ts reads the manifest). */
  readonly models: ModelEnvironment;
  /** `MLX_AUDIT_SEAL_KEY_FILE` and `MLX_AUDIT_SEAL_EVERY_LINES` (trail/seal-options.ts reads the key file). */
  readonly seal: SealEnvironment;
  /** `MLX_AUDIT_RESOURCES_INTERVAL_MS`: the resource gauges' interval, null for `off`. */
  readonly resourcesIntervalMs: number | null;
}

export const DEFAULT_FILE = 'mlx-audit/audit.jsonl';
const SINK_NAMES = ['stderr', 'file', 'otel', 'off'] as const;
const PREFIX = 'MLX_AUDIT_';
/** Every variable the runtime reads; any other `MLX_AUDIT_*` is a typo, and said to be. */
export const KNOWN_VARIABLES: readonly string[] = [
  'MLX_AUDIT_SINK',
  'MLX_AUDIT_FILE',
  'MLX_AUDIT_MAX_BYTES',
  'MLX_AUDIT_MAX_FILES',
  'MLX_AUDIT_HMAC_KEY',
  'MLX_AUDIT_PATHS',
  'MLX_AUDIT_ERROR_MESSAGES',
  'MLX_AUDIT_BUFFER_SIZE',
  'MLX_AUDIT_BUFFER_BYTES',
  'MLX_AUDIT_SERVICE_NAME',
  'MLX_AUDIT_MODELS_MANIFEST',
  'MLX_AUDIT_MODELS_MODE',
  'MLX_AUDIT_SEAL_KEY_FILE',
  'MLX_AUDIT_SEAL_EVERY_LINES',
  'MLX_AUDIT_RESOURCES_INTERVAL_MS',
];

export function settingsFromEnvironment(env: Environment): EnvironmentSettings {
  reportUnknownVariables(env);
  return {
    hmacKey: keyVariable(env),
    paths: choiceVariable(env, 'MLX_AUDIT_PATHS', PATH_POLICIES, 'full', 'hash'),
    errorMessages: choiceVariable(env, 'MLX_AUDIT_ERROR_MESSAGES', ERROR_MESSAGE_POLICIES, 'mlx', 'mlx'),
    bufferSize: integerVariable(env, 'MLX_AUDIT_BUFFER_SIZE', 1, DEFAULT_BUFFER_SIZE),
    bufferBytes: integerVariable(env, 'MLX_AUDIT_BUFFER_BYTES', 1, DEFAULT_BUFFER_BYTES),
    serviceName: nonEmpty(env.MLX_AUDIT_SERVICE_NAME) ?? nonEmpty(env.OTEL_SERVICE_NAME),
    models: {
      manifest: nonEmpty(env.MLX_AUDIT_MODELS_MANIFEST),
      // An unknown mode is `enforce`, the strictest, as an unknown path policy is `hash`.
      mode: nonEmpty(env.MLX_AUDIT_MODELS_MODE) === undefined ? undefined : choiceVariable(env, 'MLX_AUDIT_MODELS_MODE', MODEL_MODES, 'alert', 'enforce'),
    },
    seal: {
      keyFile: nonEmpty(env.MLX_AUDIT_SEAL_KEY_FILE),
      everyLines: integerVariable(env, 'MLX_AUDIT_SEAL_EVERY_LINES', 1, DEFAULT_SEAL_EVERY_LINES),
    },
    resourcesIntervalMs: resourcesVariable(env),
  };
}

/** The gauges' interval: `off` (spelled so) turns them off; anything else that is no interval keeps them on, at the default. */
function resourcesVariable(env: Environment): number | null {
  const name = 'MLX_AUDIT_RESOURCES_INTERVAL_MS';
  const text = nonEmpty(env[name]);
  if (text === undefined) return DEFAULT_RESOURCES_INTERVAL_MS;
  if (text.toLowerCase() === 'off') return null;
  const value = Number(text);
  if (Number.isSafeInteger(value) && value >= MIN_RESOURCES_INTERVAL_MS) return value;
  warnInvalid(name, text, `an integer of at least ${MIN_RESOURCES_INTERVAL_MS} (milliseconds) or off`, String(DEFAULT_RESOURCES_INTERVAL_MS));
  return DEFAULT_RESOURCES_INTERVAL_MS;
}

/**
 * The sinks `MLX_AUDIT_SINK` names: a comma-separated list of `stderr`, `file`, `otel`, or `off`
 * alone. Unset, it is `file` when `MLX_AUDIT_FILE` is set and `stderr` otherwise. An unknown
 * name is reported and left out; a list with no sink left is `stderr`; `off` in a list with
 * other names is a contradiction, reported, and the other names win.
 */
export function sinksFromEnvironment(env: Environment): AuditSink[] {
  const file = nonEmpty(env.MLX_AUDIT_FILE);
  const requested = nonEmpty(env.MLX_AUDIT_SINK) ?? (file === undefined ? 'stderr' : 'file');
  const names = new Set<string>();
  for (const part of requested.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    if ((SINK_NAMES as readonly string[]).includes(name)) names.add(name);
    else warnInvalid('MLX_AUDIT_SINK', name, `a list of ${SINK_NAMES.join(', ')}`, 'left out');
  }
  if (names.has('off')) {
    if (names.size === 1) return [];
    names.delete('off');
    warnInvalid('MLX_AUDIT_SINK', requested, "'off' alone or a list of sinks", `${[...names].join(',')} (auditing stays on)`);
  }
  if (names.size === 0) {
    reportOnce('env:MLX_AUDIT_SINK:none', `MLX_AUDIT_SINK=${requested} names no sink; writing to stderr so auditing stays on`);
    names.add('stderr');
  }
  const sinks: AuditSink[] = [];
  if (names.has('stderr')) sinks.push(stderrSink());
  if (names.has('file')) {
    sinks.push(
      fileSink({
        path: file ?? DEFAULT_FILE,
        maxBytes: integerVariable(env, 'MLX_AUDIT_MAX_BYTES', 1, DEFAULT_MAX_BYTES),
        maxFiles: integerVariable(env, 'MLX_AUDIT_MAX_FILES', 0, DEFAULT_MAX_FILES),
      }),
    );
  }
  if (names.has('otel')) sinks.push(otelLogsSink());
  return sinks;
}

/** The key, or null (unset, empty, or too short to be one: reported, and no digest is made). */
function keyVariable(env: Environment): string | null {
  const key = env.MLX_AUDIT_HMAC_KEY;
  if (key === undefined || key === '') return null;
  if (Buffer.byteLength(key, 'utf8') >= MIN_KEY_BYTES) return key;
  // The value is a secret: never echoed.
  reportOnce('env:MLX_AUDIT_HMAC_KEY:short', `MLX_AUDIT_HMAC_KEY is shorter than ${MIN_KEY_BYTES} bytes; it is not used (no digests, no client ids): set 32 random bytes (openssl rand -hex 32)`);
  return null;
}

function choiceVariable<Choice extends string>(env: Environment, name: string, choices: readonly Choice[], fallback: Choice, safest: Choice): Choice {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if ((choices as readonly string[]).includes(value)) return value as Choice;
  warnInvalid(name, value, `one of ${choices.join(', ')}`, `${safest}, the safest`);
  return safest;
}

function integerVariable(env: Environment, name: string, minimum: number, fallback: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isSafeInteger(value) && value >= minimum) return value;
  warnInvalid(name, text, `an integer of at least ${minimum}`, String(fallback));
  return fallback;
}

function reportUnknownVariables(env: Environment): void {
  for (const name of Object.keys(env)) {
    if (name.startsWith(PREFIX) && !KNOWN_VARIABLES.includes(name)) {
      reportOnce(`env:unknown:${name}`, `${name} is not a variable mlx-audit reads (a typo?); it reads ${KNOWN_VARIABLES.join(', ')}`);
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function warnInvalid(name: string, value: string, expected: string, used: string): void {
  reportOnce(`env:${name}:${value}`, `${name}=${value.slice(0, 64)} is not ${expected}; using ${used}`);
}
