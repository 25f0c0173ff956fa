import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll } from 'vitest';
import mlxAuditTransformer from '../src/index.js';

/** Virtual files live here, so `@frost-beta/mlx` and `@mlx-audit/runtime` resolve from the package. */
export const VIRTUAL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '__virtual__');

export interface Compiled {
  /** Emitted JavaScript by file name relative to the root (`main.js`). */
  readonly js: Record<string, string>;
  readonly dts: Record<string, string>;
  readonly diagnostics: readonly ts.Diagnostic[];
}

/**
 * Compiles in-memory files, with or without the transformer (as ts-patch would run it: a
 * `before` source transformer with the program, the plugin entry and `extras.ts`).
 */
export function compile(
  files: Record<string, string>,
  options: { instrument?: boolean; passes?: number; config?: Record<string, unknown>; compilerOptions?: ts.CompilerOptions } = {},
): Compiled {
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    declaration: true,
    skipLibCheck: true,
    strict: false,
    rootDir: VIRTUAL_ROOT,
    outDir: join(VIRTUAL_ROOT, 'out'),
    ...options.compilerOptions,
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(VIRTUAL_ROOT, name), text]));
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = virtual.get(fileName);
    return text === undefined ? getSourceFile(fileName, language, ...rest) : ts.createSourceFile(fileName, text, language, true);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);
  host.directoryExists = (path) => path === VIRTUAL_ROOT || (directoryExists?.(path) ?? true);
  const js: Record<string, string> = {};
  const dts: Record<string, string> = {};
  host.writeFile = (fileName, text) => {
    const relative = fileName.slice(join(VIRTUAL_ROOT, 'out').length + 1);
    if (relative.endsWith('.d.ts') || relative.endsWith('.d.mts') || relative.endsWith('.d.cts')) dts[relative] = text;
    else if (!relative.endsWith('.map')) js[relative] = text;
  };
  const program = ts.createProgram([...virtual.keys()], compilerOptions, host);
  const diagnostics: ts.Diagnostic[] = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics().filter((d) => d.file !== undefined && virtual.has(d.file.fileName))];
  const passes = options.instrument === false ? 0 : (options.passes ?? 1);
  const before = Array.from({ length: passes }, () =>
    mlxAuditTransformer(program, { projectRoot: VIRTUAL_ROOT, ...options.config }, { ts, addDiagnostic: (diagnostic) => diagnostics.push(diagnostic) }),
  );
  const result = program.emit(undefined, undefined, undefined, false, { before });
  diagnostics.push(...result.diagnostics);
  return { js, dts, diagnostics };
}

/**
 * A folder beside the tests (so packages resolve from the package's node_modules), an ES module
 * package, for the emitted JavaScript a test file runs; removed after that file's tests.
 */
export function scratchDirectory(name: string): string {
  const directory = join(dirname(fileURLToPath(import.meta.url)), name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });
  return directory;
}

/** Runs a script with Node, with these environment variables added, and what it printed. */
export function runScript(file: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
