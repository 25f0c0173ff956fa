import { KIND_TRAITS, type BindingMatch } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { shortCallee, skipOuter } from '../util/syntax.js';
import type { AnalysisContext } from './context.js';
import { derive, sourceLabel, union, CLEAN, type Taint } from './labels.js';
import { metricCallValue } from './metrics.js';
import { flowTypeLabels } from './sources.js';
import { CLEAN_VALUE, valueOf, type Value } from './value.js';

/**
 * What an MLX call returns: an aggregate metric when the catalogue's entry makes it one (a loss,
 * a reduction of a comparison: metrics.ts), else as the catalogue's KIND_TRAITS say for its kind:
 * nothing worth keeping out of logs, a model's output, tensor contents as JavaScript values, or
 * what its receiver and arguments carried (and a tensor, by its type).
 */
export function mlxCallValue(context: AnalysisContext, node: TS.CallExpression, match: BindingMatch, receiverTaint: Taint, argTaints: readonly Taint[]): Value {
  const metric = metricCallValue(context, node, match);
  if (metric !== undefined) return metric;
  const what = shortCallee(context.ts, skipOuter(context.ts, node.expression));
  const label = (kind: 'model-output' | 'raw-data'): Taint => (context.wants(kind) ? [sourceLabel(kind, node, what)] : CLEAN);
  switch (KIND_TRAITS[match.kind].result) {
    case 'clean':
      return CLEAN_VALUE;
    case 'model-output':
      return valueOf(label('model-output'));
    case 'raw-data':
      return valueOf(union(derive(receiverTaint), ...argTaints.map(derive), label('raw-data')));
    case 'derived':
      return valueOf(union(derive(receiverTaint), ...argTaints.map(derive), flowTypeLabels(context, node)));
  }
}
