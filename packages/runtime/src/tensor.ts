import { MLX_PACKAGE } from './catalogue-tables.js';
import { constructorName, inheritsFrom, readProperty } from './describe.js';
import { constantSummary } from './json.js';
import { alreadyLoaded, resolveOptional } from './optional-module.js';

/** What an event says about a tensor: metadata MLX keeps on the array, never its contents. */
// A type alias rather than an interface: it must be assignable to an index signature (a JSON object).
// eslint-disable-next-line @typescript-eslint/consistent-type-definitions
export type TensorSummary = {
  readonly type: 'tensor';
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly size: number;
  readonly nbytes: number;
};

interface MlxClasses {
  /** `array.prototype` and `Dtype.prototype`, for `inheritsFrom` (an `instanceof` that runs no trap). */
  readonly arrayPrototype: object;
  readonly dtypePrototype: object | undefined;
}

const MAX_DIMENSIONS = 32;

// undefined: not looked up yet; null: MLX cannot be resolved from here.
let mlxEntry: string | null | undefined;
let mlxClasses: MlxClasses | undefined;

/**
 * MLX's classes, once the application has loaded MLX. Looking in the module cache (rather than
 * requiring MLX) keeps the runtime from loading the native library itself; until MLX is loaded
 * there is no MLX array to recognise anyway.
 */
function loadedMlx(): MlxClasses | undefined {
  if (mlxClasses !== undefined) return mlxClasses;
  mlxEntry ??= resolveOptional(MLX_PACKAGE) ?? null;
  if (mlxEntry === null) return undefined;
  const exports = alreadyLoaded(mlxEntry);
  const core = typeof exports === 'object' && exports !== null ? readProperty(exports, 'core') : undefined;
  if (typeof core !== 'object' || core === null) return undefined;
  const array = readProperty(core, 'array');
  const dtype = readProperty(core, 'Dtype');
  if (typeof array !== 'function') return undefined;
  const arrayPrototype = readProperty(array, 'prototype');
  const dtypePrototype = typeof dtype === 'function' ? readProperty(dtype, 'prototype') : undefined;
  if (typeof arrayPrototype !== 'object' || arrayPrototype === null) return undefined;
  mlxClasses = {
    arrayPrototype,
    dtypePrototype: typeof dtypePrototype === 'object' && dtypePrototype !== null ? dtypePrototype : undefined,
  };
  return mlxClasses;
}

/**
 * Whether a value is an MLX array: an instance of MLX's `array` class when MLX is loaded where
 * the runtime can see it; otherwise (MLX not reachable, or another copy of it) an object of a
 * class named `array` with a `shape` array and a `dtype` that has a numeric `size`, as every
 * MLX array has. Only a class named `array` is asked for its `shape` and `dtype`: anything else
 * is the application's, whose getters the runtime never runs. `value` is not a Proxy.
 */
export function isTensor(value: object): boolean {
  const mlx = loadedMlx();
  if (mlx !== undefined && inheritsFrom(value, mlx.arrayPrototype)) return true;
  return constructorName(value) === 'array' && looksLikeTensor(value);
}

function looksLikeTensor(value: object): boolean {
  if (!Array.isArray(readProperty(value, 'shape'))) return false;
  const dtype = readProperty(value, 'dtype');
  return typeof dtype === 'object' && dtype !== null && typeof readProperty(dtype, 'size') === 'number';
}

/** Whether a value is an MLX dtype, whose `toString` is MLX's own and prints its name. */
export function isDtype(value: object): boolean {
  const dtypePrototype = loadedMlx()?.dtypePrototype;
  if (dtypePrototype !== undefined && inheritsFrom(value, dtypePrototype)) return true;
  return constructorName(value) === 'Dtype' && typeof readProperty(value, 'size') === 'number';
}

/**
 * Shape, dtype, size and byte count of a tensor. Only `shape` and `dtype` are read, through the
 * native getters that return metadata without evaluating the graph (each costs an N-API call,
 * so size and bytes are computed from them rather than read); contents-reading methods (`item`,
 * `tolist`, `toString`, `valueOf`) are never called.
 */
