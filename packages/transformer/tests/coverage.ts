import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import type { Plan } from '../src/plan/collect.js';
import { MLX_AUDIT } from './mlx-audit-command.js';

// What `mlx-audit plan` says is instrumented, against what tspc + the transformer emit: the
// plan is only worth signing if the two are the same list. For the test fixtures and for any
// project with the transformer in its tsconfig (the differential corpus).

const require = createRequire(import.meta.url);
// ts-patch exports no subpaths: its `tspc` bin sits beside its package.json.
const TSPC = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');
const INSTRUMENT_MODULE = '@mlx-audit/runtime/instrument';

export interface Coverage {
  /** What `mlx-audit plan --json` printed. */
  readonly plan: Plan;
  /** `file:line:column id mode` of each site the plan lists as instrumented, sorted. */
  readonly planned: readonly string[];
  /** The same, read from the site tables (`sites(file, rows)`) of the emitted JavaScript, sorted. */
  readonly emitted: readonly string[];
  /** How many training scopes the plan lists, and how many `training(() => …)` calls were emitted. */
  readonly trainingScopes: { readonly planned: number; readonly emitted: number };
  /** What tspc printed and its exit status, to explain a difference. */
  readonly build: { readonly status: number | null; readonly output: string };
}

/** A site as the emitted JavaScript declares it (a row of its file's table). */
export interface EmittedSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly id: string;
  readonly mode: string;
  readonly phase?: string;
}

const key = (site: Pick<EmittedSite, 'file' | 'line' | 'column' | 'id' | 'mode'>): string => `${site.file}:${site.line}:${site.column} ${site.id} ${site.mode}`;

/**
 * Plans and builds the project of `tsconfig` (a tsconfig with the transformer among its plugins),
 * both from its folder, since a descriptor's `file` is relative to the folder tspc runs in and the
 * plan's to the tsconfig's. The build goes to a temporary folder, removed afterwards.
 */
export function coverageOf(tsconfig: string): Coverage {
  const cwd = dirname(tsconfig);
  const planned = spawnSync(process.execPath, [MLX_AUDIT, 'plan', '-p', tsconfig, '--json'], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (planned.status !== 0) throw new Error(`mlx-audit plan failed (${String(planned.status)}): ${planned.stderr}`);
  const plan = JSON.parse(planned.stdout) as Plan;
  const outDir = mkdtempSync(join(tmpdir(), 'mlxa-coverage-'));
  try {
    const built = spawnSync(process.execPath, [TSPC, '-p', tsconfig, '--outDir', outDir], { cwd, encoding: 'utf8', timeout: 120_000 });
    const instrumentation = emittedFiles(outDir).map((file) => runtimeCalls(readFileSync(file, 'utf8')));
    const emitted = instrumentation.flatMap(({ sites }) => sites);
    return {
      plan,
      planned: plan.sites.filter((site) => site.instrumented).map(key).sort(),
      emitted: emitted.map(key).sort(),
      trainingScopes: { planned: plan.trainingScopes.length, emitted: instrumentation.reduce((sum, { trainingScopes }) => sum + trainingScopes, 0) },
      build: { status: built.status, output: built.stdout + built.stderr },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function emittedFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.[cm]?js$/.test(name))
    .map((name) => join(directory, name));
}

/**
 * The descriptors of `<runtime>.sites(file, [[...row], ...])` (one table per file, rows as
 * `SiteRow` lays them out), where `<runtime>` is bound to the instrument module (`import * as` in
 * ESM, `require` in CommonJS), and the number of `<runtime>.training(…)` calls. Read from the
 * syntax tree: the values are literals by construction.
 */
export function runtimeCalls(javascript: string): { sites: EmittedSite[]; trainingScopes: number } {
  const source = ts.createSourceFile('emitted.js', javascript, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const runtimeNames = new Set<string>();
  const descriptors: EmittedSite[] = [];
  let trainingScopes = 0;
  const requiresRuntime = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'require' && node.arguments.some((argument) => ts.isStringLiteral(argument) && argument.text === INSTRUMENT_MODULE)) ||
    (ts.forEachChild(node, requiresRuntime) ?? false);
  const constant = (node: ts.Expression | undefined, what: string): string | null => {
    if (node !== undefined && (ts.isStringLiteral(node) || ts.isNumericLiteral(node))) return node.text;
    if (node?.kind === ts.SyntaxKind.NullKeyword) return null;
    throw new Error(`A site table whose ${what} is not a literal: ${node?.getText(source) ?? '(missing)'}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text === INSTRUMENT_MODULE) {
      const bindings = node.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamespaceImport(bindings)) runtimeNames.add(bindings.name.text);
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined && requiresRuntime(node.initializer)) runtimeNames.add(node.name.text);
    const runtimeFunction =
      ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && runtimeNames.has(node.expression.expression.text)
        ? node.expression.name.text
        : undefined;
    if (runtimeFunction === 'training') trainingScopes++;
    if (runtimeFunction === 'site') throw new Error(`A site declared one by one, not in its file's table: ${node.getText(source)}`);
    if (ts.isCallExpression(node) && runtimeFunction === 'sites') {
      const [fileArgument, table] = node.arguments;
      const file = constant(fileArgument, 'file');
      if (file === null || table === undefined || !ts.isArrayLiteralExpression(table)) throw new Error(`A site table without a file and rows: ${node.getText(source)}`);
      for (const row of table.elements) {
        if (!ts.isArrayLiteralExpression(row)) throw new Error(`A site row that is not a literal array: ${row.getText(source)}`);
        const field = (index: number, what: string): string => {
          const value = constant(row.elements[index], what);
          if (value === null) throw new Error(`A site row without its ${what}: ${row.getText(source)}`);
          return value;
        };
        const phase = row.elements[10] === undefined ? undefined : constant(row.elements[10], 'phase');
        descriptors.push({ file, line: Number(field(3, 'line')), column: Number(field(4, 'column')), id: field(0, 'id'), mode: field(2, 'mode'), ...(phase === null || phase === undefined ? {} : { phase }) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { sites: descriptors, trainingScopes };
}
