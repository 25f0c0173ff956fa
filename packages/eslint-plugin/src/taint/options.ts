import { MLX_PACKAGE, type JsonSchema, type UserEntry } from '@mlx-audit/catalogue';
import { matcherOptionsSchema, type MatcherOptions } from '../program/services.js';
import { sinksSchema, type SinkOptions } from '../logging/options.js';
import type { SinkSpecifier } from '../logging/sinks.js';
import { functionSpecifierSchema, type FunctionSpecifier } from '../program/specifiers.js';
import type { SourceKind } from './labels.js';

export type { FunctionSpecifier } from '../program/specifiers.js';

/** The options of the rules that follow data: the log calls (`sinks`) and the matcher's, and those of the analysis. */
export interface TaintOptions extends SinkOptions, MatcherOptions {
  /** Case-insensitive pattern tested against names in snake_case (`accessToken` → `access_token`). */
  readonly secretNamePattern?: string;
  /** Calls whose results are secrets. */
  readonly sources?: readonly FunctionSpecifier[];
  /** Calls whose results are safe to log whatever their arguments carry. */
  readonly sanitizers?: readonly FunctionSpecifier[];
  /** Report tainted values in `Error` messages and causes (whoever catches them may log them). */
  readonly checkErrorMessages?: boolean;
  /** How many calls deep the analysis follows functions into other files of the program. */
  readonly crossFileDepth?: number;
  /**
   * Log injection only: where untrusted text comes from (CodeQL's threat models). `remote` by
   * default; `local` (or one of its parts) and `model-output` are opt-in.
   */
  readonly threatModels?: readonly ThreatModel[];
  /** Log injection only, deprecated: the old name of `threatModels` including `model-output` (both are read). */
  readonly modelOutput?: boolean;
  /** Leaks only: `process.stdout.write` is a log sink, not the program's output (its stdout is shipped as logs). */
  readonly stdoutIsLog?: boolean;
}

/**
 * Where untrusted text comes from, after CodeQL's threat models: `remote` is what a client sends
 * (HTTP requests, WebSocket messages); `local` is what whoever runs the program gives it, in
 * four parts (command-line arguments, environment, stdin, files read); `model-output` is text a
 * model generates.
 */
export const LOCAL_THREAT_MODELS = ['commandargs', 'environment', 'stdin', 'file'] as const;
export type LocalThreatModel = (typeof LOCAL_THREAT_MODELS)[number];
export const THREAT_MODELS = ['remote', 'local', ...LOCAL_THREAT_MODELS, 'model-output'] as const;
export type ThreatModel = (typeof THREAT_MODELS)[number];
/** A threat model once groups are expanded (`local` is its four parts). */
export type EnabledThreatModel = Exclude<ThreatModel, 'local'>;
export const DEFAULT_THREAT_MODELS: readonly ThreatModel[] = ['remote'];

/** The enabled threat models: the listed ones (default `remote`), `local` expanded, and `model-output` when the deprecated `modelOutput` is set. */
export function enabledThreatModels(options: Pick<TaintOptions, 'threatModels' | 'modelOutput'>): readonly EnabledThreatModel[] {
  const enabled = new Set<EnabledThreatModel>();
  for (const model of options.threatModels ?? DEFAULT_THREAT_MODELS) {
    if (model === 'local') LOCAL_THREAT_MODELS.forEach((part) => enabled.add(part));
    else enabled.add(model);
  }
  if (options.modelOutput === true) enabled.add('model-output');
  return THREAT_MODELS.filter((model): model is EnabledThreatModel => enabled.has(model as EnabledThreatModel));
}

export const threatModelsSchema: JsonSchema = {
  type: 'array',
  items: { type: 'string', enum: [...THREAT_MODELS] },
  description: "Where untrusted text comes from: 'remote' (default), 'local' ('commandargs', 'environment', 'stdin', 'file'), 'model-output'.",
};

/**
 * What one analysis looks for. The same data-flow pass serves two questions: does sensitive data
 * reach a log at all (`leak`), and does untrusted text reach a log line's message (`injection`),
 * where JSON encoding, CR/LF removal and numbers make text harmless and structured fields are safe.
 */
export interface TaintPolicy {
  readonly name: 'leak' | 'injection';
  /** The source labels the analysis creates; others are never made. */
  readonly kinds: ReadonlySet<SourceKind>;
}

export const LEAK_POLICY: TaintPolicy = {
  name: 'leak',
  // `metric` marks a loss or an accuracy: reported only with no-tainted-log's `reportMetrics`.
  kinds: new Set(['secret', 'model-output', 'model-input', 'request-data', 'raw-data', 'tensor', 'metric']),
};

