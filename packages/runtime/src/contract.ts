/**
 * What the transformer emits and the runtime provides: the only names the two halves share.
 * The transformer imports this module (a `./contract` subpath export) for the names; injected
 * code imports `INSTRUMENT_MODULE` at run time.
 *
 * An instrumented call site looks like this (ESM; CommonJS uses `require`):
 *
 * ```js
 * import * as __mlxa from '@mlx-audit/runtime/instrument';
 * const __mlxa_sites = __mlxa.sites('src/serve.ts', [['core.load', 'model-load', 'event', 12, 3, ...], ...]);
 * const __mlxa_site_0 = __mlxa_sites[0], __mlxa_site_1 = __mlxa_sites[1];
 * // mx.load(path)  becomes
 * (__mlxa_site_0.channel.hasSubscribers ? __mlxa.call(__mlxa_site_0, mx, mx.load, [path]) : mx.load(path))
 * ```
 *
 * With no subscriber the guard is one inlined getter and the original call runs unchanged.
 */

import type { TracingChannel } from 'node:diagnostics_channel';

/** The module injected code imports. */
export const INSTRUMENT_MODULE = '@mlx-audit/runtime/instrument';

/** The namespace identifier injected code uses for that module. */
export const RUNTIME_NAMESPACE = '__mlxa';

/** Functions of the instrument module that injected code calls. */
export const INSTRUMENT_FUNCTIONS = {
  /** `site(descriptor): Site`: a frozen, module-level call-site descriptor with its channel. */
  site: 'site',
  /**
   * `sites(file, rows): Site[]`: the sites of one file, from a table of rows (`SiteRow`), as
   * `site` makes each. The transformer emits one table per file: the file's path once and no
   * field names, so printing the emitted file does not grow with sites × fields.
   */
  sites: 'sites',
  /** `call(site, thisArg, fn, args)`: runs `fn` with `this` and `args`, publishing on the site's channel. */
  call: 'call',
  /** `construct(site, target, args)`: `new target(...args)`, publishing on the site's channel. */
  construct: 'construct',
  /**
   * `spread(...items)`: the items of a spread argument, as an array. A spread is iterated where it
   * stands among the arguments (before the ones after it, with the errors a call's spread throws);
   * the call then spreads the array.
   */
  spread: 'spread',
  /**
   * `invoke(fn, thisArg, ...args)`: calls `fn` with `this` and the arguments, as `fn.call(…)`
   * would, but without reading `call` from `fn` (a Proxy's trap, an own `call` property): the
   * uninstrumented path of a method call.
   */
  invoke: 'invoke',
  /**
   * `notFunction(name)`: throws V8's `TypeError: <name> is not a function`, for a call that is no
   * MLX call but reads its method off one (`mx.ones(2).nope()`): V8 would name the emitted code.
   */
  notFunction: 'notFunction',
  /**
   * `iterable(value, name)`: what `for (… of value)` iterates, failing as V8 does with the name of
   * the MLX call it came from (`mx.ones is not a function or its return value is not iterable`).
   */
  iterable: 'iterable',
  /**
   * `training(() => call)`: runs the call of a function that a gradient transform returned
   * (`lossAndGrad(x, y)` after `const lossAndGrad = nn.valueAndGrad(model, loss)`) as a training
   * scope: a forward pass recorded while it runs, from whatever file, is a training step
   * (`AuditCallContext.phase`). Returns what the call returns; restores the scope when it throws.
   */
  training: 'training',
} as const;

/** What each event kind publishes: an event per call, errors only, or nothing (not instrumented). */
export type SiteMode = 'event' | 'errors';

/**
 * The catalogue's kinds (`BINDING_KINDS` of @mlx-audit/catalogue, which the runtime does not
 * import): the keys of the runtime's per-kind tables (catalogue-tables.ts), held equal to the
 * catalogue's by tests/catalogue-agreement.test.ts. A descriptor's `kind` stays a string: code
 * emitted by a newer transformer may name a kind this runtime does not know.
 */
export type SiteKind =
  | 'model-load'
  | 'model-save'
  | 'inference'
  | 'layer-composition'
  | 'evaluation'
  | 'transform'
  | 'training-update'
  | 'tensor-creation'
  | 'tensor-operation'
  | 'data-extraction'
  | 'metadata'
  | 'module-construction'
  | 'module-state'
  | 'runtime-config'
  | 'constant'
  | 'utility';

/** Argument roles, as the catalogue names them; `spread` marks a `...spread` argument. */
export type SiteArgumentRole =
  | 'tensor'
  | 'weights'
  | 'path-or-weights'
  | 'path'
  | 'text'
  | 'shape'
  | 'axis'
  | 'dtype'
  | 'stream'
  | 'callback'
  | 'module'
  | 'option'
  | 'other'
  | 'spread';

