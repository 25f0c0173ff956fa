import { MLX_PACKAGE } from './catalogue-tables.js';
import { isObjectLike, readProperty } from './describe.js';
import { alreadyLoaded, resolveOptional } from './optional-module.js';

// undefined: not looked up yet; null: MLX cannot be resolved from here.
let mlxEntry: string | null | undefined;

/**
 * `core` of the MLX the application loaded, found in the module cache (as tensor.ts finds
 * `array`): the runtime never loads the native library on its own initiative. Undefined until
 * the application has loaded MLX, or when MLX cannot be resolved from here.
 */
export function loadedMlxCore(): object | undefined {
  mlxEntry ??= resolveOptional(MLX_PACKAGE) ?? null;
  const exports = mlxEntry === null ? undefined : alreadyLoaded(mlxEntry);
  const core = isObjectLike(exports) ? readProperty(exports, 'core') : undefined;
  return isObjectLike(core) ? core : undefined;
}
