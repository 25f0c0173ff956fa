import type * as TS from 'typescript';
import { messageParts } from '../logging/messages.js';
import { isLineBreakSanitizer } from './call-facts.js';
import type { AnalysisContext, FlowPolicy, LoggedArgument } from './context.js';
import { CLEAN, derive, union } from './labels.js';
import type { TaintPolicy } from './options.js';
import { typeLabels } from './sources.js';
import { CLEAN_VALUE, propertyOf } from './value.js';

/** Does sensitive data reach a log at all: every logged argument, with what its type says. */
const LEAK: FlowPolicy = {
  keyTaint: (taint) => taint,
  textPart: (_context, _node, taint) => taint,
  loggedArguments: (_context, sink, call, args) =>
    call.arguments.flatMap((node, index): LoggedArgument[] => (index >= sink.firstLogged ? [{ node, value: args[index] ?? CLEAN_VALUE }] : [])),
  configuredSource: 'secret',
  cleans: () => false,
  // What a function derives from a tensor and logs is either extracted there (and reported
  // there, as raw data) or a tensor there (reported by its type): not this argument's leak.
  reported: (context, argument, flow, wrapper) =>
    wrapper?.derived === true ? derive(flow).filter((label) => label.type === 'param' || label.kind !== 'tensor') : union(flow, typeLabels(context, argument)),
};

/**
 * Does untrusted text reach a log line's message: only text written into the message counts
 * (structured fields are encoded by the logger), and numbers, booleans, JSON encoding and CR/LF
 * removal make text harmless.
 */
const INJECTION: FlowPolicy = {
  // Only a model choosing the element (decoding generated token ids) makes the text untrusted; a
  // request's index selects the program's own text.
  keyTaint: (taint) => taint.filter((label) => label.type === 'param' || label.kind === 'model-output'),
  textPart: (context, node, taint) => {
    if (taint.length > 0 && isInertPrimitive(context, node)) return CLEAN;
    context.noteTextPart(node, taint);
    return taint;
  },
  loggedArguments: (context, sink, call, args) =>
    messageParts(context.ts, context.checker, sink, call).map((part) => {
      const argument = args[part.index] ?? CLEAN_VALUE;
      return { node: part.node, value: part.property === undefined ? argument : propertyOf(argument, part.property), position: part.position };
    }),
  configuredSource: 'user-input',
  // `loss.toFixed(4)`, `flag.toString()`: a number's or boolean's text is digits and words.
  cleans: (context, call, receiver) => isLineBreakSanitizer(context, call) || (receiver !== undefined && isInertPrimitive(context, receiver)),
  // For injection only what flowed in counts: a request object logged whole is inspected. Request
  // data is made whatever the threat models say; it is untrusted only under `remote`.
  reported: (context, argument, flow) => (isInertPrimitive(context, argument) ? CLEAN : flow.filter((label) => label.type === 'param' || context.wants(label.kind))),
};

/** The behaviour of a policy, chosen once. */
export function flowPolicyOf(policy: TaintPolicy): FlowPolicy {
  return policy.name === 'injection' ? INJECTION : LEAK;
}

/**
 * For log injection, numbers and booleans written into text cannot break a line (`Number(x)`,
 * `x.length`); they stay tainted as values, since a generated token id still selects the text.
 */
function isInertPrimitive(context: AnalysisContext, node: TS.Expression): boolean {
  const { ts } = context;
  const type = context.checker.getTypeAtLocation(node);
  const inert = ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never;
  return (type.isUnion() ? type.types : [type]).every((part) => (part.flags & inert) !== 0);
}
