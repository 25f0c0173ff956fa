// Robust statistics for baselines (Grafana's robust anomaly rules, Etsy Skyline): the median and
// the median absolute deviation resist the outliers a mean and a standard deviation follow, so a
// baseline that holds a few attacks still describes normal traffic. Inputs are small (one value
// per bucket or per key), sorted in a copy.

/** The median of `values`; NaN for none. */
export function median(values: ArrayLike<number>): number {
  const length = values.length;
  if (length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const middle = length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** The median absolute deviation from `center` (default: the median); NaN for no values. */
export function medianAbsoluteDeviation(values: ArrayLike<number>, center = median(values)): number {
  const deviations = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) deviations[index] = Math.abs((values[index] ?? Number.NaN) - center);
  return median(deviations);
}

/**
 * MAD × 1.4826 estimates the standard deviation of normally distributed values, so a robust z
 * reads like an ordinary z score (the constant of Rousseeuw and Croux).
 */
export const MAD_TO_SIGMA = 1.4826;

export interface RobustBaseline {
  readonly median: number;
  readonly mad: number;
}

export function robustBaseline(values: ArrayLike<number>): RobustBaseline {
  const center = median(values);
  return { median: center, mad: medianAbsoluteDeviation(values, center) };
}

/**
 * How many robust standard deviations `value` lies above the baseline: (x − median) / (1.4826 ·
 * MAD). Infinity above a baseline with no spread (MAD 0), 0 at it; the caller decides whether a
 * baseline without spread is judged at all (Skyline skips it).
 */
export function robustZ(value: number, baseline: RobustBaseline): number {
  const distance = value - baseline.median;
  if (baseline.mad === 0) return distance === 0 ? 0 : distance > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return distance / (MAD_TO_SIGMA * baseline.mad);
}
