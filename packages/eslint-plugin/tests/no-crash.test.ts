import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createTypedESLint } from './lint.js';
import { enabledThreatModels, getTaintEngine, injectionPolicy, type ThreatModel } from '../src/taint/index.js';

/** Every threat model of no-log-injection, so that every source is made. */
const ALL_THREATS: { threatModels: ThreatModel[] } = { threatModels: ['remote', 'local', 'model-output'] };

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

describe('the rules never throw', () => {
  it.each([
    ['no-tainted-log', { checkErrorMessages: true }],
    ['no-log-injection', ALL_THREATS],
    ['no-silent-mlx-catch', {}],
    ['no-verbose-logger-config', {}],
    ['require-mlx-event-logging', { kinds: ['model-load', 'inference', 'model-save', 'evaluation'] }],
  ])('%s, over every TypeScript file of the workspace and the fixtures', async (rule, options) => {
    const eslint = createTypedESLint(ROOT, rule, options);
    // A crash in a rule makes lintFiles reject; a file outside every project would be fatal.
    const results = await eslint.lintFiles(['packages/*/src/**/*.ts', 'packages/*/tests/**/*.ts', 'test-fixtures/**/*.ts']);
    expect(results.length).toBeGreaterThan(40);
    expect(results.flatMap((result) => result.messages.filter((message) => message.fatal === true).map((message) => `${result.filePath}: ${message.message}`))).toEqual([]);
  });

  it('over the TypeScript sources that @frost-beta/mlx ships', () => {
    const mlxRoot = dirname(createRequire(import.meta.url).resolve('@frost-beta/mlx/package.json'));
    const files = (readdirSync(join(mlxRoot, 'lib'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(mlxRoot, 'lib', file));
    expect(files.length).toBeGreaterThan(20);
    const program = ts.createProgram(files, { noEmit: true, types: ['node'], module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 });
    // Both policies: leaks (no-tainted-log) and injection (no-log-injection).
    const engines = [getTaintEngine(ts, program, { checkErrorMessages: true }), getTaintEngine(ts, program, ALL_THREATS, injectionPolicy(enabledThreatModels(ALL_THREATS)))];
    let analysed = 0;
    for (const file of files) {
      const sourceFile = program.getSourceFile(file);
      if (sourceFile === undefined || sourceFile.isDeclarationFile) continue;
      for (const engine of engines) expect(() => engine.findingsOf(sourceFile)).not.toThrow();
      analysed++;
    }
    expect(analysed).toBeGreaterThan(20);
  });
});
