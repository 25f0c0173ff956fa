import { createDifferentiation, type BindingMatch, type CatalogueMatcher, type Differentiation } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { shortCallee, skipOuter } from '../util/syntax.js';
import type { AnalysisContext } from './context.js';
import { CLEAN, derive, sourceLabel, union, type Taint } from './labels.js';
import { flowTypeLabels } from './sources.js';
import { CLEAN_VALUE, valueOf, type Value } from './value.js';

// Aggregate metrics: a training loss, or an accuracy over a batch, is a number about a model or a
// batch, not a record of anyone's data. Which bindings make one is the catalogue's say (entries'
// `metric`); following a comparison into a reduction is this module's. A metric's value carries a
// `metric` label and nothing of what it was computed from; the report leaves it out unless the
// rule's `reportMetrics` is set.

/** How many `const`s a reduction's operand is followed back to find a comparison. */
const MAX_CONST_DEPTH = 3;

/**
 * What an MLX call gives when it makes a metric: a loss (`nn.losses.*`), or a reduction
 * (`mean`, `sum`) of a comparison (`mx.mean(mx.equal(mx.argmax(logits, 1), labels))`). Undefined
 * for any other call, which keeps what its kind's traits say.
 */
export function metricCallValue(context: AnalysisContext, node: TS.CallExpression, match: BindingMatch): Value | undefined {
  const part = match.entry.metric;
  if (part === 'loss') return metricValue(context, node);
  if (part !== 'reduction') return undefined;
  // `x.mean()` reduces its receiver, `mx.mean(x)` its first argument.
  const operand = match.id.includes('#') ? match.receiver : match.arguments[0]?.node;
  return operand !== undefined && isComparison(context, operand, 0) ? metricValue(context, node) : undefined;
}

/**
 * A call of the function `valueAndGrad` returned (`const [loss, grads] = lossAndGrad(x, y)`):
 * its first element is the differentiated function's value, a loss; the second, the gradients,
 * carries what the arguments carried and is a tensor, as any call the analysis cannot see into.
 */
export function transformedCallValue(context: AnalysisContext, node: TS.CallExpression, argTaints: readonly Taint[]): Value | undefined {
  if (differentiationOf(context).transformOf(node)?.entry.metric !== 'value-and-grad') return undefined;
  const gradients = valueOf(union(...argTaints.map(derive), flowTypeLabels(context, node)));
  return { taint: CLEAN, props: new Map([['0', metricValue(context, node)], ['1', gradients]]) };
}

function metricValue(context: AnalysisContext, node: TS.CallExpression): Value {
  // Log injection follows text, and a metric is numbers: it carries nothing there.
  if (!context.wants('metric')) return CLEAN_VALUE;
  return valueOf([sourceLabel('metric', node, shortCallee(context.ts, skipOuter(context.ts, node.expression)))]);
}

/**
 * An element-wise comparison (`mx.equal(predicted, labels)`, `mx.less(error, tolerance)`), seen
 * through `astype` and `const`s: `const correct = mx.equal(p, y); mx.mean(correct.astype(mx.float32))`.
 */
function isComparison(context: AnalysisContext, expression: TS.Expression, depth: number): boolean {
  const { ts, checker } = context;
  const node = skipOuter(ts, expression);
  if (ts.isCallExpression(node)) {
    const match = context.matcher.match(node);
    if (match?.entry.metric === 'comparison') return true;
    const converted = match?.id === 'core.array#astype' ? match.receiver : undefined;
    return converted !== undefined && isComparison(context, converted, depth);
  }
  if (!ts.isIdentifier(node) || depth >= MAX_CONST_DEPTH) return false;
  const declaration = checker.getSymbolAtLocation(node)?.valueDeclaration;
  if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return false;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || (list.flags & ts.NodeFlags.Const) === 0) return false;
  return isComparison(context, declaration.initializer, depth + 1);
}

/** Which calls run a function a gradient transform returned: the catalogue's lexical analysis, one per matcher. */
const differentiations = new WeakMap<CatalogueMatcher, Differentiation>();

function differentiationOf(context: AnalysisContext): Differentiation {
  let differentiation = differentiations.get(context.matcher);
  if (differentiation === undefined) {
    differentiation = createDifferentiation(context.ts, context.checker, context.matcher);
    differentiations.set(context.matcher, differentiation);
  }
  return differentiation;
}
