import { join } from 'node:path';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { exportMapAcrossVersions } from '../src/resolve/export-maps-across-versions.js';
import { VIRTUAL_ROOT } from './project.js';

// Versions of one program as an editor makes them: each from the one before, through a host that
// hands out the same source file object for a file whose text did not change.

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: [],
  noEmit: true,
  skipLibCheck: true,
  // Files without import or export are scripts (a package of "type": "module" makes them modules).
  moduleDetection: ts.ModuleDetectionKind.Legacy,
};

function editor() {
  const sourceFiles = new Map<string, ts.SourceFile>();
  let files = new Map<string, string>();
  let previous: ts.Program | undefined;
  const host = ts.createCompilerHost(OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = files.get(fileName) ?? readFile(fileName);
    const known = sourceFiles.get(fileName);
    if (known !== undefined && known.text === text) return known;
    const made = files.has(fileName) ? ts.createSourceFile(fileName, text ?? '', language) : getSourceFile(fileName, language, ...rest);
    if (made !== undefined) sourceFiles.set(fileName, made);
    return made;
  };
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => files.get(fileName) ?? readFile(fileName);
  return {
    /** A version of the program with these files; the checker has looked at every one of them. */
    version(virtual: Record<string, string>) {
      files = new Map(Object.entries(virtual).map(([name, text]) => [join(VIRTUAL_ROOT, name), text]));
      const program = ts.createProgram([...files.keys()], OPTIONS, host, previous);
      const problems = [...files.keys()].flatMap((name) => ts.getPreEmitDiagnostics(program, program.getSourceFile(name)));
      if (problems.length > 0) throw new Error(problems.map((problem) => ts.flattenDiagnosticMessageText(problem.messageText, '\n')).join('\n'));
      previous = program;
      const entry = program.getSourceFiles().find((file) => file.fileName.endsWith('/@frost-beta/mlx/lib/index.d.ts'));
      if (entry === undefined) throw new Error('MLX is not in the program');
      return { program, entry, map: exportMapAcrossVersions(ts, program, program.getTypeChecker(), entry) };
    },
  };
}

const MAIN = `import { core as mx } from '@frost-beta/mlx';\nexport const c = mx.matmul(mx.ones([2, 2]), mx.ones([2, 2]));\n`;
const HELPER = `export function scale(x: number): number {\n  return x * 2;\n}\n`;
const AUGMENTATION = `import '@frost-beta/mlx';\ndeclare module '@frost-beta/mlx' {\n  namespace core {\n    function extraOp(): void;\n  }\n}\nexport {};\n`;

/** The public ids the map gives, sorted. */
function ids(map: ReadonlyMap<ts.Node, { id: string }>): string[] {
  return [...new Set([...map.values()].map((value) => value.id))].sort();
}

describe('export maps across versions of a program', () => {
  it('serves the next version when only modules that augment nothing changed, and the map is the one a new build gives', () => {
    const project = editor();
    const first = project.version({ 'main.ts': MAIN, 'helper.ts': HELPER });
    expect(ids(first.map)).toContain('core.matmul');
    const second = project.version({ 'main.ts': `${MAIN}export const d = 1;\n`, 'helper.ts': HELPER, 'added.ts': 'export const added = 2;\n' });
    expect(second.entry).toBe(first.entry);
    expect(second.map).toBe(first.map);
    // A removed module that augmented nothing.
    const third = project.version({ 'main.ts': MAIN });
    expect(third.map).toBe(first.map);
  });

  it('builds the map again when a changed file augments the package, and when that file goes', () => {
    const project = editor();
    const first = project.version({ 'main.ts': MAIN, 'extra.ts': 'export {};\n' });
    expect(ids(first.map)).not.toContain('core.extraOp');
    const augmented = project.version({ 'main.ts': MAIN, 'extra.ts': AUGMENTATION });
    expect(augmented.map).not.toBe(first.map);
    expect(ids(augmented.map)).toContain('core.extraOp');
    const removed = project.version({ 'main.ts': MAIN });
    expect(removed.map).not.toBe(augmented.map);
    expect(ids(removed.map)).not.toContain('core.extraOp');
    expect(ids(removed.map)).toEqual(ids(first.map));
  });

  it('builds the map again when a changed file is a script (its declarations are global) or has a declare global', () => {
    const project = editor();
    const first = project.version({ 'main.ts': MAIN, 'globals.ts': 'export {};\n' });
    const script = project.version({ 'main.ts': MAIN, 'globals.ts': 'declare const buildNumber: number;\n' });
    const globals = script.program.getSourceFile(join(VIRTUAL_ROOT, 'globals.ts'));
    expect(globals !== undefined && ts.isExternalModule(globals)).toBe(false);
    expect(script.map).not.toBe(first.map);
    const global = project.version({ 'main.ts': MAIN, 'globals.ts': 'declare global {\n  const buildNumber: number;\n}\nexport {};\n' });
    expect(global.map).not.toBe(script.map);
    // From the global augmentation back to a plain module: the earlier version augmented.
    const plain = project.version({ 'main.ts': MAIN, 'globals.ts': 'export const buildNumber = 1;\n' });
    expect(plain.map).not.toBe(global.map);
    expect(ids(plain.map)).toEqual(ids(first.map));
  });
});
