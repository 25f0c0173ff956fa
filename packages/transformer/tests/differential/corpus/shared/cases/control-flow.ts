import { core as mx } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

const value = (x: mx.array): number => x.item() as number;

// MLX calls in loops with labels, break and continue, switch, conditions, short-circuit operators,
// comma expressions, try/finally, and closures that keep MLX arrays or functions.
export default group('control flow', {
  'labelled loops with continue outer and break outer': () => {
    const seen: number[] = [];
    outer: for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const sum = mx.add(i, j);
        if (value(mx.greater(sum, 4))) break outer;
        if (value(mx.equal(mx.remainder(sum, 2), 1))) continue outer;
        seen.push(value(mx.multiply(sum, 10)));
      }
    }
    return seen;
  },
  'labelled block with break': () => {
    const seen: number[] = [];
    block: {
      seen.push(value(mx.array(1)));
      if (value(mx.less(1, 2))) break block;
      seen.push(value(mx.array(2)));
    }
    return seen;
  },
  'while with an MLX condition': () => {
    let x = mx.array(0);
    let steps = 0;
    while (value(mx.less(x, 5))) {
      x = mx.add(x, 2);
      steps++;
    }
    return [x, steps];
  },
  'do-while with continue': () => {
    let i = 0;
    const seen: number[] = [];
    do {
      i++;
      if (i === 2) continue;
      seen.push(value(mx.square(mx.array(i))));
    } while (value(mx.less(i, 4)));
    return seen;
  },
  'for-of over MLX rows with a labelled continue': () => {
    const seen: number[] = [];
    rows: for (const row of mx.array([[1, 2], [3, 4], [5, 6]])) {
      for (const cell of row) {
        if (value(cell) === 3) continue rows;
        seen.push(value(mx.negative(cell)));
      }
    }
    return seen;
  },
  'for-in over parameters with MLX in the body': () => {
    const parameters: Record<string, mx.array> = { a: mx.ones([2]), b: mx.zeros([2]) };
    const sums: Record<string, number> = {};
    for (const key in parameters) sums[key] = value(mx.sum(parameters[key]));
    return sums;
  },
  'switch on an MLX value, MLX calls in cases': () => {
    const results: unknown[] = [];
    for (const n of [0, 1, 2, 3]) {
      switch (value(mx.remainder(n, 3))) {
        case value(mx.array(0)):
          results.push('zero');
          break;
        case 1:
          results.push(value(mx.add(n, 100)));
          break;
        case 2:
          results.push(`two-or-after-${n}`);
          break;
        default:
          results.push('never');
      }
    }
    return results;
  },
  'conditional operator: only one branch runs': () => {
    const { log, tap } = trail();
    const pick = (flag: boolean): unknown => (flag ? tap('then', mx.ones([1])) : tap('else', mx.zeros([1])));
    return [pick(true), pick(false), log];
  },
  'logical operators short-circuit MLX calls': () => {
    const { log, tap } = trail();
    const a = false && tap('and', mx.ones([1]));
    const b = true || tap('or', mx.ones([1]));
    const c = mx.ones([1]) ?? tap('nullish', mx.zeros([1]));
    return [a, b, c, log];
  },
  'logical assignment with MLX calls': () => {
    const { log, tap } = trail();
    const state: { w?: mx.array; v?: mx.array } = { v: mx.full([1], 3) };
    state.w ??= tap('w assigned', mx.ones([1]));
    state.v ??= tap('v assigned', mx.zeros([1]));
    return [state.w, state.v, log];
  },
  'comma expression with MLX calls': () => {
    const { log, tap } = trail();
    const result = (tap('first', mx.ones([1])), tap('second', mx.zeros([1])));
    return [result, log];
  },
  'try/finally around an MLX error': () => {
    const { log, tap } = trail();
    try {
      try {
        mx.reshape(mx.ones([4]), [3]);
      } finally {
        tap(`finally ${String(value(mx.array(1)))}`, 0);
      }
    } catch (error) {
      tap((error as Error).constructor.name, 0);
    }
    return log;
  },
  'return from inside finally overrides an MLX error': () => {
    const f = (): number => {
      try {
        mx.reshape(mx.ones([4]), [3]);
        return 0;
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        return value(mx.array(7));
      }
    };
    return f();
  },
  'closures keep their own MLX arrays': () => {
    const counters = [1, 2, 3].map((start) => {
      let total = mx.array(start);
      return (): number => {
        total = mx.add(total, 10);
        return value(total);
      };
    });
    return counters.map((next) => [next(), next()]);
  },
  'closures in a loop with let and var': () => {
    const withLet: (() => number)[] = [];
    const withVar: (() => number)[] = [];
    for (let i = 0; i < 3; i++) withLet.push(() => value(mx.multiply(i, 2)));
    // eslint-disable-next-line no-var
    for (var j = 0; j < 3; j++) withVar.push(() => value(mx.multiply(j, 2)));
    return [withLet.map((f) => f()), withVar.map((f) => f())];
  },
  'an immediately invoked function calling MLX': () => (() => mx.add(2, 2))(),
  'a closure over an MLX function': () => {
    const apply = (op: typeof mx.add) => (a: number, b: number): mx.array => op(a, b);
    return [apply(mx.add)(1, 2), apply(mx.maximum)(1, 2)];
  },
  'recursion through MLX calls': () => {
    const fib = (n: number): mx.array => (n < 2 ? mx.array(n) : mx.add(fib(n - 1), fib(n - 2)));
    return fib(8);
  },
  'mutual recursion with MLX arguments built on the way': () => {
    const even = (n: number, acc: mx.array): mx.array => (n === 0 ? acc : odd(n - 1, mx.add(acc, 1)));
    const odd = (n: number, acc: mx.array): mx.array => (n === 0 ? mx.negative(acc) : even(n - 1, mx.multiply(acc, 2)));
    return [even(4, mx.array(1)), odd(3, mx.array(1))];
  },
});