/** The descriptor the transformer writes for each call site: constants only. */
export interface SiteDescriptor {
  /** Catalogue binding id: `core.load`, `nn.Module#forward`, or a user entry's id. */
  readonly id: string;
  /** Catalogue kind: `model-load`, `inference`, `layer-composition`, ... */
  readonly kind: string;
  readonly mode: SiteMode;
  /** Source file relative to the project root, `/`-separated. */
  readonly file: string;
  /** 1-based line and column of the call in the original source. */
  readonly line: number;
  readonly column: number;
  /** The enclosing function (`predict`, `Model#forward`), or null at module level. */
  readonly fn: string | null;
  /** The callee as V8 names it (`mx.load`; `mx['load']` as `mx.load`), used to reproduce its `… is not a function`. */
  readonly callee: string;
  /**
   * How V8 names the callee in the emitted JavaScript where that differs from `callee` (an import
   * read through its module object in CommonJS output: `mlx_1.core.load`): the error's text.
   */
  readonly emittedCallee?: string | undefined;
  /** Role of each argument by position; the last repeats for any further arguments. */
  readonly args: readonly SiteArgumentRole[];
  /** What the receiver is, for methods (`x.sum()` on a tensor, `model.forward` on a module). */
  readonly receiver: 'tensor' | 'module' | 'other' | null;
  /**
   * `training` for a forward pass (`inference` or `layer-composition` kind) written in a function
   * that runs under a gradient transform (`valueAndGrad`, `grad`…): a training step, not a
   * request. Absent otherwise.
   */
  readonly phase?: 'training' | undefined;
}

/**
 * A site's descriptor as a row of its file's table (`INSTRUMENT_FUNCTIONS.sites`), the file left
 * out: `[id, kind, mode, line, column, fn, callee, args, receiver, emittedCallee, phase]`, the last
 * two only when one of them is set (`null` for an absent `emittedCallee` before a `phase`).
 */
export type SiteRow = readonly [
  id: string,
  kind: string,
  mode: SiteMode,
  line: number,
  column: number,
  fn: string | null,
  callee: string,
  args: readonly SiteArgumentRole[],
  receiver: SiteDescriptor['receiver'],
  emittedCallee?: string | null,
  phase?: 'training',
];

/** The row of a descriptor (its `file` is the table's). */
export function siteRow(descriptor: SiteDescriptor): SiteRow {
  const { id, kind, mode, line, column, fn, callee, args, receiver, emittedCallee, phase } = descriptor;
  if (phase !== undefined) return [id, kind, mode, line, column, fn, callee, args, receiver, emittedCallee ?? null, phase];
  if (emittedCallee !== undefined) return [id, kind, mode, line, column, fn, callee, args, receiver, emittedCallee];
  return [id, kind, mode, line, column, fn, callee, args, receiver];
}

/** The descriptor a row of `file`'s table stands for. */
export function siteOfRow(file: string, row: SiteRow): SiteDescriptor {
  const [id, kind, mode, line, column, fn, callee, args, receiver, emittedCallee, phase] = row;
  return { id, kind, mode, file, line, column, fn, callee, emittedCallee: emittedCallee ?? undefined, args, receiver, phase };
}

/** The TracingChannel name for a kind: `tracing:mlx-audit:<kind>`. */
export function channelName(kind: string): string {
  return `mlx-audit:${kind}`;
}

/**
 * What `site(descriptor)` returns: the descriptor, frozen, with the TracingChannel of its kind.
 * Injected code reads only `channel.hasSubscribers`; subscribers read the rest.
 */
export interface Site extends SiteDescriptor {
  readonly channel: TracingChannel<unknown, AuditCallContext>;
}

/**
 * The context object `call` and `construct` publish on the five channels of a site's
 * TracingChannel, as `traceSync` and `tracePromise` do: the same object at `start`, `end`,
 * `asyncStart`, `asyncEnd` and `error`, with `result` or `error` filled in as the call settles.
 * It carries the raw arguments (diagnostics_channel's convention): subscribers other than the
 * runtime's own are trusted code and do their own redaction.
 */
export interface AuditCallContext {
  readonly site: Site;
  /** The receiver the call ran with (`undefined` for a plain call or `new`). */
  readonly self: unknown;
  readonly args: readonly unknown[];
  /** The return value (the promise at `end`, its value at `asyncEnd`), or the new object. */
  readonly result: unknown;
  /** What the call threw or its promise rejected with, when `failed`. */
  readonly error: unknown;
  /** Whether the call threw or its promise rejected (`error` alone cannot tell: `throw undefined`). */
  readonly failed: boolean;
  /** Whether the call returned a native promise that the runtime follows: `asyncStart` and `asyncEnd` follow `end`. */
  readonly asynchronous: boolean;
  /** `performance.now()` when the call started. */
  readonly startTime: number;
  /**
   * `training` for a forward pass (`inference` or `layer-composition` kind) of a training step: its
   * site says so (`site.phase`, found in the source), or it ran inside a call of a function that a
   * gradient transform returned (a training scope, see `INSTRUMENT_FUNCTIONS.training`). Decided
   * when the call starts. Undefined otherwise.
   */
  readonly phase: 'training' | undefined;
}
