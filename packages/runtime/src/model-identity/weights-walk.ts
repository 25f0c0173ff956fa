import { types } from 'node:util';
import { ownData } from '../describe.js';
import { isTensor } from '../tensor.js';

// The MLX arrays inside a value of weights: a tensor, a `[name, tensor]` list, a record or Map of
// them, nested as `treeUnflatten` nests them. Only data properties are read, built-in iterators
// used, and a Proxy is not looked into: no code of the application's runs.

const MAX_NODES = 100_000;
const MAX_DEPTH = 32;
const mapValues = Object.getOwnPropertyDescriptor(Map.prototype, 'values')?.value as (this: Map<unknown, unknown>) => Iterator<unknown>;

/** Calls `visit` with each tensor in order until it returns false, or the walk's bound is reached. */
export function eachTensor(value: unknown, visit: (tensor: object) => boolean): void {
  walk(value, visit, { nodes: MAX_NODES }, 0);
}

/** False once the walk is to stop. */
function walk(value: unknown, visit: (tensor: object) => boolean, budget: { nodes: number }, depth: number): boolean {
  if (typeof value !== 'object' || value === null || types.isProxy(value)) return true;
  if (--budget.nodes < 0) return false;
  if (isTensor(value)) return visit(value);
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!walk(ownData(value, index), visit, budget, depth + 1)) return false;
    return true;
  }
  if (types.isMap(value)) {
    const values = mapValues.call(value);
    for (let item = values.next(); item.done !== true; item = values.next()) if (!walk(item.value, visit, budget, depth + 1)) return false;
    return true;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return true;
  for (const key of Object.keys(value)) if (!walk(ownData(value, key), visit, budget, depth + 1)) return false;
  return true;
}
