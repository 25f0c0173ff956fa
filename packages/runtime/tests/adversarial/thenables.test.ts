import '../support/quiet.js';
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure } from '../../src/configure.js';
import type { AuditCallContext, Site } from '../../src/contract.js';
import { call } from '../../src/instrument.js';
import { captureSink, nextTurn, testSite, type CaptureSink } from '../support/capture.js';

// Issue #12: following a result must run none of the application's code. A differential corpus
// (the same program built with and without instrumentation) saw a `then` called twice where the
// program calls it once. Only a native promise whose prototype is exactly Promise.prototype is
// followed, with the intrinsic `then`; anything else is recorded when the call returns.

const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

interface Watch {
  readonly phases: string[];
  /** The context published at `end`, to read `asynchronous` from. */
  readonly ended: AuditCallContext[];
  stop(): void;
}

function watch(target: Site): Watch {
  const phases: string[] = [];
  const ended: AuditCallContext[] = [];
  const stops = PHASES.map((phase) => {
    const name = `tracing:mlx-audit:${target.kind}:${phase}`;
    const listener = (message: unknown): void => {
      phases.push(phase);
      if (phase === 'end') ended.push(message as AuditCallContext);
    };
    diagnosticsChannel.subscribe(name, listener);
    return () => diagnosticsChannel.unsubscribe(name, listener);
  });
  return {
    phases,
    ended,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

const intrinsicThen = Object.getOwnPropertyDescriptor(Promise.prototype, 'then')?.value as (this: unknown, ...args: unknown[]) => unknown;

/**
 * A native promise of what `promise` settles with (its value or its reason), through the
 * intrinsic `then`: no `then` the object may have is called, and what is returned is no subclass.
 */
function settle(promise: Promise<unknown>): Promise<unknown> {
  return new Promise((resolve) => {
    Reflect.apply(intrinsicThen, promise, [resolve, resolve]);
  });
}

let sink: CaptureSink;
let watched: Watch | undefined;

beforeEach(() => {
  sink = captureSink();
  configure({ sinks: [sink], exitHooks: false });
});

afterEach(() => {
  watched?.stop();
  watched = undefined;
  configure({ sinks: [], exitHooks: false });
});

function watchSite(target: Site): Watch {
  watched = watch(target);
  return watched;
}

/** A Promise subclass whose `then` calls `onThen` first: how often `then` runs is what is tested. */
function countingPromise(onThen: () => void) {
  return class Counted<T> extends Promise<T> {
    override then<A = T, B = never>(
      onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
      onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
    ): Promise<A | B> {
      onThen();
      return super.then(onFulfilled, onRejected);
    }
  };
}

describe('a result that is not a native promise is not followed', () => {
  it('a thenable whose then counts calls: the program that awaits it once sees exactly 1', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, ended } = watchSite(generate);
    let calls = 0;
    const thenable = {
      then(onFulfilled: (value: number) => void): void {
        calls++;
        onFulfilled(4);
      },
    };
    const returned = call(generate, undefined, () => thenable, []);
    expect(returned).toBe(thenable);
    expect(calls).toBe(0);
    await nextTurn();
    expect(calls).toBe(0);
    // The program's own await: one `then`.
    expect(await (returned as PromiseLike<number>)).toBe(4);
    expect(calls).toBe(1);
    await nextTurn();
    expect(calls).toBe(1);
    expect(phases).toEqual(['start', 'end']);
    expect(ended[0]?.asynchronous).toBe(false);
    expect(ended[0]?.result).toBe(thenable);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'object', count: 1 } });
  });

  it('a Promise subclass overriding then: called once for one await, class and identity kept', async () => {
    let calls = 0;
    const Counted = countingPromise(() => {
      calls++;
    });
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, ended } = watchSite(generate);
    const counted = new Counted<number>((resolve) => {
      resolve(3);
    });
    const returned = call(generate, undefined, () => counted, []);
    expect(returned).toBe(counted);
    expect(returned).toBeInstanceOf(Counted);
    expect(calls).toBe(0);
    await nextTurn();
    expect(calls).toBe(0);
    expect(await (returned as Promise<number>)).toBe(3);
    expect(calls).toBe(1);
    expect(phases).toEqual(['start', 'end']);
    expect(ended[0]?.asynchronous).toBe(false);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Counted' } });
  });

  it('a Promise subclass that only counts its constructions: the runtime makes none', async () => {
    let constructed = 0;
    class Tracked<T> extends Promise<T> {
      constructor(executor: (resolve: (value: T) => void, reject: (reason: unknown) => void) => void) {
        super(executor);
        constructed++;
      }
    }
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    const tracked = new Tracked<number>((resolve) => {
      resolve(5);
    });
    expect(constructed).toBe(1);
    // The intrinsic `then` on a subclass would read its species and construct a Tracked.
    expect(call(generate, undefined, () => tracked, [])).toBe(tracked);
    await nextTurn();
    expect(constructed).toBe(1);
    expect(phases).toEqual(['start', 'end']);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Tracked' } });
  });

  it('a rejected Promise subclass is recorded at return; the program still sees the rejection', async () => {
    class Deferred<T> extends Promise<T> {}
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    const reason = new Error('later');
    const deferred = new Deferred<number>((_resolve, reject) => {
      reject(reason);
    });
    const returned = call(generate, undefined, () => deferred, []) as Deferred<number>;
    expect(returned).toBe(deferred);
    let caught: unknown;
    try {
      await returned;
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(reason);
    await nextTurn();
    expect(phases).toEqual(['start', 'end']);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Deferred' } });
  });

  it('a Proxy around a promise: no trap runs', async () => {
    const traps: string[] = [];
    // A handler that lists every trap looked up on it; each returns undefined, the default.
    const handler = new Proxy({}, {
      get(_target, trap) {
        traps.push(String(trap));
        return undefined;
      },
    });
    const promise = Promise.resolve(6);
    const proxy = new Proxy(promise, handler);
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, ended } = watchSite(generate);
    expect(call(generate, undefined, () => proxy, [])).toBe(proxy);
    await nextTurn();
    expect(traps).toEqual([]);
    expect(phases).toEqual(['start', 'end']);
    expect(ended[0]?.asynchronous).toBe(false);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Proxy' } });
  });

  it('an object whose then is a getter: the getter is not run', async () => {
    let reads = 0;
    const lazy = Object.defineProperty({}, 'then', {
      get() {
        reads++;
        return undefined;
      },
      enumerable: true,
    });
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    expect(call(generate, undefined, () => lazy, [])).toBe(lazy);
    await nextTurn();
    expect(reads).toBe(0);
    expect(phases).toEqual(['start', 'end']);
    expect(sink.events).toHaveLength(1);
  });

  it('a native promise with an own then property: the runtime does not call it', async () => {
    let calls = 0;
    const promise = Promise.resolve(7);
    Reflect.defineProperty(promise, 'then', {
      value: function (this: Promise<number>, ...args: unknown[]): unknown {
        calls++;
        return Reflect.apply(intrinsicThen, this, args);
      },
      writable: true,
      configurable: true,
    });
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, ended } = watchSite(generate);
    const returned = call(generate, undefined, () => promise, []) as Promise<number>;
    expect(returned).toBe(promise);
    expect(calls).toBe(0);
    await nextTurn();
    expect(calls).toBe(0);
    // The program's own `then`, once.
    const value = await new Promise((resolve) => {
      void returned.then(resolve);
    });
    expect(value).toBe(7);
    expect(calls).toBe(1);
    expect(phases).toEqual(['start', 'end']);
    expect(ended[0]?.asynchronous).toBe(false);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Promise' } });
  });

  it('a native promise with an own constructor property: not followed, the getter not run', async () => {
    let reads = 0;
    const promise = Promise.resolve(8);
    Reflect.defineProperty(promise, 'constructor', {
      get() {
        reads++;
        return Promise;
      },
      configurable: true,
    });
    expect(Object.hasOwn(promise, 'constructor')).toBe(true);
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    expect(call(generate, undefined, () => promise, [])).toBe(promise);
    await nextTurn();
    expect(reads).toBe(0);
    expect(phases).toEqual(['start', 'end']);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'Promise' } });
  });

  it('a native promise whose prototype the application replaced: not followed', async () => {
    let calls = 0;
    const prototype = Object.create(Promise.prototype, {
      then: {
        value: function (this: Promise<unknown>, ...args: unknown[]): unknown {
          calls++;
          return Reflect.apply(intrinsicThen, this, args);
        },
      },
    }) as object;
    const promise = Promise.resolve(9);
    Object.setPrototypeOf(promise, prototype);
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    expect(call(generate, undefined, () => promise, [])).toBe(promise);
    await nextTurn();
    expect(calls).toBe(0);
    expect(phases).toEqual(['start', 'end']);
  });

  it('a patched Promise[Symbol.species] or Promise.prototype.constructor is never run', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const species = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
    const constructor = Object.getOwnPropertyDescriptor(Promise.prototype, 'constructor');
    expect(species).toBeDefined();
    expect(constructor).toBeDefined();
    let reads = 0;
    // Following happens within the call: the globals are restored before anything else runs.
    try {
      Object.defineProperty(Promise, Symbol.species, {
        get() {
          reads++;
          return Promise;
        },
        configurable: true,
      });
      call(generate, undefined, () => Promise.resolve(10), []);
    } finally {
      if (species) Object.defineProperty(Promise, Symbol.species, species);
    }
    expect(reads).toBe(0);
    try {
      Reflect.defineProperty(Promise.prototype, 'constructor', {
        get() {
          reads++;
          return Promise;
        },
        configurable: true,
      });
      call(generate, undefined, () => Promise.resolve(11), []);
    } finally {
      if (constructor) Reflect.defineProperty(Promise.prototype, 'constructor', constructor);
    }
    expect(reads).toBe(0);
    await nextTurn();
    // Recorded at return, as a synchronous call (the second while `constructor` was a getter,
    // which the summary walks past: no class name to read).
    expect(sink.events.map((event) => event['mlx.result'])).toEqual([{ type: 'Promise' }, { type: 'Object' }]);
  });

  it('errors mode: the same, with nothing published for a result it does not follow', async () => {
    let calls = 0;
    const Counted = countingPromise(() => {
      calls++;
    });
    const thenable = {
      then(_onFulfilled: unknown, onRejected: (reason: unknown) => void): void {
        calls++;
        onRejected(new Error('thenable'));
      },
    };
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation', mode: 'errors' });
    const { phases } = watchSite(operation);
    const reason = new Error('subclass');
    const counted = call(operation, undefined, () => new Counted<number>((_resolve, reject) => {
      reject(reason);
    }), []) as Promise<number>;
    const returnedThenable = call(operation, undefined, () => thenable, []);
    expect(returnedThenable).toBe(thenable);
    expect(calls).toBe(0);
    await expect(settle(counted)).resolves.toBe(reason);
    expect(calls).toBe(0);
    let caught: unknown;
    try {
      await (returnedThenable as PromiseLike<unknown>);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe('thenable');
    expect(calls).toBe(1);
    await nextTurn();
    expect(phases).toEqual([]);
    expect(sink.events).toEqual([]);
  });
});

