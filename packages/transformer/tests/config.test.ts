import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import mlxAuditTransformer from '../src/index.js';
import { compile } from './compile.js';

const SOURCE = `import { core as mx } from '@frost-beta/mlx';\nexport const w = mx.load('weights.safetensors');\n`;
const messages = (diagnostics: readonly ts.Diagnostic[]): string[] => diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));

describe('bad input gets a clear error and loses nothing', () => {
  it('unknown options, kinds and modes: MLXA002, files emitted as written', () => {
    const plain = compile({ 'main.ts': SOURCE }, { instrument: false }).js['main.js'];
    const { js, diagnostics } = compile({ 'main.ts': SOURCE }, { config: { colour: 'red', kinds: { inference: 'loud', teleport: 'event' }, entries: [{ name: 'f' }], warnings: 'yes' } });
    expect(js['main.js']).toBe(plain);
    const [message, ...others] = messages(diagnostics);
    expect(others).toEqual([]);
    expect(diagnostics[0]?.category).toBe(ts.DiagnosticCategory.Error);
    expect(diagnostics[0]?.code).toBe(990002);
    expect(message).toMatch(/^MLXA002: Invalid @mlx-audit\/transformer options/);
    expect(message).toContain(`Unknown option 'colour'`);
    expect(message).toContain(`'kinds.inference' must be 'event', 'errors' or 'off', not "loud".`);
    expect(message).toContain(`Unknown kind 'teleport'`);
    expect(message).toContain(`entries/0 must have required property 'module'`);
    expect(message).toContain(`'warnings' must be true or false, not "yes".`);
  });

  it('TypeScript 7 and later: MLXA001, files emitted as written', () => {
    const diagnostics: ts.Diagnostic[] = [];
    const program = ts.createProgram([], {});
    const futureTs = { ...ts, version: '7.0.2', versionMajorMinor: '7.0' } as unknown as typeof ts;
    const factory = mlxAuditTransformer(program, {}, { ts: futureTs, addDiagnostic: (d) => diagnostics.push(d) });
    const sourceFile = ts.createSourceFile('a.ts', SOURCE, ts.ScriptTarget.ES2022);
    const result = ts.transform(sourceFile, [factory]);
    expect(result.transformed[0]).toBe(sourceFile);
    expect(messages(diagnostics)).toEqual([
      'MLXA001: TypeScript 7.0.2 is not supported by mlx-audit, which needs >=5.4 <6.1 (the JavaScript compiler API): install typescript@~6.0. Files are emitted uninstrumented.',
    ]);
  });
});

describe('running twice changes nothing more', () => {
  it('the transformer listed twice in one emit gives the output of one', () => {
    const once = compile({ 'main.ts': SOURCE });
    // With warnings on: the import the first pass wrote is ours, not a file instrumenting itself (MLXA101).
    const twice = compile({ 'main.ts': SOURCE }, { passes: 2, config: { warnings: true } });
    expect(twice.diagnostics).toEqual([]);
    expect(twice.js['main.js']).toBe(once.js['main.js']);
    expect(once.js['main.js']).toContain('__mlxa_1.sites(');
  });
});
