import { types } from 'node:util';
import { MLX_PACKAGE } from '../catalogue-tables.js';
import { inheritsFrom, isObjectLike, readProperty } from '../describe.js';
import { alreadyLoaded, resolveOptional } from '../optional-module.js';

// `nn.Module.prototype` of the MLX the application loaded, found in the module cache as tensor.ts
// finds `array` (the runtime never loads MLX itself). Asked only when a load is recorded.
let mlxEntry: string | null | undefined;
let modulePrototype: object | undefined;

/** Whether a value is an MLX `nn.Module` (an `instanceof` that runs no trap). */
export function isMlxModule(value: unknown): value is object {
  if (!isObjectLike(value) || types.isProxy(value)) return false;
  const prototype = mlxModulePrototype();
  return prototype !== undefined && inheritsFrom(value, prototype);
}

function mlxModulePrototype(): object | undefined {
  if (modulePrototype !== undefined) return modulePrototype;
  mlxEntry ??= resolveOptional(MLX_PACKAGE) ?? null;
  const exports = mlxEntry === null ? undefined : alreadyLoaded(mlxEntry);
  const nn = isObjectLike(exports) ? readProperty(exports, 'nn') : undefined;
  const moduleClass = isObjectLike(nn) ? readProperty(nn, 'Module') : undefined;
  const prototype = typeof moduleClass === 'function' ? readProperty(moduleClass, 'prototype') : undefined;
  modulePrototype = isObjectLike(prototype) ? prototype : undefined;
  return modulePrototype;
}
