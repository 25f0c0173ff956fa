import type * as TS from 'typescript';
import { skipOuter } from '../util/syntax.js';
import type { Frame } from './context.js';
import { knownCallValue } from './known-calls.js';
import { callbackMethodOf, isCallback, runCallbacks } from './callbacks.js';
import { CLEAN, derive, union } from './labels.js';
import { transformedCallValue } from './metrics.js';
import { mlxCallValue } from './mlx-calls.js';
import { writeThroughMutators } from './mutators.js';
import { resolvesPromise } from './promises.js';
import { reportLogCall } from './sink-reports.js';
import { flowTypeLabels } from './sources.js';
import { applySummary, summaryFor } from './summaries.js';
import { CLEAN_VALUE, deepTaint, valueOf, type Value } from './value.js';

/**
 * A call, in the order its meaning is decided: a log call (sinks), a call known by what it is
 * (sanitizers and sources), an MLX call (by its kind's traits), a mutator writing into its
 * receiver, a function of the program (by its summary), and else what goes in may come out.
 */
export function evaluateCall(frame: Frame, node: TS.CallExpression): Value {
  const { context } = frame;
  const { ts } = context;
  const callee = skipOuter(ts, node.expression);
  const receiverNode = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? skipOuter(ts, callee.expression) : undefined;
  const receiver = receiverNode === undefined || receiverNode.kind === ts.SyntaxKind.SuperKeyword ? undefined : frame.evaluate(receiverNode);
  if (ts.isElementAccessExpression(callee)) frame.evaluate(callee.argumentExpression);
  const receiverTaint = receiver === undefined ? CLEAN : deepTaint(receiver);

  // Callbacks see what the receiver holds: `values.forEach(v => log(v))`, `p.then(v => log(v))`;
  // the standard library's array and promise methods give each parameter its part (callbacks.ts).
  const args = node.arguments.map((argument) => (isCallback(ts, argument) ? CLEAN_VALUE : frame.evaluate(argument)));
  const argTaints = args.map((value) => deepTaint(value));
  const method = callbackMethodOf(context, node);
  const callbacks = runCallbacks(frame, node, method, receiverTaint, argTaints);
  const callbackReturns = callbacks.returned;
  if (callbacks.result !== undefined) return valueOf(union(callbacks.result, flowTypeLabels(context, node)));
  if (resolvesPromise(frame, callee, args)) return CLEAN_VALUE;

  const sink = context.sinkOf(node);
  if (sink !== undefined) {
    // What a redacting log call (the runtime's `auditEvent`) records is summarised: nothing leaks.
    if (sink.redacts !== true) reportLogCall(frame, node, sink, args);
    return CLEAN_VALUE;
  }
  const known = knownCallValue(context, node, callee, receiverNode, args);
  if (known !== undefined) return known;
  const match = context.matcher.match(node);
  if (match !== undefined) return mlxCallValue(context, node, match, receiverTaint, argTaints);
  const transformed = transformedCallValue(context, node, argTaints);
  if (transformed !== undefined) return transformed;
  writeThroughMutators(frame, node, callee, receiverNode, argTaints);

  const body = context.calleeBody(node);
  if (body !== undefined) {
    const summary = summaryFor(frame, body);
    if (summary !== undefined) {
      // A callback stands for what it returns: the summary says whether the function passes on
      // what it gets from calling it (`data()` of `train(model, () => batches(...))`).
      const given = args.map((value, position) => {
        const returned = callbacks.byArgument.get(position);
        return returned === undefined ? value : valueOf(returned);
      });
      const result = applySummary(frame, node, body, summary, given);
      return { ...result, taint: union(result.taint, flowTypeLabels(context, node)) };
    }
  }
  // A function the analysis cannot see into: what goes in may come out, unless only a boolean does.
  // A function value called by its name (a parameter, a variable) gives what it returns.
  const resultType = context.checker.getTypeAtLocation(node);
  if (resultType.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)) return CLEAN_VALUE;
  const calledSymbol = ts.isIdentifier(callee) ? context.checker.getSymbolAtLocation(callee) : undefined;
  const calledValue = calledSymbol === undefined ? CLEAN : deepTaint(frame.env.get(calledSymbol) ?? CLEAN_VALUE);
  return valueOf(union(derive(receiverTaint), derive(calledValue), ...argTaints.map(derive), callbackReturns, flowTypeLabels(context, node)));
}
