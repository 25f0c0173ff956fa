import { core as mx, nn } from '@frost-beta/mlx';
import { group, trail } from '../harness.js';

function* squares(n: number): Generator<number> {
  for (let i = 1; i <= n; i++) yield mx.square(mx.array(i)).item() as number;
}

function* pairs(): Generator<string, mx.array, number> {
  return mx.add(yield 'first', yield 'second');
}

function* delegating(): Generator<number> {
  yield mx.array(0).item() as number;
  yield* squares(2);
}

function* withCleanup(log: string[]): Generator<number> {
  try {
    yield mx.array(1).item() as number;
    yield mx.array(2).item() as number;
  } finally {
    log.push(`cleanup ${String(mx.array(3).item())}`);
  }
}

function* caught(): Generator<string, unknown, number> {
  try {
    return mx.add(yield 'a', yield 'b');
  } catch (error) {
    return ['caught', (error as Error).message, mx.array(9).item()];
  }
}

async function addLater(a: Promise<number>, b: Promise<number>): Promise<mx.array> {
  return mx.add(await a, await b);
}

async function* countdown(n: number): AsyncGenerator<number> {
  for (let i = n; i > 0; i--) {
    await Promise.resolve();
    yield mx.multiply(mx.array(i), 10).item() as number;
  }
}

class Later extends nn.Module {
  override async forward(x: mx.array): Promise<mx.array> {
    await Promise.resolve();
    return mx.add(x, 100);
  }
}

const delay = <T>(value: T, ticks: number): Promise<T> => {
  let promise = Promise.resolve(value);
  for (let i = 0; i < ticks; i++) promise = promise.then((v) => v);
  return promise;
};

// Generators (yield inside MLX arguments, interleaved instances, return and throw), async
// functions (await inside arguments, concurrent calls), async generators, `for await`, and what
// a forward returning a promise or a thenable gives its caller.
export default group('generators and async', {
  'generator of MLX values': () => [...squares(3)],
  'yield inside MLX arguments': () => {
    const g = pairs();
    const first = g.next();
    const second = g.next(3);
    const done = g.next(4);
    return [first.value, second.value, done.value];
  },
  'two generators interleaved at the same call': () => {
    const g1 = pairs();
    const g2 = pairs();
    g1.next();
    g1.next(1);
    g2.next();
    g2.next(10);
    const r2 = g2.next(20).value;
    const r1 = g1.next(2).value;
    return [r1, r2];
  },
  'yield* delegating': () => [...delegating()],
  'return() runs a finally that calls MLX': () => {
    const log: string[] = [];
    const g = withCleanup(log);
    const first = g.next().value;
    const returned = g.return(42);
    return [first, returned, log];
  },
  'throw() into a yield inside MLX arguments': () => {
    const g = caught();
    g.next();
    g.next(1);
    return g.throw(new Error('thrown in')).value;
  },
  'await inside MLX arguments': () => addLater(Promise.resolve(2), Promise.resolve(3)),
  'concurrent calls of one async function, interleaved': async () => {
    const results = await Promise.all([addLater(delay(1, 3), delay(2, 1)), addLater(delay(10, 1), delay(20, 3))]);
    return results;
  },
  'async arrow returning an MLX value': async () => {
    const f = async (x: mx.array): Promise<number> => mx.sum(x).item() as number;
    return await f(mx.array([1, 2, 3]));
  },
  'async forward: the caller gets a promise': async () => {
    const model = new Later();
    const pending = model.forward(mx.array([1]));
    return [pending instanceof Promise, await pending];
  },
  'for await over an async generator': async () => {
    const seen: number[] = [];
    for await (const value of countdown(3)) seen.push(value);
    return seen;
  },
  'for await over promises of MLX values': async () => {
    const seen: unknown[] = [];
    for await (const value of [Promise.resolve(mx.ones([1])), mx.zeros([1])]) seen.push(value.tolist());
    return seen;
  },
  'for await over the rows of an MLX array': async () => {
    const seen: unknown[] = [];
    for await (const row of mx.array([[1, 2], [3, 4]])) seen.push(row.sum().item());
    return seen;
  },
  'then callbacks calling MLX': () => Promise.resolve(mx.array([2])).then((x) => mx.multiply(x, 3)).then((x) => x.item()),
  'an MLX error inside then: the promise rejects': () => Promise.resolve().then(() => mx.reshape(mx.ones([4]), [3])),
  'an async function rejects with the same error object': async () => {
    const failure = new Error('async failure');
    const fail = async (): Promise<mx.array> => {
      await Promise.resolve();
      return mx.add(mx.ones([1]), (() => { throw failure; })());
    };
    try {
      await fail();
      return 'no error';
    } catch (error) {
      return error === failure;
    }
  },
  'microtask order around an async forward': async () => {
    const { log, tap } = trail();
    const model = new Later();
    const pending = model.forward(mx.array([1]));
    void Promise.resolve().then(() => tap('queued microtask', 0));
    tap('after the call', 0);
    const value = await pending;
    tap('awaited', 0);
    return [value, log];
  },
  'forward returning a thenable: how often its then is called': async () => {
    const { log, tap } = trail();
    class Deferred extends nn.Module {
      override forward(x: mx.array): unknown {
        return {
          then(resolve: (value: unknown) => void): void {
            tap('then', 0);
            resolve(mx.add(x, 1).item());
          },
        };
      }
    }
    const value = await (new Deferred().forward(mx.array(1)) as Promise<unknown>);
    return [value, log];
  },
  'forward returning a Promise subclass: how often then is called': async () => {
    const { log, tap } = trail();
    class Counted<T> extends Promise<T> {
      override then<A = T, B = never>(onFulfilled?: (value: T) => A | PromiseLike<A>, onRejected?: (reason: unknown) => B | PromiseLike<B>): Promise<A | B> {
        tap('then', 0);
        return super.then(onFulfilled, onRejected);
      }
    }
    class Deferred extends nn.Module {
      override forward(x: mx.array): Promise<number> {
        return new Counted<number>((resolve) => resolve(mx.add(x, 2).item() as number));
      }
    }
    const value = await new Deferred().forward(mx.array(1));
    return [value, log];
  },
  'a rejected forward promise, handled by the caller': async () => {
    const failure = new Error('rejected forward');
    class Failing extends nn.Module {
      override async forward(_x: mx.array): Promise<mx.array> {
        await Promise.resolve();
        throw failure;
      }
    }
    try {
      await new Failing().forward(mx.ones([1]));
      return 'no error';
    } catch (error) {
      return error === failure;
    }
  },
  'Array.from over a generator of MLX arrays': () => Array.from(squares(4), (value) => mx.sqrt(mx.array(value)).item()),
});
