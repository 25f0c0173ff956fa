import { types } from 'node:util';
import type { SiteArgumentRole } from './contract.js';
import { isObjectLike } from './describe.js';
import { neutralizeValue } from './escape.js';
import { redactionSettings } from './settings.js';
import { summarize } from './summarize.js';
import type { JsonValue } from './summary.js';
import { isTensor, summarizeTensor as summarizeTensorObject, type TensorSummary } from './tensor.js';

/**
 * The redacted form an event gives a value, for the application's own logs: a tensor becomes
 * its shape, dtype and sizes, a string its length (and, in the `text` role, its keyed digest),
 * and so on, exactly as in `mlx.args`, with the current configuration and control characters
 * written out.
 */
export function summarizeValue(value: unknown, role?: SiteArgumentRole): JsonValue {
  return neutralizeValue(summarize(value, role, redactionSettings()));
}

/** Shape, dtype, size and byte count of an MLX array (never its contents); undefined for anything else. */
export function summarizeTensor(value: unknown): TensorSummary | undefined {
  if (!isObjectLike(value) || types.isProxy(value) || !isTensor(value)) return undefined;
  const summary = summarizeTensorObject(value);
  // A copy: the runtime shares its summaries between events, frozen; the caller gets its own.
  return { ...summary, shape: [...summary.shape], dtype: neutralizeValue(summary.dtype) as string };
}
