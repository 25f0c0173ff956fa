import { core as mx, nn } from '@frost-beta/mlx';
import { group, none, some, trail } from '../harness.js';
import { seededLinear } from './member.js';

/** A layer that records the `this` of each forward call. */
export class Recorder extends nn.Module {
  static seen: unknown[] = [];
  override forward(x: mx.array): mx.array {
    Recorder.seen.push(this);
    return mx.multiply(x, 2);
  }
}

/** A model whose forward records `this`: `self` says whether it was the model. */
function recorded<T>(run: (model: Recorder) => T): { result: T; self: boolean[] } {
  Recorder.seen = [];
  const model = new Recorder();
  const result = run(model);
  return { result, self: Recorder.seen.map((seen) => seen === model) };
}

interface Holder {
  model: nn.Linear;
  weights: mx.array;
  layer?: nn.Linear;
  inner?: { deeper?: { layer?: nn.Linear } };
}

const holder = (): Holder => ({ model: seededLinear(12), weights: mx.arange(6) });

// Optional calls: `a?.m(x)`, `a.m?.(x)`, `f?.(x)`, and calls inside longer optional chains, with
// nullish and non-nullish bases. A short-circuit must leave the arguments (and everything after)
// unevaluated.
export default group('optional', {
  'a?.m(x), non-nullish: this is the model': () => recorded((model) => some(model)?.forward(mx.ones([2]))),
  'a?.m(x), undefined base: arguments not evaluated': () => {
    const { log, tap } = trail();
    return [none<Recorder>()?.forward(tap('argument', mx.ones([2]))), log];
  },
  'a?.m(x), null base: arguments not evaluated': () => {
    const { log, tap } = trail();
    const model: Recorder = null;
    return [model?.forward(tap('argument', mx.ones([2]))), log];
  },
  "a?.['m'](x), non-nullish": () => recorded((model) => some(model)?.['forward'](mx.ones([1]))),
  "a?.['m'](x), nullish: key and arguments not evaluated": () => {
    const { log, tap } = trail();
    return [none<Recorder>()?.[tap('key', 'forward')](tap('argument', mx.ones([1]))), log];
  },
  'a.m?.(x), present: this is the model': () => recorded((model) => model.forward?.(mx.ones([2]))),
  'a.m?.(x), absent method: arguments not evaluated': () => {
    const { log, tap } = trail();
    const model = new Recorder();
    model.forward = none();
    return [model.forward?.(tap('argument', mx.ones([2]))), log];
  },
  'a?.m?.(x), both present': () => recorded((model) => some(model)?.forward?.(mx.ones([3]))),
  'mx.add?.(a, b)': () => mx.add?.(1, 2),
  'mx.checkpoint?.(f), declared but absent: undefined, arguments not evaluated': () => {
    const { log, tap } = trail();
    return [mx.checkpoint?.(tap('argument', (x: mx.array) => x)), log];
  },
  'f?.(x) with f an MLX function': () => {
    const f = some(mx.square);
    return f?.(mx.array([3]));
  },
  'f?.(x) with f undefined: arguments not evaluated': () => {
    const { log, tap } = trail();
    const f = none<typeof mx.square>();
    return [f?.(tap('argument', mx.array([3]))), log];
  },
  'x?.sum(), array present': () => some(mx.array([1, 2]))?.sum(),
  'x?.sum().item(), present': () => some(mx.array([1, 2, 3]))?.sum().item(),
  'x?.sum().item(), undefined: nothing after runs': () => none<mx.array>()?.sum().item(),
  'x?.sum()?.item(), present': () => some(mx.array([4, 5]))?.sum()?.item(),
  'maybe?.model.forward(x).sum(), present': () => some(holder())?.model.forward(mx.ones([1, 2])).sum().item(),
  'maybe?.model.forward(x).sum(), nullish: arguments of every call unevaluated': () => {
    const { log, tap } = trail();
    const maybe = none<Holder>();
    return [maybe?.model.forward(tap('x', mx.ones([1, 2]))).sum(tap('axis', 0)), log];
  },
  'cfg?.weights.reshape(s), present': () => some(holder())?.weights.reshape(2, 3),
  'cfg?.weights.reshape(s), nullish: shape unevaluated': () => {
    const { log, tap } = trail();
    return [none<Holder>()?.weights.reshape(tap('shape', [2, 3])), log];
  },
  'a?.b.m(x): this is b': () => recorded((model) => some({ inner: model })?.inner.forward(mx.ones([1]))),
  'a?.b.m(x) with b undefined: TypeError from the chain': () => some<Holder>({ model: undefined, weights: undefined })?.layer.forward(mx.ones([1, 2])),
  'a?.b?.c?.m?.(x)?.sum?.()?.item?.(), all present': () => {
    const deep = some(holder());
    deep.inner = { deeper: { layer: seededLinear(13) } };
    return deep?.inner?.deeper?.layer?.forward?.(mx.ones([1, 2]))?.sum?.()?.item?.();
  },
  'a?.b?.c?.m?.(x), missing in the middle: argument unevaluated': () => {
    const { log, tap } = trail();
    const deep = some(holder());
    deep.inner = { deeper: undefined };
    return [deep?.inner?.deeper?.layer?.forward?.(tap('x', mx.ones([1, 2])))?.sum?.(), log];
  },
  'mx.add?.(a, b).item(): the chain continues after an optional call': () => mx.add?.(2, 3).item(),
  'a?.m(x)!.sum(): non-null assertion inside the chain': () => some(seededLinear(14))?.forward(mx.ones([1, 2]))!.sum().item(),
  'list?.[0].sum(), present': () => some([mx.array([1, 2, 3])])?.[0].sum().item(),
  'list?.[0].sum(), nullish': () => none<mx.array[]>()?.[0].sum().item(),
  'receiver of a long chain evaluated once': () => {
    const { log, tap } = trail();
    const value = tap('receiver', some(holder()))?.model.forward(tap('x', mx.ones([1, 2]))).sum().item();
    return [value, log];
  },
  'a?.m(...spread), nullish: the iterable is not iterated': () => {
    const { log, tap } = trail();
    function* args(): Generator<mx.array> {
      tap('iterated', 0);
      yield mx.ones([2]);
    }
    return [none<Recorder>()?.forward(...(args() as unknown as [mx.array])), log];
  },
  '(a?.m)(x), present: parentheses end the chain, this is kept': () => recorded((model) => (some(model)?.forward)(mx.ones([2]))),
  '(a?.m)(x), nullish: parentheses end the chain, TypeError': () => (none<Recorder>()?.forward)(mx.ones([2])),
  '(a?.m)?.(x), nullish: undefined, argument unevaluated': () => {
    const { log, tap } = trail();
    return [(none<Recorder>()?.forward)?.(tap('argument', mx.ones([2]))), log];
  },
  '(a?.b.m)(x), present: this is b': () => recorded((model) => (some({ inner: model })?.inner.forward)(mx.ones([1]))),
  '(a?.b.m)(x), nullish: TypeError': () => (none<{ inner: Recorder }>()?.inner.forward)(mx.ones([1])),
  'a?.b.m(x) with a getter for b: read once, this is the model': () => {
    let reads = 0;
    const result = recorded((model) => some({
      get inner(): Recorder {
        reads++;
        return model;
      },
    })?.inner.forward(mx.ones([1])));
    return [result, reads];
  },
  "some(mx)?.['random'].uniform(...), seeded": () => {
    mx.random.seed(14);
    return some(mx)?.['random'].uniform(0, 1, [2]);
  },
  'a?.b!.m(x): non-null assertion in the middle': () => recorded((model) => some({ inner: model })?.inner!.forward(mx.ones([1]))),
  'a?.m(x).item() where m returns undefined: TypeError from the chain': () => {
    const model = new Recorder();
    model.forward = (): mx.array => undefined;
    return some(model)?.forward(mx.ones([1])).item();
  },
  'x?.sum?.(0)?.item(), present': () => some(mx.array([[1, 2], [3, 4]]))?.sum?.(0)?.tolist(),
  'mx?.reshape(x, ...shape).sum(...axes)': () => {
    const shape = [2, 2];
    const axes = [1] as const;
    return some(mx)?.reshape(mx.arange(4), ...shape).sum(...axes);
  },
  'a?.m(x).n(y): arguments of both calls in order': () => {
    const { log, tap } = trail();
    const result = some(mx.arange(6))?.reshape(tap('shape', [2, 3])).sum(tap('axis', 1));
    return [result, log];
  },
  '(x?.sum)().item(), present: this is the array': () => (some(mx.array([2, 3]))?.sum)().item(),
  'a?.m(x) in a condition': () => {
    const model = some(seededLinear(15, 2, 1));
    return model?.forward(mx.ones([1, 2])).item() !== undefined ? 'called' : 'skipped';
  },
  'optional call whose result is optional-chained again': () => some(mx)?.ones?.([2])?.sum?.()?.item?.(),
  'optional call on a module-returning call': () => recorded((model) => some(() => model)()?.forward(mx.ones([1]))),
});
