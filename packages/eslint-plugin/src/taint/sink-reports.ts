import type * as TS from 'typescript';
import type { MessagePosition } from '../logging/messages.js';
import type { Sink } from '../logging/sinks.js';
import type { Frame, SinkPath } from './context.js';
import { primarySource, type SourceKind } from './labels.js';
import { deepTaint, type Value } from './value.js';

// What reaching a log does: a finding for a value that carries a source, a wrapper sink in the
// function's summary for a parameter.

/** Checks the arguments of a log call that the policy says are logged. */
export function reportLogCall(frame: Frame, call: TS.CallExpression, sink: Sink, args: readonly Value[]): void {
  const { context } = frame;
  for (const argument of context.flow.loggedArguments(context, sink, call, args)) {
    reportArgument(frame, call, argument.node, argument.value, sink.name, undefined, argument.position);
  }
}

/**
 * A tainted argument of a log call: a finding, or, for a parameter, a wrapper sink. Through a
 * wrapper that logs only what it derives from the argument, the argument's type says nothing.
 */
export function reportArgument(
  frame: Frame,
  call: TS.CallExpression | TS.NewExpression,
  argument: TS.Expression,
  value: Value,
  sink: string,
  wrapper: SinkPath | undefined,
  position?: MessagePosition,
  seenByWrapper?: ReadonlySet<SourceKind>,
): void {
  const { context } = frame;
  const reported = context.flow.reported(context, argument, deepTaint(value), wrapper);
  // What the wrapper reports at its own log call, by its parameter's type, is not reported here again.
  const taint = seenByWrapper === undefined ? reported : reported.filter((label) => label.type === 'param' || !seenByWrapper.has(label.kind));
  const at = wrapper?.position ?? position;
  for (const label of taint) {
    if (label.type === 'param' && !frame.sinks.has(label.index)) {
      frame.sinks.set(label.index, { sink: wrapper?.sink ?? sink, derived: label.derived || wrapper?.derived === true, ...(at === undefined ? {} : { position: at }) });
    }
  }
  const source = primarySource(taint);
  if (source !== undefined) context.record({ call, argument, label: source, sink, through: wrapper?.sink, position: at });
}
