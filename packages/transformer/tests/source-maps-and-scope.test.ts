import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import mlxAuditTransformer from '../src/index.js';
import { compile } from './compile.js';

describe('source maps', () => {
  const directory = join(fileURLToPath(new URL('.', import.meta.url)), '.semantics', 'maps');
  mkdirSync(directory, { recursive: true });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('still point at the original lines: a stack trace names the same line, instrumented or not', () => {
    const source = [
      `import { core as mx } from '@frost-beta/mlx';`,
      `function reshapeBadly(): unknown {`,
      `  const x = mx.ones([4]);`,
      `  return mx.reshape(x, [3]);`,
      `}`,
      `try { reshapeBadly(); } catch (error) { console.log((error as Error).stack?.split('\\n').find((line) => line.includes('reshapeBadly'))); }`,
      ``,
    ].join('\n');
    const lines: string[] = [];
    for (const instrument of [false, true]) {
      const { js } = compile({ 'main.ts': source }, { instrument, compilerOptions: { inlineSourceMap: true, inlineSources: true } });
      const file = join(directory, `${String(instrument)}.js`);
      writeFileSync(join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
      writeFileSync(file, js['main.js'] ?? '');
      const result = spawnSync(process.execPath, ['--enable-source-maps', file], { encoding: 'utf8', env: { ...process.env, MLX_AUDIT_SINK: 'stderr' } });
      lines.push(result.stdout.trim());
    }
    expect(lines[0]).toMatch(/main\.ts:4:\d+/);
    expect(lines[1]?.match(/main\.ts:(\d+)/)?.[1]).toBe('4');
  });
});

describe('what is never touched', () => {
  const program = ts.createProgram([], {});
  const factory = mlxAuditTransformer(program, {}, { ts, addDiagnostic: () => undefined });
  const code = `import { core as mx } from '@frost-beta/mlx';\nexport const w = mx.load('w.safetensors');\n`;

  it('files under node_modules and declaration files come back as they are', () => {
    for (const fileName of ['/app/node_modules/lib/index.ts', '/app/types/mlx.d.ts']) {
      const sourceFile = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true);
      expect(ts.transform(sourceFile, [factory]).transformed[0]).toBe(sourceFile);
    }
  });

  it('a project file of the program is instrumented (the check above is not vacuous)', () => {
    expect(compile({ 'main.ts': code }).js['main.js']).toContain('.sites(');
  });
});
