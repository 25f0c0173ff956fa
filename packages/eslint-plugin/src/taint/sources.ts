import { targetSymbol } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { TaintEngine } from './engine.js';
import { CLEAN, shorten, sourceLabel, union, type Label, type Taint } from './labels.js';
import { isNodeTypes } from './syntax.js';
import { deepTaint, type Value } from './value.js';

// What makes a value tainted by itself, whatever flowed into it: its name, its type, being
// `process.env`, or a tensor turned into text.

/**
 * A secret by its name (a string or object; `apiKeyLength: number` is not one), traced to
 * where the name is declared when it is a variable.
 */
export function nameLabels(engine: TaintEngine, node: TS.Node, name: string, declared?: TS.Node): Taint {
  if (!engine.wants('secret') || !engine.isSecretName(name)) return CLEAN;
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
  if (!engine.wants('tensor')) return CLEAN;
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
export function typeLabels(engine: TaintEngine, node: TS.Expression, symbol?: TS.Symbol): Taint {
  const type = referenceType(engine, node, symbol);
  const facts = engine.facts;
  const labels: Label[] = [];
  if (engine.wants('tensor') && facts.holdsTensor(type)) labels.push(sourceLabel('tensor', node));
  if (facts.isRequest(type)) labels.push(sourceLabel('request-data', node));
  const secretField = engine.wants('secret') ? facts.secretField(type) : undefined;
  if (secretField !== undefined) labels.push(sourceLabel('secret', node, `${shorten(node.getText())}.${secretField}`));
  return labels;
}

/**
 * The type of a variable read: its declared type when narrowing cannot change what the labels
 * see (not a union, not `unknown` or `any`), else the narrowed type at the read. The declared
 * type is computed once per variable; the type at a read runs control-flow analysis at every
 * read, which was most of the checker time the rules cost.
 */
function referenceType(engine: TaintEngine, node: TS.Expression, symbol: TS.Symbol | undefined): TS.Type {
  const { ts, checker } = engine;
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Variable && !(symbol.flags & ts.SymbolFlags.Alias)) {
    const declared = checker.getTypeOfSymbol(symbol);
    if (!(declared.flags & (ts.TypeFlags.Union | ts.TypeFlags.Unknown | ts.TypeFlags.Any))) return declared;
  }
  return checker.getTypeAtLocation(node);
}

export function isProcessEnv(engine: TaintEngine, node: TS.Expression): boolean {
  return isProcessMember(engine, node, 'env');
}

/** `process.argv` and `process.stdin`: what whoever starts the program types, untrusted text. */
export function userInputLabels(engine: TaintEngine, node: TS.Expression): Taint {
  if (!engine.wants('user-input')) return CLEAN;
  return isProcessMember(engine, node, 'argv') || isProcessMember(engine, node, 'stdin') ? [sourceLabel('user-input', node)] : CLEAN;
}

/**
 * `process.<name>` by the declaration it reads (Node's `Process` interface), so
 * `import process from 'node:process'` and `import { argv } from 'node:process'` count too.
 */
function isProcessMember(engine: TaintEngine, node: TS.Expression, name: string): boolean {
  const { ts, checker } = engine;
  const nameNode = ts.isPropertyAccessExpression(node) && node.name.text === name ? node.name : ts.isIdentifier(node) && node.text === name ? node : undefined;
  const declaration = nameNode === undefined ? undefined : targetSymbol(ts, checker, nameNode)?.declarations?.[0];
  return (
    declaration !== undefined &&
    isNodeTypes(declaration) &&
    ts.isPropertySignature(declaration) &&
    ts.isInterfaceDeclaration(declaration.parent) &&
    declaration.parent.name.text === 'Process'
  );
}

export function stringifiedValue(engine: TaintEngine, expression: TS.Expression, value: Value): Taint {
  const taint = deepTaint(value);
  if (!engine.wants('raw-data') || engine.matcher.mlxIdOfType(engine.checker.getTypeAtLocation(expression)) !== 'core.array') return taint;
  return union([sourceLabel('raw-data', expression, `String(${shorten(expression.getText())})`)], taint);
}
