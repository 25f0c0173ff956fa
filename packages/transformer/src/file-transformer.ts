import type { BindingMatch, CatalogueMatcher, Differentiation } from '@mlx-audit/catalogue';
import { INSTRUMENT_FUNCTIONS, INSTRUMENT_MODULE, RUNTIME_NAMESPACE, siteRow, type SiteDescriptor } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import type { ResolvedConfig } from './config.js';
import { decide, importsRuntime, isProjectSource } from './decide.js';
import { warning, type DiagnosticSink } from './diagnostics.js';
import { propertyName, uniqueName } from './names.js';
import { chainCalls, isOutermostChain, isSimpleOptionalCall, lowerChain, lowerParenthesisedChainCall, type ChainVisitor } from './optional-chain.js';
import { inParameterScope, inTrainingScope, iterableOf, rewriteCall, rewriteGuardedMethodCall, rewriteNew, skipParenthesesAndTypes, type RewriteContext } from './rewrite.js';
import { commonJsImportNames } from './commonjs-names.js';
import { describeSite, v8Name, type EmittedName } from './sites.js';
import { isTrainingScope } from './training-scope.js';

/** What a file's transformation shares: built once per program. */
export interface ProgramContext {
  readonly ts: typeof TS;
  readonly matcher: CatalogueMatcher;
  readonly config: ResolvedConfig;
  /** `code.filepath` of a file: relative to the project root, `/`-separated. */
  readonly relativePath: (fileName: string) => string;
  readonly diagnostics: DiagnosticSink;
  /** The type checker of the program (the matcher's). */
  readonly checker: TS.TypeChecker;
  /** Which functions run under gradient transforms: their forward passes are training (a site's `phase`). */
  readonly differentiation: Differentiation;
  /** The module format a file is emitted in (`CommonJS` or an ES module format). */
  readonly moduleFormatOf: (sourceFile: TS.SourceFile) => TS.ModuleKind;
}

/**
 * Instruments one file: every call or `new` the catalogue resolves to an MLX binding whose kind is
 * not `off` is rewritten (see `rewrite.ts`), each site gets a module-level descriptor, each call
 * of a function a gradient transform returned runs as a training scope (see `training-scope.ts`),
 * and the runtime is imported once. Declaration files, packages and files already instrumented are
 * returned as they are.
 */
