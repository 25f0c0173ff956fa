import type * as TS from 'typescript';
import { skipOuter } from '../util/syntax.js';
import { isGlobalCall } from './call-facts.js';
import type { AnalysisContext, Frame } from './context.js';
import { union } from './labels.js';
import { flowTypeLabels } from './sources.js';
import { CLEAN_VALUE, joinValues, type Value } from './value.js';

// A promise made with `new Promise((resolve) => …)` holds what its executor passes to `resolve`,
// wherever in the executor (or in the callbacks it registers) that call is:
// `await new Promise((resolve) => stream.on('end', () => resolve(text)))` is `text`.

/** The `resolve` parameters of the executors being analysed, with what was passed to them so far; per analysis. */
const resolvers = new WeakMap<AnalysisContext, Map<TS.Symbol, Value>>();

/** The value of `new Promise(executor)`; undefined for any other `new`. */
export function promiseConstructionValue(frame: Frame, node: TS.NewExpression): Value | undefined {
  const { context } = frame;
  const { ts } = context;
  const executor = node.arguments?.[0] === undefined ? undefined : skipOuter(ts, node.arguments[0]);
  if (executor === undefined || !(ts.isArrowFunction(executor) || ts.isFunctionExpression(executor))) return undefined;
  if (!isGlobalCall(context, node.expression, 'Promise')) return undefined;
  const resolve = executor.parameters[0]?.name;
  const symbol = resolve !== undefined && ts.isIdentifier(resolve) ? context.checker.getSymbolAtLocation(resolve) : undefined;
  if (symbol === undefined) {
    frame.analyzeNested(executor, []);
    return CLEAN_VALUE;
  }
  let active = resolvers.get(context);
  if (active === undefined) {
    active = new Map();
    resolvers.set(context, active);
  }
  active.set(symbol, CLEAN_VALUE);
  frame.analyzeNested(executor, []);
  const resolved = active.get(symbol) ?? CLEAN_VALUE;
  active.delete(symbol);
  const typed = flowTypeLabels(context, node);
  return typed.length === 0 ? resolved : { ...resolved, taint: union(resolved.taint, typed) };
}

/** A call of an executor's `resolve`: remembers what it is given; false for any other call. */
export function resolvesPromise(frame: Frame, callee: TS.Expression, args: readonly Value[]): boolean {
  const { context } = frame;
  const active = resolvers.get(context);
  if (active === undefined || active.size === 0 || !context.ts.isIdentifier(callee)) return false;
  const symbol = context.checker.getSymbolAtLocation(callee);
  const before = symbol === undefined ? undefined : active.get(symbol);
  if (symbol === undefined || before === undefined) return false;
  active.set(symbol, joinValues(before, args[0] ?? CLEAN_VALUE));
  return true;
}
