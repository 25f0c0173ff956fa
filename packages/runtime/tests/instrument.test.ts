import './support/quiet.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog } from '../src/configure.js';
import type { Site } from '../src/contract.js';
import { call, construct, training } from '../src/instrument.js';
import { captureSink, nextTurn, parsedLines, testSite, type CaptureSink } from './support/capture.js';

const PHASES = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;

/** Subscribes to the five channels of a site by name, as an APM would, and lists what it sees. */
function watchPhases(target: Site): { phases: string[]; stop: () => void } {
  const phases: string[] = [];
  const listeners = PHASES.map((phase) => {
    const name = `tracing:mlx-audit:${target.kind}:${phase}`;
    const listener = () => phases.push(phase);
    diagnosticsChannel.subscribe(name, listener);
    return () => diagnosticsChannel.unsubscribe(name, listener);
  });
  return {
    phases,
    stop: () => {
      for (const stop of listeners) stop();
    },
  };
}

let sink: CaptureSink;

beforeEach(() => {
  sink = captureSink();
  configure({ sinks: [sink], exitHooks: false });
});

afterEach(() => {
  configure({ sinks: [], exitHooks: false });
});

describe('call', () => {
  it('returns the very value the function returned, with the arguments passed through', () => {
    const inference = testSite({ id: 'Model#forward', kind: 'inference', args: ['other'] });
    const returned = { result: true };
    let seenArgs: unknown[] = [];
    const fn = (...args: unknown[]) => {
      seenArgs = args;
      return returned;
    };
    expect(inference.channel.hasSubscribers).toBe(true);
    expect(call(inference, undefined, fn, [1, 'two'])).toBe(returned);
    expect(seenArgs).toEqual([1, 'two']);
  });

  it('runs the function with the receiver it was given as `this`', () => {
    const inference = testSite({ id: 'Model#forward', kind: 'inference', receiver: 'module' });
    const receiver = { name: 'model' };
    const method = function (this: unknown) {
      return this;
    };
    expect(call(inference, receiver, method, [])).toBe(receiver);
    expect(call(inference, undefined, method, [])).toBeUndefined();
  });

  it('rethrows the same error object and records the failure', async () => {
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    const thrown = new RangeError('no such model');
    let caught: unknown;
    try {
      call(load, undefined, () => {
        throw thrown;
      }, ['model.safetensors']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    await nextTurn();
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      'event.outcome': 'failure',
      'event.type': ['access', 'error'],
      'error.type': 'RangeError',
      // The application's message is not MLX's text: its length only (see tests/adversarial).
      'mlx.error.message_length': 'no such model'.length,
      'log.level': 'error',
    });
    expect(sink.events[0]).not.toHaveProperty('error.message');
  });

  it('throws what V8 throws for a missing function, after publishing the error', async () => {
    const missing = testSite({ id: 'core.nope', kind: 'tensor-operation', callee: 'mx.nope' });
    const plain: Record<string, unknown> = {};
    let native: unknown;
    try {
      (plain.nope as () => void)();
    } catch (error) {
      native = error;
    }
    const { phases, stop } = watchPhases(missing);
    expect(() => call(missing, plain, plain.nope, [])).toThrow(new TypeError('mx.nope is not a function'));
    stop();
    expect(native).toBeInstanceOf(TypeError);
    expect((native as TypeError).message).toMatch(/ is not a function$/);
    expect(phases).toEqual(['start', 'error', 'end']);
    await nextTurn();
    expect(sink.events[0]).toMatchObject({ 'error.type': 'TypeError', 'mlx.error.message_length': 'mx.nope is not a function'.length });
  });

  it('labels a forward pass in training code `training`, and any other forward pass `inference` (issue #13, point 6)', async () => {
    const training = testSite({ id: 'nn.Module#forward', kind: 'inference', fn: 'loss', phase: 'training' });
    const serving = testSite({ id: 'nn.Module#forward', kind: 'inference', fn: 'predict' });
    // Channels stay by kind: a subscriber to inference sees training steps too, and tells them by `phase`.
    expect(training.channel).toBe(serving.channel);
    expect(training.phase).toBe('training');
    expect(serving.phase).toBeUndefined();
    call(training, undefined, () => 1, []);
    call(serving, undefined, () => 2, []);
    flushAuditLog();
    await nextTurn();
    for (const [trained, served] of [sink.events, parsedLines(sink)]) {
      expect(trained).toMatchObject({ 'gen_ai.operation.name': 'training', 'mlx.kind': 'inference', 'mlx.phase': 'training', 'code.function': 'loss' });
      expect(served).toMatchObject({ 'gen_ai.operation.name': 'inference', 'mlx.kind': 'inference', 'code.function': 'predict' });
      expect(served).not.toHaveProperty('mlx.phase');
    }
  });

  it('labels a forward pass `training` while a training scope runs, from any site, and restores the scope however it ends (#13, point 6)', async () => {
    // A site no analysis marked: the forward pass of a loss function that validation calls too.
    const forward = testSite({ id: 'nn.Module#forward', kind: 'inference', fn: 'meanSquaredError' });
    const layer = testSite({ id: 'nn.Linear#forward', kind: 'layer-composition', mode: 'errors', fn: 'Regressor#forward' });
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation', fn: 'meanSquaredError' });
    const failure = new RangeError('inside the transformed function');
    const seen: unknown[] = [];
    const watch = (message: unknown): void => {
      seen.push((message as { phase: unknown }).phase);
    };
    diagnosticsChannel.subscribe('tracing:mlx-audit:inference:end', watch);
    let resolveLater: (value: number) => void = () => undefined;
    let later: Promise<unknown> = Promise.resolve();
    try {
      call(forward, undefined, () => 1, []);
      // The value the scope's call returns, as it is.
      const returned = { step: 1 };
      expect(training(() => call(forward, undefined, () => returned, []))).toBe(returned);
      // Nested scopes (a gradient of a gradient): the inner one ending leaves the outer one open.
      training(() => {
        training(() => call(forward, undefined, () => 3, []));
        call(forward, undefined, () => 4, []);
        call(operation, undefined, () => 5, []);
        // A promise settles after the scope has ended: decided when the call started.
        later = call(forward, undefined, () => new Promise<number>((resolve) => (resolveLater = resolve)), []) as Promise<unknown>;
      });
      // A throw in the scope: the same error object, and the scope is closed behind it.
      let thrown: unknown;
      try {
        training(() => call(layer, undefined, () => { throw failure; }, []));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBe(failure);
      call(forward, undefined, () => 7, []);
      resolveLater(8);
      await later;
    } finally {
      diagnosticsChannel.unsubscribe('tracing:mlx-audit:inference:end', watch);
    }
    flushAuditLog();
    await nextTurn();
    const labels = (events: Record<string, unknown>[]): unknown[][] =>
      events.map((event) => [event['mlx.callee'], event['error.type'] ?? event['mlx.result'], event['gen_ai.operation.name'], event['mlx.phase']]);
    // In the order they were recorded: the promise's call when it settled, after the scope.
    const number = { type: 'number' };
    const expected = [
      ['nn.Module#forward', number, 'inference', undefined],
      ['nn.Module#forward', { type: 'object', count: 1 }, 'training', 'training'],
      ['nn.Module#forward', number, 'training', 'training'],
      ['nn.Module#forward', number, 'training', 'training'],
      ['core.add', number, 'tensor-operation', undefined],
      ['nn.Linear#forward', 'RangeError', 'training', 'training'],
      ['nn.Module#forward', number, 'inference', undefined],
      ['nn.Module#forward', number, 'training', 'training'],
    ];
    // The event objects, and the lines written from the same records (their pieces cached by phase).
    expect(labels(sink.events)).toEqual(expected);
    expect(labels(parsedLines(sink))).toEqual(expected);
    // Subscribers see it on the context, even where the site says nothing.
    expect(seen).toEqual([undefined, 'training', 'training', 'training', 'training', undefined]);
    expect(forward.phase).toBeUndefined();
  });

  it('publishes start and end for a synchronous call, in that order, on the channel of its kind', () => {
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation' });
    const { phases, stop } = watchPhases(operation);
    call(operation, undefined, () => 1, []);
    stop();
    expect(phases).toEqual(['start', 'end']);
  });

  it('enters stores bound to the start channel, as traceSync does', () => {
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation' });
    const storage = new AsyncLocalStorage<string>();
    operation.channel.start.bindStore(storage, (context) => `span for ${context.site.id}`);
    try {
      expect(call(operation, undefined, () => storage.getStore(), [])).toBe('span for core.add');
    } finally {
      operation.channel.start.unbindStore(storage);
    }
  });

  it('returns the original promise, publishes asyncStart and asyncEnd when it settles, and records its value', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference', args: ['text'] });
    const { phases, stop } = watchPhases(generate);
    const promise = Promise.resolve({ text: 'answer' });
    const returned = call(generate, undefined, () => promise, ['prompt']);
    expect(returned).toBe(promise);
    expect(phases).toEqual(['start', 'end']);
    await expect(returned).resolves.toEqual({ text: 'answer' });
    await nextTurn();
    stop();
    expect(phases).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'success', 'mlx.result': { type: 'object', count: 1 } });
  });

  it('keeps a rejected promise rejected with the same error, and records the failure once', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, stop } = watchPhases(generate);
    const reason = new Error('model failed');
    const promise = Promise.reject(reason);
    const returned = call(generate, undefined, () => promise, []);
    expect(returned).toBe(promise);
    await expect(returned).rejects.toBe(reason);
    await nextTurn();
    stop();
    expect(phases).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ 'event.outcome': 'failure', 'mlx.error.message_length': 'model failed'.length });
  });

  it('keeps the class and identity of a Promise subclass and of a plain thenable, and records them at return', async () => {
    // Following either would run the application's code (its `then`, or its species): neither
    // is followed, each is a synchronous call's value (tests/adversarial/thenables.test.ts).
    class TrackedPromise<T> extends Promise<T> {}
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const { phases, stop } = watchPhases(generate);
    const tracked = TrackedPromise.resolve(3);
    const returned = call(generate, undefined, () => tracked, []);
    expect(returned).toBe(tracked);
    expect(returned).toBeInstanceOf(TrackedPromise);

    let thenCalls = 0;
    const thenable = {
      then(onFulfilled: (value: number) => void) {
        thenCalls++;
        onFulfilled(4);
      },
    };
    expect(call(generate, undefined, () => thenable, [])).toBe(thenable);
    await nextTurn();
    stop();
    expect(thenCalls).toBe(0);
    expect(phases).toEqual(['start', 'end', 'start', 'end']);
    expect(sink.events.map((event) => event['event.outcome'])).toEqual(['success', 'success']);
    expect(sink.events.map((event) => event['mlx.result'])).toEqual([{ type: 'TrackedPromise' }, { type: 'object', count: 1 }]);
  });

  it('treats a result whose `then` getter throws as a plain value', async () => {
    const generate = testSite({ id: 'generate', kind: 'inference' });
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('getter');
      },
    });
    expect(call(generate, undefined, () => hostile, [])).toBe(hostile);
    await nextTurn();
    expect(sink.events).toHaveLength(1);
  });
});