export function transformFile(program: ProgramContext, context: TS.TransformationContext, sourceFile: TS.SourceFile): TS.SourceFile {
  const { ts, matcher, config } = program;
  if (!isProjectSource(sourceFile)) return sourceFile;
  if (importsRuntime(ts, sourceFile)) {
    warnSelfInstrumented(program, sourceFile);
    return sourceFile;
  }

  const factory = context.factory;
  const runtime = uniqueName(ts, factory, RUNTIME_NAMESPACE);
  const rc: RewriteContext = { ts, context, runtime };
  // Each site's descriptor and the name the rewritten calls use; declared together, in one table, at the end.
  const descriptors: SiteDescriptor[] = [];
  const siteNames: TS.Identifier[] = [];
  const file = program.relativePath(sourceFile.fileName);
  // Made for the first site of a CommonJS file, if it has one.
  let emittedNames: EmittedName | null | undefined;
  const emittedName = (): EmittedName | undefined => {
    if (emittedNames === undefined) {
      const names = program.moduleFormatOf(sourceFile) === ts.ModuleKind.CommonJS ? commonJsImportNames(ts, program.checker, sourceFile) : undefined;
      emittedNames =
        names === undefined || names.size === 0
          ? null
          : (identifier) => {
              const symbol = program.checker.getSymbolAtLocation(identifier);
              return symbol === undefined ? undefined : names.get(symbol);
            };
    }
    return emittedNames ?? undefined;
  };

  const enclosingNames = new Map<TS.Node, string | null>();
  const siteFor = (node: TS.CallExpression | TS.NewExpression, match: BindingMatch, mode: 'event' | 'errors'): TS.Identifier => {
    const name = uniqueName(ts, factory, `${RUNTIME_NAMESPACE}_site_${descriptors.length}`);
    descriptors.push(describeSite(ts, node, match, mode, file, program.differentiation, enclosingNames, emittedName()));
    siteNames.push(name);
    return name;
  };

  // `decide` says which calls are instrumented, for the plan too (plan/collect.ts).
  /** The match and mode of a call or `new` that is instrumented; undefined for any other node. */
  const instrumentedAs = (node: TS.CallExpression | TS.NewExpression): { match: BindingMatch; mode: 'event' | 'errors' } | undefined => {
    const match = matcher.match(node);
    if (match === undefined) return undefined;
    const decision = decide(ts, node, match, config.modes);
    return decision.instrumented ? { match, mode: decision.mode } : undefined;
  };
  const instrumented = (node: TS.CallExpression | TS.NewExpression): boolean => instrumentedAs(node) !== undefined;
  /** The site of an instrumented call or `new`, made when asked; undefined for any other node. */
  const siteOf = (node: TS.CallExpression | TS.NewExpression): TS.Identifier | undefined => {
    const instrumentation = instrumentedAs(node);
    return instrumentation === undefined ? undefined : siteFor(node, instrumentation.match, instrumentation.mode);
  };
  const siteOfInstrumented = (node: TS.CallExpression | TS.NewExpression): TS.Identifier => {
    const site = siteOf(node);
    if (site === undefined) throw new Error('unreachable: an instrumented call has a site');
    return site;
  };
  const chainVisitor: ChainVisitor = { visit: (node) => ts.visitNode(node, visit) as TS.Expression, siteOf };
  /** An optional chain that holds an MLX call and that `rewriteCall` cannot keep whole (see optional-chain.ts). */
  const needsLowering = (chain: TS.Node): chain is TS.OptionalChain => {
    if (!isOutermostChain(ts, chain)) return false;
    const calls = chainCalls(ts, chain).filter(instrumented);
    return calls.length > 0 && !(calls.length === 1 && calls[0] === chain && isSimpleOptionalCall(ts, chain));
  };
  // Temporaries of a call in a parameter's default or a field's initialiser live in an arrow called in place (see rewrite.ts).
  const scoped = (node: TS.Node, rewrite: () => TS.Expression): TS.Expression => (initialisedInPlace(ts, node) ? inParameterScope(rc, rewrite) : rewrite());

  // Calls of functions a gradient transform returned run as training scopes, whatever else is rewritten in them.
  let trainingScopes = 0;
  const visit = (node: TS.Node): TS.Node => {
    if (!ts.isCallExpression(node) || !isTrainingScope(ts, node, program.differentiation, config.modes)) return visitNode(node);
    trainingScopes++;
    return ts.setTextRange(inTrainingScope(rc, visitNode(node) as TS.Expression), node);
  };
  const visitNode = (node: TS.Node): TS.Node => {
    if (ts.isDeleteExpression(node) && needsLowering(node.expression)) {
      const chain = node.expression;
      return scoped(node, () => lowerChain(rc, chain, chainVisitor, (end) => factory.createDeleteExpression(end), factory.createTrue()));
    }
    if (needsLowering(node)) return scoped(node, () => lowerChain(rc, node, chainVisitor));
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && instrumented(node)) {
      const chainCallee = ts.isCallExpression(node) ? parenthesisedChain(ts, node.expression) : undefined;
      if (chainCallee !== undefined) return scoped(node, () => lowerParenthesisedChainCall(rc, node as TS.CallExpression, chainCallee, chainVisitor, siteOfInstrumented(node)));
      // Inner sites first: their descriptors come before the site that contains them.
      const visited = ts.visitEachChild(node, visit, context);
      const site = siteOfInstrumented(node);
      return scoped(node, () => (ts.isCallExpression(visited) ? rewriteCall(rc, visited, site) : rewriteNew(rc, visited, site)));
    }
    // Errors V8 throws around an instrumented call name its emitted code: written so they name the source.
    if (ts.isCallExpression(node) && node.questionDotToken === undefined && !ts.isOptionalChain(node)) {
      const callee = skipParenthesesAndTypes(ts, node.expression);
      if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && !ts.isOptionalChain(callee) && readsOffInstrumentedCall(callee.expression)) {
        const name = v8Name(ts, node.expression, emittedName());
        const visited = ts.visitEachChild(node, visit, context);
        const visitedCallee = skipParenthesesAndTypes(ts, visited.expression) as TS.PropertyAccessExpression | TS.ElementAccessExpression;
        return scoped(node, () => rewriteGuardedMethodCall(rc, visited, visitedCallee, name));
      }
    }
    if (ts.isForOfStatement(node) && node.awaitModifier === undefined) {
      const iterated = skipParenthesesAndTypes(ts, node.expression);
      if (ts.isCallExpression(iterated) && !ts.isOptionalChain(iterated) && instrumented(iterated)) {
        const name = v8Name(ts, iterated.expression, emittedName(), '');
        const visited = ts.visitEachChild(node, visit, context);
        return factory.updateForOfStatement(visited, visited.awaitModifier, visited.initializer, iterableOf(rc, visited.expression, name), visited.statement);
      }
    }
    return ts.visitEachChild(node, visit, context);
  };
  /** Whether an object expression is, or reads its value off, an instrumented call (`mx.ones(2)`, `mx.ones(2).shape`). */
  const readsOffInstrumentedCall = (expression: TS.Expression): boolean => {
    for (let current = skipParenthesesAndTypes(ts, expression); ; ) {
      if (ts.isCallExpression(current)) {
        if (instrumented(current)) return true;
        current = skipParenthesesAndTypes(ts, current.expression);
      } else if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = skipParenthesesAndTypes(ts, current.expression);
      else return false;
    }
  };

  const statements = ts.visitLexicalEnvironment(sourceFile.statements, visit, context);
  if (descriptors.length === 0 && trainingScopes === 0) return ts.factory.updateSourceFile(sourceFile, statements);

  // After directives ('use strict') and imports, so the sites exist before any code that runs.
  const prologueEnd = statements.findIndex((statement) => !ts.isImportDeclaration(statement) && !isDirective(ts, statement));
  const at = prologueEnd === -1 ? statements.length : prologueEnd;
  const runtimeImport = factory.createImportDeclaration(
    undefined,
    // `undefined`: no `type`, no `defer` (the first parameter is a boolean before TypeScript 6).
    factory.createImportClause(undefined, undefined, factory.createNamespaceImport(runtime)),
    factory.createStringLiteral(INSTRUMENT_MODULE),
  );
  const directives = statements.slice(0, at).filter((statement) => isDirective(ts, statement));
  const imports = statements.slice(0, at).filter((statement) => !isDirective(ts, statement));
  const sites = siteDeclarations(ts, factory, runtime, file, descriptors, siteNames);
  return factory.updateSourceFile(sourceFile, [...directives, runtimeImport, ...imports, ...sites, ...statements.slice(at)]);
}

