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
import { siteOfRow, type Site, type SiteDescriptor, type SiteRow } from './contract.js';
import { verifyBeforeLoad } from './model-identity/gate.js';
import { invokeModelCall } from './model-identity/model-calls.js';

// The intrinsics that following a native promise relies on, captured when this module loads
// (before the application's own modules run): see `isFollowable` for why they are enough.
// `promiseThen` is `Promise.prototype.then`, read as the data property it is.
const promisePrototype = Promise.prototype;
const promiseThen = Object.getOwnPropertyDescriptor(promisePrototype, 'then')?.value as (
  this: Promise<unknown>,
  onFulfilled: (value: unknown) => void,
  onRejected: (reason: unknown) => void,
) => Promise<void>;
const promiseConstructor = Promise;
const promiseSpecies = builtinGetter(Promise, Symbol.species);

function builtinGetter(target: object, key: PropertyKey): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  return descriptor === undefined ? undefined : Reflect.get(descriptor, 'get');
}

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
    emittedCallee: descriptor.emittedCallee,
    args: Object.freeze([...descriptor.args]),
    receiver: descriptor.receiver,
    phase: descriptor.phase === 'training' ? 'training' : undefined,
    channel: channelForKind(descriptor.kind),
  });
}

/** The sites of one file, from its table (see `INSTRUMENT_FUNCTIONS.sites`): each as `site` makes it. */
export function sites(file: string, rows: readonly SiteRow[]): Site[] {
  return rows.map((row) => site(siteOfRow(file, row)));
}

/**
 * `fn` called with `thisArg` and the arguments (see `INSTRUMENT_FUNCTIONS.invoke`): the built-in
 * `call`, bound to itself, so nothing is read from `fn`.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- bound here, on purpose.
export const invoke = Function.prototype.call.bind(Function.prototype.call) as (fn: unknown, thisArg: unknown, ...args: unknown[]) => unknown;

/** Throws V8's own error for `name(…)` when `name` is no function (see `INSTRUMENT_FUNCTIONS.notFunction`). */
export function notFunction(name: string): never {
  throw new TypeError(`${name} is not a function`);
}

/**
 * `value` to iterate in `for (… of value)`, its iterator method read once, as the loop reads it,
 * and V8's error with the call's name when there is none (see `INSTRUMENT_FUNCTIONS.iterable`).
 */
