import { latencySketch, percentilesOf, type LatencySketch } from './latency-sketch.js';
import { REPORT_LIMITS, type BindingStats } from './model.js';
import { BucketedSeries, type TimeAxis } from './time-axis.js';

// Calls per binding (`mlx.binding`): counts, failures and latency, whole and per bucket of the
// time axis. Bindings come from the catalogue and the application's own entries, so there are few;
// past the cap the rest share one `other` row, so a trail of made-up bindings cannot grow the report.

export const OTHER_BINDINGS = 'other';

interface Bucket {
  calls: number;
  failures: number;
  latency: LatencySketch | null;
}

class BindingAccumulator {
  readonly binding: string;
  kind: string | undefined;
  calls = 0;
  failures = 0;
  readonly latency = latencySketch();
  readonly series: BucketedSeries<Bucket>;

  constructor(binding: string, axis: TimeAxis) {
    this.binding = binding;
    this.series = new BucketedSeries<Bucket>(axis, () => ({ calls: 0, failures: 0, latency: null }), mergeBuckets);
  }
}

function mergeBuckets(into: Bucket, from: Bucket): void {
  into.calls += from.calls;
  into.failures += from.failures;
  if (from.latency === null) return;
  if (into.latency === null) into.latency = from.latency;
  else into.latency.merge(from.latency);
}

export class BindingTally {
  readonly #axis: TimeAxis;
  readonly #bindings = new Map<string, BindingAccumulator>();

  constructor(axis: TimeAxis) {
    this.#axis = axis;
  }

  /**
   * One call: its binding and kind, whether it failed, its duration in ms (undefined if none), and
   * its bucket on the axis (undefined for an event without a readable time: in the totals only).
   */
  add(binding: string, kind: string | undefined, failed: boolean, durationMs: number | undefined, bucket: number | undefined): void {
    const accumulator = this.#accumulatorOf(binding);
    accumulator.kind ??= kind;
    accumulator.calls++;
    if (failed) accumulator.failures++;
    if (durationMs !== undefined) accumulator.latency.accept(durationMs);
    if (bucket === undefined) return;
    const slot = accumulator.series.at(bucket);
    slot.calls++;
    if (failed) slot.failures++;
    if (durationMs !== undefined) (slot.latency ??= latencySketch()).accept(durationMs);
  }

  #accumulatorOf(binding: string): BindingAccumulator {
    let accumulator = this.#bindings.get(binding);
    if (accumulator !== undefined) return accumulator;
    const name = this.#bindings.size < REPORT_LIMITS.bindings ? binding : OTHER_BINDINGS;
    accumulator = this.#bindings.get(name);
    if (accumulator === undefined) {
      accumulator = new BindingAccumulator(name, this.#axis);
      this.#bindings.set(name, accumulator);
    }
    return accumulator;
  }

  /** Every binding, most calls first (`other` last). */
  stats(): BindingStats[] {
    return [...this.#bindings.values()]
      .sort((a, b) => Number(a.binding === OTHER_BINDINGS) - Number(b.binding === OTHER_BINDINGS) || b.calls - a.calls || a.binding.localeCompare(b.binding))
      .map((accumulator) => {
        const percentiles = accumulator.series.toArray((bucket) => percentilesOf(bucket.latency), null);
        return {
          binding: accumulator.binding,
          ...(accumulator.kind === undefined ? {} : { kind: accumulator.kind }),
          calls: accumulator.calls,
          failures: accumulator.failures,
          latency: percentilesOf(accumulator.latency),
          series: {
            calls: accumulator.series.toArray((bucket) => bucket.calls, 0),
            failures: accumulator.series.toArray((bucket) => bucket.failures, 0),
            p50: percentiles.map((value) => value?.p50 ?? null),
            p95: percentiles.map((value) => value?.p95 ?? null),
            p99: percentiles.map((value) => value?.p99 ?? null),
          },
        };
      });
  }
}