describe('errors mode', () => {
  it('publishes nothing for a call that succeeds, synchronously or not', async () => {
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation', mode: 'errors' });
    const { phases, stop } = watchPhases(operation);
    expect(call(operation, undefined, () => 5, [])).toBe(5);
    await call(operation, undefined, () => Promise.resolve(6), []);
    await nextTurn();
    stop();
    expect(phases).toEqual([]);
    expect(sink.events).toEqual([]);
  });

  it('publishes only `error` for a call that throws or rejects, and records each', async () => {
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation', mode: 'errors' });
    const { phases, stop } = watchPhases(operation);
    const thrown = new Error('sync');
    expect(() =>
      call(operation, undefined, () => {
        throw thrown;
      }, []),
    ).toThrow(thrown);
    const rejected = new Error('async');
    await expect(call(operation, undefined, () => Promise.reject(rejected), [])).rejects.toBe(rejected);
    await nextTurn();
    stop();
    expect(phases).toEqual(['error', 'error']);
    expect(sink.events.map((event) => event['mlx.error.message_length'])).toEqual([4, 5]);
  });
});

describe('construct', () => {
  it('returns the new object and records its class', async () => {
    class Linear {
      constructor(readonly inputs: number) {}
      outputs(): number {
        return this.inputs;
      }
    }
    const construction = testSite({ id: 'nn.Linear', kind: 'module-construction', args: ['shape'] });
    const layer = construct(construction, Linear, [4]);
    expect(layer).toBeInstanceOf(Linear);
    expect((layer as Linear).inputs).toBe(4);
    await nextTurn();
    expect(sink.events[0]).toMatchObject({ 'mlx.args': [4], 'mlx.result': { type: 'Linear' } });
  });

  it('throws `… is not a constructor` for what `new` would refuse', () => {
    const construction = testSite({ id: 'nn.Missing', kind: 'module-construction', callee: 'nn.Missing' });
    expect(() => construct(construction, undefined, [])).toThrow(new TypeError('nn.Missing is not a constructor'));
    expect(() => construct(construction, () => 1, [])).toThrow(new TypeError('nn.Missing is not a constructor'));
  });

  it('rethrows what a constructor throws', () => {
    const thrown = new TypeError('bad shape');
    const Failing = function Failing() {
      throw thrown;
    };
    const construction = testSite({ id: 'nn.Failing', kind: 'module-construction' });
    expect(() => construct(construction, Failing, [])).toThrow(thrown);
  });
});

