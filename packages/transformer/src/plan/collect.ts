import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { createDifferentiation, createMatcher, normalisePath, relativePath } from '@mlx-audit/catalogue';
import type { SiteDescriptor } from '@mlx-audit/runtime/contract';
import type * as TS from 'typescript';
import { resolveConfig, type KindMode, type ResolvedConfig } from '../config.js';
import { decide, isProjectSource } from '../decide.js';
import { describeSite, enclosingFunctionName, v8Name } from '../sites.js';
import { isTrainingScope } from '../training-scope.js';
import { planProblemOf, type PlanProblem } from '../unresolved-entries.js';

/** One MLX call site of a project, as the transformer will instrument it, or leave it. */
export interface PlannedSite extends Omit<SiteDescriptor, 'mode'> {
  /** `off`: left as written; the site is listed so the reviewer sees it, and `why`. */
  readonly mode: KindMode;
  readonly instrumented: boolean;
  /** Why the call is left as written (only then). */
  readonly why?: string;
}

/**
 * A call of a function that a gradient transform returned (`lossAndGrad(x, y)`), which the
 * transformer runs as a training scope: the forward passes it runs are labelled training.
 */
export interface PlannedTrainingScope {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The enclosing function, or null at module level. */
  readonly fn: string | null;
  /** The function called, as V8 names it (`lossAndGrad`, `this.step`). */
  readonly callee: string;
}

/** What `mlx-audit plan --json` prints for a project. */
export interface Plan {
  /** The tsconfig, relative to the working directory. */
  readonly project: string;
  /** MLX call sites found (calls and `new` of a binding or configured entry). */
  readonly found: number;
  readonly instrumented: number;
  readonly leftAsWritten: readonly { readonly file: string; readonly line: number; readonly column: number; readonly id: string; readonly why: string }[];
  /** Configured entries that match nothing in the program (a mistyped module or name), with what to fix. */
  readonly problems: readonly PlanProblem[];
  readonly sites: readonly PlannedSite[];
  /** The calls run as training scopes (`__mlxa.training(() => …)`). */
  readonly trainingScopes: readonly PlannedTrainingScope[];
}

const PACKAGE_NAME = '@mlx-audit/transformer';

/**
 * The plugin entry for this transformer in a tsconfig's `compilerOptions.plugins`, if any: its
 * `transform` names the package, or a file of it as ts-patch resolves it from `projectDir` (the
 * tsconfig's folder), such as `../dist/index.js` inside the package itself.
 */
export function pluginEntryOf(options: TS.CompilerOptions, projectDir: string): Record<string, unknown> {
  const plugins: unknown = options.plugins;
  if (!Array.isArray(plugins)) return {};
  const entry: unknown = plugins.find((plugin: unknown) => {
    const transform = (plugin as { transform?: unknown } | null)?.transform;
    return typeof transform === 'string' && isThisTransformer(transform, projectDir);
  });
  return typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
}

function isThisTransformer(transform: string, projectDir: string): boolean {
  if (transform.includes(PACKAGE_NAME)) return true;
  let file: string;
  try {
    file = createRequire(join(projectDir, 'tsconfig.json')).resolve(transform);
  } catch {
    return false;
  }
  // The package a file belongs to: the nearest package.json with a name.
  for (let directory = dirname(file); dirname(directory) !== directory; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (!existsSync(manifest)) continue;
    const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
    if (name !== undefined) return name === PACKAGE_NAME;
  }
  return false;
}

/**
 * Every call and `new` of an MLX binding (or a configured entry) in the program's own files, with
 * the descriptor the transformer writes, or why it writes none: what a security reviewer signs off.
 * And the configured entries that match nothing, whose calls are none of these.
 */
export function collectSites(ts: typeof TS, program: TS.Program, config: ResolvedConfig): { sites: PlannedSite[]; problems: PlanProblem[]; trainingScopes: PlannedTrainingScope[] } {
  const root = normalisePath(config.projectRoot ?? program.getCurrentDirectory());
  const matcher = createMatcher(ts, program, { entries: config.entries, mlxPackages: config.mlxPackages, projectRoot: root });
  const differentiation = createDifferentiation(ts, program.getTypeChecker(), matcher);
  const sites: PlannedSite[] = [];
  const trainingScopes: PlannedTrainingScope[] = [];
  for (const sourceFile of program.getSourceFiles()) {
    if (!isProjectSource(sourceFile)) continue;
    const file = relativePath(root, sourceFile.fileName);
    const visit = (node: TS.Node): void => {
      // The transformer asks the same function (file-transformer.ts).
      if (ts.isCallExpression(node) && isTrainingScope(ts, node, differentiation, config.modes)) {
        const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        trainingScopes.push({ file, line: line + 1, column: character + 1, fn: enclosingFunctionName(ts, node), callee: v8Name(ts, node.expression, undefined) });
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const match = matcher.match(node);
        if (match !== undefined) {
          // The transformer asks the same function (file-transformer.ts).
          const decision = decide(ts, node, match, config.modes);
          const descriptor = describeSite(ts, node, match, decision.instrumented ? decision.mode : 'errors', file, differentiation);
          sites.push(decision.instrumented ? { ...descriptor, instrumented: true } : { ...descriptor, mode: 'off', instrumented: false, why: decision.why });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return { sites, problems: matcher.unresolvedEntries().map(planProblemOf), trainingScopes };
}

/** The plan of a project: its sites and the counts a reviewer checks first. */
export function planOf(project: string, sites: readonly PlannedSite[], problems: readonly PlanProblem[] = [], trainingScopes: readonly PlannedTrainingScope[] = []): Plan {
  const leftAsWritten = sites.flatMap(({ file, line, column, id, why }) => (why === undefined ? [] : [{ file, line, column, id, why }]));
  return { project, found: sites.length, instrumented: sites.length - leftAsWritten.length, leftAsWritten, problems, sites, trainingScopes };
}

/**
 * Plans the project of a tsconfig, as `mlx-audit plan` does: its plugin entry's options, files
 * relative to the tsconfig's folder unless `projectRoot` says otherwise. `problems` when the
 * options are invalid (the transformer's MLXA002), undefined when the tsconfig cannot be read
 * (`onConfigError` is told why).
 */
export function planProject(
  ts: typeof TS,
  configPath: string,
  onConfigError: (diagnostic: TS.Diagnostic) => void,
): { readonly plan: Plan; readonly problems?: undefined } | { readonly plan?: undefined; readonly problems: readonly string[] } | undefined {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: onConfigError });
  if (parsed === undefined) return undefined;
  const { config, problems } = resolveConfig(pluginEntryOf(parsed.options, dirname(resolve(configPath))));
  if (problems.length > 0) return { problems };
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const { sites, problems: unresolved, trainingScopes } = collectSites(ts, program, { ...config, projectRoot: config.projectRoot ?? resolve(configPath, '..') });
  return { plan: planOf(relative(process.cwd(), resolve(configPath)).replaceAll('\\', '/'), sites, unresolved, trainingScopes) };
}
