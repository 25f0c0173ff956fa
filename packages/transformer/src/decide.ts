import type { BindingKind, BindingMatch } from '@mlx-audit/catalogue';
import { INSTRUMENT_MODULE } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import type { KindMode } from './config.js';

/** Why an MLX call site is left as written: see {@link decide}. */
export type LeftAsWrittenReason = 'import' | 'super' | 'off' | 'instrumented-file';

/**
 * What happens to an MLX call site: instrumented with a mode, or left as written and why. The
 * transformer and `mlx-audit plan` both ask {@link decide}, so the plan a reviewer signs lists
 * exactly what the build instruments.
 */
export type Decision =
  | { readonly instrumented: true; readonly mode: Exclude<KindMode, 'off'>; readonly reason?: undefined }
  | { readonly instrumented: false; readonly mode: 'off'; readonly reason: LeftAsWrittenReason; readonly why: string };

/**
 * The decision for a call or `new` the catalogue matched, by the mode of its kind (the catalogue's
 * `KIND_TRAITS[kind].defaultMode` unless configured: config.ts). Left as written: `import(...)` (no call
 * of a binding), `super(...)` (a derived constructor must call it directly, before `this`
 * exists), kinds configured `off`, and the calls of a file that imports the runtime already.
 */
export function decide(ts: typeof TS, node: TS.CallExpression | TS.NewExpression, match: BindingMatch, modes: Readonly<Record<BindingKind, KindMode>>): Decision {
  if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return leftAsWritten('import', 'import(...) is not a call site');
  if (node.expression.kind === ts.SyntaxKind.SuperKeyword) return leftAsWritten('super', 'super(...) must stay a direct call');
  const mode = modes[match.kind];
  if (mode === 'off') return leftAsWritten('off', `the kind '${match.kind}' is off by configuration`);
  if (importsRuntime(ts, node.getSourceFile())) return leftAsWritten('instrumented-file', `the file imports ${INSTRUMENT_MODULE} itself: it is instrumented already`);
  return { instrumented: true, mode };
}

/** Files whose calls are the project's own: not declarations, not installed packages. */
export function isProjectSource(sourceFile: TS.SourceFile): boolean {
  return !sourceFile.isDeclarationFile && !sourceFile.fileName.includes('/node_modules/');
}

const runtimeImports = new WeakMap<TS.SourceFile, boolean>();

/** A file that imports the runtime was instrumented (by an earlier pass) or instruments itself. */
export function importsRuntime(ts: typeof TS, sourceFile: TS.SourceFile): boolean {
  let known = runtimeImports.get(sourceFile);
  if (known === undefined) {
    known = sourceFile.statements.some(
      (statement) => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === INSTRUMENT_MODULE,
    );
    runtimeImports.set(sourceFile, known);
  }
  return known;
}

function leftAsWritten(reason: LeftAsWrittenReason, why: string): Decision {
  return { instrumented: false, mode: 'off', reason, why };
}
