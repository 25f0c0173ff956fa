import type * as TS from 'typescript';
import type { ArgumentRole } from './kinds.js';

/** Roles whose values describe a call without revealing data: safe to put in an event. */
export const METADATA_ROLES: ReadonlySet<ArgumentRole> = new Set(['shape', 'axis', 'dtype', 'stream', 'option']);

/** How the role inference recognises MLX's own types (answered by the matcher's export map). */
export interface RoleTypeOracle {
  /** The public id of the MLX declaration behind a type or alias (`core.array`, `core.Dtype`). */
  mlxIdOfType(type: TS.Type): string | undefined;
  /** Whether the type is `nn.Module` or a subclass of it. */
  isModuleType(type: TS.Type): boolean;
}

const PATH_NAME = /(^|[a-z_])(path|file|filename|filepath|dir|directory|url|uri)s?$/i;
const SHAPE_NAME = /^(shape|dims?|size|n|m|numSamples|reps|padWidth|strides?|newShape)$/i;
const AXIS_NAME = /^(axis|axes|axis1|axis2|startAxis|endAxis|source|destination|inAxes|outAxes|dim)$/;
const STREAM_TYPES = new Set(['core.StreamOrDevice', 'core.Stream', 'core.Device', 'core.DeviceOrType', 'core.DeviceType']);
const TENSOR_TYPES = new Set(['core.array', 'core.ScalarOrArray', 'core.MultiDimensionalArray', 'core.Scalar']);

/**
 * Infers what a parameter carries from its declared type and, for numbers and strings, its name.
 * `inMlx` tells whether the parameter belongs to MLX's own declarations: MLX never takes free
 * text, so its strings are options; a user's `generate(prompt: string)` takes text. Numbers and
 * booleans are metadata (shown in events) only in MLX's own declarations: in user code they are
 * as likely token ids, an age or a decision, so they are data unless the entry declares a role.
 */
export function inferRole(
  ts: typeof TS,
  checker: TS.TypeChecker,
  oracle: RoleTypeOracle,
  name: string,
  type: TS.Type,
  inMlx: boolean,
): ArgumentRole {
  const parts = constituents(ts, checker, type);
  const ids = parts.map((part) => oracle.mlxIdOfType(part)).concat(aliasId(oracle, type));
  if (ids.some((id) => id !== undefined && STREAM_TYPES.has(id))) return 'stream';
  if (ids.includes('core.Dtype')) return 'dtype';
  // A function alone is a callback; a number or a function (`learningRate: number | (step) => array`,
  // a schedule) is first a hyper-parameter: its number is shown, a schedule by its class name.
  const callable = parts.filter((part) => part.getCallSignatures().length > 0);
  if (callable.length > 0 && (!inMlx || !parts.some((part) => isNumberLike(ts, checker, part)))) return 'callback';
  if (callable.length > 0) return 'option';
  if (parts.some((part) => oracle.isModuleType(part))) return 'module';

  const holdsWeights = parts.some((part) => isWeightContainer(ts, checker, oracle, part));
  const isString = parts.some((part) => (part.flags & ts.TypeFlags.StringLike) !== 0);
  if (holdsWeights) return isString ? 'path-or-weights' : 'weights';
  if (ids.some((id) => id !== undefined && TENSOR_TYPES.has(id)) || parts.some((part) => holdsTensor(ts, checker, oracle, part, 0))) {
    return 'tensor';
  }
  if (isString) {
    if (PATH_NAME.test(name)) return 'path';
    return inMlx ? 'option' : 'text';
  }
  if (!inMlx) return 'other';
  const numeric = parts.every((part) => isNumberLike(ts, checker, part) || (part.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) !== 0);
  if (numeric && parts.length > 0) {
    if (AXIS_NAME.test(name)) return 'axis';
    if (SHAPE_NAME.test(name)) return 'shape';
    return 'option';
  }
  if (parts.every((part) => (part.flags & (ts.TypeFlags.BooleanLike | (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void))) !== 0)) return 'option';
  return 'other';
}

function aliasId(oracle: RoleTypeOracle, type: TS.Type): string | undefined {
  return type.aliasSymbol === undefined ? undefined : oracle.mlxIdOfType(type);
}

/** A union's members, without `undefined` and `null`. */
function constituents(ts: typeof TS, checker: TS.TypeChecker, type: TS.Type): TS.Type[] {
  const nonNull = checker.getNonNullableType(type);
  return nonNull.isUnion() ? nonNull.types.filter((part) => (part.flags & ts.TypeFlags.Never) === 0) : [nonNull];
}

function isNumberLike(ts: typeof TS, checker: TS.TypeChecker, type: TS.Type): boolean {
  if (type.flags & ts.TypeFlags.NumberLike) return true;
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return checker.getTypeArguments(type as TS.TypeReference).every((element) => {
      const parts = constituents(ts, checker, element);
      return parts.every((part) => isNumberLike(ts, checker, part));
    });
  }
  return false;
}

/** Arrays, tuples and unions that reach an MLX `array` (bounded: `MultiDimensionalArray` is recursive). */
function holdsTensor(ts: typeof TS, checker: TS.TypeChecker, oracle: RoleTypeOracle, type: TS.Type, depth: number): boolean {
  if (depth > 4) return false;
  if (oracle.mlxIdOfType(type) === 'core.array') return true;
  if (type.isUnion()) return type.types.some((part) => holdsTensor(ts, checker, oracle, part, depth + 1));
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    return checker.getTypeArguments(type as TS.TypeReference).some((element) => holdsTensor(ts, checker, oracle, element, depth + 1));
  }
  return false;
}

/** `Record<string, array>`, `[string, array][]`, `Nested<array>`: tensors under names. */
function isWeightContainer(ts: typeof TS, checker: TS.TypeChecker, oracle: RoleTypeOracle, type: TS.Type): boolean {
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  if (index !== undefined && holdsTensor(ts, checker, oracle, index.type, 0)) return true;
  if (type.isUnion()) return type.types.some((part) => isWeightContainer(ts, checker, oracle, part));
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as TS.TypeReference);
    if (element === undefined) return false;
    if (checker.isTupleType(element)) {
      const [key, value] = checker.getTypeArguments(element as TS.TypeReference);
      return key !== undefined && value !== undefined && (key.flags & ts.TypeFlags.StringLike) !== 0 && holdsTensor(ts, checker, oracle, value, 0);
    }
  }
  return false;
}