describe('a native promise is still followed', () => {
  it("an async function's promise: the event after settlement, with the value's summary", async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, ended } = watchSite(generate);
    const run = async (): Promise<{ text: string; tokens: number }> => {
      await nextTurn();
      return { text: 'answer', tokens: 2 };
    };
    let promise: Promise<unknown> | undefined;
    const returned = call(generate, undefined, () => (promise = run()), []);
    expect(returned).toBe(promise);
    expect(phases).toEqual(['start', 'end']);
    expect(ended[0]?.asynchronous).toBe(true);
    await nextTurn();
    expect(sink.events).toEqual([]);
    expect(await (returned as Promise<unknown>)).toEqual({ text: 'answer', tokens: 2 });
    await nextTurn();
    expect(phases).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'object', count: 2 } });
  });

  it("an async function's rejection: recorded as a failure, the same error rethrown to the awaiting code", async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases } = watchSite(generate);
    const reason = new RangeError('out of memory');
    const run = async (): Promise<never> => {
      await nextTurn();
      throw reason;
    };
    const returned = call(generate, undefined, run, []) as Promise<never>;
    let caught: unknown;
    try {
      await returned;
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(reason);
    await nextTurn();
    expect(phases).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      'event.outcome': 'failure',
      'error.type': 'RangeError',
      'mlx.error.message_length': 'out of memory'.length,
    });
  });

  it('errors mode: an async rejection is published as error and recorded', async () => {
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation', mode: 'errors' });
    const { phases } = watchSite(operation);
    const reason = new Error('async');
    const returned = call(operation, undefined, async () => {
      await nextTurn();
      throw reason;
    }, []) as Promise<never>;
    await expect(returned).rejects.toBe(reason);
    await nextTurn();
    expect(phases).toEqual(['error']);
    expect(sink.events.map((event) => event['event.outcome'])).toEqual(['failure']);
  });

  it('follows with the then captured at load, even when Promise.prototype.then is replaced later', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const original = Object.getOwnPropertyDescriptor(Promise.prototype, 'then');
    let calls = 0;
    let returned: Promise<number> | undefined;
    // Following happens within the call: the original is restored before anything else runs.
    try {
      Reflect.defineProperty(Promise.prototype, 'then', {
        value: function (this: Promise<unknown>, ...args: unknown[]): unknown {
          calls++;
          return Reflect.apply(intrinsicThen, this, args);
        },
        writable: true,
        configurable: true,
      });
      expect(Object.getOwnPropertyDescriptor(Promise.prototype, 'then')?.value).not.toBe(intrinsicThen);
      returned = call(generate, undefined, () => Promise.resolve(12), []) as Promise<number>;
    } finally {
      if (original) Reflect.defineProperty(Promise.prototype, 'then', original);
    }
    expect(calls).toBe(0);
    expect(await returned).toBe(12);
    await nextTurn();
    // Followed all the same: the value at settlement.
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'number' } });
  });
});
