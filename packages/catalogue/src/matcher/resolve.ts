import type * as TS from 'typescript';
import { MLX_CATALOGUE } from '../entries/index.js';
import type { ResolvedEntry } from '../entry.js';
import { moduleKeyOfSpecifier } from '../resolve/module-keys.js';
import { userEntryId, type UserEntry } from '../user-entries.js';
import { declarationLabel, overriddenDeclarations } from './declarations.js';
import type { MlxDeclarations } from './mlx-declarations.js';
import type { ResolvedDeclaration } from './types.js';

/** Declaration → entry: a user entry, MLX's catalogue, or the entry of the member it overrides. */
export type ResolveDeclaration = (declaration: TS.Declaration) => ResolvedDeclaration | undefined;

interface IndexedUserEntry {
  readonly moduleKey: string;
  readonly entry: ResolvedEntry;
}

/** User entries by `name`, each with the key of its module (resolve/module-keys.ts). */
export type UserEntryIndex = ReadonlyMap<string, readonly IndexedUserEntry[]>;

export function indexUserEntries(entries: readonly UserEntry[], projectRoot: string): UserEntryIndex {
  const index = new Map<string, IndexedUserEntry[]>();
  for (const entry of entries) {
    const moduleKey = moduleKeyOfSpecifier(entry.module, projectRoot);
    const resolved: ResolvedEntry = {
      id: userEntryId(entry),
      kind: entry.kind,
      source: 'user',
      ...(entry.roles === undefined ? {} : { roles: entry.roles }),
    };
    const list = index.get(entry.name) ?? [];
    list.push({ moduleKey, entry: resolved });
    index.set(entry.name, list);
  }
  return index;
}

/** Resolves declarations, each once (a cycle through broken heritage resolves to nothing). */
export function createResolver(
  ts: typeof TS,
  checker: TS.TypeChecker,
  mlx: MlxDeclarations,
  userEntries: UserEntryIndex,
  moduleKeyOfFile: (fileName: string) => string,
): ResolveDeclaration {
  const resolved = new WeakMap<TS.Declaration, ResolvedDeclaration | null>();
  return resolveDeclaration;

  function resolveDeclaration(declaration: TS.Declaration): ResolvedDeclaration | undefined {
    const cached = resolved.get(declaration);
    if (cached !== undefined) return cached ?? undefined;
    resolved.set(declaration, null);
    const result = resolveUncached(declaration);
    resolved.set(declaration, result ?? null);
    return result;
  }

  function resolveUncached(declaration: TS.Declaration): ResolvedDeclaration | undefined {
    const label = declarationLabel(ts, checker, declaration);
    const user = label === undefined ? undefined : userEntryFor(declaration, label);
    if (user !== undefined) return { member: user.id, entry: user };
    const exported = mlx.exportedDeclaration(declaration);
    if (exported?.space === 'value') {
      const data = MLX_CATALOGUE[exported.id];
      if (data !== undefined) return { member: exported.id, entry: { ...data, id: exported.id, source: 'mlx' } };
    }
    // A member with no entry of its own: the member it overrides decides (user subclasses of
    // `nn.Module`, MLX layers overriding `forward`).
    for (const base of overriddenDeclarations(ts, checker, declaration)) {
      const inherited = resolveDeclaration(base);
      if (inherited !== undefined) {
        return { member: exported?.id ?? label ?? inherited.member, entry: inherited.entry };
      }
    }
    return undefined;
  }

  function userEntryFor(declaration: TS.Declaration, label: string): ResolvedEntry | undefined {
    const candidates = userEntries.get(label);
    if (candidates === undefined) return undefined;
    const moduleKey = moduleKeyOfFile(declaration.getSourceFile().fileName);
    return candidates.find((candidate) => candidate.moduleKey === moduleKey)?.entry;
  }
}
