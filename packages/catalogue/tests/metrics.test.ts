import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { MLX_CATALOGUE, createMatcher, createMlxProgram, enumerateDeclaredBindings, type MetricPart } from '../src/index.js';

// Issue #15: which bindings make an aggregate metric (a loss, an accuracy over a batch) is API
// knowledge, kept on the entries as `metric`; the lint rules follow a comparison into a reduction.
const marked = (part: MetricPart): string[] =>
  Object.entries(MLX_CATALOGUE)
    .filter(([, entry]) => entry.metric === part)
    .map(([id]) => id)
    .sort();

describe('entries that make a metric', () => {
  it('every loss of nn.losses, and nothing else, is a loss', () => {
    const { program, entry } = createMlxProgram(ts, import.meta.dirname);
    const bindings = enumerateDeclaredBindings(ts, program.getTypeChecker(), createMatcher(ts, program), entry);
    const losses = bindings.filter((binding) => binding.path.startsWith('nn.losses.')).map((binding) => binding.path);
    expect(losses.length).toBeGreaterThanOrEqual(14);
    expect(marked('loss')).toEqual([...new Set(losses)].sort());
  });

  it('the value of valueAndGrad is a metric; grad, vjp and jvp give no value that is a loss', () => {
    expect(marked('value-and-grad')).toEqual(['core.valueAndGrad', 'nn.valueAndGrad']);
    for (const id of ['core.grad', 'core.vjp', 'core.jvp', 'core.compile']) expect(MLX_CATALOGUE[id]?.metric).toBeUndefined();
  });

  it('comparisons and the reductions that make them a rate or a count', () => {
    expect(marked('comparison')).toEqual(['core.equal', 'core.greater', 'core.greaterEqual', 'core.isclose', 'core.less', 'core.lessEqual', 'core.notEqual']);
    expect(marked('reduction')).toEqual(['core.array#mean', 'core.array#sum', 'core.mean', 'core.sum']);
    // A maximum of outputs (a confidence) or a whole-array equality is no accuracy.
    for (const id of ['core.max', 'core.array#max', 'core.arrayEqual', 'core.allclose', 'core.argmax']) expect(MLX_CATALOGUE[id]?.metric).toBeUndefined();
  });

  it('a metric is computed from tensors: the entries are tensor operations or gradient transforms', () => {
    for (const [id, entry] of Object.entries(MLX_CATALOGUE)) {
      if (entry.metric === undefined) continue;
      expect([id, entry.kind]).toEqual([id, entry.metric === 'value-and-grad' ? 'transform' : 'tensor-operation']);
    }
  });
});
