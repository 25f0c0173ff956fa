import type * as TS from 'typescript';
import type { TaintEngine } from './engine.js';
import { CLEAN, shorten, sourceLabel, union, type Label, type Taint } from './labels.js';
import { isNodeTypes, skipOuter } from './syntax.js';
import { deepTaint, type Value } from './value.js';

// What makes a value tainted by itself, whatever flowed into it: its name, its type, being
// `process.env`, or a tensor turned into text.

/**
 * A secret by its name (a string or object; `apiKeyLength: number` is not one), traced to
 * where the name is declared when it is a variable.
 */
export function nameLabels(engine: TaintEngine, node: TS.Node, name: string, declared?: TS.Node): Taint {
  if (!engine.isSecretName(name)) return CLEAN;
  const type = engine.checker.getTypeAtLocation(node);
  if (type.flags & (engine.ts.TypeFlags.NumberLike | engine.ts.TypeFlags.BooleanLike | engine.ts.TypeFlags.Void | engine.ts.TypeFlags.Undefined)) return CLEAN;
  return [sourceLabel('secret', declared ?? node, name)];
}

/** The name node of the property's declaration, in this program's sources. */
export function declaredName(engine: TaintEngine, node: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Node | undefined {
  const { ts } = engine;
  const declaration = engine.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression)?.valueDeclaration;
  if (declaration === undefined || declaration.getSourceFile().isDeclarationFile) return undefined;
  return ts.getNameOfDeclaration(declaration);
}

/**
 * Type labels that flow on with a value: a tensor, or a list of them. Objects that only hold
 * tensors in fields are left to their type at each use, so their other fields stay clean.
 */
export function flowTypeLabels(engine: TaintEngine, node: TS.Expression): Taint {
  const type = engine.checker.getTypeAtLocation(node);
  const matcher = engine.matcher;
  const isTensor = (candidate: TS.Type): boolean => matcher.mlxIdOfType(candidate) === 'core.array';
  const parts = type.isUnion() ? type.types : [type];
  const tensorLike = parts.some(
    (part) =>
      isTensor(part) ||
      ((engine.checker.isArrayType(part) || engine.checker.isTupleType(part)) && engine.checker.getTypeArguments(part as TS.TypeReference).some(isTensor)),
  );
  return tensorLike ? [sourceLabel('tensor', node)] : CLEAN;
}

/** What the type says: a tensor, an HTTP request, an object carrying a secret field. */
export function typeLabels(engine: TaintEngine, node: TS.Expression): Taint {
  const type = engine.checker.getTypeAtLocation(node);
  const facts = engine.facts;
  const labels: Label[] = [];
  if (facts.holdsTensor(type)) labels.push(sourceLabel('tensor', node));
  if (facts.isRequest(type)) labels.push(sourceLabel('request-data', node));
  const secretField = facts.secretField(type);
  if (secretField !== undefined) labels.push(sourceLabel('secret', node, `${shorten(node.getText())}.${secretField}`));
  return labels;
}

export function isProcessEnv(engine: TaintEngine, node: TS.Expression): boolean {
  const { ts } = engine;
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 'env') return false;
  const process = skipOuter(ts, node.expression);
  if (!ts.isIdentifier(process) || process.text !== 'process') return false;
  const declaration = engine.checker.getSymbolAtLocation(process)?.declarations?.[0];
  return declaration !== undefined && isNodeTypes(declaration);
}

export function stringifiedValue(engine: TaintEngine, expression: TS.Expression, value: Value): Taint {
  const taint = deepTaint(value);
  if (engine.matcher.mlxIdOfType(engine.checker.getTypeAtLocation(expression)) !== 'core.array') return taint;
  return union([sourceLabel('raw-data', expression, `String(${shorten(expression.getText())})`)], taint);
}
