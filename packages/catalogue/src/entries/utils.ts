import type { CatalogueEntries } from '../entry.js';

/**
 * `utils`: tree helpers over nested parameter dictionaries.
 */
export const utilsEntries = {
  'utils.treeMap': { kind: 'utility' },
  'utils.treeMapWithPath': { kind: 'utility' },
  'utils.treeFlatten': { kind: 'utility' },
  'utils.treeUnflatten': { kind: 'utility' },
  'utils.treeReduce': { kind: 'utility' },
  'utils.deepEqual': { kind: 'utility' },
  'utils.isDict': { kind: 'utility' },
  'utils.toCamelCase': { kind: 'utility' },
  'utils.toSnakeCase': { kind: 'utility' },
} as const satisfies CatalogueEntries;
