import { makeAlert, type RuleIdentity } from '../alert.js';
import { KeyedState } from '../keyed-state.js';
import { bandFields, bandSettings, describeSpan, RobustBand, significant, type BandAlarm, type RobustBandOptions } from '../robust-band.js';
import type { Rule } from '../rule.js';

// Latency shift: the duration of successful MLX calls of one binding leaves its robust band and
// stays out. Slower can be an injected delay, a flood, a heavier model; faster can be a model
// swapped for a trivial one, so both sides count.
//
// Which calls: the kinds whose time is the model's work — forward passes (`inference`), forcing
// the lazy graph (`evaluation`) and reading results out (`data-extraction`, which forces it too).
// A lazy call (`mlx.lazy: true`, a forward pass that returns tensors) measures the building of
// MLX's graph, not its compute: it is still watched, because a different model builds a different
// graph, but in a series of its own, apart from the same binding's computing calls; its compute
// shows in the evaluation that follows. Forward passes of a training step are left out: the rule
// is about serving. The series is the binding within its service: two services run different
// models under the same binding.

const MINUTE = 60_000;

export interface LatencyShiftOptions extends RobustBandOptions {
  /** The `mlx.kind`s whose durations are watched. Default `inference`, `evaluation`, `data-extraction`. */
  readonly kinds?: readonly string[];
  /** Whether lazy calls (`mlx.lazy: true`: their duration is building the graph) are watched, each binding's in a series of its own. Default true. */
  readonly includeLazy?: boolean;
}

/**
 * One hour of one-minute buckets against the five minutes after it, Grafana's `for: 5m`: a
 * service on one machine is judged within its first hour (Grafana's day-long baseline would
 * leave it unwatched for a day, and follow a day's drift less closely). k is 3, not Grafana's 2,
 * because the shorter level (5 min, not 1 h) is noisier; a margin of at least a fifth of the
 * median keeps a very steady series from alerting on the few percent a busy or warm machine
 * adds, while an injected delay or a swapped model moves latency by multiples. Five calls a
 * minute is Grafana's 5/60 req/s.
 */
export const LATENCY_SHIFT_DEFAULTS: Required<RobustBandOptions> = {
  baselineWindowMs: 60 * MINUTE,
  recentWindowMs: 5 * MINUTE,
  bucketMs: MINUTE,
  k: 3,
  fallbackFraction: 0.5,
  minMarginFraction: 0.2,
  forMs: 5 * MINUTE,
  minValuesPerBucket: 5,
  minBaselineBuckets: 30,
  maxKeys: 1000,
};

const DEFAULT_KINDS = ['inference', 'evaluation', 'data-extraction'];

const LATENCY_SHIFT: RuleIdentity = {
  id: 'latency-shift.band',
  name: 'MLX calls of one binding slower or faster than usual',
  description:
    'The median duration of successful calls of one binding stayed outside its robust band (median ± k·MAD of the baseline window) for the minimum time: an injected delay, a flood or a heavier model when above, a model swapped for a lighter one when below.',
  category: 'latency-shift',
};

interface LatencySeries {
  readonly band: RobustBand;
  readonly binding: string;
  readonly service: string | undefined;
  readonly kind: string;
  readonly lazy: boolean;
}

/** `event.duration` of successful calls per binding (and service) outside a robust band, sustained. */
export function latencyShiftRule(options: LatencyShiftOptions = {}): Rule {
  const settings = bandSettings(options, LATENCY_SHIFT_DEFAULTS, 'both');
  const kinds = new Set(options.kinds ?? DEFAULT_KINDS);
  if (kinds.size === 0 || [...kinds].some((kind) => typeof kind !== 'string')) throw new TypeError('kinds must name at least one mlx.kind, as strings');
  const includeLazy = options.includeLazy ?? true;
  if (typeof includeLazy !== 'boolean') throw new TypeError(`includeLazy must be a boolean, got ${String(includeLazy)}`);
  const series = new KeyedState<string, LatencySeries>(settings.maxKeys);
  // The series of the last call: still the most recently seen in `series` (only this rule adds to it).
  let last: LatencySeries | undefined;
  const span = { recent: describeSpan(settings.recentBuckets * settings.bucketMs), baseline: describeSpan(settings.baselineBuckets * settings.bucketMs) };

  return {
    ...LATENCY_SHIFT,
    reads: { kinds: [...kinds] },
    observe({ event, time, timestamp, sequence, kind, failed, binding, service }, emit) {
      if (time === undefined || kind === undefined || !kinds.has(kind) || failed !== false || event['mlx.phase'] === 'training') return;
      const duration = event['event.duration'];
      if (binding === undefined || typeof duration !== 'number' || !(Number.isFinite(duration) && duration >= 0)) return;
      const lazy = event['mlx.lazy'] === true;
      if (lazy && !includeLazy) return;
      // Consecutive calls are mostly of one series: its state is taken again without a key made.
      let state = last;
      if (state?.binding !== binding || state.service !== service || state.lazy !== lazy) {
        const key = `${service ?? ''}\u0000${binding}\u0000${lazy ? 'lazy' : ''}`;
        state = series.obtain(key, () => ({ band: new RobustBand(settings), binding, service, kind, lazy }));
        last = state;
      }
      const alarm = state.band.add(time, duration, sequence);
      if (alarm === undefined) return;
      emit(
        makeAlert(LATENCY_SHIFT, {
          timestamp,
          severity: 'medium',
          reason: reasonOf(state, alarm, span),
          evidence: alarm.evidence,
          fields: {
            'mlx.binding': state.binding,
            'mlx.kind': state.kind,
            'mlx.lazy': state.lazy,
            'service.name': state.service,
            ...bandFields(alarm),
          },
        }),
      );
    },
    state: () => ({ keys: series.size, evicted: series.evicted }),
  };
}

function reasonOf(state: LatencySeries, alarm: BandAlarm, span: { recent: string; baseline: string }): string {
  const what = state.lazy ? `Graph building by ${state.binding} (lazy calls)` : `${state.binding} calls`;
  const meaning =
    alarm.side === 'above'
      ? 'slower calls can mean an injected delay, a flood of requests or a heavier model'
      : 'faster calls can mean a model swapped for a lighter one, or calls that no longer do their work';
  return (
    `${what} took a median of ${nanoseconds(alarm.level)} over the last ${span.recent}, ${alarm.side} the band of ` +
    `${nanoseconds(alarm.lower)} to ${nanoseconds(alarm.upper)} (median ${nanoseconds(alarm.median)}, MAD ${nanoseconds(alarm.mad)} over the ${span.baseline} before) ` +
    `for ${describeSpan(alarm.at - alarm.outsideSince)}; ${meaning}`
  );
}

/** A duration in nanoseconds, in the unit a person reads it in, to four significant digits. */
function nanoseconds(ns: number): string {
  const [scale, unit] = ns >= 1e9 ? [1e9, 's'] : ns >= 1e6 ? [1e6, 'ms'] : ns >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  return `${significant(ns / scale)} ${unit}`;
}
