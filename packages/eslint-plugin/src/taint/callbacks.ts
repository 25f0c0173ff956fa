import type * as TS from 'typescript';
import { calledDeclaration } from '../program/called-declaration.js';
import { isTypeScriptLib, skipOuter } from '../util/syntax.js';
import type { AnalysisContext, Frame } from './context.js';
import { CLEAN, concreteOf, derive, propertyOfTaint, union, type Taint } from './labels.js';
import { deepTaint } from './value.js';

// Callbacks of the standard library's array and promise methods, by what each parameter is given
// and what the call gives back: `rows.map((r) => r.length)` gives what the callback returns (a
// count), not the rows; `rows.reduce((n, r) => n + r.length, 0)` gives its accumulator;
// `answer.then((s) => s.length)` gives a length. A callback's return value is read through its
// summary, its parameters standing for what the method passes it.

/** What a callback's parameter receives: an element (or a promise's value), an index, the receiver, the accumulator. */
type ParameterRole = 'element' | 'index' | 'receiver' | 'accumulator';

/**
 * What the call gives back: only what its callbacks return (`map`, `then`), its accumulator
 * (`reduce`), the receiver and what the callbacks return (`catch`), or as any other call does
 * (`filter`, `find`: elements of the receiver).
 */
type Result = 'callbacks' | 'accumulator' | 'receiver-and-callbacks' | 'as-other-calls';

interface CallbackMethod {
  readonly parameters: readonly ParameterRole[];
  readonly result: Result;
}

const ELEMENT_WISE: readonly ParameterRole[] = ['element', 'index', 'receiver'];
const ARRAY_METHODS = new Map<string, CallbackMethod>();
for (const name of ['map', 'flatMap']) ARRAY_METHODS.set(name, { parameters: ELEMENT_WISE, result: 'callbacks' });
for (const name of ['reduce', 'reduceRight']) ARRAY_METHODS.set(name, { parameters: ['accumulator', 'element', 'index', 'receiver'], result: 'accumulator' });
for (const name of ['forEach', 'filter', 'find', 'findLast', 'findIndex', 'findLastIndex', 'some', 'every']) {
  ARRAY_METHODS.set(name, { parameters: ELEMENT_WISE, result: 'as-other-calls' });
}
const PROMISE_METHODS = new Map<string, CallbackMethod>([
  ['then', { parameters: ['element'], result: 'callbacks' }],
  ['catch', { parameters: ['element'], result: 'receiver-and-callbacks' }],
]);
const ARRAYS = new Set(['Array', 'ReadonlyArray']);
const PROMISES = new Set(['Promise', 'PromiseLike']);

/** The method of the standard library a call runs, when its callbacks are understood. */
export function callbackMethodOf(context: AnalysisContext, node: TS.CallExpression): CallbackMethod | undefined {
  const { ts } = context;
  const callee = skipOuter(ts, node.expression);
  if (!ts.isPropertyAccessExpression(callee) || !node.arguments.some((argument) => isCallback(ts, argument))) return undefined;
  const candidate = ARRAY_METHODS.get(callee.name.text) ?? PROMISE_METHODS.get(callee.name.text);
  if (candidate === undefined) return undefined;
  const declaration = calledDeclaration(ts, context.checker, node);
  const owner = declaration?.parent;
  if (declaration === undefined || owner === undefined || !ts.isInterfaceDeclaration(owner) || !isTypeScriptLib(declaration)) return undefined;
  const methods = ARRAYS.has(owner.name.text) ? ARRAY_METHODS : PROMISES.has(owner.name.text) ? PROMISE_METHODS : undefined;
  return methods?.get(callee.name.text);
}

export function isCallback(ts: typeof TS, argument: TS.Expression): argument is TS.ArrowFunction | TS.FunctionExpression {
  const inner = skipOuter(ts, argument);
  return ts.isArrowFunction(inner) || ts.isFunctionExpression(inner);
}

/**
 * Analyses a callback of a call: its findings are recorded; what it returns is given back with
 * its parameters replaced by what they were given. Without a known method, every parameter is
 * given the receiver, and only the sources the callback returns are kept.
 */
function runCallback(frame: Frame, callback: TS.ArrowFunction | TS.FunctionExpression, given: readonly Taint[], method: CallbackMethod | undefined): Taint {
  const summary = frame.analyzeNested(callback, given);
  const returned = deepTaint(summary.returns);
  if (method === undefined) return concreteOf(returned);
  return union(
    ...returned.map((label): Taint => {
      if (label.type === 'source') return [label];
      const outer = (given[label.index] ?? CLEAN).filter((candidate) => candidate.type === 'param');
      const parameters = label.property === undefined ? outer : propertyOfTaint(outer, label.property);
      return label.derived ? derive(parameters) : parameters;
    }),
  );
}

/**
 * The callbacks among a call's arguments, analysed with what each parameter receives; what the
 * call gives back when the method says (undefined: as for any other call, with `returned`).
 */
export function runCallbacks(
  frame: Frame,
  node: TS.CallExpression,
  method: CallbackMethod | undefined,
  receiverTaint: Taint,
  argumentTaints: readonly Taint[],
): { readonly returned: Taint; readonly result: Taint | undefined; readonly byArgument: ReadonlyMap<number, Taint> } {
  const { ts } = frame.context;
  let returned: Taint = CLEAN;
  // What each callback argument returns, by its position: a function of the program that calls
  // its parameter gets, for that parameter, what the callback returns.
  const byArgument = new Map<number, Taint>();
  // `reduce(callback)` without an initial value starts from the first element.
  let accumulator = node.arguments.length > 1 ? (argumentTaints[1] ?? CLEAN) : receiverTaint;
  node.arguments.forEach((argument, position) => {
    if (!isCallback(ts, argument)) return;
    const callback = skipOuter(ts, argument) as TS.ArrowFunction | TS.FunctionExpression;
    if (method === undefined) {
      const result = runCallback(frame, callback, callback.parameters.map(() => receiverTaint), undefined);
      byArgument.set(position, result);
      returned = union(returned, result);
      return;
    }
    const given = (): Taint[] =>
      method.parameters.map((role) => (role === 'index' ? CLEAN : role === 'accumulator' ? accumulator : receiverTaint));
    let result = runCallback(frame, callback, given(), method);
    // The accumulator carries what the callback returned into its next call.
    if (method.result === 'accumulator' && result.some((label) => !accumulator.includes(label))) {
      accumulator = union(accumulator, result);
      result = runCallback(frame, callback, given(), method);
    }
    accumulator = union(accumulator, result);
    byArgument.set(position, result);
    returned = union(returned, result);
  });
  // `then(undefined, onRejected)` passes the value on.
  const first = node.arguments[0];
  const kind = method?.result === 'callbacks' && (first === undefined || !isCallback(ts, first)) ? 'receiver-and-callbacks' : method?.result;
  switch (kind) {
    case 'callbacks':
      return { returned, result: returned, byArgument };
    case 'accumulator':
      return { returned, result: accumulator, byArgument };
    case 'receiver-and-callbacks':
      return { returned, result: union(derive(receiverTaint), returned), byArgument };
    default:
      return { returned, result: undefined, byArgument };
  }
}
