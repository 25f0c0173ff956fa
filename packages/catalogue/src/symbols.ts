import type * as TS from 'typescript';

/** The symbol a name refers to, through import and export aliases to what they name. */
export function targetSymbol(ts: typeof TS, checker: TS.TypeChecker, node: TS.Node): TS.Symbol | undefined {
  const symbol = checker.getSymbolAtLocation(node);
  return symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}
