import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

/** An iterable that logs when it is iterated, relative to the other arguments. */
function* logged(tap: <T>(label: string, value: T) => T, ...values: number[]): Generator<number> {
  tap('iteration starts', 0);
  for (const value of values) yield tap(`yield ${value}`, value);
  tap('iteration ends', 0);
}

// Spread arguments: arrays, holes, iterators, Sets, `arguments`; when the iteration happens
// relative to the other arguments; what spreading a non-iterable throws.
export default group('spread', {
  'mx.add(...pair)': () => {
    const pair = [1, 2] as const;
    return mx.add(...pair);
  },
  'mx.reshape(x, ...shape)': () => {
    const shape = [2, 3];
    return mx.reshape(mx.arange(6), ...shape);
  },
  'x.reshape(...shape) on an array': () => mx.arange(6).reshape(...[3, 2]),
  'spread in the middle: mx.clip(...[x], 0, ...[2])': () => mx.clip(...([mx.array([-1, 1, 3])] as const), 0, ...([2] as const)),
  'mx.stack([...arrays])': () => mx.stack([...[mx.ones([2]), mx.zeros([2])]]),
  'a hole spread as undefined: mx.add(...[, 2])': () => mx.add(...([, 2] as unknown as [number, number])),
  'a hole in an array argument: mx.array([1, , 3])': () => mx.array([1, , 3]),
  'spread of a generator': () => {
    const { tap } = trail();
    return mx.add(...(logged(tap, 1, 2) as unknown as [number, number]));
  },
  'spread of a Set': () => mx.array([...new Set([3, 1, 3, 2])]),
  'spread of a string': () => mx.array([...'123'].map(Number)),
  'spread of arguments': () => {
    function add(..._values: number[]): mx.array {
      // eslint-disable-next-line prefer-rest-params
      return mx.add(...(arguments as unknown as [number, number]));
    }
    return add(4, 5);
  },
  'the spread iterates in argument order, before later arguments': () => {
    const { log, tap } = trail();
    const result = mx.reshape(tap('array', mx.arange(4)), ...logged(tap, 2, 2), ...[tap('later argument', 0)].slice(1));
    return [result, log];
  },
  'a later argument that mutates the spread array: the spread saw it before': () => {
    const values = [1, 2];
    const result = mx.add(...(values as unknown as [number, number]), ...(values.splice(0, 2, 10, 20), []));
    return [result, values];
  },
  'an iterator that throws while spread: later arguments not evaluated': () => {
    const { log, tap } = trail();
    function* failing(): Generator<number> {
      yield 1;
      throw new RangeError('iterator failed');
    }
    try {
      mx.add(...(failing() as unknown as [number]), tap('after', 2));
    } catch (error) {
      return [(error as Error).message, log];
    }
    return 'no error';
  },
  'spread of a non-iterable object: TypeError text': () => mx.add(...({} as unknown as [number, number])),
  'spread of undefined: TypeError text': () => mx.add(...(undefined as unknown as [number, number])),
  'spread of a number: TypeError text': () => mx.add(...(5 as unknown as [number, number])),
  'new with spread: new nn.Linear(...dims)': () => {
    mx.random.seed(41);
    const dims = [3, 2] as const;
    return new nn.Linear(...dims).weight.shape;
  },
  'rest parameters collecting MLX arrays': () => {
    const sum = (...xs: mx.array[]): mx.array => xs.reduce((a, b) => mx.add(a, b));
    return sum(mx.ones([2]), mx.ones([2]), mx.array([1, 2]));
  },
  'spread of an MLX array (iterates rows)': () => mx.stack([...mx.array([[1, 2], [3, 4]])], 1),
  'spread of a Map entries into an array literal': () => mx.array([...new Map([[1, 10], [2, 20]]).values()]),
});
