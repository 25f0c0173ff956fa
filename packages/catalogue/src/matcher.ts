import type * as TS from 'typescript';
import { MLX_PACKAGE } from './entries/index.js';
import { remember } from './memo.js';
import { moduleKeyOfFile, moduleKeyOfSpecifier, normalisePath } from './resolve/module-keys.js';
import type { RoleTypeOracle } from './roles.js';
import { findUnresolvedEntries, type UnresolvedEntry } from './unresolved-entries.js';
import { parseUserEntries } from './user-entries.js';
import { createArgumentBinder } from './matcher/arguments.js';
import { declarationLabel } from './matcher/declarations.js';
import { createMatching } from './matcher/match.js';
import { createMlxDeclarations } from './matcher/mlx-declarations.js';
import { createResolver, indexUserEntries } from './matcher/resolve.js';
import type { BindingMatch, CatalogueMatcher, MatcherOptions } from './matcher/types.js';

// The matcher, put together from its parts (src/matcher/): matching (match.ts), argument binding
// (arguments.ts), declaration helpers (declarations.ts), declaration → entry (resolve.ts), MLX's
// public ids (mlx-declarations.ts), and module keys (resolve/module-keys.ts).

export type { ArgumentMatch, BindingMatch, CatalogueMatcher, MatcherOptions, ParameterRole } from './matcher/types.js';

/**
 * Creates the matcher for one program. `ts` is the TypeScript instance of the caller (the one
 * ts-patch hands a transformer, or the one typescript-eslint loaded): the catalogue never
 * imports its own, so syntax kinds and flags always agree with the program's.
 * @throws CatalogueConfigError when `options.entries` does not fit the schema.
 */
export function createMatcher(ts: typeof TS, program: TS.Program, options: MatcherOptions = {}): CatalogueMatcher {
  const checker = options.checker ?? program.getTypeChecker();
  const projectRoot = normalisePath(options.projectRoot ?? program.getCurrentDirectory());
  const parsedEntries = parseUserEntries(options.entries ?? []);
  // Asked for the file of every declaration a call resolves to: the answers are few and stable.
  const moduleKeys = new Map<string, string | null>();
  const cachedModuleKeyOfFile = (fileName: string): string => remember(moduleKeys, fileName, () => moduleKeyOfFile(fileName, projectRoot));
  const keyOfSpecifier = (module: string): string => moduleKeyOfSpecifier(module, projectRoot);
  const labelOf = (declaration: TS.Declaration): string | undefined => declarationLabel(ts, checker, declaration);

  const mlx = createMlxDeclarations(ts, program, checker, new Set(options.mlxPackages ?? [MLX_PACKAGE]));
  const oracle: RoleTypeOracle = { mlxIdOfType: mlx.mlxIdOfType, isModuleType: mlx.isModuleType };
  const binder = createArgumentBinder(ts, checker, oracle);
  const resolveDeclaration = createResolver(ts, checker, mlx, indexUserEntries(parsedEntries, projectRoot), cachedModuleKeyOfFile);
  const matchUncached = createMatching(ts, checker, { resolveDeclaration, mlx, binder });
  const matches = new WeakMap<TS.Node, BindingMatch | null>();
  let unresolved: readonly UnresolvedEntry[] | undefined;

  return {
    match: (node) => (options.memoizeMatches === true ? remember(matches, node, () => matchUncached(node)) : matchUncached(node)),
    resolveDeclaration,
    parameterRoles: binder.parameterRoles,
    mlxIdOfType: mlx.mlxIdOfType,
    isModuleType: mlx.isModuleType,
    exportedDeclaration: mlx.exportedDeclaration,
    declarationLabel: labelOf,
    moduleKeyOfFile: cachedModuleKeyOfFile,
    moduleKeyOfSpecifier: keyOfSpecifier,
    unresolvedEntries: () =>
      (unresolved ??= findUnresolvedEntries(ts, program, parsedEntries, {
        projectRoot,
        moduleKeyOfFile: cachedModuleKeyOfFile,
        moduleKeyOfSpecifier: keyOfSpecifier,
        declarationLabel: labelOf,
      })),
  };
}
