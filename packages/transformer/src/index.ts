import { createDifferentiation, createMatcher, normalisePath, relativePath, unsupportedTypeScript } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { resolveConfig, type TransformerConfig } from './config.js';
import { error, type DiagnosticSink } from './diagnostics.js';
import { transformFile, type ProgramContext } from './file-transformer.js';
import { missingRuntimeDependency } from './runtime-dependency.js';
import { unresolvedEntryLines } from './unresolved-entries.js';

export { DEFAULT_KIND_MODES, resolveConfig, type KindMode, type TransformerConfig } from './config.js';
export type { DiagnosticCode } from './diagnostics.js';

/** What ts-patch hands a source transformer besides the program and the plugin entry. */
export interface TransformerExtras {
  /** The TypeScript instance that loaded the plugin: the only one this transformer uses. */
  readonly ts: typeof TS;
  readonly addDiagnostic: (diagnostic: TS.Diagnostic) => number | undefined;
}

/**
 * The ts-patch entry: `{ "transform": "@mlx-audit/transformer" }` in `compilerOptions.plugins`.
 * Invalid options and unsupported TypeScript versions become diagnostics with a code; files are
 * then emitted as written, so nothing is lost.
 */
export default function mlxAuditTransformer(
  program: TS.Program,
  pluginConfig: TransformerConfig & Record<string, unknown> = {},
  extras: TransformerExtras,
): TS.TransformerFactory<TS.SourceFile> {
  const ts = extras.ts;
  const diagnostics: DiagnosticSink = { add: (diagnostic) => void extras.addDiagnostic(diagnostic) };
  const identity: TS.TransformerFactory<TS.SourceFile> = () => (sourceFile) => sourceFile;

  const unsupported = unsupportedTypeScript(ts.version);
  if (unsupported !== undefined) {
    diagnostics.add(error(ts, 'MLXA001', `${unsupported}. Files are emitted uninstrumented.`));
    return identity;
  }
  const { config, problems } = resolveConfig(pluginConfig);
  if (problems.length > 0) {
    diagnostics.add(error(ts, 'MLXA002', `Invalid @mlx-audit/transformer options; files are emitted uninstrumented:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`));
    return identity;
  }

  const root = normalisePath(config.projectRoot ?? program.getCurrentDirectory());
  // Not a diagnostic: it must not fail the build (tsc counts every diagnostic), but it must be seen.
  const missing = missingRuntimeDependency(root);
  if (missing !== undefined) process.stderr.write(`${missing}\n`);
  // tsc exits 2 on any diagnostic, whatever its category: a warning is reported only when asked
  // for, so that by default it never fails a build that succeeds without us. Errors always are.
  const reported: DiagnosticSink = {
    add: (diagnostic) => {
      if (diagnostic.category !== ts.DiagnosticCategory.Warning || config.warnings) diagnostics.add(diagnostic);
    },
  };
  const matcher = createMatcher(ts, program, { entries: config.entries, mlxPackages: config.mlxPackages, projectRoot: root });
  const checker = program.getTypeChecker();
  const shared: ProgramContext = {
    ts,
    matcher,
    config,
    relativePath: (fileName) => relativePath(root, fileName),
    diagnostics: reported,
    checker,
    differentiation: createDifferentiation(ts, checker, matcher),
    moduleFormatOf: (sourceFile) => emittedModuleFormat(ts, program.getCompilerOptions(), sourceFile),
  };
  // Like the runtime's line: an entry that matches nothing leaves the rest instrumented, and says so.
  for (const line of unresolvedEntryLines(shared.matcher)) process.stderr.write(`${line}\n`);
  return (context) => (sourceFile) => {
    try {
      return transformFile(shared, context, sourceFile);
    } catch (failure) {
      // A bug of ours must not cost the user their build: the file is emitted as written.
      const message = failure instanceof Error ? (failure.stack ?? failure.message) : String(failure);
      diagnostics.add(error(ts, 'MLXA003', `Failed to instrument ${sourceFile.fileName}; emitted uninstrumented. ${message}`, sourceFile));
      return sourceFile;
    }
  };
}

/**
 * The module format TypeScript emits a file in, by its public settings: under `node16` to
 * `nodenext` the file's own (its extension and the nearest package.json `type`), otherwise the
 * `module` option (its default follows `target`).
 */
function emittedModuleFormat(ts: typeof TS, options: TS.CompilerOptions, sourceFile: TS.SourceFile): TS.ModuleKind {
  // Without `target`, TypeScript 6 emits ES2015 modules or later (ES5 targets are gone).
  const kind = options.module ?? (options.target === undefined || options.target >= ts.ScriptTarget.ES2015 ? ts.ModuleKind.ES2015 : ts.ModuleKind.CommonJS);
  if (kind >= ts.ModuleKind.Node16 && kind <= ts.ModuleKind.NodeNext) return sourceFile.impliedNodeFormat ?? ts.ModuleKind.CommonJS;
  return kind;
}