describe('without a sink', () => {
  it('leaves no subscriber, so instrumented code takes the plain path, and records nothing', () => {
    configure({ sinks: [], exitHooks: false });
    const operation = testSite({ id: 'core.add', kind: 'tensor-operation' });
    expect(operation.channel.hasSubscribers).toBe(false);
    const before = auditStats().recorded;
    // The guard would skip `call`; even if called, no subscriber means no record.
    expect(call(operation, undefined, () => 7, [])).toBe(7);
    flushAuditLog();
    expect(auditStats().recorded).toBe(before);
    expect(sink.events).toEqual([]);
  });

  it('subscribes to channels of kinds first seen after configure()', () => {
    const fresh = testSite({ id: 'custom', kind: 'a-kind-created-late' });
    expect(fresh.channel.hasSubscribers).toBe(true);
  });
});

describe('site', () => {
  it('is frozen and shares one channel per kind', () => {
    const first = testSite({ id: 'core.add', kind: 'tensor-operation' });
    const second = testSite({ id: 'core.multiply', kind: 'tensor-operation' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.args)).toBe(true);
    expect(first.channel).toBe(second.channel);
    // Node caches channels by name: a subscriber that asks by name reaches the same channel.
    expect(diagnosticsChannel.tracingChannel('mlx-audit:tensor-operation').end).toBe(first.channel.end);
  });
});
