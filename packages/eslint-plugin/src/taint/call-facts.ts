import type * as TS from 'typescript';
import type { TaintEngine } from './engine.js';
import { matchesSpecifier } from './specifiers.js';
import { isNodeTypes, isTypeScriptLib } from './syntax.js';

// Calls the analysis treats specially, recognised by their declarations: the globals it models,
// keyed hashes, `Error` constructions, and the functions the options name.

export function isErrorConstruction(engine: TaintEngine, node: TS.NewExpression): boolean {
  const type = engine.checker.getTypeAtLocation(node);
  const seen = new Set<TS.Type>();
  const isError = (candidate: TS.Type): boolean => {
    if (seen.has(candidate)) return false;
    seen.add(candidate);
    if (candidate.getSymbol()?.name === 'Error') return true;
    return candidate.isClassOrInterface() && engine.checker.getBaseTypes(candidate).some(isError);
  };
  return isError(type);
}

export function isConfigured(engine: TaintEngine, declaration: TS.Declaration, specifiers: readonly { readonly module?: string; readonly name: string }[]): boolean {
  return specifiers.some((specifier) => matchesSpecifier(engine.ts, engine.matcher, declaration, specifier));
}

/** `crypto.createHmac(alg, key).update(x).digest()`: a keyed hash reveals nothing of `x`. */
export function isKeyedHash(engine: TaintEngine, receiver: TS.Expression | undefined): boolean {
  if (receiver === undefined) return false;
  const symbol = engine.checker.getTypeAtLocation(receiver).getSymbol();
  const declaration = symbol?.declarations?.[0];
  return symbol?.name === 'Hmac' && declaration !== undefined && isNodeTypes(declaration);
}

export function isObjectAssign(engine: TaintEngine, callee: TS.Expression): boolean {
  return isGlobalCall(engine, callee, 'Object', 'assign');
}

/** `String(…)`, `Object.keys(…)`: the global, not a user's function of the same name. */
export function isGlobalCall(engine: TaintEngine, callee: TS.Expression, global: string, member?: string): boolean {
  const { ts } = engine;
  const target = member === undefined ? callee : ts.isPropertyAccessExpression(callee) && callee.name.text === member ? callee.expression : undefined;
  if (target === undefined || !ts.isIdentifier(target) || target.text !== global) return false;
  const declaration = engine.checker.getSymbolAtLocation(target)?.declarations?.[0];
  return declaration !== undefined && isTypeScriptLib(declaration);
}
