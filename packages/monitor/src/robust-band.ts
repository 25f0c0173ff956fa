import type { JsonValue } from '@mlx-audit/runtime';
import { positiveInteger } from './fields.js';
import { BucketSample, ValueRing } from './robust-band/buckets.js';
import { median, robustBaseline } from './robust.js';

// A robust band over one numeric series, streaming: Grafana's robust anomaly rule (a baseline of
// median ± k·MAD, a level that must stay outside it `for` a while, sparse series skipped) over
// time buckets of the events' own time.
//
// - A bucket's value is the median of its values: latencies have a long tail (a long prompt, a GC
//   pause), and one slow call in a minute moves a mean, not a median. At most 64 values of a
//   bucket are kept, taken at an even stride, so a bucket costs the same whatever the rate.
// - The newest `recent` buckets make the level (their median); the `baseline` buckets before them
//   make the band. The recent window is never part of the baseline, and while an alert's episode
//   lasts the baseline takes no new bucket (it is frozen), so a sustained anomaly never becomes
//   the normal it is judged against. An episode that lasts a whole baseline window is taken for
//   the new normal: the baseline starts again from the buckets after it and the series re-arms.
// - The series is judged once a bucket ends (when an event of a later bucket comes), so the cost
//   of a sort is paid once per bucket, not per event.

/** The newest `event.sequence` values of a series, kept as the evidence of an alarm. */
const EVIDENCE = 10;

/** The options every robust-band rule shares; each rule gives its own defaults. */
export interface RobustBandOptions {
  /** The span of the baseline, before the recent window; a whole number of buckets. */
  readonly baselineWindowMs?: number;
  /** The span whose buckets make the level; a whole number of buckets. */
  readonly recentWindowMs?: number;
  /** The span of one bucket. */
  readonly bucketMs?: number;
  /** The band is the baseline's median ± k × its MAD. */
  readonly k?: number;
  /** The margin when the baseline's MAD is 0, as a fraction of its median (Grafana: 0.5). */
  readonly fallbackFraction?: number;
  /** The margin is never narrower than this fraction of the baseline's median. */
  readonly minMarginFraction?: number;
  /** How long the level must stay outside the band before an alert (Prometheus's `for`). */
  readonly forMs?: number;
  /** Values a bucket needs to count: a sparser bucket is left out of the baseline and the level. */
  readonly minValuesPerBucket?: number;
  /** Counting buckets the baseline needs before the series is judged. */
  readonly minBaselineBuckets?: number;
  /** Series whose state is kept; the least recently seen go first. */
  readonly maxKeys?: number;
}

export type BandSide = 'above' | 'below';

/** The validated settings of a band. */
export interface BandSettings {
  readonly bucketMs: number;
  readonly baselineBuckets: number;
  readonly recentBuckets: number;
  readonly k: number;
  readonly fallbackFraction: number;
  readonly minMarginFraction: number;
  /** An absolute floor of the margin, in the series' unit (0: none). */
  readonly minMargin: number;
  readonly forMs: number;
  readonly minValuesPerBucket: number;
  readonly minBaselineBuckets: number;
  readonly maxKeys: number;
  /** `both`: a level below the band counts too; `above`: only above. */
  readonly sides: 'both' | 'above';
}

