import type * as TS from 'typescript';
import { shortCallee, type FunctionLike } from '../util/syntax.js';
import type { Frame, FunctionSummary } from './context.js';
import { CLEAN, derive, union, type Taint } from './labels.js';
import { reportArgument } from './sink-reports.js';
import { CLEAN_VALUE, deepTaint, valueOf, type Value } from './value.js';

/** The summary of a function a call runs: one more call deep when it is in another file. */
export function summaryFor(frame: Frame, body: FunctionLike): FunctionSummary | undefined {
  const sameFile = body.getSourceFile() === frame.unit.getSourceFile();
  return frame.context.summaryOf(body, sameFile ? frame.depth : frame.depth + 1);
}

/** Substitutes the call's arguments for the summary's parameter labels; reports wrapper sinks. */
export function applySummary(frame: Frame, node: TS.CallExpression, body: FunctionLike, summary: FunctionSummary, args: readonly Value[]): Value {
  const parameterCount = body.parameters.length;
  const restIndex = body.parameters.at(-1)?.dotDotDotToken === undefined ? undefined : parameterCount - 1;
  const argumentTaint = (index: number): Taint => {
    if (restIndex !== undefined && index === restIndex) return union(...args.slice(restIndex).map((value) => deepTaint(value)));
    const value = args[index];
    return value === undefined ? CLEAN : deepTaint(value);
  };
  for (const [index, path] of summary.sinks) {
    node.arguments.forEach((argument, position) => {
      const parameter = restIndex !== undefined && position >= restIndex ? restIndex : position;
      if (parameter === index) reportArgument(frame, node, argument, args[position] ?? CLEAN_VALUE, shortCallee(frame.context.ts, node.expression), path);
    });
  }
  const substitute = (taint: Taint): Taint =>
    union(...taint.map((label) => (label.type === 'source' ? [label] : label.derived ? derive(argumentTaint(label.index)) : argumentTaint(label.index))));
  const instantiate = (value: Value): Value => {
    const taint = substitute(value.taint);
    if (value.props === undefined) return valueOf(taint);
    return { taint, props: new Map([...value.props].map(([name, prop]) => [name, instantiate(prop)])) };
  };
  return instantiate(summary.returns);
}
