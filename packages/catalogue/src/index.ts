import type * as TS from 'typescript';
import { renderCatalogueDoc } from './doc.js';
import { enumerateDeclaredBindings } from './enumerate.js';
import { createMatcher } from './matcher.js';
import { createMlxProgram } from './mlx-program.js';

export { renderCatalogueDoc } from './doc.js';
export { enumerateDeclaredBindings, type DeclaredBinding } from './enumerate.js';
export { MLX_CATALOGUE, MLX_PACKAGE, MLX_VERSION } from './entries/index.js';
export type { CatalogueEntries, CatalogueEntry, MetricPart, ResolvedEntry } from './entry.js';
export {
  ARGUMENT_ROLES,
  BINDING_KINDS,
  KIND_TRAITS,
  ENTRY_KINDS,
  type ArgumentRole,
  type BindingKind,
  type EntryKind,
  type KindTraits,
} from './kinds.js';
export {
  createMatcher,
  type ArgumentMatch,
  type BindingMatch,
  type CatalogueMatcher,
  type MatcherOptions,
  type ParameterRole,
} from './matcher.js';
export { createDifferentiation, GRADIENT_TRANSFORMS, type Differentiation } from './gradient-transforms.js';
export { createMlxProgram } from './mlx-program.js';
export { remember, type Cache } from './memo.js';
export { normalisePath, relativePath } from './resolve/module-keys.js';
export { packageOfFile, workspacePackageOfFile, type PackageLocation } from './resolve/package-of-file.js';
export { targetSymbol } from './symbols.js';
export type { ExportedDeclaration } from './resolve/export-map.js';
export { METADATA_ROLES } from './roles.js';
export { SUPPORTED_TYPESCRIPT, unsupportedTypeScript } from './typescript-version.js';
export type { UnresolvedEntry, UnresolvedReason } from './unresolved-entries.js';
export {
  CatalogueConfigError,
  isPathModule,
  parseUserEntries,
  userEntriesSchema,
  userEntryId,
  type JsonSchema,
  type UserEntry,
} from './user-entries.js';

/** The catalogue page for the `@frost-beta/mlx` that resolves from `from`. */
export function renderCatalogueDocFor(ts: typeof TS, from: string): string {
  const { program, entry } = createMlxProgram(ts, from);
  const matcher = createMatcher(ts, program);
  return renderCatalogueDoc(enumerateDeclaredBindings(ts, program.getTypeChecker(), matcher, entry));
}
