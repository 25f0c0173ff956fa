/**
 * What instrumented code calls (see `contract.ts`): `site` once per call site at module load,
 * then `call` or `construct` for each call while `site.channel.hasSubscribers` is true.
 * Loading this module configures the runtime from the `MLX_AUDIT_*` variables, unless the
 * application called `configure()` first: by default, events go to stderr.
 */
import { CallContext } from './call-context.js';
import { channelForKind } from './channels.js';
import { ensureConfigured } from './configure.js';
import type { Site, SiteDescriptor } from './contract.js';

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

type Invoke = (context: CallContext, target: unknown) => unknown;

/**
 * `fn.apply(thisArg, args)`, traced: the same result (a promise is returned as is, not a
 * wrapper), the same error object rethrown, `this` preserved. Publishes on the site's channel
 * as `traceSync`/`tracePromise` would: `start` (through `runStores`, so stores bound to it are
 * entered), `end`, and for a thenable result `asyncStart`/`asyncEnd`; `error` when it throws or
 * rejects. In `errors` mode only `error` is published.
 */
export function call(site: Site, thisArg: unknown, fn: unknown, args: readonly unknown[]): unknown {
  return trace(new CallContext(site, thisArg, args), fn, invokeFunction);
}

/** `new target(...args)`, traced like `call`; `result` is the new object. */
export function construct(site: Site, target: unknown, args: readonly unknown[]): unknown {
  return trace(new CallContext(site, undefined, args), target, invokeConstructor);
}

function trace(context: CallContext, target: unknown, invoke: Invoke): unknown {
  if (context.site.mode === 'errors') return runReportingErrors(context, target, invoke);
  return context.site.channel.start.runStores(context, runTraced, undefined, context, target, invoke);
}

function runTraced(context: CallContext, target: unknown, invoke: Invoke): unknown {
  const { channel } = context.site;
  try {
    const result = invoke(context, target);
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

function runReportingErrors(context: CallContext, target: unknown, invoke: Invoke): unknown {
  let result: unknown;
  try {
    result = invoke(context, target);
  } catch (error) {
    context.failed = true;
    context.error = error;
    context.site.channel.error.publish(context);
    throw error;
  }
  context.result = result;
  followIfThenable(context, result);
  return result;
}

function invokeFunction(context: CallContext, fn: unknown): unknown {
  // What V8 throws for the plain call, so instrumented code fails the way the original does.
  if (typeof fn !== 'function') throw new TypeError(`${context.site.callee} is not a function`);
  return Reflect.apply(fn, context.self, context.args);
}

function invokeConstructor(context: CallContext, target: unknown): unknown {
  if (typeof target !== 'function') throw new TypeError(`${context.site.callee} is not a constructor`);
  try {
    return Reflect.construct(target, context.args) as unknown;
  } catch (error) {
    // Reflect.construct words it differently for an arrow function or a method; say what `new` says.
    if (error instanceof TypeError && !isConstructor(target)) throw new TypeError(`${context.site.callee} is not a constructor`, { cause: error });
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
  if (then === undefined) return;
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

/** The `then` method of a thenable, read once; a throwing getter means "not a thenable". */
function thenOf(value: unknown): ((...args: unknown[]) => unknown) | undefined {
  if ((typeof value !== 'object' || value === null) && typeof value !== 'function') return undefined;
  try {
    const then: unknown = (value as { then?: unknown }).then;
    return typeof then === 'function' ? (then as (...args: unknown[]) => unknown) : undefined;
  } catch {
    return undefined;
  }
}

ensureConfigured();
