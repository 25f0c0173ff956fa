import { CONFIDENCE_BUCKETS, type AuditEvent, type ConfidenceSummary, type JsonValue } from '@mlx-audit/runtime';
import { makeAlert, originOf, type RuleIdentity } from '../alert.js';
import { bindingOf, positiveInteger, RUNTIME_ACTION_PREFIX, text } from '../fields.js';
import { KeyedState } from '../keyed-state.js';
import type { Rule } from '../rule.js';

// Confidence drift (opt-in): the application records how sure its model was with
// `auditEvent(action, { data: confidenceSummary(probabilities) })`, counts of rows per tenth of
// the max probability and of the normalised entropy (`mlx.data.confidence_*`). Per series (the
// event's action within its service), the first rows are the baseline; each following window of
// rows is compared with it by the Population Stability Index, Σ (a − e) · ln(a / e) over the
// buckets' shares, with a pseudo-count in every bucket so that an empty one gives a finite
// figure. Rows, not events: a batch's event counts each of its rows. Time plays no part: a
// quiet service fills a window slowly, a busy one fast, and the figure means the same.

const CATEGORY = 'confidence-drift';
/** Window events kept as the evidence of an alert. */
const EVIDENCE = 10;
/**
 * Below this many rows, sampling alone moves the PSI towards the threshold: for two samples of one
 * distribution it is about χ²(buckets − 1) · (1/baseline + 1/window), whose 99th percentile with
 * 100 rows each is 0.43. Refused, as a misconfiguration.
 */
const MIN_ROWS = 100;
const MAX_FIELD = 'confidence_max_probability' satisfies keyof ConfidenceSummary;
const ENTROPY_FIELD = 'confidence_entropy' satisfies keyof ConfidenceSummary;

export interface ConfidenceDriftOptions {
  /** Rows of a series that make its baseline: its first ones. Default 1,000 (at least 100). */
  readonly baselineRows?: number;
  /** Rows of each window compared with the baseline, one window after the other. Default 500 (at least 100). */
  readonly windowRows?: number;
  /** PSI above which a window has drifted: 0.1 is a moderate shift, 0.25 (the default) a significant one. */
  readonly threshold?: number;
  /** Rows added to every bucket of both histograms before comparing them, so an empty bucket has a share. Default 0.5. */
  readonly smoothing?: number;
  /** Series whose state is kept; the least recently seen go first. Default 1,000. */
  readonly maxKeys?: number;
}

export const CONFIDENCE_DRIFT_DEFAULTS: Required<ConfidenceDriftOptions> = {
  baselineRows: 1000,
  windowRows: 500,
  threshold: 0.25,
  smoothing: 0.5,
  maxKeys: 1000,
};

const CONFIDENCE_DRIFT: RuleIdentity = {
  id: 'confidence-drift.psi',
  name: "The model's confidence drifted from its baseline",
  description:
    "The distribution of the model's max probability or of its normalised entropy (confidenceSummary events) over the latest window of rows differs from the series' baseline by a Population Stability Index above the threshold: a changed model, changed inputs, or inputs crafted against it.",
  category: CATEGORY,
};

/** Rows counted per bucket, of the max probability and of the entropy. */
class Histograms {
  readonly max = new Float64Array(CONFIDENCE_BUCKETS);
  readonly entropy = new Float64Array(CONFIDENCE_BUCKETS);
  rows = 0;

  add(max: readonly number[], entropy: readonly number[], rows: number): void {
    for (let bucket = 0; bucket < CONFIDENCE_BUCKETS; bucket++) {
      this.max[bucket] = (this.max[bucket] ?? 0) + (max[bucket] ?? 0);
      this.entropy[bucket] = (this.entropy[bucket] ?? 0) + (entropy[bucket] ?? 0);
    }
    this.rows += rows;
  }
}

/** Rows per bucket. */
export type Counts = readonly number[] | Float64Array;

interface Series {
  readonly baseline: Histograms;
  window: Histograms;
  /** The `event.sequence` of the window's latest events. */
  evidence: number[];
  firing: boolean;
}

