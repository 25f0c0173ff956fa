import type * as TS from 'typescript';

// The one walk over a package's public API, by public path (`core.array`, `nn.Linear#forward`):
// the export map (which declaration is which public id) and the enumeration of every binding
// (the completeness test and the catalogue page) both see the API through it.

/** What the walk reports, export by export, in the package's order. */
export interface PublicApiVisitor {
  /** A function, class or variable, by its public path (`core.matmul`, `nn.Linear`). */
  value(path: string, symbol: TS.Symbol): void;
  /** Anything else that is no namespace: a type alias, an interface, an enum. */
  type?(path: string, symbol: TS.Symbol): void;
}

/**
 * Walks the exports of a package's entry file (namespaces, `export * as`), aliases followed, each
 * namespace once (the first path that reaches it names it).
 */
export function walkPublicApi(ts: typeof TS, checker: TS.TypeChecker, entry: TS.SourceFile, visitor: PublicApiVisitor): void {
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (moduleSymbol === undefined) return;
  const visited = new Set<TS.Symbol>();
  const visitModule = (symbol: TS.Symbol, prefix: string): void => {
    if (visited.has(symbol)) return;
    visited.add(symbol);
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const path = prefix === '' ? exported.name : `${prefix}.${exported.name}`;
      if (target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) visitor.value(path, target);
      else if (target.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) visitModule(target, path);
      else visitor.type?.(path, target);
    }
  };
  visitModule(moduleSymbol, '');
}

/** A public member of a class: `nn.Linear#forward` (instance), `nn.ALiBi.createAlibiMatrix` (static). */
export interface PublicClassMember {
  readonly path: string;
  readonly symbol: TS.Symbol;
  readonly static: boolean;
  /** Declared by a base class, not by this one (`nn.Linear#loadWeights` is `nn.Module`'s). */
  readonly inherited: boolean;
}

/**
 * The public members of a class, instance members first, inherited ones included: from the
 * checker, not `symbol.members`, because late-bound names (`[Symbol.iterator]`) only exist on the
 * resolved type. `#private` and `private` members, constructors and index signatures are no API.
 */
export function publicClassMembers(ts: typeof TS, checker: TS.TypeChecker, path: string, symbol: TS.Symbol): PublicClassMember[] {
  const owner = symbol.declarations?.find((declaration) => ts.isClassLike(declaration));
  const inherited = (member: TS.Symbol): boolean => !(member.declarations ?? []).some((declaration) => declaration.parent === owner);
  const members: PublicClassMember[] = [];
  for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
    const name = isHidden(ts, member) ? undefined : publicMemberName(ts, member, member.name);
    if (name !== undefined) members.push({ path: `${path}#${name}`, symbol: member, static: false, inherited: inherited(member) });
  }
  for (const member of checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol))) {
    if (member.name === 'prototype' || isHidden(ts, member)) continue;
    members.push({ path: `${path}.${member.name}`, symbol: member, static: true, inherited: inherited(member) });
  }
  return members;
}

/** `sum`, `[Symbol.iterator]`; undefined for constructors and index signatures. */
function publicMemberName(ts: typeof TS, member: TS.Symbol, name: string): string | undefined {
  if (name === '__constructor' || name === '__index') return undefined;
  const declaration = member.declarations?.[0];
  const declared = declaration !== undefined ? ts.getNameOfDeclaration(declaration) : undefined;
  if (declared !== undefined && ts.isComputedPropertyName(declared)) return `[${declared.expression.getText()}]`;
  return name;
}

/** `#private` and `private` members are not API. */
function isHidden(ts: typeof TS, member: TS.Symbol): boolean {
  if (member.name.startsWith('__#') || member.name === '__index') return true;
  return (member.declarations ?? []).some((declaration) => {
    const name = ts.getNameOfDeclaration(declaration);
    return (name !== undefined && ts.isPrivateIdentifier(name)) || (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0;
  });
}
