import type * as TS from 'typescript';
import { shortCallee, type FunctionLike } from '../util/syntax.js';
import type { Frame, FunctionSummary } from './context.js';
import { CLEAN, derive, union, type ParamLabel, type SourceKind, type Taint } from './labels.js';
import { reportArgument } from './sink-reports.js';
import { typeLabels } from './sources.js';
import { CLEAN_VALUE, deepTaint, propertyOf, valueOf, type Value } from './value.js';

/** The summary of a function a call runs: one more call deep when it is in another file. */
export function summaryFor(frame: Frame, body: FunctionLike): FunctionSummary | undefined {
  const sameFile = body.getSourceFile() === frame.unit.getSourceFile();
  return frame.context.summaryOf(body, sameFile ? frame.depth : frame.depth + 1);
}

/** Substitutes the call's arguments for the summary's parameter labels; reports wrapper sinks. */
export function applySummary(frame: Frame, node: TS.CallExpression, body: FunctionLike, summary: FunctionSummary, args: readonly Value[]): Value {
  const restIndex = restIndexOf(body);
  for (const [index, path] of summary.sinks) {
    node.arguments.forEach((argument, position) => {
      const parameter = restIndex !== undefined && position >= restIndex ? restIndex : position;
      if (parameter === index) reportArgument(frame, node, argument, args[position] ?? CLEAN_VALUE, shortCallee(frame.context.ts, node.expression), path, undefined, seenByType(frame, body, index));
    });
  }
  return instantiate(body, summary.returns, args);
}

/**
 * What the function sees in its parameter by the parameter's own type: a function taking an
 * HTTP request (or a tensor) and logging it is reported at its own log call, where its
 * parameter is request data by its type, not once more at every call.
 */
function seenByType(frame: Frame, body: FunctionLike, index: number): ReadonlySet<SourceKind> | undefined {
  const name = body.parameters[index]?.name;
  if (name === undefined || !frame.context.ts.isIdentifier(name)) return undefined;
  const kinds = new Set(typeLabels(frame.context, name).flatMap((label) => (label.type === 'source' ? [label.kind] : [])));
  return kinds.size === 0 ? undefined : kinds;
}

/**
 * `new C(…)` of a class of the program whose constructor stores its parameters in fields
 * (`this.model = model`, `constructor(readonly steps: number)`): the instance field by field,
 * so `trainer.steps` is not tainted by the model beside it. An argument the constructor keeps in
 * no field stays on the whole instance. Undefined when the constructor writes no field.
 */
export function constructedValue(frame: Frame, node: TS.NewExpression, args: readonly Value[]): Value | undefined {
  const { context } = frame;
  const body = context.calleeBody(node);
  if (body === undefined || !context.ts.isConstructorDeclaration(body)) return undefined;
  const summary = summaryFor(frame, body);
  if (summary?.returns.props === undefined) return undefined;
  const instance = instantiate(body, summary.returns, args);
  const restIndex = restIndexOf(body);
  const stored = new Set(deepTaint(summary.returns).flatMap((label) => (label.type === 'param' ? [label.index] : [])));
  const unstored = args.filter((_, position) => !stored.has(restIndex !== undefined && position >= restIndex ? restIndex : position));
  return { taint: union(instance.taint, ...unstored.map((value) => deepTaint(value))), ...(instance.props === undefined ? {} : { props: instance.props }) };
}

function restIndexOf(body: FunctionLike): number | undefined {
  return body.parameters.at(-1)?.dotDotDotToken === undefined ? undefined : body.parameters.length - 1;
}

/** A summary's value with the call's arguments in place of its parameter labels. */
function instantiate(body: FunctionLike, returns: Value, args: readonly Value[]): Value {
  const restIndex = restIndexOf(body);
  const argumentTaint = (label: ParamLabel): Taint => {
    const { index, property } = label;
    if (restIndex !== undefined && index === restIndex) return union(...args.slice(restIndex).map((value) => deepTaint(value)));
    const value = args[index];
    if (value === undefined) return CLEAN;
    return deepTaint(property === undefined ? value : propertyOf(value, property));
  };
  const substitute = (taint: Taint): Taint => union(...taint.map((label) => (label.type === 'source' ? [label] : label.derived ? derive(argumentTaint(label)) : argumentTaint(label))));
  const instantiateValue = (value: Value): Value => {
    const taint = substitute(value.taint);
    if (value.props === undefined) return valueOf(taint);
    return { taint, props: new Map([...value.props].map(([name, prop]) => [name, instantiateValue(prop)])) };
  };
  return instantiateValue(returns);
}
