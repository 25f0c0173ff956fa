import type { BindingMatch, CatalogueMatcher } from '@mlx-audit/catalogue';
import { INSTRUMENT_FUNCTIONS, INSTRUMENT_MODULE, RUNTIME_NAMESPACE } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import type { ResolvedConfig } from './config.js';
import { warning, type DiagnosticSink } from './diagnostics.js';
import { propertyName, uniqueName } from './names.js';
import { rewriteCall, rewriteNew, UnsupportedConstruct, type RewriteContext } from './rewrite.js';
import { describeSite } from './sites.js';

/** What a file's transformation shares: built once per program. */
export interface ProgramContext {
  readonly ts: typeof TS;
  readonly matcher: CatalogueMatcher;
  readonly config: ResolvedConfig;
  /** `code.filepath` of a file: relative to the project root, `/`-separated. */
  readonly relativePath: (fileName: string) => string;
  readonly diagnostics: DiagnosticSink;
}

/**
 * Instruments one file: every call or `new` the catalogue resolves to an MLX binding whose kind is
 * not `off` is rewritten (see `rewrite.ts`), each site gets a module-level descriptor, and the
 * runtime is imported once. Declaration files, packages and files already instrumented are
 * returned as they are.
 */
export function transformFile(program: ProgramContext, context: TS.TransformationContext, sourceFile: TS.SourceFile): TS.SourceFile {
  const { ts, matcher, config } = program;
  if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/node_modules/') || isInstrumented(ts, sourceFile)) return sourceFile;

  const factory = context.factory;
  const runtime = uniqueName(ts, factory, RUNTIME_NAMESPACE);
  const rc: RewriteContext = { ts, context, runtime };
  const sites: TS.Statement[] = [];
  const file = program.relativePath(sourceFile.fileName);

  const enclosingNames = new Map<TS.Node, string | null>();
  const siteFor = (node: TS.CallExpression | TS.NewExpression, match: BindingMatch, mode: 'event' | 'errors'): TS.Identifier => {
    const name = uniqueName(ts, factory, `${RUNTIME_NAMESPACE}_site_${sites.length}`);
    const descriptor = describeSite(ts, node, match, mode, file, enclosingNames);
    sites.push(
      factory.createVariableStatement(
        undefined,
        factory.createVariableDeclarationList(
          [
            factory.createVariableDeclaration(
              name,
              undefined,
              undefined,
              factory.createCallExpression(factory.createPropertyAccessExpression(runtime, propertyName(ts, factory, INSTRUMENT_FUNCTIONS.site)), undefined, [literal(ts, factory, descriptor)]),
            ),
          ],
          ts.NodeFlags.Const,
        ),
      ),
    );
    return name;
  };

  const visit = (node: TS.Node): TS.Node => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.expression.kind !== ts.SyntaxKind.SuperKeyword && node.expression.kind !== ts.SyntaxKind.ImportKeyword) {
      const match = matcher.match(node);
      const mode = match === undefined ? 'off' : config.modes[match.kind];
      if (match !== undefined && mode !== 'off') {
        const visited = ts.visitEachChild(node, visit, context);
        try {
          const site = siteFor(node, match, mode);
          return ts.isCallExpression(node) ? rewriteCall(rc, node, visited as TS.CallExpression, site) : rewriteNew(rc, visited as TS.NewExpression, site);
        } catch (error) {
          if (!(error instanceof UnsupportedConstruct)) throw error;
          sites.pop();
          program.diagnostics.add(warning(ts, sourceFile, node, 'MLXA101', `Not instrumented: ${error.message} (${match.id}). The call is left as written.`));
          return visited;
        }
      }
    }
    return ts.visitEachChild(node, visit, context);
  };

  const statements = ts.visitLexicalEnvironment(sourceFile.statements, visit, context);
  if (sites.length === 0) return ts.factory.updateSourceFile(sourceFile, statements);

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
  return factory.updateSourceFile(sourceFile, [...directives, runtimeImport, ...imports, ...sites, ...statements.slice(at)]);
}

/** A file that already imports the runtime was instrumented (or instruments itself): left alone. */
function isInstrumented(ts: typeof TS, sourceFile: TS.SourceFile): boolean {
  return sourceFile.statements.some(
    (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === INSTRUMENT_MODULE,
  );
}

function isDirective(ts: typeof TS, statement: TS.Statement): boolean {
  return ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression);
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