/**
 * Whether a node is in a parameter's default value (or a default in its destructuring), or in a
 * class field's initialiser, rather than in a function nested there. Neither has a scope of its
 * own for temporaries: hoisted into the function, they change its `length`; hoisted out of the
 * class, every instance's initialiser (a field that constructs its own class, say) shares them.
 */
function initialisedInPlace(ts: typeof TS, node: TS.Node): boolean {
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    if (ts.isParameter(current) || ts.isPropertyDeclaration(current)) return true;
    if (ts.isFunctionLike(current) || ts.isClassStaticBlockDeclaration(current)) return false;
  }
  return false;
}

/** `(a?.b.c)(x)`: a callee that is an optional chain in parentheses (type-only wrappers aside). */
function parenthesisedChain(ts: typeof TS, callee: TS.Expression): TS.OptionalChain | undefined {
  const inner = skipParenthesesAndTypes(ts, callee);
  // Only parentheses end a chain; `a?.b!` is still one.
  return inner !== callee && ts.isOptionalChain(inner) && containsParentheses(ts, callee, inner) ? inner : undefined;
}

function containsParentheses(ts: typeof TS, outer: TS.Expression, inner: TS.Expression): boolean {
  for (let current = outer; current !== inner; current = (current as TS.ParenthesizedExpression).expression) {
    if (ts.isParenthesizedExpression(current)) return true;
  }
  return false;
}