/** A series' latest window of confidence rows against its first rows, by PSI. */
export function confidenceDriftRule(options: ConfidenceDriftOptions = {}): Rule {
  const baselineRows = atLeast('baselineRows', options.baselineRows ?? CONFIDENCE_DRIFT_DEFAULTS.baselineRows);
  const windowRows = atLeast('windowRows', options.windowRows ?? CONFIDENCE_DRIFT_DEFAULTS.windowRows);
  const threshold = options.threshold ?? CONFIDENCE_DRIFT_DEFAULTS.threshold;
  if (!(threshold > 0 && Number.isFinite(threshold))) throw new TypeError(`threshold must be a positive number, got ${String(threshold)}`);
  const smoothing = options.smoothing ?? CONFIDENCE_DRIFT_DEFAULTS.smoothing;
  if (!(smoothing > 0 && Number.isFinite(smoothing))) throw new TypeError(`smoothing must be a positive number, got ${String(smoothing)}`);
  const series = new KeyedState<string, Series>(positiveInteger('maxKeys', options.maxKeys ?? CONFIDENCE_DRIFT_DEFAULTS.maxKeys));

  return {
    ...CONFIDENCE_DRIFT,
    observe({ event, timestamp, sequence }, emit) {
      const action = text(event, 'event.action');
      if (action === undefined || action.startsWith(RUNTIME_ACTION_PREFIX)) return;
      const summary = confidenceOf(event);
      if (summary === undefined) return;
      const service = text(event, 'service.name');
      const state = series.obtain(`${service ?? ''}\u0000${action}`, () => ({ baseline: new Histograms(), window: new Histograms(), evidence: [], firing: false }));
      if (state.baseline.rows < baselineRows) {
        state.baseline.add(summary.max, summary.entropy, summary.rows);
        return;
      }
      state.window.add(summary.max, summary.entropy, summary.rows);
      if (sequence !== undefined) {
        state.evidence.push(sequence);
        if (state.evidence.length > EVIDENCE) state.evidence.shift();
      }
      if (state.window.rows < windowRows) return;
      const { baseline, window } = state;
      const psiMax = populationStability(baseline.max, window.max, smoothing);
      const psiEntropy = populationStability(baseline.entropy, window.entropy, smoothing);
      const drifted = psiMax > threshold || psiEntropy > threshold;
      // One alert per episode: re-armed by a window back under the threshold.
      if (drifted && !state.firing) {
        const fields: Record<string, JsonValue | undefined> = {
          ...originOf(event),
          'mlx.binding': bindingOf(event),
          'mlx_audit.confidence.action': action,
          'mlx_audit.psi.max_probability': round(psiMax),
          'mlx_audit.psi.entropy': round(psiEntropy),
          'mlx_audit.baseline.rows': baseline.rows,
          'mlx_audit.window.rows': window.rows,
          'mlx_audit.baseline.max_probability': Array.from(baseline.max),
          'mlx_audit.window.max_probability': Array.from(window.max),
          'mlx_audit.baseline.entropy': Array.from(baseline.entropy),
          'mlx_audit.window.entropy': Array.from(window.entropy),
        };
        emit(
          makeAlert(CONFIDENCE_DRIFT, {
            timestamp,
            severity: 'medium',
            reason:
              `The confidence of ${action}${service === undefined ? '' : ` in ${service}`} drifted over its last ${window.rows} rows from its first ${baseline.rows}: ` +
              `PSI ${round(psiMax)} for the max probability (about ${meanOf(baseline.max)} on average then, ${meanOf(window.max)} now) and ${round(psiEntropy)} for the entropy ` +
              `(about ${meanOf(baseline.entropy)} then, ${meanOf(window.entropy)} now), threshold ${threshold}`,
            evidence: [...state.evidence],
            fields,
          }),
        );
      }
      state.firing = drifted;
      state.window = new Histograms();
      state.evidence = [];
    },
    state: () => ({ keys: series.size, evicted: series.evicted }),
  };
}

/**
 * The Population Stability Index of `actual` against `expected` (counts per bucket), each bucket's
 * share taken after adding `smoothing` rows to it: Σ (a − e) · ln(a / e). 0 for equal shares; it
 * grows with the shift, in either direction (it is the symmetric Kullback–Leibler divergence).
 */
export function populationStability(expected: Counts, actual: Counts, smoothing: number): number {
  const buckets = expected.length;
  const expectedTotal = total(expected) + buckets * smoothing;
  const actualTotal = total(actual) + buckets * smoothing;
  let index = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    const e = ((expected[bucket] ?? 0) + smoothing) / expectedTotal;
    const a = ((actual[bucket] ?? 0) + smoothing) / actualTotal;
    index += (a - e) * Math.log(a / e);
  }
  return index;
}

interface Confidence {
  readonly max: readonly number[];
  readonly entropy: readonly number[];
  readonly rows: number;
}

/**
 * The two histograms of a `confidenceSummary` in `mlx.data` (an object, as the runtime writes it,
 * or flattened to `mlx.data.<key>` by a log pipeline): both of CONFIDENCE_BUCKETS counts, over the
 * same rows. Anything else (another version's buckets, a histogram of its own) is no summary.
 */
function confidenceOf(event: AuditEvent): Confidence | undefined {
  const max = histogram(dataField(event, MAX_FIELD));
  const entropy = histogram(dataField(event, ENTROPY_FIELD));
  if (max === undefined || entropy === undefined) return undefined;
  const rows = total(max);
  return rows > 0 && total(entropy) === rows ? { max, entropy, rows } : undefined;
}

function dataField(event: AuditEvent, key: string): JsonValue | undefined {
  const data = event['mlx.data'];
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return Object.hasOwn(data, key) ? (data as Readonly<Record<string, JsonValue>>)[key] : undefined;
  return event[`mlx.data.${key}`];
}

function histogram(value: JsonValue | undefined): number[] | undefined {
  if (!Array.isArray(value) || value.length !== CONFIDENCE_BUCKETS) return undefined;
  return value.every((count) => typeof count === 'number' && Number.isSafeInteger(count) && count >= 0) ? (value as number[]) : undefined;
}

function total(counts: Counts): number {
  let sum = 0;
  for (const count of counts) sum += count;
  return sum;
}

/** The mean of the rows' figures, each taken at the middle of its tenth, to two decimals: which way a shift went. */
function meanOf(counts: Counts): string {
  let sum = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) sum += (counts[bucket] ?? 0) * ((bucket + 0.5) / CONFIDENCE_BUCKETS);
  return (sum / total(counts)).toFixed(2);
}

function atLeast(name: string, rows: number): number {
  positiveInteger(name, rows);
  if (rows < MIN_ROWS) throw new TypeError(`${name} must be at least ${MIN_ROWS} rows (fewer make the PSI of sampling noise alone reach the threshold), got ${rows}`);
  return rows;
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
