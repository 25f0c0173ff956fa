import type * as TS from 'typescript';
import type { Sink } from './sinks.js';
import { isErrorType } from '../program/type-facts.js';
import { skipOuter } from '../util/syntax.js';

// Where a log call's message string is. Untrusted text there can forge log lines (CWE-117);
// in a structured field (pino's first object, winston's metadata, an inspected object) it is
// encoded by the logger and cannot.

/** `message`: the message string itself (or its format string); `format-argument`: text formatted into it. */
export type MessagePosition = 'message' | 'format-argument';

/** An expression whose text is written into a log message. */
export interface MessagePart {
  /** The call argument it is, or that holds it. */
  readonly index: number;
  /** For a record argument (`{ body }`, `{ message }`), the property that is the message. */
  readonly property?: string;
  readonly node: TS.Expression;
  readonly position: MessagePosition;
}

/** Placeholders that encode their argument (numbers, JSON, inspection) or consume it unseen (`%c`). */
const SAFE_PLACEHOLDERS = new Set(['d', 'i', 'f', 'j', 'o', 'O', 'c']);

/** The parts of a log call's arguments that end up as text in its message. */
export function messageParts(ts: typeof TS, checker: TS.TypeChecker, sink: Sink, call: TS.CallExpression): MessagePart[] {
  const args = call.arguments;
  const isText = (node: TS.Expression): boolean => writesText(ts, checker, node, sink.style === 'format');
  const parts: MessagePart[] = [];
  let first = sink.firstLogged;
  switch (sink.style) {
    case 'text':
      for (let index = first; index < args.length; index++) {
        const node = args[index];
        if (node !== undefined && isText(node)) parts.push({ index, node, position: 'message' });
      }
      return parts;
    case 'record': {
      const property = recordProperty(ts, args[first], 'body');
      if (property !== undefined) parts.push({ index: first, property: 'body', node: property, position: 'message' });
      return parts;
    }
    case 'fields-first': {
      // pino and bunyan: an object of fields (or an error) first, then the message.
      const fields = args[first];
      if (fields !== undefined && !isText(fields)) first++;
      break;
    }
    case 'fields-after': {
      // winston's `log('info', message, …)` and `log({ level, message })`.
      const level = args[first];
      if (call.arguments.length > first + 1 && level !== undefined && ts.isStringLiteralLike(skipOuter(ts, level)) && isLogMethod(ts, call)) first++;
      const record = recordProperty(ts, args[first], 'message');
      if (record !== undefined) {
        parts.push({ index: first, property: 'message', node: record, position: 'message' });
        return parts;
      }
      break;
    }
    case 'event':
      // An action name (an identifier, or replaced) and fields the runtime summarises: no message text.
      return parts;
    case 'format':
      break;
  }
  const message = args[first];
  if (message === undefined) return parts;
  if (isText(message)) parts.push({ index: first, node: message, position: 'message' });
  const placeholders = placeholdersOf(ts, message);
  let placeholder = 0;
  for (let index = first + 1; index < args.length; index++) {
    const node = args[index];
    if (node === undefined) continue;
    if (ts.isSpreadElement(node)) {
      // Arguments spread in fill placeholders from here on: unknown which, so any may be text.
      if (isText(node)) parts.push({ index, node, position: 'format-argument' });
      placeholder = Number.POSITIVE_INFINITY;
      continue;
    }
    const kind = placeholders === undefined ? undefined : placeholders[placeholder];
    placeholder++;
    if (!isText(node)) continue;
    // With a literal format string, the placeholder says how the argument is written.
    if (placeholders !== undefined) {
      if (kind === undefined ? !sink.appendsExtra : SAFE_PLACEHOLDERS.has(kind)) continue;
    }
    parts.push({ index, node, position: 'format-argument' });
  }
  return parts;
}

/** The placeholders of a literal format string, in order (`%%` is none); undefined when not literal. */
function placeholdersOf(ts: typeof TS, node: TS.Expression): string[] | undefined {
  const inner = skipOuter(ts, node);
  if (!ts.isStringLiteralLike(inner)) return undefined;
  const found: string[] = [];
  for (const match of inner.text.matchAll(/%([sdifjoOc%])/g)) if (match[1] !== '%' && match[1] !== undefined) found.push(match[1]);
  return found;
}

/** `{ body: … }` / `{ message: … }` written in the call: the record's message. */
function recordProperty(ts: typeof TS, argument: TS.Expression | undefined, name: string): TS.Expression | undefined {
  const inner = argument === undefined ? undefined : skipOuter(ts, argument);
  if (inner === undefined || !ts.isObjectLiteralExpression(inner)) return undefined;
  for (const property of inner.properties) {
    if (ts.isPropertyAssignment(property) && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) && property.name.text === name) return property.initializer;
    if (ts.isShorthandPropertyAssignment(property) && property.name.text === name) return property.name;
  }
  return undefined;
}

function isLogMethod(ts: typeof TS, call: TS.CallExpression): boolean {
  const callee = skipOuter(ts, call.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'log';
}

/**
 * Whether a value is written as text: strings (and values of unknown type, which may be strings)
 * are; objects and arrays are serialised or inspected with their strings escaped. Under
 * `util.format`, an error prints its message and stack as they are.
 */
function writesText(ts: typeof TS, checker: TS.TypeChecker, node: TS.Expression, errorsAsText: boolean): boolean {
  let type = checker.getTypeAtLocation(ts.isSpreadElement(node) ? node.expression : node);
  if (ts.isSpreadElement(node)) type = checker.getIndexTypeOfType(type, ts.IndexKind.Number) ?? checker.getAnyType();
  const parts = type.isUnion() ? type.types : [type];
  return parts.some((part) => {
    if (part.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
    if (part.flags & ts.TypeFlags.TypeParameter) {
      const constraint = checker.getBaseConstraintOfType(part);
      return constraint === undefined || (constraint.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
    }
    return errorsAsText && isErrorType(checker, part);
  });
}
