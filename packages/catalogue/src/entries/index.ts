import type { CatalogueEntries } from '../entry.js';
import { coreClassEntries } from './core-classes.js';
import { coreEntries } from './core.js';
import { nnEntries } from './nn.js';
import { optimizerEntries } from './optimizers.js';
import { utilsEntries } from './utils.js';

/** The MLX API of `@frost-beta/mlx` 0.0.7, every exported binding classified. */
export const MLX_CATALOGUE: CatalogueEntries = {
  ...coreEntries,
  ...coreClassEntries,
  ...nnEntries,
  ...optimizerEntries,
  ...utilsEntries,
};

/** The version of `@frost-beta/mlx` whose declarations the catalogue was checked against. */
export const MLX_VERSION = '0.0.7';

/** The package that ships MLX's declarations, unless the user names others. */
export const MLX_PACKAGE = '@frost-beta/mlx';
