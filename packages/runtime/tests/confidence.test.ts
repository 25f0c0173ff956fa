import './support/quiet.js';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../src/audit-event.js';
import { CONFIDENCE_BUCKETS, confidenceSummary } from '../src/confidence.js';
import { configure, flushAuditLog } from '../src/configure.js';
import { captureSink } from './support/capture.js';

// confidenceSummary on real MLX: probabilities in, only counts per tenth out, whatever the input.

interface Dtype {
  readonly size: number;
}
interface Tensor {
  readonly shape: number[];
}
interface Core {
  readonly array: new (value: unknown, dtype?: Dtype) => Tensor;
  readonly softmax: (logits: Tensor, axis?: number) => Tensor;
  readonly reshape: (tensor: Tensor, shape: number[]) => Tensor;
  readonly zeros: (shape: number[]) => Tensor;
  readonly float16: Dtype;
  readonly random: { readonly normal: (shape: number[]) => Tensor; readonly seed: (seed: number) => void };
}
const mx = (createRequire(import.meta.url)('@frost-beta/mlx') as { core: Core }).core;

afterAll(() => {
  configure({ sinks: [], exitHooks: false });
});

/** A histogram of CONFIDENCE_BUCKETS counts with `counts` at the given buckets. */
function histogram(counts: Readonly<Record<number, number>>): number[] {
  return Array.from({ length: CONFIDENCE_BUCKETS }, (_, bucket) => counts[bucket] ?? 0);
}

/** Entropy over ln(classes), computed here in JavaScript from the probabilities. */
function normalizedEntropy(probabilities: readonly number[]): number {
  const entropy = -probabilities.reduce((sum, p) => sum + (p > 0 ? p * Math.log(p) : 0), 0);
  return entropy / Math.log(probabilities.length);
}

describe('confidenceSummary', () => {
  it('buckets the largest probability and the normalised entropy of a softmax, computed on MLX', () => {
    const logits = [2, 1, 0.1];
    const exps = logits.map(Math.exp);
    const probabilities = exps.map((value) => value / exps.reduce((a, b) => a + b));
    // 0.659 and 0.771, by hand: buckets 6 and 7.
    expect(Math.floor(Math.max(...probabilities) * 10)).toBe(6);
    expect(Math.floor(normalizedEntropy(probabilities) * 10)).toBe(7);
    expect(confidenceSummary(mx.softmax(new mx.array(logits)))).toEqual({
      confidence_rows: 1,
      confidence_invalid_rows: 0,
      confidence_max_probability: histogram({ 6: 1 }),
      confidence_entropy: histogram({ 7: 1 }),
    });
  });

  it('never gives a class value: the output holds counts only, and the event it makes neither', () => {
    const distinctive = [0.123456789, 0.876543211, 0];
    const summary = confidenceSummary(new mx.array([distinctive, [0.3141592653, 0.6858407347, 0]]));
    const numbers = [summary.confidence_rows, summary.confidence_invalid_rows, ...summary.confidence_max_probability, ...summary.confidence_entropy];
    expect(numbers.every((value) => Number.isSafeInteger(value) && value >= 0)).toBe(true);
    expect(summary).toEqual({
      confidence_rows: 2,
      confidence_invalid_rows: 0,
      confidence_max_probability: histogram({ 6: 1, 8: 1 }),
      // Entropies 0.341 and 0.568 of ln 3.
      confidence_entropy: histogram({ 3: 1, 5: 1 }),
    });

    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    auditEvent('model.confidence', { kind: 'inference', data: summary });
    flushAuditLog();
    expect(sink.events[0]?.['mlx.data']).toEqual(summary);
    const written = JSON.stringify([summary, sink.lines]);
    for (const fragment of ['123456', '876543', '314159', '685840', '0.12', '0.87', '0.31', '0.68']) expect(written).not.toContain(fragment);
  });

  it('reduces a batch per row, on any leading axes, half precision and a large vocabulary included', () => {
    // Two one-hot rows (max 1, entropy 0), a uniform row (max 0.25, entropy 1), a half-and-half row.
    const rows = [
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0.25, 0.25, 0.25, 0.25],
      [0.5, 0.5, 0, 0],
    ];
    const expected = {
      confidence_rows: 4,
      confidence_invalid_rows: 0,
      // 0.5 lies on an edge: the upper bucket.
      confidence_max_probability: histogram({ 9: 2, 2: 1, 5: 1 }),
      // ln 2 / ln 4 = 0.5.
      confidence_entropy: histogram({ 0: 2, 9: 1, 5: 1 }),
    };
    expect(confidenceSummary(mx.reshape(new mx.array(rows), [2, 2, 4]))).toEqual(expected);
    expect(confidenceSummary(new mx.array(rows, mx.float16))).toEqual(expected);

    mx.random.seed(7);
    const vocabulary = confidenceSummary(mx.softmax(mx.random.normal([8, 32_000]), -1));
    expect(vocabulary.confidence_rows).toBe(8);
    expect(vocabulary.confidence_invalid_rows).toBe(0);
    // Near-uniform over 32,000 classes: a tiny max, an entropy near 1.
    expect(vocabulary.confidence_max_probability).toEqual(histogram({ 0: 8 }));
    expect(vocabulary.confidence_entropy).toEqual(histogram({ 9: 8 }));
  });

  it('counts rows that are no distribution apart: logits, NaN, negative values', () => {
    const summary = confidenceSummary(new mx.array([[2, 1, 0.1], [Number.NaN, 0.5, 0.5], [-0.5, 1, 0.5], [0.2, 0.3, 0.5]]));
    expect(summary).toEqual({
      confidence_rows: 4,
      confidence_invalid_rows: 3,
      confidence_max_probability: histogram({ 5: 1 }),
      confidence_entropy: histogram({ 9: 1 }),
    });
    expect(confidenceSummary(mx.zeros([0, 5]))).toEqual({
      confidence_rows: 0,
      confidence_invalid_rows: 0,
      confidence_max_probability: histogram({}),
      confidence_entropy: histogram({}),
    });
  });

  it('takes a single class as certain, and refuses what is no MLX array of classes', () => {
    expect(confidenceSummary(new mx.array([[1], [1]]))).toMatchObject({ confidence_max_probability: histogram({ 9: 2 }), confidence_entropy: histogram({ 0: 2 }) });
    for (const wrong of [[0.5, 0.5], 0.5, { shape: [2], dtype: 'float32' }, new mx.array(0.5), mx.zeros([3, 0])]) {
      expect(() => confidenceSummary(wrong)).toThrow(/confidenceSummary takes an MLX array of probabilities/);
    }
  });
});
