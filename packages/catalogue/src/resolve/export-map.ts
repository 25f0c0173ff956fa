import type * as TS from 'typescript';
import { publicClassMembers, walkPublicApi } from './public-api.js';

/** What a declaration is, in the public API of the package. */
export interface ExportedDeclaration {
  /** `core.matmul`, `core.array#sum`, `nn.ALiBi.createAlibiMatrix`, `nn.Linear` */
  readonly id: string;
  /** `value` for functions, variables, classes and their members; `type` for aliases and interfaces. */
  readonly space: 'value' | 'type';
  /** Set on members: the id of the class that declares them. */
  readonly owner?: string;
}

/**
 * Names each declaration of a package's public API (walkPublicApi) by its public path. Keyed by
 * declaration node, not symbol, because the checker hands out merged, instantiated and union
 * symbols that all share their declarations. Inherited members keep the id of the class
 * declaring them.
 */
export function buildExportMap(
  ts: typeof TS,
  checker: TS.TypeChecker,
  entry: TS.SourceFile,
): Map<TS.Node, ExportedDeclaration> {
  const map = new Map<TS.Node, ExportedDeclaration>();
  const record = (symbol: TS.Symbol, value: ExportedDeclaration): void => {
    for (const declaration of symbol.declarations ?? []) {
      // The first public path wins: `core.array` stays `core.array` however often it is re-exported.
      if (!map.has(declaration)) map.set(declaration, value);
    }
  };
  walkPublicApi(ts, checker, entry, {
    value: (id, symbol) => {
      record(symbol, { id, space: 'value' });
      if (!(symbol.flags & ts.SymbolFlags.Class)) return;
      for (const member of publicClassMembers(ts, checker, id, symbol)) {
        if (!member.inherited) record(member.symbol, { id: member.path, space: 'value', owner: id });
      }
    },
    type: (id, symbol) => {
      record(symbol, { id, space: 'type' });
    },
  });
  return map;
}
