import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

function onlyDefault(x = mx.ones([2])): mx.array {
  return x;
}
function middleDefault(a: mx.array, b = mx.add(a, 1), c?: number): unknown {
  return [b, c];
}
function lastDefault(a: number, b: number, c = mx.zeros([1])): mx.array {
  return mx.add(c, a + b);
}
function dependent(a: mx.array, b = mx.multiply(a, 2)): mx.array {
  return b;
}
function shadowed(x = mx.ones([1]), read = (): mx.array => x): unknown {
  // A body `var` of a parameter's name is a second binding when parameters have defaults:
  // `read` (in the parameter scope) still sees the parameter.
  // eslint-disable-next-line no-var
  var x = mx.zeros([1]);
  return [read(), x];
}
function argumentsSeen(a = mx.ones([1])): unknown {
  // eslint-disable-next-line prefer-rest-params
  return [arguments.length, arguments[0] === undefined, a];
}
function destructured({ w = mx.ones([2]), b = mx.zeros([2]) } = {}): mx.array {
  return mx.add(w, b);
}
function destructuredList([a = mx.ones([1]), b = mx.add(a, 1)] = []): unknown {
  return [a, b];
}
function withRest(a = mx.ones([1]), ...rest: number[]): unknown {
  return [a, rest.length];
}
function accumulate(n: number, total = mx.array(0)): mx.array {
  return n === 0 ? total : accumulate(n - 1, mx.add(total, n));
}
const arrow = (x = mx.ones([2])): number => x.sum().item() as number;
const named = function inner(x = mx.ones([1])): mx.array {
  return x;
};
const methods = {
  scale(x = mx.array([3])): mx.array {
    return mx.multiply(x, 2);
  },
};
class Holder {
  w = mx.array([4]);
  read(x = this.w): mx.array {
    return x;
  }
  twice(x = mx.multiply(this.w, 2)): mx.array {
    return x;
  }
}
class Layer extends nn.Linear {
  twice(x = super.forward(mx.ones([1, 2]))): mx.array {
    return mx.multiply(x, 2);
  }
}
class Targeted {
  made: boolean;
  constructor(x = mx.array(new.target === Targeted ? 1 : 0)) {
    this.made = x.item() === 1;
  }
}
function countsArguments(a: number, b = mx.array(arguments.length)): mx.array {
  return mx.add(b, a);
}
// The parameter's temporal dead zone is the point: TypeScript rejects it, JavaScript throws.
// @ts-expect-error TS2373
function laterParameter(a = mx.add(b, 1), b = 1): mx.array {
  return a;
}
class Constructed {
  value: mx.array;
  constructor(x = mx.full([1], 6)) {
    this.value = x;
  }
}
function failingDefault(x = mx.reshape(mx.ones([4]), [3])): mx.array {
  return x;
}

const shape = (f: (...args: never[]) => unknown): [string, number] => [f.name, f.length];