/** A rule's options over its defaults, checked: a TypeError names the option it cannot use. */
export function bandSettings(options: RobustBandOptions, defaults: Required<RobustBandOptions>, sides: BandSettings['sides'], minMargin = 0): BandSettings {
  const bucketMs = positiveInteger('bucketMs', options.bucketMs ?? defaults.bucketMs);
  const baselineBuckets = wholeBuckets('baselineWindowMs', options.baselineWindowMs ?? defaults.baselineWindowMs, bucketMs);
  const minBaselineBuckets = positiveInteger('minBaselineBuckets', options.minBaselineBuckets ?? defaults.minBaselineBuckets);
  if (minBaselineBuckets > baselineBuckets) throw new TypeError(`minBaselineBuckets (${minBaselineBuckets}) must not exceed the ${baselineBuckets} buckets of baselineWindowMs`);
  const forMs = options.forMs ?? defaults.forMs;
  if (!Number.isSafeInteger(forMs) || forMs < 0) throw new TypeError(`forMs must be a non-negative integer, got ${String(forMs)}`);
  return {
    bucketMs,
    baselineBuckets,
    recentBuckets: wholeBuckets('recentWindowMs', options.recentWindowMs ?? defaults.recentWindowMs, bucketMs),
    k: positiveNumber('k', options.k ?? defaults.k),
    fallbackFraction: nonNegativeNumber('fallbackFraction', options.fallbackFraction ?? defaults.fallbackFraction),
    minMarginFraction: nonNegativeNumber('minMarginFraction', options.minMarginFraction ?? defaults.minMarginFraction),
    minMargin: nonNegativeNumber('minMargin', minMargin),
    forMs,
    minValuesPerBucket: positiveInteger('minValuesPerBucket', options.minValuesPerBucket ?? defaults.minValuesPerBucket),
    minBaselineBuckets,
    maxKeys: positiveInteger('maxKeys', options.maxKeys ?? defaults.maxKeys),
    sides,
  };
}

/** Where the level stood against the band when the series was judged. */
export interface BandVerdict {
  /** The median of the recent buckets. */
  readonly level: number;
  /** The baseline's median and MAD, and the band's edges (the lower one clamped at 0). */
  readonly median: number;
  readonly mad: number;
  readonly lower: number;
  readonly upper: number;
  /** Counting buckets in the baseline and in the recent window. */
  readonly baselineBuckets: number;
  readonly recentBuckets: number;
}

/** A level that stayed outside the band for `forMs`: what an alert reports. */
export interface BandAlarm extends BandVerdict {
  readonly side: BandSide;
  /** When the level was first judged outside (the end of that bucket), ms. */
  readonly outsideSince: number;
  /** When it was judged outside for `forMs` (the end of the bucket that raised the alarm), ms. */
  readonly at: number;
  /** The newest `event.sequence` values of the series, oldest first. */
  readonly evidence: readonly number[];
}

/** The alarm's figures as alert fields, under `mlx_audit.band.*`. */
export function bandFields(alarm: BandAlarm): Record<string, JsonValue> {
  return {
    'mlx_audit.band.side': alarm.side,
    'mlx_audit.band.level': alarm.level,
    'mlx_audit.band.median': alarm.median,
    'mlx_audit.band.mad': alarm.mad,
    'mlx_audit.band.lower': alarm.lower,
    'mlx_audit.band.upper': alarm.upper,
    'mlx_audit.band.baseline_buckets': alarm.baselineBuckets,
    'mlx_audit.band.recent_buckets': alarm.recentBuckets,
    'mlx_audit.band.outside_since': new Date(alarm.outsideSince).toISOString(),
  };
}

/** One series' band: values in, an alarm out when its level has stayed outside for `forMs`. */
export class RobustBand {
  readonly #settings: BandSettings;
  readonly #open = new BucketSample();
  /** The bucket number (time / bucketMs) of the bucket values go to; undefined before the first. */
  #openBucket: number | undefined;
  readonly #recent: ValueRing;
  readonly #baseline: ValueRing;
  readonly #evidence: number[] = [];
  /** The side and first time of an outside streak not yet long enough for an alarm. */
  #pending: { side: BandSide; since: number } | undefined;
  /** The side and time of the alarm of the current episode; the baseline is frozen while it lasts. */
  #episode: { side: BandSide; since: number } | undefined;

  constructor(settings: BandSettings) {
    this.#settings = settings;
    this.#recent = new ValueRing(settings.recentBuckets);
    this.#baseline = new ValueRing(settings.baselineBuckets);
  }