export function iterable(value: unknown, name: string): Iterable<unknown> {
  const method: unknown = value === null || value === undefined ? undefined : (value as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError(`${name} is not a function or its return value is not iterable`);
  return { [Symbol.iterator]: () => Reflect.apply(method, value, []) as Iterator<unknown> };
}

export { training } from './call-context.js';

/** The items of a spread argument, iterated where the spread stands (see `INSTRUMENT_FUNCTIONS.spread`). */
export function spread(...items: unknown[]): unknown[] {
  return items;
}

type Invoke = (site: Site, self: unknown, args: readonly unknown[], target: unknown) => unknown;

/**
 * `fn.apply(thisArg, args)`, traced: the same result (a promise is returned as is, not a
 * wrapper), the same error object rethrown, `this` preserved. Publishes on the site's channel
 * as `traceSync`/`tracePromise` would: `start` (through `runStores`, so stores bound to it are
 * entered), `end`, and for a native promise `asyncStart`/`asyncEnd`; `error` when it throws or
 * rejects. Any other result, a thenable or a Promise subclass included, is a synchronous call's
 * value (see `isFollowable`). In `errors` mode only `error` is published.
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
    if (isFollowable(result)) follow(context, result);
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
 * native promise to follow), so a call that returns a value allocates nothing: in a loop over
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
  // Only a promise the runtime follows needs a context, to report a rejection.
  if (isFollowable(result)) {
    const context = new CallContext(site, self, args, startTime);
    context.result = result;
    follow(context, result);
  }
  return result;
}

function invokeFunction(site: Site, self: unknown, args: readonly unknown[], fn: unknown): unknown {
  // What V8 throws for the plain call, so instrumented code fails the way the original does.
  if (typeof fn !== 'function') throw new TypeError(`${site.emittedCallee ?? site.callee} is not a function`);
  // A model load is checked against the allow-list before it runs, and weights given to a module
  // are traced to their file after (model-identity/): two comparisons for any other call.
  if (site.kind === 'model-load' || site.kind === 'module-state') return invokeModelCall(site, self, args, fn);
  return Reflect.apply(fn, self, args);
}

function invokeConstructor(site: Site, _self: unknown, args: readonly unknown[], target: unknown): unknown {
  if (typeof target !== 'function') throw new TypeError(`${site.emittedCallee ?? site.callee} is not a constructor`);
  if (site.kind === 'model-load') verifyBeforeLoad(site, args);
  try {
    return Reflect.construct(target, args) as unknown;
  } catch (error) {
    // Reflect.construct words it differently for an arrow function or a method; say what `new` says.
    if (error instanceof TypeError && !isConstructor(target)) throw new TypeError(`${site.emittedCallee ?? site.callee} is not a constructor`, { cause: error });
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
 * Whether `call` follows a result to its settlement: only a native promise whose prototype is
 * exactly the intrinsic Promise.prototype, with no own `then` or `constructor`, while
 * `Promise.prototype.constructor` and `Promise[Symbol.species]` are still the built-ins. Every
 * check reads descriptors or internal slots, so none runs a getter or a Proxy trap
 * (`types.isPromise` is false for a Proxy, so `getPrototypeOf` below is never a trap).
 *
 * Why following such a promise with the intrinsic `promiseThen` runs no application code:
 * Promise.prototype.then (ECMA-262 27.2.5.4) asks only `SpeciesConstructor(promise, %Promise%)`,
 * which reads `promise.constructor` (not an own property, so Promise.prototype's data property,
 * the built-in Promise) and then `Promise[Symbol.species]` (the built-in getter, which returns
 * Promise); it then makes its derived promise with the built-in Promise and attaches our two
 * handlers. It never reads the promise's `then`. (Promise hooks, `async_hooks` or
 * `v8.promiseHooks`, see that derived promise as they see any promise the runtime makes.)
 * Anything else is not followed, because
 * following it would run the application's code and so change what the program observes:
 * - a thenable, or an object whose `then` is a getter: its `then` (or the getter) would run once
 *   more than the program runs it;
 * - a Promise subclass: its own `then`, or, through the intrinsic `then`, its species (its
 *   constructor) would run;
 * - a Proxy: every operation on it is a trap;
 * - a native promise with an own `then` or `constructor`: the application's, not the built-in.
 * Such a result is recorded when the call returns, as a synchronous call's value.
 */
function isFollowable(value: unknown): value is Promise<unknown> {
  return (
    types.isPromise(value) &&
    Object.getPrototypeOf(value) === promisePrototype &&
    !Object.hasOwn(value, 'then') &&
    !Object.hasOwn(value, 'constructor') &&
    promiseIntrinsicsIntact()
  );
}

/** Whether the two lookups of Promise.prototype.then still find the built-ins (see above). */
function promiseIntrinsicsIntact(): boolean {
  const constructor = Object.getOwnPropertyDescriptor(promisePrototype, 'constructor');
  if (constructor === undefined || !('value' in constructor) || constructor.value !== promiseConstructor) return false;
  return promiseSpecies !== undefined && builtinGetter(promiseConstructor, Symbol.species) === promiseSpecies;
}

/**
 * Observes a native promise without replacing it: the caller gets the original object, and our
 * handlers never throw, so the chain we add always fulfils. Its one side effect: a rejection the
 * application leaves unhandled is now handled, so Node no longer reports it as an unhandled
 * rejection (the error event still says it happened).
 */
function follow(context: CallContext, promise: Promise<unknown>): void {
  context.asynchronous = true;
  const { channel, mode } = context.site;
  // The built-in `then` calls one of the two, once.
  const onFulfilled = (value: unknown): void => {
    context.result = value;
    if (mode === 'event') {
      channel.asyncStart.publish(context);
      channel.asyncEnd.publish(context);
    }
  };
  const onRejected = (reason: unknown): void => {
    context.failed = true;
    context.error = reason;
    channel.error.publish(context);
    if (mode === 'event') {
      channel.asyncStart.publish(context);
      channel.asyncEnd.publish(context);
    }
  };
  // The derived promise always fulfils (the handlers return undefined and never throw).
  void Reflect.apply(promiseThen, promise, [onFulfilled, onRejected]);
}

ensureConfigured();
