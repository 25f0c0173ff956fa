// Summaries of repeated measurements: the median and the spread, never a figure without samples.

/**
 * @param {readonly number[]} sorted ascending
 * @param {number} q in [0, 1]
 */
function quantile(sorted, q) {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low];
  const b = sorted[high];
  if (a === undefined || b === undefined) throw new Error('quantile of an empty list');
  return a + (b - a) * (position - low);
}

/**
 * @typedef {object} Summary
 * @property {number} n
 * @property {number} median
 * @property {number} min
 * @property {number} max
 * @property {number} q1
 * @property {number} q3
 */

/**
 * @param {readonly number[]} samples
 * @returns {Summary}
 */
export function summarize(samples) {
  if (samples.length === 0) throw new Error('no samples: the measurement was not taken');
  for (const sample of samples) {
    if (typeof sample !== 'number' || !Number.isFinite(sample)) throw new Error(`not a measurement: ${String(sample)}`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: quantile(sorted, 0),
    max: quantile(sorted, 1),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
}

/**
 * Paired differences or ratios of two series measured in alternation (rep i of each ran
 * back to back), which cancels the slow drifts of a shared machine better than comparing medians.
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 * @param {(x: number, y: number) => number} combine
 */
export function paired(a, b, combine) {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired series differ in length (${a.length}, ${b.length})`);
  return a.map((x, i) => combine(x, /** @type {number} */ (b[i])));
}

/** @param {readonly number[]} samples */
export function median(samples) {
  return summarize(samples).median;
}

/**
 * The paired differences a − b of two series measured in alternation.
 * @param {readonly number[]} a
 * @param {readonly number[]} b
 */
export function differences(a, b) {
  return paired(a, b, (x, y) => x - y);
}

/**
 * The median of each series, by name.
 * @template {string} Name
 * @param {Readonly<Record<Name, readonly number[]>>} series
 * @returns {Record<Name, number>}
 */
export function medians(series) {
  const entries = /** @type {[Name, readonly number[]][]} */ (Object.entries(series));
  return /** @type {Record<Name, number>} */ (Object.fromEntries(entries.map(([name, samples]) => [name, median(samples)])));
}

/**
 * The median of paired differences between named series: for each `[a, b]` of `pairs`, the median of a − b.
 * @template {string} Name
 * @template {string} Difference
 * @param {Readonly<Record<Name, readonly number[]>>} series
 * @param {Readonly<Record<Difference, readonly [Name, Name]>>} pairs
 * @returns {Record<Difference, number>}
 */
export function medianDifferences(series, pairs) {
  const entries = /** @type {[Difference, readonly [Name, Name]][]} */ (Object.entries(pairs));
  return /** @type {Record<Difference, number>} */ (Object.fromEntries(entries.map(([name, [a, b]]) => [name, median(differences(series[a], series[b]))])));
}
