import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

/** A module that records, per call, its `this` and how many arguments it received. */
class Counting extends nn.Module {
  calls: string[] = [];
  override forward(...inputs: unknown[]): mx.array {
    // eslint-disable-next-line prefer-rest-params
    this.calls.push(`${arguments.length} arguments`);
    return mx.add((inputs[0] as mx.array) ?? mx.zeros([1]), 1);
  }
}

// Evaluation order, recorded by side effects: the receiver, then the callee read, then the
// arguments left to right, each once; reassignments inside arguments do not change what is called.
export default group('order', {
  'receiver, then arguments': () => {
    const { log, tap } = trail();
    return [tap('receiver', new Counting()).forward(tap('x', mx.ones([1]))), log];
  },
  'nested MLX calls: inner first, left to right': () => {
    const { log, tap } = trail();
    const result = mx.add(tap('a', mx.multiply(tap('m1', 2), tap('m2', 3))), tap('b', mx.subtract(tap('s1', 5), tap('s2', 1))));
    return [result, log];
  },
  'getters on the path: each read once, before the arguments': () => {
    const { log, tap } = trail();
    const path = {
      get ns(): typeof mx {
        tap('get ns', 0);
        return mx;
      },
    };
    const ops = {
      get add(): typeof mx.add {
        tap('get add', 0);
        return mx.add;
      },
    };
    return [path.ns.multiply(tap('a', 2), tap('b', 3)), ops.add(tap('c', 1), tap('d', 1)), log];
  },
  'receiver reassigned in an argument: the old receiver is this': () => {
    let model = new Counting();
    const first = model;
    const other = new Counting();
    model.forward((model = other, mx.ones([1])));
    return [first.calls, other.calls, model === other];
  },
  'callee reassigned in an argument: the old function is called': () => {
    let op = mx.add;
    const result = op(2, (op = mx.multiply, 5));
    return [result, op === mx.multiply];
  },
  'property holding the layer replaced in an argument': () => {
    const a = new Counting();
    const b = new Counting();
    const holder = { layer: a };
    holder.layer.forward((holder.layer = b, mx.ones([1])));
    return [a.calls, b.calls];
  },
  'argument count: none, one, a trailing undefined, an empty spread': () => {
    const model = new Counting();
    model.forward();
    model.forward(mx.ones([1]));
    model.forward(mx.ones([1]), undefined);
    model.forward(...[]);
    return model.calls;
  },
  'a chain: receiver, arguments, then the next call': () => {
    const { log, tap } = trail();
    const result = tap('receiver', mx.arange(4)).reshape(tap('rows', 2), tap('columns', 2)).sum(tap('axis', 0));
    return [result, log];
  },
  'optional call: receiver, key, then arguments': () => {
    const { log, tap } = trail();
    const result = tap('receiver', mx)?.[tap('key', 'add')]?.(tap('a', 1), tap('b', 2));
    return [result, log];
  },
  'array and object literals as arguments': () => {
    const { log, tap } = trail();
    const stacked = mx.stack([tap('first', mx.ones([1])), tap('second', mx.zeros([1]))]);
    const model = new nn.Linear(1, 1);
    model.update({ weight: tap('weight', mx.full([1, 1], 2)), bias: tap('bias', mx.zeros([1])) });
    return [stacked, model.weight, log];
  },
  'getters at every level of a path': () => {
    const { log, tap } = trail();
    const model = new Counting();
    const root = {
      get a() {
        tap('a', 0);
        return {
          get b() {
            tap('b', 0);
            return model;
          },
        };
      },
    };
    return [root.a.b.forward(tap('x', mx.ones([1]))), log];
  },
  'an assignment in a computed key': () => {
    let key: 'add' | 'multiply' = 'multiply';
    const result = mx[(key = 'add')](key === 'add' ? 10 : 0, 2);
    return [result, key];
  },
  'MLX calls on both sides of an operator': () => {
    const { log, tap } = trail();
    const total = (tap('left', mx.array(2).item()) as number) * (tap('right', mx.array(3).item()) as number);
    return [total, log];
  },
  'an MLX call in a template literal between others': () => {
    const { log, tap } = trail();
    const text = `${tap('one', 1)}-${tap('two', mx.array(2).item())}-${tap('three', 3)}`;
    return [text, log];
  },
  'arguments evaluated once each': () => {
    let reads = 0;
    const next = (): mx.array => {
      reads++;
      return mx.array(reads);
    };
    return [mx.add(next(), next()), reads];
  },
});