  /**
   * Adds a value at `time` (ms). Ends the buckets before it, judging the series at each; returns
   * the alarm that judgement raised, if any. A value of a bucket already ended is not counted.
   */
  add(time: number, value: number, sequence: number | undefined): BandAlarm | undefined {
    const bucket = Math.floor(time / this.#settings.bucketMs);
    const open = this.#openBucket;
    let alarm: BandAlarm | undefined;
    if (open === undefined) this.#openBucket = bucket;
    else if (bucket < open) return undefined;
    else if (bucket > open) {
      alarm = this.#end(open);
      // Buckets without a value: each ends empty, at most as many as the rings hold (after that
      // they hold only empty buckets, whatever the length of the silence).
      const last = Math.min(bucket - 1, open + this.#settings.recentBuckets + this.#settings.baselineBuckets);
      for (let empty = open + 1; empty <= last; empty++) alarm = this.#end(empty) ?? alarm;
      this.#openBucket = bucket;
    }
    this.#open.add(value);
    if (sequence !== undefined) {
      this.#evidence.push(sequence);
      if (this.#evidence.length > EVIDENCE) this.#evidence.shift();
    }
    return alarm;
  }

  #end(bucket: number): BandAlarm | undefined {
    const summary = this.#open.count >= this.#settings.minValuesPerBucket ? this.#open.median() : Number.NaN;
    this.#open.clear();
    const leaving = this.#recent.push(summary);
    if (leaving !== undefined && this.#episode === undefined) this.#baseline.push(leaving);
    return this.#judge((bucket + 1) * this.#settings.bucketMs);
  }

  #judge(at: number): BandAlarm | undefined {
    const settings = this.#settings;
    if (this.#episode !== undefined && at - this.#episode.since >= settings.baselineBuckets * settings.bucketMs) {
      // Outside for a whole baseline window: the new normal. Learn it from the buckets to come.
      this.#baseline.clear();
      this.#episode = undefined;
      this.#pending = undefined;
    }
    const verdict = this.#verdict();
    if (verdict === undefined) {
      // Not judged (too few counting buckets): a streak needs judgements without a break; an
      // episode goes on until the level is judged back inside.
      this.#pending = undefined;
      return undefined;
    }
    const side = verdict.level > verdict.upper ? 'above' : verdict.level < verdict.lower && settings.sides === 'both' ? 'below' : undefined;
    if (side === undefined) {
      // Back inside: the episode ends, and the rule re-arms.
      this.#episode = undefined;
      this.#pending = undefined;
      return undefined;
    }
    if (this.#episode !== undefined) {
      if (this.#episode.side === side) return undefined;
      this.#episode = undefined;
    }
    if (this.#pending?.side !== side) this.#pending = { side, since: at };
    const outsideSince = this.#pending.since;
    if (at - outsideSince < settings.forMs) return undefined;
    this.#episode = { side, since: at };
    return { ...verdict, side, outsideSince, at, evidence: [...this.#evidence] };
  }

  #verdict(): BandVerdict | undefined {
    const settings = this.#settings;
    const baseline = this.#baseline.counting();
    const recent = this.#recent.counting();
    // The level needs at least half the recent window: a median of one bucket is one bucket's noise.
    if (baseline.length < settings.minBaselineBuckets || recent.length * 2 < settings.recentBuckets) return undefined;
    const { median: center, mad } = robustBaseline(baseline);
    const spread = mad > 0 ? settings.k * mad : settings.fallbackFraction * Math.abs(center);
    const margin = Math.max(spread, settings.minMarginFraction * Math.abs(center), settings.minMargin);
    return {
      level: median(recent),
      median: center,
      mad,
      lower: Math.max(0, center - margin),
      upper: center + margin,
      baselineBuckets: baseline.length,
      recentBuckets: recent.length,
    };
  }
}

/** A span of time as a person reads it: `2 h`, `5 min`, `30 s`. */
export function describeSpan(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${significant(ms / 1000)} s`;
}

/** A number to four significant digits, without trailing zeros. */
export function significant(value: number): string {
  return String(Number(value.toPrecision(4)));
}

function wholeBuckets(name: string, windowMs: number, bucketMs: number): number {
  positiveInteger(name, windowMs);
  if (windowMs % bucketMs !== 0) throw new TypeError(`${name} (${windowMs}) must be a whole number of bucketMs (${bucketMs})`);
  return windowMs / bucketMs;
}

function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`${name} must be a positive number, got ${String(value)}`);
  return value;
}

function nonNegativeNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
  return value;
}
