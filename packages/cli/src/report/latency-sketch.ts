import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { Percentiles } from './model.js';

// Latency percentiles in bounded memory: a DDSketch (Datadog's; values within 1% of the truth,
// mergeable, so the buckets of a series merge when the time axis widens). The bin limit bounds each
// sketch's size whatever the trail holds: past it, the lowest bins collapse, which only touches
// percentiles far below the ones reported here.

const RELATIVE_ACCURACY = 0.01;
const BIN_LIMIT = 1024;

export type LatencySketch = LogCollapsingLowestDenseDDSketch;

export function latencySketch(): LatencySketch {
  return new LogCollapsingLowestDenseDDSketch({ relativeAccuracy: RELATIVE_ACCURACY, binLimit: BIN_LIMIT });
}

/** p50, p95 and p99 in milliseconds, or null for a sketch that saw nothing. */
export function percentilesOf(sketch: LatencySketch | null): Percentiles | null {
  if (sketch === null || sketch.count === 0) return null;
  return { p50: round(sketch.getValueAtQuantile(0.5)), p95: round(sketch.getValueAtQuantile(0.95)), p99: round(sketch.getValueAtQuantile(0.99)) };
}

/** Three significant figures: the sketch is not more exact than 1%. */
function round(ms: number): number {
  return Number(ms.toPrecision(3));
}
