import { core as mx, nn, utils } from '@frost-beta/mlx';
import { group, none, trail } from '../harness.js';

/** Runs `fail` and reports whether the error caught is the very object thrown. */
function sameError(fail: (thrown: unknown) => unknown, thrown: unknown = new Error('from the callback')): unknown {
  try {
    const result = fail(thrown);
    return ['no error', result === undefined ? 'undefined' : typeof result];
  } catch (error) {
    return ['same object', error === thrown];
  }
}

const x = (): mx.array => mx.array([1, 2, 3]);

// Errors thrown by MLX, by user callbacks MLX calls (the same object must reach the catch), by
// missing bindings (V8's TypeError text), and while receivers and arguments are evaluated.
export default group('errors', {
  'mx.reshape to an impossible shape': () => mx.reshape(mx.ones([4]), [3]),
  'mx.ones with a string shape: conversion error': () => mx.ones('a' as unknown as number[]),
  'mx.add of shapes that do not broadcast': () => mx.add(mx.ones([2]), mx.ones([3])),
  'mx.matmul of mismatched shapes': () => mx.matmul(mx.ones([2, 3]), mx.ones([2, 3])),
  'x.reshape to an impossible shape': () => mx.ones([2]).reshape(3),
  'the error class and name': () => {
    try {
      mx.reshape(mx.ones([4]), [3]);
      return 'no error';
    } catch (error) {
      return [error instanceof Error, error instanceof TypeError, (error as Error).name, typeof (error as Error).stack];
    }
  },
  'mx.valueAndGrad of a throwing function': () => sameError((thrown) => mx.valueAndGrad((_: mx.array) => { throw thrown; })(x())),
  'mx.grad of a throwing function': () => sameError((thrown) => mx.grad((_: mx.array) => { throw thrown; })(x())),
  'mx.vmap of a throwing function': () => sameError((thrown) => mx.vmap((_: mx.array) => { throw thrown; })(x())),
  'mx.compile of a throwing function': () => sameError((thrown) => mx.compile((_: mx.array) => { throw thrown; })(x())),
  'mx.jvp of a throwing function': () => sameError((thrown) => mx.jvp((_: mx.array) => { throw thrown; }, [x()], [x()])),
  'mx.vjp of a throwing function': () => sameError((thrown) => mx.vjp((_: mx.array) => { throw thrown; }, [x()], [x()])),
  'mx.grad of mx.vmap of a throwing function': () => sameError((thrown) => mx.grad(mx.vmap((_: mx.array) => { throw thrown; }))(x())),
  'mx.eval(() => { throw e }): eval does not call functions': () => sameError((thrown) => mx.eval(() => { throw thrown; })),
  'a thrown string through mx.grad': () => sameError((thrown) => mx.grad((_: mx.array) => { throw thrown; })(x()), 'a string'),
  'a thrown number through mx.valueAndGrad': () => sameError((thrown) => mx.valueAndGrad((_: mx.array) => { throw thrown; })(x()), 42),
  'a thrown plain object through mx.vmap': () => sameError((thrown) => mx.vmap((_: mx.array) => { throw thrown; })(x()), { reason: 'object' }),
  'nn.valueAndGrad of a throwing loss': () => sameError((thrown) => {
    mx.random.seed(81);
    const model = new nn.Linear(2, 1);
    return nn.valueAndGrad(model, (_: mx.array) => { throw thrown; })(mx.ones([1, 2]));
  }),
  'utils.treeMap with a throwing callback': () => sameError((thrown) => utils.treeMap(() => { throw thrown; }, { a: 1 })),
  'model.applyToModules with a throwing callback': () => sameError((thrown) => new nn.ReLU().applyToModules(() => { throw thrown; })),
  'model.apply with a throwing map': () => sameError((thrown) => {
    mx.random.seed(82);
    return new nn.Linear(1, 1).apply(() => { throw thrown; });
  }),
  'nn.Sequential with a throwing function layer': () => sameError((thrown) => new nn.Sequential((_: mx.array) => { throw thrown; }).forward(mx.ones([1]))),
  'a user forward that throws: same object, cause kept': () => {
    const cause = new Error('root cause');
    const thrown = new Error('forward failed', { cause });
    class Failing extends nn.Module {
      override forward(_x: mx.array): mx.array {
        throw thrown;
      }
    }
    try {
      new Failing().forward(mx.ones([1]));
      return 'no error';
    } catch (error) {
      return [error === thrown, (error as Error).cause === cause];
    }
  },
  '(mx as any).nope(): TypeError text': () => (mx as unknown as { nope: () => void }).nope(),
  "(mx as any)['nope'](): TypeError text": () => (mx as unknown as Record<string, () => void>)['nope'](),
  'mx.checkpoint(f), declared but absent: TypeError text': () => mx.checkpoint((a: mx.array) => a),
  "mx['nope' as 'add'](a, b): TypeError text": () => mx['nope' as 'add'](1, 2),
  '(x as any).nope(): TypeError text': () => (x() as unknown as { nope: () => void }).nope(),
  // V8 quotes the receiver's source text, an MLX call here, in the message.
  '(mx.ones([2]) as any).nope(): TypeError text quoting an MLX call': () => (mx.ones([2]) as unknown as { nope: () => void }).nope(),
  'for-of over an MLX scalar: TypeError text quoting an MLX call': () => {
    for (const item of mx.sum(mx.ones([2])).item() as unknown as number[]) return item;
    return 'not iterated';
  },
  'x.nope?.(): undefined': () => (x() as unknown as { nope?: () => void }).nope?.(),
  'a removed forward: TypeError text': () => {
    const model = new nn.ReLU();
    model.forward = undefined;
    return model.forward(mx.ones([1]));
  },
  'a method of an undefined model: TypeError text': () => none<nn.Linear>().forward(mx.ones([1, 2])),
  'a method of a null array: TypeError text': () => {
    const missing: mx.array = null;
    return missing.sum();
  },
  'an argument that throws: later arguments unevaluated, nothing called': () => {
    const { log, tap } = trail();
    const failing = (): number => {
      throw new RangeError('argument failed');
    };
    try {
      return mx.add(tap('first', 1), failing(), tap('third', 3));
    } catch (error) {
      return [(error as Error).message, log];
    }
  },
  'a receiver getter that throws: arguments unevaluated': () => {
    const { log, tap } = trail();
    const holder = {
      get model(): nn.Linear {
        throw new RangeError('no model');
      },
    };
    try {
      return holder.model.forward(tap('argument', mx.ones([1, 2])));
    } catch (error) {
      return [(error as Error).message, log];
    }
  },
  'an MLX error inside a user forward called by MLX': () => {
    class Broken extends nn.Module {
      override forward(input: mx.array): mx.array {
        return mx.reshape(input, [7]);
      }
    }
    return new nn.Sequential(new Broken()).forward(mx.ones([2]));
  },
});
