import { types } from 'node:util';
import { captureError, sanitizeErrorMessage } from './errors.js';

const UNREADABLE = 'an unreadable thrown value';
const UNNAMED_SINK = 'unnamed';
const MAX_NAME_LENGTH = 128;

/**
 * A thrown value described for the operator: `Type: message` for an Error, the class name for
 * anything else. Never throws and never calls `String()` on the value, because a sink or a
 * summariser may throw anything, down to a Proxy whose every trap throws; describing the failure
 * must not become a second, uncaught one.
 */
export function describeThrown(error: unknown): string {
  // Its traps are the thrower's code: none of them runs.
  if (types.isProxy(error)) return 'Proxy';
  try {
    const { type, message } = captureError(error);
    return message === undefined ? type : `${type}: ${sanitizeErrorMessage(message)}`;
  } catch {
    // `instanceof Error` runs a Proxy's getPrototypeOf trap.
    return UNREADABLE;
  }
}

/** A sink's `name`, or `unnamed` when reading it throws or gives no string: a sink is application code. */
export function sinkName(sink: unknown): string {
  try {
    const name: unknown = (sink as { readonly name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? name.slice(0, MAX_NAME_LENGTH) : UNNAMED_SINK;
  } catch {
    return UNNAMED_SINK;
  }
}
