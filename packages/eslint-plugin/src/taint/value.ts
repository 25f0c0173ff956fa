import type * as TS from 'typescript';
import { CLEAN, propertyOfTaint, union, type Taint } from './labels.js';

/**
 * What the analysis knows of a value: the taint of the whole (every part of it is tainted) and,
 * for objects built or written field by field, the taint of single properties, so that
 * `record.id` stays clean beside a tainted `record.values`.
 */
export interface Value {
  readonly taint: Taint;
  readonly props?: ReadonlyMap<string, Value>;
}

export const CLEAN_VALUE: Value = { taint: CLEAN };

/** Variables' values at one point of a function. */
export type Env = Map<TS.Symbol, Value>;

export function valueOf(taint: Taint): Value {
  return taint.length === 0 ? CLEAN_VALUE : { taint };
}

/** Everything a value carries, whole and in its properties: what logging it writes. */
export function deepTaint(value: Value, depth = 0): Taint {
  if (value.props === undefined || depth > 4) return value.taint;
  return union(value.taint, ...[...value.props.values()].map((prop) => deepTaint(prop, depth + 1)));
}

/** The value of `value.name`. */
export function propertyOf(value: Value, name: string | undefined): Value {
  if (name === undefined) return valueOf(deepTaint(value));
  const prop = value.props?.get(name);
  const whole = propertyOfTaint(value.taint, name);
  if (prop === undefined) return valueOf(whole);
  return whole.length === 0 ? prop : { taint: union(whole, prop.taint), ...(prop.props === undefined ? {} : { props: prop.props }) };
}

/** `value` with `name` replaced (a write to one field). */
export function withProperty(value: Value, name: string, prop: Value): Value {
  const props = new Map(value.props);
  props.set(name, prop);
  return { taint: value.taint, props };
}

export function joinValues(a: Value, b: Value): Value {
  if (a === b) return a;
  const taint = union(a.taint, b.taint);
  if (a.props === undefined && b.props === undefined) return valueOf(taint);
  const props = new Map<string, Value>();
  for (const name of new Set([...(a.props?.keys() ?? []), ...(b.props?.keys() ?? [])])) {
    props.set(name, joinValues(a.props?.get(name) ?? CLEAN_VALUE, b.props?.get(name) ?? CLEAN_VALUE));
  }
  return { taint, props };
}

/** Two control-flow paths meet: a variable is tainted after if it is on either. */
export function joinEnvs(a: Env, b: Env): Env {
  const joined: Env = new Map(a);
  for (const [symbol, value] of b) {
    const other = joined.get(symbol);
    joined.set(symbol, other === undefined ? value : joinValues(other, value));
  }
  return joined;
}

/** Arrays and tuples are kept element by element up to this many elements; longer ones as a whole. */
const ELEMENT_WISE_LIMIT = 16;

/**
 * An array or tuple literal: its elements by index (`[secret, 'user']`: `[1]` stays clean), and
 * what comes after a spread, whose position is unknown, in the whole.
 */
export function arrayValue(elements: readonly Value[], spreadFrom: number | undefined): Value {
  const known = spreadFrom ?? elements.length;
  if (known > ELEMENT_WISE_LIMIT) return valueOf(union(...elements.map((element) => deepTaint(element))));
  const whole = union(...elements.slice(known).map((element) => deepTaint(element)));
  const props = new Map<string, Value>();
  elements.slice(0, known).forEach((element, index) => {
    if (element.taint.length > 0 || element.props !== undefined) props.set(String(index), element);
  });
  return props.size === 0 ? valueOf(whole) : { taint: whole, props };
}

/** Whether a value is known element by element: its properties are all indices. */
function isElementWise(value: Value): boolean {
  return value.props !== undefined && [...value.props.keys()].every((key) => /^\d+$/.test(key));
}

/** The element at `index` (array destructuring, `pair[1]`); the whole for a value not kept by element. */
export function elementOf(value: Value, index: number): Value {
  return isElementWise(value) ? propertyOf(value, String(index)) : valueOf(deepTaint(value));
}

/** The elements from `index` on (`const [first, ...rest] = list`). */
export function elementsFrom(value: Value, index: number): Value {
  if (!isElementWise(value)) return valueOf(deepTaint(value));
  const rest = [...(value.props ?? new Map<string, Value>())].filter(([key]) => Number(key) >= index).map(([, element]) => deepTaint(element));
  return valueOf(union(value.taint, ...rest));
}
