import { readFile } from 'node:fs/promises';
import { allRules, type RuleOptions } from '@mlx-audit/monitor';

// The monitor's rule options from a JSON file (`--config`), for every command that runs or
// exports the rules. A configuration mistake stops the command loudly: a key the rules do not
// know (a typo would otherwise leave the default in force, unnoticed), a value of the wrong JSON
// type, or a value a rule's factory refuses (its TypeError, with the family it belongs to).

/** What a JSON configuration gives an option. */
type OptionKind = 'number' | 'boolean' | 'string' | 'strings';

/** The options of an options object, by name: a kind for a value, another shape for a group. */
type OptionShape<T> = { readonly [K in keyof T]-?: ShapeOf<NonNullable<T[K]>> };
type ShapeOf<V> = V extends readonly string[] ? 'strings' : V extends number ? 'number' : V extends boolean ? 'boolean' : V extends string ? 'string' : V extends object ? OptionShape<V> : never;

const BAND = {
  baselineWindowMs: 'number',
  recentWindowMs: 'number',
  bucketMs: 'number',
  k: 'number',
  fallbackFraction: 'number',
  minMarginFraction: 'number',
  forMs: 'number',
  minValuesPerBucket: 'number',
  minBaselineBuckets: 'number',
  maxKeys: 'number',
} as const;

/**
 * Every option of `RuleOptions`. Typed by it, so an option added to the monitor without its line
 * here fails the build instead of being refused as unknown at run time.
 */
const RULE_OPTIONS: OptionShape<RuleOptions> = {
  auditingGaps: { maxRuns: 'number' },
  burnRate: { objective: 'number', shortWindowMs: 'number', longWindowMs: 'number', burnRate: 'number', minCalls: 'number', bucketMs: 'number', maxKeys: 'number' },
  modelLoadFailures: { threshold: 'number', windowMs: 'number', maxKeys: 'number' },
  latencyShift: { ...BAND, kinds: 'strings', includeLazy: 'boolean' },
  resources: { ...BAND, gauges: 'strings', cpuMinMargin: 'number' },
  unexpectedModel: { allowedPaths: 'strings', allowedHosts: 'strings', allowedHashes: 'strings', reloadThreshold: 'number', reloadWindowMs: 'number', maxKeys: 'number' },
  extraction: {
    volume: { windowMs: 'number', bucketMs: 'number', minClients: 'number', minCount: 'number', z: 'number', fallbackFraction: 'number', maxClients: 'number' },
    rate: { ratePerSecond: 'number', burst: 'number', maxClients: 'number' },
    distinctInputs: { requests: 'number', windowMs: 'number', minRatio: 'number', maxClients: 'number' },
    sweep: { minRun: 'number', maxGapMs: 'number', maxShapeShare: 'number', minPopulation: 'number', populationSize: 'number', maxClients: 'number', maxServices: 'number' },
  },
  confidenceDrift: { baselineRows: 'number', windowRows: 'number', threshold: 'number', smoothing: 'number', maxKeys: 'number' },
};

/** A configuration the rules cannot run with; the message names the file and the option. */
export class MonitorConfigError extends Error {
  override readonly name = 'MonitorConfigError';
}

/**
 * The rule options in a JSON file (an object like `{ "burnRate": { "objective": 0.999 } }`, the
 * options `createMonitor` takes), checked by name and JSON type, then by the rules' factories.
 * Throws a MonitorConfigError for an unreadable file, bad JSON, or any option that is wrong.
 */
export async function readMonitorConfig(file: string): Promise<RuleOptions> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MonitorConfigError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MonitorConfigError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return checkedRuleOptions(value, file);
}

/** The options a parsed JSON value holds, checked as `readMonitorConfig` checks a file's (`where` names it in messages). */
export function checkedRuleOptions(value: unknown, where: string): RuleOptions {
  const problem = shapeProblem(value, RULE_OPTIONS, '');
  if (problem !== undefined) throw new MonitorConfigError(`${where}: ${problem}`);
  const options = value as RuleOptions;
  // Each family on its own first, so a factory's message (which names the option alone) can be
  // told with the family it is in.
  for (const family of Object.keys(options)) {
    try {
      allRules({ [family]: (options as Readonly<Record<string, unknown>>)[family] });
    } catch (error) {
      if (error instanceof TypeError) throw new MonitorConfigError(`${where}: ${family}: ${error.message}`);
      throw error;
    }
  }
  return options;
}

type Shape = Readonly<Record<string, unknown>>;

/** What is wrong with a value for a group of options, or undefined when nothing is. */
function shapeProblem(value: unknown, shape: Shape, path: string): string | undefined {
  const group = path === '' ? 'the configuration' : path;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${group} must be an object of options, got ${describe(value)}`;
  for (const [name, option] of Object.entries(value)) {
    const where = path === '' ? name : `${path}.${name}`;
    if (!Object.hasOwn(shape, name)) return `unknown option ${where} (known: ${Object.keys(shape).join(', ')})`;
    const kind = shape[name];
    const problem = typeof kind === 'string' ? kindProblem(option, kind as OptionKind, where) : shapeProblem(option, kind as Shape, where);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function kindProblem(value: unknown, kind: OptionKind, where: string): string | undefined {
  const fits = kind === 'strings' ? Array.isArray(value) && value.every((entry) => typeof entry === 'string') : kind === 'number' ? typeof value === 'number' : typeof value === kind;
  return fits ? undefined : `${where} must be ${kind === 'strings' ? 'an array of strings' : `a ${kind}`}, got ${describe(value)}`;
}

/** A JSON value as a message shows it: a string quoted, a number or null as it is, a list or an object by its kind. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' && value !== null ? 'an object' : JSON.stringify(value);
}

/** The options of `--config` (none given: the defaults), or what is wrong with the file, in one line. */
export async function ruleOptionsFrom(path: string | undefined): Promise<RuleOptions | MonitorConfigError> {
  if (path === undefined) return {};
  try {
    return await readMonitorConfig(path);
  } catch (error) {
    if (error instanceof MonitorConfigError) return error;
    throw error;
  }
}
