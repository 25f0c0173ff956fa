import type * as TS from 'typescript';

// In CommonJS output TypeScript reads an imported binding through the module object it requires:
// `import { core as mx } from '@frost-beta/mlx'` becomes `const mlx_1 = require(…)`, and `mx.load`
// becomes `mlx_1.core.load`. V8 names that in `… is not a function`, so the runtime, which throws
// that error for a callee that is no function, must name it so too (sites.ts). The names follow
// TypeScript's own rule: the module's base name, `\W` as `_`, and the first free `_N` suffix.

/** How the emitted JavaScript reads each imported binding of a CommonJS file, by the binding's symbol. */
export function commonJsImportNames(ts: typeof TS, checker: TS.TypeChecker, sourceFile: TS.SourceFile): ReadonlyMap<TS.Symbol, string> {
  const names = new Map<TS.Symbol, string>();
  const { identifiers, values } = identifierTexts(ts, sourceFile);
  const suffixes = new Map<string, number>();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.phaseModifier === ts.SyntaxKind.TypeKeyword) continue;
    const bindings = clause.namedBindings;
    const named = bindings !== undefined && ts.isNamedImports(bindings) ? bindings.elements.filter((element) => !element.isTypeOnly) : [];
    const local = [...(clause.name === undefined ? [] : [clause.name]), ...named.map((element) => element.name)];
    // A namespace import keeps its name; an import no value uses is elided and named nothing.
    if (local.length === 0 || !local.some((name) => values.has(name.text))) continue;
    const base = moduleBaseName(statement.moduleSpecifier.text);
    let suffix = suffixes.get(base) ?? 0;
    do suffix++;
    while (identifiers.has(`${base}_${String(suffix)}`));
    suffixes.set(base, suffix);
    const module = `${base}_${String(suffix)}`;
    const set = (name: TS.Identifier, member: string): void => {
      const symbol = checker.getSymbolAtLocation(name);
      if (symbol !== undefined) names.set(symbol, `${module}.${member}`);
    };
    if (clause.name !== undefined) set(clause.name, 'default');
    for (const element of named) set(element.name, (element.propertyName ?? element.name).text);
  }
  return names;
}

/** TypeScript's name for a required module: `@frost-beta/mlx` → `mlx`, `./a-b.js` → `a_b_js`. */
function moduleBaseName(specifier: string): string {
  const base = specifier.slice(specifier.lastIndexOf('/') + 1);
  return base.replace(/^(\d)/, '_$1').replace(/\W/g, '_');
}

/** Every identifier of the file (suffixes skip them), and those read as values (outside types and imports). */
function identifierTexts(ts: typeof TS, sourceFile: TS.SourceFile): { identifiers: Set<string>; values: Set<string> } {
  const identifiers = new Set<string>();
  const values = new Set<string>();
  const visit = (node: TS.Node, inValue: boolean): void => {
    if (ts.isIdentifier(node)) {
      identifiers.add(node.text);
      if (inValue) values.add(node.text);
      return;
    }
    const value = inValue && !ts.isTypeNode(node) && !ts.isImportDeclaration(node) && !ts.isInterfaceDeclaration(node) && !ts.isTypeAliasDeclaration(node);
    ts.forEachChild(node, (child) => {
      visit(child, value);
    });
  };
  visit(sourceFile, true);
  return { identifiers, values };
}
