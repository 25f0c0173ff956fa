import type * as TS from 'typescript';
import { isObjectAssign } from './call-facts.js';
import type { Frame } from './context.js';
import { baseSymbol } from './fields.js';
import { union, type Taint } from './labels.js';
import { CLEAN_VALUE } from './value.js';

/** Methods that put their arguments into the receiver (a container then holds what they held). */
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'add', 'fill', 'append', 'assign']);

/** What a call writes into a variable: `list.push(x)` into `list`, `Object.assign(target, source)` into `target`. */
export function writeThroughMutators(frame: Frame, node: TS.CallExpression, callee: TS.Expression, receiverNode: TS.Expression | undefined, argTaints: readonly Taint[]): void {
  const { context } = frame;
  if (receiverNode !== undefined && context.ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) {
    addTaint(frame, baseSymbol(context, receiverNode), union(...argTaints), true);
  }
  // `Object.assign(target, source)` writes into its first argument.
  if (isObjectAssign(context, callee) && node.arguments[0] !== undefined) {
    addTaint(frame, baseSymbol(context, node.arguments[0]), union(...argTaints.slice(1)), false);
  }
}

function addTaint(frame: Frame, base: TS.Symbol | undefined, written: Taint, onlyWhenTainted: boolean): void {
  if (base === undefined || (onlyWhenTainted && written.length === 0)) return;
  const current = frame.env.get(base) ?? CLEAN_VALUE;
  frame.env.set(base, { ...current, taint: union(current.taint, written) });
}