/**
 * MLXA101 for a file that imports the runtime itself and holds MLX calls that would otherwise be
 * instrumented: they are left as written, which its author may not expect. (A file an earlier
 * pass of ours instrumented has none left: its calls are rewritten, or decided against.)
 */
function warnSelfInstrumented(program: ProgramContext, sourceFile: TS.SourceFile): void {
  const { ts, matcher, config } = program;
  const own = sourceFile.statements.find(
    (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === INSTRUMENT_MODULE,
  );
  if (own === undefined) return;
  let left = 0;
  const count = (node: TS.Node): void => {
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      const match = matcher.match(node);
      if (match !== undefined && decide(ts, node, match, config.modes).reason === 'instrumented-file') left++;
    }
    ts.forEachChild(node, count);
  };
  count(sourceFile);
  if (left === 0) return;
  program.diagnostics.add(
    warning(ts, sourceFile, own, 'MLXA101', `Not instrumented: this file imports ${INSTRUMENT_MODULE} itself, so its ${left} MLX call${left === 1 ? ' is' : 's are'} left as written.`),
  );
}

function isDirective(ts: typeof TS, statement: TS.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
}

/**
 * The file's sites, declared from one table: `const t = rt.sites(file, [[...], ...]);` then
 * `const s0 = t[0], s1 = t[1], ...;` (plain element reads, which every target emits as written).
 * Printing one row per site, without field names or the path, costs a fraction of a keyed literal each.
 */
function siteDeclarations(ts: typeof TS, factory: TS.NodeFactory, runtime: TS.Identifier, file: string, descriptors: readonly SiteDescriptor[], names: readonly TS.Identifier[]): TS.Statement[] {
  if (names.length === 0) return [];
  const table = uniqueName(ts, factory, `${RUNTIME_NAMESPACE}_sites`);
  const rows = factory.createArrayLiteralExpression(descriptors.map((descriptor) => literal(ts, factory, siteRow(descriptor))));
  const made = factory.createCallExpression(factory.createPropertyAccessExpression(runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.sites)), undefined, [factory.createStringLiteral(file), rows]);
  const constant = (declarations: TS.VariableDeclaration[]): TS.Statement => factory.createVariableStatement(undefined, factory.createVariableDeclarationList(declarations, ts.NodeFlags.Const));
  return [
    constant([factory.createVariableDeclaration(table, undefined, undefined, made)]),
    constant(names.map((name, index) => factory.createVariableDeclaration(name, undefined, undefined, factory.createElementAccessExpression(table, index)))),
  ];
}

/** A JSON-like constant as an object literal (the descriptor's fields are strings, numbers, lists, null). */
function literal(ts: typeof TS, factory: TS.NodeFactory, value: unknown): TS.Expression {
  if (value === null) return factory.createNull();
  if (typeof value === 'string') return factory.createStringLiteral(value);
  if (typeof value === 'number') return factory.createNumericLiteral(value);
  if (typeof value === 'boolean') return value ? factory.createTrue() : factory.createFalse();
  if (Array.isArray(value)) return factory.createArrayLiteralExpression(value.map((item) => literal(ts, factory, item)));
  return factory.createObjectLiteralExpression(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => factory.createPropertyAssignment(propertyName(ts, factory, key), literal(ts, factory, item))),
  );
}
