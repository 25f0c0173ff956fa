import type * as TS from 'typescript';
import type { ResolvedEntry } from './entry.js';
import type { CatalogueMatcher, ParameterRole } from './matcher.js';
import { publicMemberName } from './resolve/export-map.js';

/** One binding declared by MLX, as the type checker sees it, and what the catalogue says of it. */
export interface DeclaredBinding {
  /** Public path of the member reached (`nn.Linear#forward`, `nn.Linear#loadWeights` for an inherited one). */
  readonly path: string;
  /** `undefined` when the catalogue does not classify it. */
  readonly entry: ResolvedEntry | undefined;
  readonly usage: 'call' | 'construct' | 'read';
  /** One list per overload; empty for property reads. */
  readonly signatures: readonly (readonly ParameterRole[])[];
  /** A class member declared by a base class (`nn.Linear#loadWeights` is `nn.Module`'s). */
  readonly inherited: boolean;
}

/**
 * Lists every function, class, constructor, method, property and constant that a package's
 * declarations export, inherited class members included, and resolves each the way the matcher
 * resolves a call site: through its declaration, and through the member it overrides.
 */
export function enumerateDeclaredBindings(
  ts: typeof TS,
  checker: TS.TypeChecker,
  matcher: CatalogueMatcher,
  entry: TS.SourceFile,
): DeclaredBinding[] {
  const bindings: DeclaredBinding[] = [];
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (moduleSymbol === undefined) return bindings;

  const resolveSymbol = (symbol: TS.Symbol): ResolvedEntry | undefined => {
    for (const declaration of symbol.declarations ?? []) {
      const resolved = matcher.resolveDeclaration(declaration);
      if (resolved !== undefined) return resolved.entry;
    }
    return undefined;
  };

  const rolesOf = (signatures: readonly TS.Signature[], resolved: ResolvedEntry | undefined): ParameterRole[][] =>
    resolved === undefined ? [] : signatures.map((signature) => matcher.parameterRoles(signature, resolved));

  const addValue = (path: string, symbol: TS.Symbol, usage: 'call' | 'read', owner?: TS.Declaration): void => {
    const resolved = resolveSymbol(symbol);
    const signatures = checker.getTypeOfSymbol(symbol).getCallSignatures();
    const callable = usage === 'call' || (signatures.length > 0 && (symbol.flags & ts.SymbolFlags.Variable) !== 0);
    bindings.push({
      path,
      entry: resolved,
      usage: callable && signatures.length > 0 ? 'call' : 'read',
      signatures: callable ? rolesOf(signatures, resolved) : [],
      inherited: owner !== undefined && !(symbol.declarations ?? []).some((declaration) => declaration.parent === owner),
    });
  };

  const visitClass = (path: string, symbol: TS.Symbol): void => {
    const resolved = resolveSymbol(symbol);
    bindings.push({
      path,
      entry: resolved,
      usage: 'construct',
      signatures: rolesOf(checker.getTypeOfSymbol(symbol).getConstructSignatures(), resolved),
      inherited: false,
    });
    const owner = symbol.declarations?.find((declaration) => ts.isClassLike(declaration));
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    for (const member of checker.getPropertiesOfType(instance)) {
      if (isHidden(ts, member)) continue;
      const name = publicMemberName(ts, member, member.name);
      if (name !== undefined) addValue(`${path}#${name}`, member, member.flags & ts.SymbolFlags.Method ? 'call' : 'read', owner);
    }
    for (const member of checker.getPropertiesOfType(checker.getTypeOfSymbol(symbol))) {
      if (member.name === 'prototype' || isHidden(ts, member)) continue;
      addValue(`${path}.${member.name}`, member, member.flags & ts.SymbolFlags.Method ? 'call' : 'read', owner);
    }
  };

  const visitModule = (symbol: TS.Symbol, prefix: string): void => {
    for (const exported of checker.getExportsOfModule(symbol)) {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const path = prefix === '' ? exported.name : `${prefix}.${exported.name}`;
      if (target.flags & ts.SymbolFlags.Class) visitClass(path, target);
      if (target.flags & ts.SymbolFlags.Function) addValue(path, target, 'call');
      else if (target.flags & ts.SymbolFlags.Variable) addValue(path, target, 'read');
      else if (!(target.flags & ts.SymbolFlags.Class) && target.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) {
        visitModule(target, path);
      }
    }
  };

  visitModule(moduleSymbol, '');
  // A binding reached through two exports is listed once.
  const seen = new Set<string>();
  return bindings.filter((binding) => seen.size !== seen.add(`${binding.path}:${binding.usage}`).size);
}

/** `#private` and `private` members are not API. */
function isHidden(ts: typeof TS, member: TS.Symbol): boolean {
  if (member.name.startsWith('__#') || member.name === '__index') return true;
  return (member.declarations ?? []).some((declaration) => {
    const name = ts.getNameOfDeclaration(declaration);
    return (name !== undefined && ts.isPrivateIdentifier(name)) || (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Private) !== 0;
  });
}
