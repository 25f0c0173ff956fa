// The `resources` option of `configure()` and `MLX_AUDIT_RESOURCES_INTERVAL_MS`, checked as every
// option is: a mistake in the option is a TypeError thrown before anything changes; a mistake in
// the variable is reported on stderr (environment.ts) and the default interval is used, so the
// gauges stay on. `null` (the option) or `off` (the variable) turns them off.

/** `configure({ resources })`: the periodic resource gauge records (`mlx-audit.resources`). */
export interface ResourceOptions {
  /** Milliseconds between two samples, at least 100. Default: `MLX_AUDIT_RESOURCES_INTERVAL_MS`, else 60000. */
  readonly intervalMs?: number;
}

export const DEFAULT_RESOURCES_INTERVAL_MS = 60_000;
/** A shorter interval would fill the buffer with gauges: refused. */
export const MIN_RESOURCES_INTERVAL_MS = 100;
const RESOURCE_OPTION_NAMES: readonly string[] = ['intervalMs'];

/** Throws a TypeError for the first mistake in a `resources` option; `undefined` is no option, `null` is off. */
export function checkResourceOption(resources: unknown): asserts resources is ResourceOptions | null | undefined {
  if (resources === undefined || resources === null) return;
  if (typeof resources !== 'object' || Array.isArray(resources)) throw new TypeError('mlx-audit: resources must be an object ({ intervalMs? }) or null (no resource gauges)');
  const unknown = Object.keys(resources).filter((name) => !RESOURCE_OPTION_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`mlx-audit: unknown resources option ${unknown.map((name) => `'${name.slice(0, 64)}'`).join(', ')}; the resources options are ${RESOURCE_OPTION_NAMES.join(', ')}`);
  const { intervalMs } = resources as Readonly<Record<string, unknown>>;
  if (intervalMs !== undefined && (typeof intervalMs !== 'number' || !Number.isSafeInteger(intervalMs) || intervalMs < MIN_RESOURCES_INTERVAL_MS)) {
    throw new TypeError(`mlx-audit: resources.intervalMs must be an integer of at least ${MIN_RESOURCES_INTERVAL_MS} (milliseconds); resources: null turns the gauges off`);
  }
}

/**
 * The interval a configuration samples at, or null for none: the option's, else the variable's
 * (null for `off`). An option without `intervalMs` turns the gauges on, at the variable's interval
 * when it gives one.
 */
export function resourceIntervalFor(option: ResourceOptions | null | undefined, environment: number | null): number | null {
  if (option === null) return null;
  if (option === undefined) return environment;
  return option.intervalMs ?? environment ?? DEFAULT_RESOURCES_INTERVAL_MS;
}
