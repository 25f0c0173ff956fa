import type * as TS from 'typescript';
import { calledDeclaration } from '../program/called-declaration.js';
import { isConfigured } from '../program/specifiers.js';
import { shortCallee } from '../util/syntax.js';
import { isGlobalCall, isKeyedHash } from './call-facts.js';
import type { AnalysisContext } from './context.js';
import { CLEAN, sourceLabel } from './labels.js';
import { fileReadLabels, stringifiedValue } from './sources.js';
import { CLEAN_VALUE, valueOf, type Value } from './value.js';

/**
 * The value of a call known by what it is rather than what it computes: a configured sanitizer
 * or source, a keyed hash, what the policy cleans (a line-break sanitizer, a number's text),
 * `String(x)`, `Object.keys(x)` and `Promise.all([...])`. Undefined for any other call.
 */
export function knownCallValue(context: AnalysisContext, node: TS.CallExpression, callee: TS.Expression, receiverNode: TS.Expression | undefined, args: readonly Value[]): Value | undefined {
  const { ts, options } = context;
  const callable = calledDeclaration(ts, context.checker, node);
  if (callable !== undefined && isConfigured(ts, context.matcher, callable, options.sanitizers)) return CLEAN_VALUE;
  if (isKeyedHash(context, receiverNode)) return CLEAN_VALUE;
  if (callable !== undefined && isConfigured(ts, context.matcher, callable, options.sources)) {
    // The rule's configured sources: secrets for leaks, untrusted text for injection.
    const kind = context.flow.configuredSource;
    return valueOf(context.wants(kind) ? [sourceLabel(kind, node, `${shortCallee(ts, callee)}()`)] : CLEAN);
  }
  if (context.flow.cleans(context, node, receiverNode)) return CLEAN_VALUE;
  // A file's contents, under the `file` threat model of log injection.
  const fileRead = fileReadLabels(context, node, callable);
  if (fileRead.length > 0) return valueOf(fileRead);
  if (isGlobalCall(context, callee, 'String') && node.arguments[0] !== undefined) {
    return valueOf(stringifiedValue(context, node.arguments[0], args[0] ?? CLEAN_VALUE));
  }
  // Keys are names, not contents.
  if (isGlobalCall(context, callee, 'Object', 'keys')) return CLEAN_VALUE;
  // `await Promise.all([infer(), countRows()])` holds its elements apart, as the array given.
  if (isGlobalCall(context, callee, 'Promise', 'all') && node.arguments.length === 1) return args[0] ?? CLEAN_VALUE;
  return undefined;
}
