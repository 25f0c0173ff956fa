import { types } from 'node:util';
import { inheritsFrom, isObjectLike, readProperty } from './describe.js';
import { loadedMlxCore } from './loaded-mlx.js';

// How sure the model was, for the trail, without what it answered: a tensor of probabilities is
// reduced on MLX to two numbers a row (its largest probability and its normalised entropy), and
// those to how many rows fall in each tenth. Only the counts leave: no class, no probability, not
// even a row's own figures, so the summary says nothing a log reader could turn back into an
// output, and `no-tainted-log` takes it as clean (a sanitizer).

/** Buckets of each histogram: tenths of [0, 1]. */
export const CONFIDENCE_BUCKETS = 10;
// A row whose sum is further from 1 is no distribution (logits, a mask, a bug): counted apart.
const SUM_TOLERANCE = 0.01;
// Rounding can make a softmax a hair negative; anything below this is not a probability.
const NEGATIVE_TOLERANCE = 1e-6;
// p · ln(max(p, TINY)) is 0 for p = 0, where p · ln(p) would be NaN.
const TINY = 1e-30;
const NOT_PROBABILITIES = 'mlx-audit: confidenceSummary takes an MLX array of probabilities (classes on the last axis), made by the MLX the application loaded';

/**
 * What `confidenceSummary` returns, ready for `auditEvent(action, { data })` (`mlx.data`). A type
 * alias: it must be assignable to an index signature.
 */
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type ConfidenceSummary = {
  /** Rows summarised: 1 for a vector, the product of the leading axes for a batch. */
  readonly confidence_rows: number;
  /** Rows that are no probability distribution (a value not finite or below 0, a sum off 1 by more than 0.01): in no bucket. */
  readonly confidence_invalid_rows: number;
  /** Rows per bucket of their largest probability: bucket i counts [i/10, (i+1)/10), the last one 1 as well. */
  readonly confidence_max_probability: number[];
  /** Rows per bucket of their entropy over ln(classes), 0 for certain and 1 for uniform; same buckets. */
  readonly confidence_entropy: number[];
};

type Operation = (...args: unknown[]) => unknown;

/**
 * Reduces probabilities (a softmax's output: classes on the last axis, any leading axes a batch)
 * to bucketed aggregates: per row its largest probability and its entropy normalised by
 * ln(classes), computed on MLX, then counted per tenth. Logits must go through a softmax first:
 * rows that do not sum to 1 are counted as invalid, not bucketed. Throws a TypeError for anything
 * that is not an MLX array of at least one axis with at least one class.
 */
export function confidenceSummary(probabilities: unknown): ConfidenceSummary {
  const core = loadedMlxCore();
  const array = core === undefined ? undefined : readProperty(core, 'array');
  const prototype = typeof array === 'function' ? readProperty(array, 'prototype') : undefined;
  if (core === undefined || !isObjectLike(prototype) || !isObjectLike(probabilities) || types.isProxy(probabilities) || !inheritsFrom(probabilities, prototype)) {
    throw new TypeError(NOT_PROBABILITIES);
  }
  const shape = shapeOf(probabilities);
  const classes = shape[shape.length - 1];
  if (classes === undefined || classes < 1) throw new TypeError(`${NOT_PROBABILITIES}; this one has shape [${shape.join(', ')}]`);
  const rows = shape.slice(0, -1).reduce((product, size) => product * size, 1);
  const maxProbability = new Uint32Array(CONFIDENCE_BUCKETS);
  const entropy = new Uint32Array(CONFIDENCE_BUCKETS);
  let invalid = 0;
  const logClasses = Math.log(classes);
  for (const [max, min, sum, plogp] of rows === 0 ? [] : rowFigures(core, probabilities, rows, classes)) {
    if (!(Number.isFinite(plogp) && min >= -NEGATIVE_TOLERANCE && Math.abs(sum - 1) <= SUM_TOLERANCE)) {
      invalid++;
      continue;
    }
    count(maxProbability, max);
    count(entropy, classes === 1 ? 0 : -plogp / logClasses);
  }
  return {
    confidence_rows: rows,
    confidence_invalid_rows: invalid,
    confidence_max_probability: Array.from(maxProbability),
    confidence_entropy: Array.from(entropy),
  };
}

/** Per row: its max, min, sum and Σ p·ln p, computed on MLX in float32; only these leave MLX. */
function rowFigures(core: object, probabilities: object, rows: number, classes: number): (readonly [number, number, number, number])[] {
  const mx = (name: string): Operation => operation(core, name);
  const p = mx('reshape')(operation(probabilities, 'astype')(readProperty(core, 'float32')), [rows, classes]);
  const plogp = mx('sum')(mx('multiply')(p, mx('log')(mx('maximum')(p, TINY))), -1);
  const figures = mx('stack')([mx('max')(p, -1), mx('min')(p, -1), mx('sum')(p, -1), plogp], 1);
  const tolist = isObjectLike(figures) ? readProperty(figures, 'tolist') : undefined;
  if (typeof tolist !== 'function') throw new TypeError(NOT_PROBABILITIES);
  const list: unknown = Reflect.apply(tolist, figures, []);
  if (!Array.isArray(list) || list.length !== rows) throw new TypeError(NOT_PROBABILITIES);
  return list.map((row: unknown) => {
    const [a, b, c, d] = Array.isArray(row) ? (row as unknown[]) : [];
    return [numberOf(a), numberOf(b), numberOf(c), numberOf(d)] as const;
  });
}

function operation(namespace: object, name: string): Operation {
  const found = readProperty(namespace, name);
  if (typeof found !== 'function') throw new TypeError(`mlx-audit: confidenceSummary needs MLX's ${name}, which this MLX does not have`);
  return (...args): unknown => Reflect.apply(found, namespace, args) as unknown;
}

function shapeOf(value: object): number[] {
  const shape = readProperty(value, 'shape');
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)) throw new TypeError(NOT_PROBABILITIES);
  return shape as number[];
}

function numberOf(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

/** Counts a figure in its tenth of [0, 1]; 1 (and a rounding above it) in the last. */
function count(histogram: Uint32Array, figure: number): void {
  const bucket = Math.min(CONFIDENCE_BUCKETS - 1, Math.max(0, Math.floor(figure * CONFIDENCE_BUCKETS)));
  histogram[bucket] = (histogram[bucket] ?? 0) + 1;
}
