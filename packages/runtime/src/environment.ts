import { reportOnce } from './internal-report.js';
import { DEFAULT_BUFFER_SIZE } from './pipeline.js';
import type { PathPolicy } from './settings.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, fileSink } from './sinks/file.js';
import { otelLogsSink } from './sinks/otel-logs.js';
import type { AuditSink } from './sinks/sink.js';
import { stderrSink } from './sinks/stderr.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The configuration the `MLX_AUDIT_*` variables describe (each documented in the README). */
export interface EnvironmentSettings {
  readonly hmacKey: string | null;
  readonly paths: PathPolicy;
  readonly bufferSize: number;
  readonly serviceName: string | undefined;
}

export const DEFAULT_FILE = 'mlx-audit/audit.jsonl';
const SINK_NAMES = ['stderr', 'file', 'otel', 'off'] as const;
const PATH_POLICIES: readonly PathPolicy[] = ['full', 'basename', 'hash'];

export function settingsFromEnvironment(env: Environment): EnvironmentSettings {
  const paths = env.MLX_AUDIT_PATHS?.trim().toLowerCase();
  let pathPolicy: PathPolicy = 'full';
  if (paths !== undefined && paths !== '') {
    if ((PATH_POLICIES as readonly string[]).includes(paths)) pathPolicy = paths as PathPolicy;
    else warnInvalid('MLX_AUDIT_PATHS', paths, `one of ${PATH_POLICIES.join(', ')}`, 'full');
  }
  const key = env.MLX_AUDIT_HMAC_KEY;
  return {
    hmacKey: key === undefined || key === '' ? null : key,
    paths: pathPolicy,
    bufferSize: integerVariable(env, 'MLX_AUDIT_BUFFER_SIZE', 1, DEFAULT_BUFFER_SIZE),
    serviceName: nonEmpty(env.MLX_AUDIT_SERVICE_NAME) ?? nonEmpty(env.OTEL_SERVICE_NAME),
  };
}

/**
 * The sinks `MLX_AUDIT_SINK` names: a comma-separated list of `stderr`, `file`, `otel`, or `off`.
 * Unset, it is `file` when `MLX_AUDIT_FILE` is set and `stderr` otherwise.
 */
export function sinksFromEnvironment(env: Environment): AuditSink[] {
  const file = nonEmpty(env.MLX_AUDIT_FILE);
  const requested = nonEmpty(env.MLX_AUDIT_SINK) ?? (file === undefined ? 'stderr' : 'file');
  const names = new Set<string>();
  for (const part of requested.split(',')) {
    const name = part.trim().toLowerCase();
    if (name === '') continue;
    if ((SINK_NAMES as readonly string[]).includes(name)) names.add(name);
    else warnInvalid('MLX_AUDIT_SINK', name, `a list of ${SINK_NAMES.join(', ')}`, 'ignored');
  }
  if (names.has('off')) return [];
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

function integerVariable(env: Environment, name: string, minimum: number, fallback: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (Number.isSafeInteger(value) && value >= minimum) return value;
  warnInvalid(name, text, `an integer of at least ${minimum}`, String(fallback));
  return fallback;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function warnInvalid(name: string, value: string, expected: string, used: string): void {
  reportOnce(`env:${name}:${value}`, `${name}=${value} is not ${expected}; using ${used}`);
}