// Default parameters and destructuring defaults that call MLX: `length` and `name` of the functions,
// defaults evaluated left to right and only for `undefined`, the parameter scope, when async
// functions and generators evaluate them, and what a throwing default does.
export default group('parameters', {
  'only default: length and name': () => [shape(onlyDefault), onlyDefault(), onlyDefault(mx.zeros([2]))],
  'default in the middle: length counts the first only': () => [shape(middleDefault), middleDefault(mx.ones([1]))],
  'default last: length 2': () => [shape(lastDefault), lastDefault(1, 2)],
  'default referencing an earlier parameter': () => [shape(dependent), dependent(mx.array([5]))],
  'defaults left to right, only for undefined': () => {
    const { log, tap } = trail();
    const f = (a = tap('a', mx.ones([1])), b = tap('b', mx.zeros([1]))): unknown => [a, b];
    const calls = [f(), f(undefined, mx.full([1], 7)), f(null, undefined), f(mx.full([1], 8), mx.full([1], 9))];
    return [shape(f), calls, log];
  },
  'parameter scope and a body var of the same name': () => [shape(shadowed), shadowed()],
  'arguments with a default': () => [shape(argumentsSeen), argumentsSeen(), argumentsSeen(mx.zeros([1]))],
  'destructuring parameter with defaults': () => [shape(destructured), destructured(), destructured({ w: mx.full([2], 5) })],
  'array destructuring parameter with defaults': () => [shape(destructuredList), destructuredList(), destructuredList([mx.full([1], 3)])],
  'default then rest': () => [shape(withRest), withRest(undefined, 1, 2)],
  'recursive function with a default accumulator': () => [shape(accumulate), accumulate(4)],
  'arrow with a default: length and name': () => [shape(arrow), arrow(), arrow(mx.array([5]))],
  'named function expression with a default': () => [shape(named), named()],
  'object method with a default': () => [shape(methods.scale), methods.scale()],
  'default reading this': () => {
    const holder = new Holder();
    return [shape(holder.read), holder.read(), shape(holder.twice), holder.twice()];
  },
  'default calling super.forward': () => {
    mx.random.seed(63);
    const layer = new Layer(2, 1);
    return [shape(layer.twice), layer.twice()];
  },
  'default reading new.target': () => [Targeted.length, new Targeted().made],
  'default reading arguments': () => [shape(countsArguments), countsArguments(1), countsArguments(1, undefined)],
  'default reading a later parameter: ReferenceError': () => [shape(laterParameter), laterParameter()],
  'async arrow with a default: length': async () => {
    const later = async (x = mx.ones([2]), y?: number): Promise<unknown> => [await Promise.resolve(x), y];
    return [shape(later), await later()];
  },
  'constructor with a default: length': () => [Constructed.length, new Constructed().value],
  'a default that throws an MLX error: length and the error': () => {
    try {
      return failingDefault();
    } catch (error) {
      return [shape(failingDefault), (error as Error).message];
    }
  },
  'async function defaults run at the call, before the body': async () => {
    const { log, tap } = trail();
    async function later(x = tap('default', mx.ones([1]))): Promise<mx.array> {
      tap('body', 0);
      await Promise.resolve();
      return x;
    }
    const pending = later();
    tap('after the call', 0);
    return [shape(later), await pending, log];
  },
  'async function whose default throws: a rejection, not a throw': async () => {
    async function later(x = mx.reshape(mx.ones([4]), [3])): Promise<mx.array> {
      await Promise.resolve();
      return x;
    }
    let pending: Promise<mx.array>;
    try {
      pending = later();
    } catch {
      return 'threw synchronously';
    }
    try {
      await pending;
      return 'resolved';
    } catch (error) {
      return ['rejected', shape(later), (error as Error).message];
    }
  },
  'generator defaults run at the call, before the first next()': () => {
    const { log, tap } = trail();
    function* counting(start = tap('default', mx.array(5))): Generator<number> {
      tap('body', 0);
      yield start.item() as number;
    }
    const g = counting();
    tap('created', 0);
    const first = g.next().value;
    return [shape(counting), first, log];
  },
  'generator whose default throws: at the call': () => {
    function* failing(x = mx.reshape(mx.ones([4]), [3])): Generator<mx.array> {
      yield x;
    }
    try {
      failing();
      return 'no error at the call';
    } catch (error) {
      return ['threw at the call', (error as Error).message];
    }
  },
  'destructuring declarations with defaults': () => {
    const { log, tap } = trail();
    const { a = tap('a', mx.ones([1])) } = {} as { a?: mx.array };
    const [b = tap('b', mx.zeros([1]))] = [] as mx.array[];
    const { c = tap('c', mx.ones([1])) } = { c: null } as { c?: mx.array };
    return [a, b, c, log];
  },
  'nested destructuring defaults': () => {
    const { outer: { inner = mx.full([1], 2) } = {} } = {} as { outer?: { inner?: mx.array } };
    return inner;
  },
  'destructuring defaults in for-of': () => {
    const seen: unknown[] = [];
    for (const { v = mx.ones([1]) } of [{}, { v: mx.zeros([1]) }] as { v?: mx.array }[]) seen.push(v.tolist());
    return seen;
  },
  'destructuring default in a catch clause': () => {
    try {
      throw new Error('caught');
    } catch ({ message, extra = mx.array(1).item() }: any) {
      return [message, extra];
    }
  },
  'destructuring assignment with defaults': () => {
    let a: mx.array;
    let b: mx.array;
    ({ a = mx.ones([1]), b = mx.add(a, 1) } = {} as { a?: mx.array; b?: mx.array });
    return [a, b];
  },
  'a default-parameter arrow as a callback': () => [mx.array([5]), undefined].map((x: mx.array = mx.ones([1])) => x.tolist()),
});
