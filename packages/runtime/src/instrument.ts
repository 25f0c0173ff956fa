/**
 * What instrumented code calls (see `contract.ts`): `site` once per call site at module load,
 * then `call` or `construct` for each call while `site.channel.hasSubscribers` is true.
 * Loading this module configures the runtime from the `MLX_AUDIT_*` variables, unless the
 * application called `configure()` first: by default, events go to stderr.
 */
import { types } from 'node:util';
import { CallContext } from './call-context.js';
import { channelForKind } from './channels.js';
import { ensureConfigured } from './configure.js';
import type { Site, SiteDescriptor } from './contract.js';
import { inheritedData, isObjectLike } from './describe.js';

/** A frozen site: the descriptor (copied) and the TracingChannel of its kind. */
export function site(descriptor: SiteDescriptor): Site {
  return Object.freeze({
    id: descriptor.id,
    kind: descriptor.kind,
    mode: descriptor.mode === 'errors' ? 'errors' : 'event',
    file: descriptor.file,
    line: descriptor.line,
    column: descriptor.column,
    fn: descriptor.fn,
    callee: descriptor.callee,
    args: Object.freeze([...descriptor.args]),
    receiver: descriptor.receiver,
    channel: channelForKind(descriptor.kind),
  });
}

type Invoke = (site: Site, self: unknown, args: readonly unknown[], target: unknown) => unknown;

/**
 * `fn.apply(thisArg, args)`, traced: the same result (a promise is returned as is, not a
 * wrapper), the same error object rethrown, `this` preserved. Publishes on the site's channel
 * as `traceSync`/`tracePromise` would: `start` (through `runStores`, so stores bound to it are
 * entered), `end`, and for a thenable result `asyncStart`/`asyncEnd`; `error` when it throws or
 * rejects. In `errors` mode only `error` is published.
 */
export function call(site: Site, thisArg: unknown, fn: unknown, args: readonly unknown[]): unknown {
  return trace(site, thisArg, args, fn, invokeFunction);
}

/** `new target(...args)`, traced like `call`; `result` is the new object. */
export function construct(site: Site, target: unknown, args: readonly unknown[]): unknown {
  return trace(site, undefined, args, target, invokeConstructor);
}

function trace(site: Site, self: unknown, args: readonly unknown[], target: unknown, invoke: Invoke): unknown {
  if (site.mode === 'errors') return runReportingErrors(site, self, args, target, invoke);
  const context = new CallContext(site, self, args);
  return site.channel.start.runStores(context, runTraced, undefined, context, target, invoke);
}

function runTraced(context: CallContext, target: unknown, invoke: Invoke): unknown {
  const { site } = context;
  const { channel } = site;
  try {
    const result = invoke(site, context.self, context.args, target);
    context.result = result;
    followIfThenable(context, result);
    return result;
  } catch (error) {
    context.failed = true;
    context.error = error;
    channel.error.publish(context);
    throw error;
  } finally {
    channel.end.publish(context);
  }
}

/**
 * Errors mode: the context is made only when there is something to report (a throw, a
 * thenable to follow), so a call that returns a value allocates nothing: in a loop over
 * MLX calls, garbage is costly (every young-generation collection also sweeps MLX's wrappers).
 */
function runReportingErrors(site: Site, self: unknown, args: readonly unknown[], target: unknown, invoke: Invoke): unknown {
  const startTime = performance.now();
  let result: unknown;
  try {
    result = invoke(site, self, args, target);
  } catch (error) {
    const context = new CallContext(site, self, args, startTime);
    context.failed = true;
    context.error = error;
    site.channel.error.publish(context);
    throw error;
  }
  // `then` is read once, as before; only a thenable needs a context, to report a rejection.
  const then = thenOf(result);
  if (then !== undefined) {
    const context = new CallContext(site, self, args, startTime);
    context.result = result;
    follow(context, result, then);
  }
  return result;
}

function invokeFunction(site: Site, self: unknown, args: readonly unknown[], fn: unknown): unknown {
  // What V8 throws for the plain call, so instrumented code fails the way the original does.
  if (typeof fn !== 'function') throw new TypeError(`${site.callee} is not a function`);
  return Reflect.apply(fn, self, args);
}

function invokeConstructor(site: Site, _self: unknown, args: readonly unknown[], target: unknown): unknown {
  if (typeof target !== 'function') throw new TypeError(`${site.callee} is not a constructor`);
  try {
    return Reflect.construct(target, args) as unknown;
  } catch (error) {
    // Reflect.construct words it differently for an arrow function or a method; say what `new` says.
    if (error instanceof TypeError && !isConstructor(target)) throw new TypeError(`${site.callee} is not a constructor`, { cause: error });
    throw error;
  }
}

function isConstructor(target: object): boolean {
  try {
    // Uses `target` only as new.target: checks it is a constructor without running it.
    Reflect.construct(Object, [], target as new () => unknown);
    return true;
  } catch {
    return false;
  }
}

/**
 * Observes a thenable without replacing it: the caller gets the original object (a Promise
 * subclass keeps its class and identity) and our handlers never throw, so the chain we add
 * always fulfils. Its one side effect: a rejection the application leaves unhandled is now
 * handled, so Node no longer reports it as an unhandled rejection (the error event still says
 * it happened).
 */
function followIfThenable(context: CallContext, result: unknown): void {
  const then = thenOf(result);
  if (then !== undefined) follow(context, result, then);
}

function follow(context: CallContext, result: unknown, then: (...args: unknown[]) => unknown): void {
  context.asynchronous = true;
  const { channel, mode } = context.site;
  let settled = false;
  const onFulfilled = (value: unknown): void => {
    if (settled) return;
    settled = true;
    context.result = value;
    if (mode === 'event') {
      channel.asyncStart.publish(context);
      channel.asyncEnd.publish(context);
    }
  };
  const onRejected = (reason: unknown): void => {
    if (settled) return;
    settled = true;
    context.failed = true;
    context.error = reason;
    channel.error.publish(context);
    if (mode === 'event') {
      channel.asyncStart.publish(context);
      channel.asyncEnd.publish(context);
    }
  };
  try {
    Reflect.apply(then, result, [onFulfilled, onRejected]);
  } catch {
    // A thenable whose `then` throws: treat the call as synchronous, its value as returned.
    context.asynchronous = false;
  }
}

/**
 * The `then` method of a thenable, as a data property: the runtime runs none of the
 * application's code to find it (no getter, no Proxy trap), so a Proxy, or an object whose
 * `then` is a getter, is not followed and its call is reported as synchronous.
 */
function thenOf(value: unknown): ((...args: unknown[]) => unknown) | undefined {
  // `in` asks no getter; only a Proxy could trap it, and a Proxy is excluded first.
  if (!isObjectLike(value) || types.isProxy(value) || !('then' in value)) return undefined;
  const then = inheritedData(value, 'then');
  return typeof then === 'function' ? (then as (...args: unknown[]) => unknown) : undefined;
}

ensureConfigured();
