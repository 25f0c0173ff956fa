import type * as TS from 'typescript';
import { skipOuter } from '../util/syntax.js';
import type { AnalysisContext } from './context.js';
import { CLEAN, concreteOf, union, type Taint } from './labels.js';

// Where a write or a read of a property lands: a variable's value (by the variable a property
// chain starts from), or a class field, whose taint is joined over the whole class.

/** The variable a property chain starts from: `a` in `a.b.c`. */
export function baseSymbol(context: AnalysisContext, expression: TS.Expression): TS.Symbol | undefined {
  const { ts } = context;
  let node = skipOuter(ts, expression);
  while (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) node = skipOuter(ts, node.expression);
  return ts.isIdentifier(node) ? context.checker.getSymbolAtLocation(node) : undefined;
}

export function writeField(context: AnalysisContext, owner: TS.Node, name: string, taint: Taint): void {
  const concrete = concreteOf(taint);
  let fields = context.classFields.get(owner);
  if (fields === undefined) {
    fields = new Map();
    context.classFields.set(owner, fields);
  }
  fields.set(name, union(fields.get(name) ?? CLEAN, concrete));
}

export function readField(context: AnalysisContext, owner: TS.Node, name: string): Taint {
  return context.classFields.get(owner)?.get(name) ?? CLEAN;
}

/** `Cache.entries` where `Cache` names a class of this program: a static field. */
export function staticFieldOwner(context: AnalysisContext, receiver: TS.Expression): TS.ClassLikeDeclaration | undefined {
  const { ts } = context;
  if (!ts.isIdentifier(receiver)) return undefined;
  const declaration = context.checker.getSymbolAtLocation(receiver)?.valueDeclaration;
  return declaration !== undefined && ts.isClassLike(declaration) ? declaration : undefined;
}

/** `x.name`, `x['name']`, `x[0]`: the property read; undefined when computed. */
export function propertyName(ts: typeof TS, node: TS.PropertyAccessExpression | TS.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  const argument = node.argumentExpression;
  return ts.isStringLiteralLike(argument) || ts.isNumericLiteral(argument) ? argument.text : undefined;
}

export function memberName(ts: typeof TS, member: TS.ClassElement | TS.ObjectLiteralElementLike): string | undefined {
  const name = member.name;
  return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) ? name.text : undefined;
}