/**
 * Log injection under the enabled threat models: request data for `remote`, model output for
 * `model-output`; untrusted input always, since configured `sources` make it (which local
 * sources make it is the threat models' say, in sources.ts).
 */
export function injectionPolicy(threatModels: readonly EnabledThreatModel[]): TaintPolicy {
  const kinds = new Set<SourceKind>(['user-input']);
  if (threatModels.includes('remote')) kinds.add('request-data');
  if (threatModels.includes('model-output')) kinds.add('model-output');
  return { name: 'injection', kinds };
}

/**
 * Names that hold credentials, not ML vocabulary: `tokens`, `tokenIds`, `maxTokens` and attention
 * `keys` are not secrets; `accessToken`, `apiKey`, `password` are.
 */
export const DEFAULT_SECRET_NAME_PATTERN =
  '(^|_)(password|passwd|passphrase|passcode|secrets?|credentials?|authorization|cookies?|api_?keys?|private_?keys?|client_secret|(access|refresh|session|auth|bearer|id|csrf|xsrf|jwt)_tokens?)(_|$)';

/** The runtime's redacting helpers, recognised as sanitizers before anyone configures them. */
export const RUNTIME_SANITIZERS: readonly FunctionSpecifier[] = [
  { module: '@mlx-audit/runtime', name: 'summarizeTensor' },
  { module: '@mlx-audit/runtime', name: 'summarizeValue' },
  { module: '@mlx-audit/runtime', name: 'pseudonymize' },
  // Counts per tenth of a probability tensor's max and entropy: no class, no probability.
  { module: '@mlx-audit/runtime', name: 'confidenceSummary' },
];

/** The rule options' JSON schema, shared by the rules that use the taint engine. */
export const taintOptionsSchema: Record<string, JsonSchema> = {
  secretNamePattern: {
    type: 'string',
    description: 'Case-insensitive regular expression tested against identifier and property names in snake_case.',
  },
  sources: { type: 'array', items: functionSpecifierSchema, description: 'Calls whose results are secrets.' },
  sinks: sinksSchema,
  sanitizers: { type: 'array', items: functionSpecifierSchema, description: 'Calls whose results are safe to log.' },
  checkErrorMessages: {
    type: 'boolean',
    description: 'Report tainted values put into Error messages and causes, which whoever catches them may log.',
  },
  ...matcherOptionsSchema,
  crossFileDepth: {
    type: 'integer',
    minimum: 0,
    maximum: 10,
    description: 'How many calls deep the analysis follows functions into other files of the program.',
  },
  stdoutIsLog: {
    type: 'boolean',
    description: "Treat process.stdout.write as a log sink (a service whose stdout is shipped as logs); by default it is the program's output.",
  },
};

/** Options with defaults applied: what the engine works from. */
export interface ResolvedTaintOptions {
  readonly secretName: RegExp;
  readonly sources: readonly FunctionSpecifier[];
  readonly sinks: readonly SinkSpecifier[];
  readonly sanitizers: readonly FunctionSpecifier[];
  readonly checkErrorMessages: boolean;
  readonly entries: readonly UserEntry[];
  readonly mlxPackages: readonly string[];
  readonly crossFileDepth: number;
  /** Whether `process.stdout.write` is a log sink (always, for log injection). */
  readonly stdoutIsLog: boolean;
  /** Log injection: the enabled threat models, `local` expanded (empty for leaks). */
  readonly threatModels: readonly EnabledThreatModel[];
  readonly policy: TaintPolicy;
  /** Equal options give equal keys: analyses are cached per program and key. */
  readonly key: string;
}

export function resolveTaintOptions(options: TaintOptions, policy: TaintPolicy = LEAK_POLICY): ResolvedTaintOptions {
  const resolved = {
    secretName: new RegExp(options.secretNamePattern ?? DEFAULT_SECRET_NAME_PATTERN, 'i'),
    sources: options.sources ?? [],
    sinks: options.sinks ?? [],
    sanitizers: [...RUNTIME_SANITIZERS, ...(options.sanitizers ?? [])],
    checkErrorMessages: options.checkErrorMessages ?? false,
    entries: options.entries ?? [],
    mlxPackages: [MLX_PACKAGE, ...(options.mlxPackages ?? [])],
    crossFileDepth: options.crossFileDepth ?? 3,
    // A line forged in a service's stdout is forged whoever reads it: for log injection stdout stays a sink.
    stdoutIsLog: policy.name === 'injection' || options.stdoutIsLog === true,
    threatModels: policy.name === 'injection' ? enabledThreatModels(options) : [],
  };
  const key = JSON.stringify({ ...resolved, secretName: resolved.secretName.source, policy: [policy.name, ...policy.kinds] });
  return { ...resolved, policy, key };
}
