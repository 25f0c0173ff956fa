import type * as TS from 'typescript';

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
 * Walks a package's public exports (namespaces, `export * as`, classes and their members) and
 * names each declaration by its public path. Keyed by declaration node, not symbol, because the
 * checker hands out merged, instantiated and union symbols that all share their declarations.
 */
export function buildExportMap(
  ts: typeof TS,
  checker: TS.TypeChecker,
  entry: TS.SourceFile,
): Map<TS.Node, ExportedDeclaration> {
  const map = new Map<TS.Node, ExportedDeclaration>();
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (moduleSymbol === undefined) return map;
  const visited = new Set<TS.Symbol>();

  const record = (symbol: TS.Symbol, value: ExportedDeclaration): void => {
    for (const declaration of symbol.declarations ?? []) {
      // The first public path wins: `core.array` stays `core.array` however often it is re-exported.
      if (!map.has(declaration)) map.set(declaration, value);
    }
  };

  const visitModule = (symbol: TS.Symbol, prefix: string): void => {
    if (visited.has(symbol)) return;
    visited.add(symbol);
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const id = prefix === '' ? exported.name : `${prefix}.${exported.name}`;
      const isValue = (target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) !== 0;
      if (!isValue && target.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) {
        visitModule(target, id);
        continue;
      }
      if (!isValue) {
        record(target, { id, space: 'type' });
        continue;
      }
      record(target, { id, space: 'value' });
      if (target.flags & ts.SymbolFlags.Class) visitClass(target, id);
    }
  };

  // Members come from the checker, not `symbol.members`: late-bound names (`[Symbol.iterator]`)
  // only exist on the resolved type. Inherited members keep the id of the class declaring them.
  const visitClass = (symbol: TS.Symbol, id: string): void => {
    const owner = symbol.declarations?.find((declaration) => ts.isClassLike(declaration));
    const own = (member: TS.Symbol): boolean =>
      !isPrivate(ts, member) && (member.declarations ?? []).some((declaration) => declaration.parent === owner);
    for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
      const memberName = publicMemberName(ts, member, member.name);
      if (memberName !== undefined && own(member)) record(member, { id: `${id}#${memberName}`, space: 'value', owner: id });
    }
    for (const member of checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol))) {
      if (member.name !== 'prototype' && own(member)) record(member, { id: `${id}.${member.name}`, space: 'value', owner: id });
    }
  };

  visitModule(moduleSymbol, '');
  return map;
}

/** `sum`, `[Symbol.iterator]`; undefined for constructors and index signatures. */
export function publicMemberName(ts: typeof TS, member: TS.Symbol, name: string): string | undefined {
  if (name === '__constructor' || name === '__index') return undefined;
  const declaration = member.declarations?.[0];
  const declared = declaration !== undefined ? ts.getNameOfDeclaration(declaration) : undefined;
  if (declared !== undefined && ts.isComputedPropertyName(declared)) return `[${declared.expression.getText()}]`;
  return name;
}

function isPrivate(ts: typeof TS, member: TS.Symbol): boolean {
  return (member.declarations ?? []).some((declaration) => {
    const name = ts.getNameOfDeclaration(declaration);
    if (name !== undefined && ts.isPrivateIdentifier(name)) return true;
    return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0;
  });
}