export function summarizeTensor(tensor: object): TensorSummary {
  const dimensions = shapeProperty(tensor);
  const dtype = describeDtype(dtypeProperty(tensor));
  if (dtype.itemSize !== undefined && isShape(dimensions)) return sharedSummary(dtype, dtype.itemSize, dimensions);
  const shape = shapeOf(dimensions);
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const nbytes = dtype.itemSize === undefined ? numberOr(readProperty(tensor, 'nbytes'), -1) : size * dtype.itemSize;
  return { type: 'tensor', shape, dtype: dtype.name, size, nbytes };
}

// Calls see the same few shapes again and again (a model's input and output, a scalar loss):
// the summaries of each dtype's latest shapes are kept and shared, frozen, by the records that
// need them, so a call allocates no summary and a drain writes each one's JSON once.
const SHARED_SHAPES_PER_DTYPE = 8;

function sharedSummary(dtype: DtypeDescription, itemSize: number, dimensions: readonly number[]): TensorSummary {
  for (const summary of dtype.recent) {
    if (sameShape(summary.shape, dimensions)) return summary;
  }
  const shape = Object.freeze(dimensions.slice());
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const summary: TensorSummary = constantSummary({ type: 'tensor', shape, dtype: dtype.name, size, nbytes: size * itemSize });
  if (dtype.recent.length === SHARED_SHAPES_PER_DTYPE) dtype.recent.shift();
  dtype.recent.push(summary);
  return summary;
}

/** A shape as MLX gives it: an array of at most 32 numbers (anything else is filtered by `shapeOf`). */
function isShape(value: unknown): value is readonly number[] {
  if (!Array.isArray(value) || value.length > MAX_DIMENSIONS) return false;
  for (const dimension of value as readonly unknown[]) {
    if (typeof dimension !== 'number') return false;
  }
  return true;
}

function sameShape(shape: readonly number[], dimensions: readonly number[]): boolean {
  if (shape.length !== dimensions.length) return false;
  for (let index = 0; index < shape.length; index++) {
    if (shape[index] !== dimensions[index]) return false;
  }
  return true;
}

interface DtypeDescription {
  readonly name: string;
  readonly itemSize: number | undefined;
  /** The latest summaries of tensors of this dtype, oldest first. */
  readonly recent: TensorSummary[];
}

const UNKNOWN_DTYPE: DtypeDescription = { name: 'unknown', itemSize: undefined, recent: [] };

// MLX hands out one immutable object per dtype (`a.dtype === mx.float32`), and printing one
// costs a native call: describe each once.
const dtypeDescriptions = new WeakMap<object, DtypeDescription>();

function describeDtype(dtype: unknown): DtypeDescription {
  if (typeof dtype !== 'object' || dtype === null) return UNKNOWN_DTYPE;
  let description = dtypeDescriptions.get(dtype);
  if (description === undefined) {
    const itemSize = readProperty(dtype, 'size');
    description = {
      name: isDtype(dtype) ? dtypeName(dtype) : constructorName(dtype),
      itemSize: typeof itemSize === 'number' && Number.isFinite(itemSize) ? itemSize : undefined,
      recent: [],
    };
    dtypeDescriptions.set(dtype, description);
  }
  return description;
}

/** The name of an MLX dtype (`float32`): MLX's native `toString`, which reads no tensor. */
export function dtypeName(dtype: object): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- MLX's Dtype declares no toString but has one.
  return String(dtype);
}

// `readProperty` with the key written out: each load site then sees MLX arrays only, and V8 calls
// the native getter directly rather than through a lookup shared by every key.
function shapeProperty(tensor: object): unknown {
  try {
    return (tensor as { shape?: unknown }).shape;
  } catch {
    return undefined;
  }
}

function dtypeProperty(tensor: object): unknown {
  try {
    return (tensor as { dtype?: unknown }).dtype;
  } catch {
    return undefined;
  }
}

/** The shape alone, for lists of tensors. */
export function readShape(tensor: object): number[] {
  return shapeOf(shapeProperty(tensor));
}

/** The numbers of a shape, at most 32, as a new array. */
function shapeOf(shape: unknown): number[] {
  if (!Array.isArray(shape)) return [];
  const dimensions: number[] = [];
  for (const dimension of shape.slice(0, MAX_DIMENSIONS) as unknown[]) {
    if (typeof dimension === 'number') dimensions.push(dimension);
  }
  return dimensions;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
