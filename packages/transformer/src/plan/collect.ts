import { createMatcher } from '@mlx-audit/catalogue';
import type { SiteDescriptor } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import { resolveConfig, type KindMode, type ResolvedConfig } from '../config.js';
import { describeSite } from '../sites.js';

/** One MLX call site of a project, as the transformer will instrument it. */
export interface PlannedSite extends Omit<SiteDescriptor, 'mode'> {
  /** `off`: the kind is not instrumented, the site is listed so the reviewer sees it. */
  readonly mode: KindMode;
}

/** The plugin entry for this transformer in a tsconfig's `compilerOptions.plugins`, if any. */
export function pluginEntryOf(options: TS.CompilerOptions): Record<string, unknown> {
  const plugins: unknown = options.plugins;
  if (!Array.isArray(plugins)) return {};
  const entry: unknown = plugins.find((plugin: unknown) => {
    const transform = (plugin as { transform?: unknown } | null)?.transform;
    return typeof transform === 'string' && transform.includes('@mlx-audit/transformer');
  });
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
}

/**
 * Every call and `new` of an MLX binding (or a configured entry) in the program's own files, with
 * the descriptor the transformer would write: what a security reviewer signs off.
 */
export function collectSites(ts: typeof TS, program: TS.Program, config: ResolvedConfig): PlannedSite[] {
  const root = (config.projectRoot ?? program.getCurrentDirectory()).replaceAll('\\', '/').replace(/\/$/, '');
  const matcher = createMatcher(ts, program, { entries: config.entries, mlxPackages: config.mlxPackages, projectRoot: root });
  const sites: PlannedSite[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/node_modules/')) continue;
    const file = sourceFile.fileName.startsWith(`${root}/`) ? sourceFile.fileName.slice(root.length + 1) : sourceFile.fileName;
    const visit = (node: TS.Node): void => {
      if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.expression.kind !== ts.SyntaxKind.ImportKeyword) {
        const match = matcher.match(node);
        if (match !== undefined) {
          // `super(...)` must stay a direct call: the transformer never rewrites it.
          const mode = node.expression.kind === ts.SyntaxKind.SuperKeyword ? 'off' : config.modes[match.kind];
          sites.push({ ...describeSite(ts, node, match, mode === 'off' ? 'errors' : mode, file), mode });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return sites;
}

export { resolveConfig };
