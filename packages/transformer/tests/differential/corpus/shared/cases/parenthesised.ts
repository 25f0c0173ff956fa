import { core as mx } from '@frost-beta/mlx';
import { group, some, trail } from '../harness.js';
import { Recorder } from './optional.js';

/** Runs `call` with a fresh Recorder: `self` says whether each forward saw the model as `this`. */
function withThis<T>(call: (model: Recorder) => T): { result: T; self: boolean[] } {
  Recorder.seen = [];
  const model = new Recorder();
  const result = call(model);
  return { result, self: Recorder.seen.map((seen) => seen === model) };
}

/** mx behind a Proxy that records the `this` its functions are called with. */
function observedMx(): { ns: typeof mx; thisWas: () => string[] } {
  const seen: unknown[] = [];
  const ns: typeof mx = new Proxy(mx, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return function (this: unknown, ...args: unknown[]) {
        seen.push(this);
        return Reflect.apply(value, target, args) as unknown;
      };
    },
  });
  return { ns, thisWas: () => seen.map((self) => (self === ns ? 'namespace' : self === undefined ? 'undefined' : 'other')) };
}

// A parenthesised member callee keeps its object as `this` (`(a.m)(x)` is `a.m(x)`); a comma,
// an assignment or a conditional in the parentheses yields the bare function, called with `this`
// undefined. Type assertions and non-null assertions are no parentheses at run time.
export default group('parenthesised', {
  '(model.forward)(x): this is the model': () => withThis((model) => (model.forward)(mx.ones([2]))),
  '((model.forward))(x): double parentheses': () => withThis((model) => ((model.forward))(mx.ones([2]))),
  "(model['forward'])(x)": () => withThis((model) => (model['forward'])(mx.ones([2]))),
  '(model.forward as F)(x): an assertion is no call form': () => withThis((model) => (model.forward as (x: mx.array) => mx.array)(mx.ones([2]))),
  '(<F>model.forward)(x)': () => withThis((model) => (<(x: mx.array) => mx.array>model.forward)(mx.ones([2]))),
  '(model.forward satisfies F)(x)': () => withThis((model) => (model.forward satisfies (x: mx.array) => mx.array)(mx.ones([2]))),
  'model.forward!(x): a non-null assertion keeps this': () => withThis((model) => model.forward!(mx.ones([2]))),
  '(model!.forward)(x)': () => withThis((model) => (model!.forward)(mx.ones([2]))),
  '(mx.add)(a, b): this is mx': () => {
    const { ns, thisWas } = observedMx();
    return [(ns.add)(1, 2), thisWas()];
  },
  '(mx.add as typeof mx.add)(a, b): this is mx': () => {
    const { ns, thisWas } = observedMx();
    return [(ns.add as typeof mx.add)(1, 2), thisWas()];
  },
  'mx.add!(a, b): this is mx': () => {
    const { ns, thisWas } = observedMx();
    return [ns.add!(3, 4), thisWas()];
  },
  '(0, mx.add)(a, b): this is dropped': () => {
    const { ns, thisWas } = observedMx();
    return [(0, ns.add)(1, 2), thisWas()];
  },
  '(f = mx.add)(a, b): this is dropped': () => {
    const { ns, thisWas } = observedMx();
    let f: typeof mx.add;
    return [(f = ns.add)(1, 2), thisWas(), typeof f];
  },
  '(cond ? mx.add : mx.subtract)(a, b): this is dropped': () => {
    const { ns, thisWas } = observedMx();
    const pick = some(true);
    return [(pick ? ns.add : ns.subtract)(5, 2), thisWas()];
  },
  '(mx.add || mx.subtract)(a, b): this is dropped': () => {
    const { ns, thisWas } = observedMx();
    return [(ns.add || ns.subtract)(5, 2), thisWas()];
  },
  '(mx.add ?? mx.subtract)(a, b): this is dropped': () => {
    const { ns, thisWas } = observedMx();
    return [(ns.add ?? ns.subtract)(5, 2), thisWas()];
  },
  '(0, model.forward)(x): forward without this throws': () => withThis((model) => (0, model.forward)(mx.ones([2]))),
  '(f = model.forward)(x): forward without this': () => withThis((model) => {
    let f: (x: mx.array) => mx.array;
    return (f = model.forward)(mx.ones([2]));
  }),
  '(x.sum)(): this is the array': () => (mx.array([1, 2, 3]).sum)().item(),
  '(0, x.sum)(): native method without this': () => (0, mx.array([1, 2, 3]).sum)(),
  '(x.sum as any)().item()': () => ((mx.array([1, 2]).sum as () => mx.array))().item(),
  '(mx.random.uniform)(…), seeded: nested namespace in parentheses': () => {
    mx.random.seed(21);
    return (mx.random.uniform)(0, 1, [2]);
  },
  "(mx['multiply'])(a, b)": () => (mx['multiply'])(mx.array([2]), 4),
  'parentheses around the receiver only: (model).forward(x)': () => withThis((model) => (model).forward(mx.ones([2]))),
  'order: receiver, callee read, arguments, with parentheses': () => {
    const { log, tap } = trail();
    const target = {
      get add(): typeof mx.add {
        tap('callee read', 0);
        return mx.add;
      },
    };
    const result = (tap('receiver', target).add)(tap('a', 1), tap('b', 2));
    return [result, log];
  },
  '(0, mx.checkpoint)(f), absent: TypeError text': () => (0, mx.checkpoint)((x: mx.array) => x),
});
