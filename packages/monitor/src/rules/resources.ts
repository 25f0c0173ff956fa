import { RESOURCES_ACTION } from '@mlx-audit/runtime';
import { makeAlert, originOf, type RuleIdentity } from '../alert.js';
import { RUNTIME_ACTION_PREFIX } from '../fields.js';
import { KeyedState } from '../keyed-state.js';
import { bandFields, bandSettings, describeSpan, RobustBand, significant, type BandAlarm, type BandSettings, type RobustBandOptions } from '../robust-band.js';
import type { Rule } from '../rule.js';
import { RunResolver } from '../runs.js';

// Resources: a gauge the runtime samples (its `mlx-audit.resources` records) stays above its
// robust band within one process run. Only above: memory or CPU that falls is an idle or a
// lighter process, not an attack (a model swapped for a lighter one shows in latency-shift), and
// memory that climbs is what a flood, oversized inputs or a heavier model do. The series is the
// gauge of one run: another run of the service, or a restart, has its own level from its start.

const MINUTE = 60_000;

/** The gauges of a resources record: bytes, except `process.cpu.pct` (a fraction of one core). */
export const RESOURCE_GAUGES = ['process.memory.rss', 'process.memory.heap_used', 'process.cpu.pct', 'mlx.memory.active', 'mlx.memory.peak', 'mlx.memory.cache'] as const;
export type ResourceGauge = (typeof RESOURCE_GAUGES)[number];
const CPU: ResourceGauge = 'process.cpu.pct';

export interface ResourcesOptions extends RobustBandOptions {
  /** The gauges watched. Default all of RESOURCE_GAUGES. */
  readonly gauges?: readonly ResourceGauge[];
  /** The least margin of the CPU band, in cores: a busy hour after an idle one is not an anomaly. Default 0.5. */
  readonly cpuMinMargin?: number;
}

/**
 * Five-minute buckets hold one record at the slowest interval the runtime is expected to use
 * (5 min) and 30 at 10 s; the level is the median of three of them, a quarter hour. The baseline
 * is two hours: a process's memory settles after its model is loaded, and then creeps (caches,
 * heap growth) slowly enough that a baseline an hour behind follows it, while a flood or a
 * bigger model moves it within minutes. A run is judged once it has an hour of baseline: by
 * then its model is loaded and MLX's cache filled (a ramp a shorter baseline takes for a rise).
 * A margin of a tenth of the median at least: a steady RSS has a MAD of a few megabytes.
 */
export const RESOURCES_DEFAULTS: Required<RobustBandOptions> = {
  baselineWindowMs: 120 * MINUTE,
  recentWindowMs: 15 * MINUTE,
  bucketMs: 5 * MINUTE,
  k: 3,
  fallbackFraction: 0.5,
  minMarginFraction: 0.1,
  forMs: 5 * MINUTE,
  minValuesPerBucket: 1,
  minBaselineBuckets: 12,
  maxKeys: 1000,
};
const DEFAULT_CPU_MIN_MARGIN = 0.5;

const RESOURCES: RuleIdentity = {
  id: 'resources.band',
  name: 'A process using more memory or CPU than usual',
  description:
    "A gauge of one process run (memory, CPU, MLX's memory) stayed above its robust band (median + k·MAD of the baseline window) for the minimum time: a flood, oversized inputs, a heavier model, or a leak.",
  category: 'resources',
};

interface GaugeSeries {
  readonly band: RobustBand;
  readonly gauge: ResourceGauge;
  readonly run: string | undefined;
}

/** Each gauge of each process run above its robust band, sustained. */
export function resourcesRule(options: ResourcesOptions = {}): Rule {
  const settings = bandSettings(options, RESOURCES_DEFAULTS, 'above');
  const cpuSettings: BandSettings = bandSettings(options, RESOURCES_DEFAULTS, 'above', options.cpuMinMargin ?? DEFAULT_CPU_MIN_MARGIN);
  const gauges = options.gauges ?? RESOURCE_GAUGES;
  if (gauges.length === 0) throw new TypeError('gauges must name at least one gauge');
  for (const gauge of gauges) if (!(RESOURCE_GAUGES as readonly string[]).includes(gauge)) throw new TypeError(`gauges: ${gauge} is not one of ${RESOURCE_GAUGES.join(', ')}`);
  const runs = new RunResolver(settings.maxKeys);
  const series = new KeyedState<string, GaugeSeries>(settings.maxKeys);
  const span = { recent: describeSpan(settings.recentBuckets * settings.bucketMs), baseline: describeSpan(settings.baselineBuckets * settings.bucketMs) };

  return {
    ...RESOURCES,
    reads: { actionPrefixes: [RUNTIME_ACTION_PREFIX] },
    observe(observation, emit) {
      const { event, time, timestamp, sequence, action } = observation;
      // The runtime's records name the run a process id belongs to (lifecycle records, the gauges themselves).
      if (action?.startsWith(RUNTIME_ACTION_PREFIX) !== true) return;
      const { key, run } = runs.runOf(observation);
      if (action !== RESOURCES_ACTION || time === undefined) return;
      for (const gauge of gauges) {
        const value = event[gauge];
        if (typeof value !== 'number' || !(Number.isFinite(value) && value >= 0)) continue;
        const state = series.obtain(`${key}\u0000${gauge}`, () => ({ band: new RobustBand(gauge === CPU ? cpuSettings : settings), gauge, run }));
        const alarm = state.band.add(time, value, sequence);
        if (alarm === undefined) continue;
        emit(
          makeAlert(RESOURCES, {
            timestamp,
            severity: 'low',
            reason: reasonOf(state, alarm, event['process.pid'], span),
            evidence: alarm.evidence,
            fields: { ...originOf(event), 'mlx_audit.run': state.run, 'mlx_audit.gauge': gauge, ...bandFields(alarm) },
          }),
        );
      }
    },
    state: () => ({ keys: series.size + runs.size, evicted: series.evicted }),
  };
}

function reasonOf(state: GaugeSeries, alarm: BandAlarm, pid: unknown, span: { recent: string; baseline: string }): string {
  const format = state.gauge === CPU ? cores : bytes;
  const whose = `process ${typeof pid === 'number' ? String(pid) : '(no pid)'}${state.run === undefined ? '' : ` (run ${state.run})`}`;
  return (
    `${state.gauge} of ${whose} stood at ${format(alarm.level)} over the last ${span.recent}, above its band of ` +
    `${format(alarm.lower)} to ${format(alarm.upper)} (median ${format(alarm.median)}, MAD ${format(alarm.mad)} over the ${span.baseline} before) ` +
    `for ${describeSpan(alarm.at - alarm.outsideSince)}`
  );
}

function cores(fraction: number): string {
  return `${significant(fraction * 100)}% of a core`;
}

function bytes(value: number): string {
  const [scale, unit] = value >= 2 ** 30 ? [2 ** 30, 'GiB'] : value >= 2 ** 20 ? [2 ** 20, 'MiB'] : value >= 2 ** 10 ? [2 ** 10, 'KiB'] : [1, 'B'];
  return `${significant(value / scale)} ${unit}`;
}
