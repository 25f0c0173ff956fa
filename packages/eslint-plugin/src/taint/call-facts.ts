import type * as TS from 'typescript';
import type { AnalysisContext } from './context.js';
import { isNodeTypes, isTypeScriptLib } from '../util/syntax.js';
import { isErrorType } from '../program/type-facts.js';

// Calls the analysis treats specially, recognised by their declarations: the globals it models,
// keyed hashes, `Error` constructions, and the functions the options name.

export function isErrorConstruction(context: AnalysisContext, node: TS.NewExpression): boolean {
  return isErrorType(context.checker, context.checker.getTypeAtLocation(node));
}

/** `crypto.createHmac(alg, key).update(x).digest()`: a keyed hash reveals nothing of `x`. */
export function isKeyedHash(context: AnalysisContext, receiver: TS.Expression | undefined): boolean {
  if (receiver === undefined) return false;
  const symbol = context.checker.getTypeAtLocation(receiver).getSymbol();
  const declaration = symbol?.declarations?.[0];
  return symbol?.name === 'Hmac' && declaration !== undefined && isNodeTypes(declaration);
}

export function isObjectAssign(context: AnalysisContext, callee: TS.Expression): boolean {
  return isGlobalCall(context, callee, 'Object', 'assign');
}

/** `String(…)`, `Object.keys(…)`: the global, not a user's function of the same name. */
export function isGlobalCall(context: AnalysisContext, callee: TS.Expression, global: string, member?: string): boolean {
  const { ts } = context;
  const target = member === undefined ? callee : ts.isPropertyAccessExpression(callee) && callee.name.text === member ? callee.expression : undefined;
  if (target === undefined || !ts.isIdentifier(target) || target.text !== global) return false;
  const declaration = context.checker.getSymbolAtLocation(target)?.declarations?.[0];
  return declaration !== undefined && isTypeScriptLib(declaration);
}

/** Global functions whose result cannot break a log line: JSON and URI encodings. */
const ENCODERS: readonly (readonly [string, string?])[] = [['JSON', 'stringify'], ['encodeURIComponent'], ['encodeURI'], ['escape']];

/**
 * Calls that make untrusted text safe in a log message: an encoding, or replacements that remove
 * both CR and LF (`s.replace(/[\r\n]/g, '')`, or a chain of two that remove one each).
 */
export function isLineBreakSanitizer(context: AnalysisContext, call: TS.CallExpression): boolean {
  const callee = context.ts.isParenthesizedExpression(call.expression) ? call.expression.expression : call.expression;
  if (ENCODERS.some(([global, member]) => isGlobalCall(context, callee, global, member))) return true;
  const removed = removedLineBreaks(context, call, 0);
  return removed.has('\r') && removed.has('\n');
}

function removedLineBreaks(context: AnalysisContext, call: TS.CallExpression, depth: number): Set<string> {
  const { ts } = context;
  const removed = new Set<string>();
  const callee = call.expression;
  if (depth > 3 || !ts.isPropertyAccessExpression(callee) || !['replace', 'replaceAll'].includes(callee.name.text)) return removed;
  if (!(context.checker.getTypeAtLocation(callee.expression).flags & ts.TypeFlags.StringLike)) return removed;
  const [pattern, replacement] = call.arguments;
  if (pattern === undefined || replacement === undefined || !ts.isStringLiteralLike(replacement) || /[\r\n]/.test(replacement.text)) return removed;
  const replaceAll = callee.name.text === 'replaceAll';
  if (ts.isRegularExpressionLiteral(pattern)) {
    const regex = regexOf(pattern.text);
    if (regex !== undefined && (replaceAll || regex.flags.includes('g'))) {
      for (const lineBreak of ['\r', '\n']) if (new RegExp(regex.source, regex.flags.replace('g', '')).test(lineBreak)) removed.add(lineBreak);
    }
  } else if (ts.isStringLiteralLike(pattern) && replaceAll && (pattern.text === '\r' || pattern.text === '\n')) {
    removed.add(pattern.text);
  }
  const receiver = callee.expression;
  if (ts.isCallExpression(receiver)) for (const lineBreak of removedLineBreaks(context, receiver, depth + 1)) removed.add(lineBreak);
  return removed;
}

function regexOf(literal: string): RegExp | undefined {
  const end = literal.lastIndexOf('/');
  try {
    return new RegExp(literal.slice(1, end), literal.slice(end + 1));
  } catch {
    return undefined;
  }
}
