import type * as TS from 'typescript';
import type { ResolvedEntry } from './entry.js';
import type { CatalogueMatcher, ParameterRole } from './matcher.js';
import { publicClassMembers, walkPublicApi } from './resolve/public-api.js';

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

  const resolveSymbol = (symbol: TS.Symbol): ResolvedEntry | undefined => {
    for (const declaration of symbol.declarations ?? []) {
      const resolved = matcher.resolveDeclaration(declaration);
      if (resolved !== undefined) return resolved.entry;
    }
    return undefined;
  };

  const rolesOf = (signatures: readonly TS.Signature[], resolved: ResolvedEntry | undefined): ParameterRole[][] =>
    resolved === undefined ? [] : signatures.map((signature) => matcher.parameterRoles(signature, resolved));

  const addValue = (path: string, symbol: TS.Symbol, usage: 'call' | 'read', inherited = false): void => {
    const resolved = resolveSymbol(symbol);
    const signatures = checker.getTypeOfSymbol(symbol).getCallSignatures();
    const callable = usage === 'call' || (signatures.length > 0 && (symbol.flags & ts.SymbolFlags.Variable) !== 0);
    bindings.push({
      path,
      entry: resolved,
      usage: callable && signatures.length > 0 ? 'call' : 'read',
      signatures: callable ? rolesOf(signatures, resolved) : [],
      inherited,
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
    for (const member of publicClassMembers(ts, checker, path, symbol)) {
      addValue(member.path, member.symbol, member.symbol.flags & ts.SymbolFlags.Method ? 'call' : 'read', member.inherited);
    }
  };

  walkPublicApi(ts, checker, entry, {
    value: (path, symbol) => {
      if (symbol.flags & ts.SymbolFlags.Class) visitClass(path, symbol);
      if (symbol.flags & ts.SymbolFlags.Function) addValue(path, symbol, 'call');
      else if (symbol.flags & ts.SymbolFlags.Variable) addValue(path, symbol, 'read');
    },
  });
  // A binding reached through two exports is listed once.
  const seen = new Set<string>();
  return bindings.filter((binding) => seen.size !== seen.add(`${binding.path}:${binding.usage}`).size);
}
