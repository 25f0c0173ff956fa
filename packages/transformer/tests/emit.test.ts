import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.js';

const IMPORT = `import { core as mx, nn } from '@frost-beta/mlx';\n`;

/** One construct per snapshot: small, readable files under tests/__snapshots__/emit/. */
const CONSTRUCTS: Record<string, string> = {
  'function-on-namespace': `${IMPORT}export const w = mx.load('weights.safetensors');\n`,
  'method-on-tensor': `${IMPORT}const x = mx.ones([2]);\nexport const values = x.tolist();\n`,
  'nested-calls': `${IMPORT}const a = mx.ones([2]);\nexport const b = mx.add(mx.multiply(a, 2), a);\n`,
  'spread-arguments': `${IMPORT}const shape = [2, 2];\nexport const r = mx.reshape(mx.ones([4]), ...shape);\n`,
  'optional-call': `${IMPORT}export const w = mx.load?.('weights.safetensors');\n`,
  'optional-receiver': `${IMPORT}const model: nn.Linear | undefined = new nn.Linear(2, 2);\nexport const y = model?.forward(mx.ones([1, 2]));\n`,
  'new-expression': `${IMPORT}export const layer = new nn.Linear(2, 3);\n`,
  'super-method': `${IMPORT}export class Tracked extends nn.Linear {\n  override forward(x: mx.array): mx.array {\n    return super.forward(x);\n  }\n}\n`,
  'default-parameter': `${IMPORT}export function predict(model: nn.Module, x: mx.array = mx.zeros([1, 2])): unknown {\n  return model.forward(x);\n}\n`,
  'class-field': `${IMPORT}export class Net extends nn.Module {\n  layer = new nn.Linear(2, 2);\n  forward(x: mx.array): mx.array {\n    return this.layer.forward(x);\n  }\n}\n`,
  'generator-and-async': `${IMPORT}export function* batches(n: number) {\n  for (let i = 0; i < n; i++) yield mx.ones([i + 1]);\n}\nexport async function evaluate(x: mx.array): Promise<unknown> {\n  await Promise.resolve();\n  return x.tolist();\n}\n`,
  'optional-chain-longer': `${IMPORT}const x: mx.array | undefined = mx.ones([2]);\nexport const n = x?.sum().item();\nconst maybe: { model: nn.Linear } | undefined = { model: new nn.Linear(2, 2) };\nexport const y = maybe?.model.forward(x!).sum?.().item();\n`,
  'parenthesised-callee': `${IMPORT}const model = new nn.Linear(2, 2);\nexport const y = (model.forward)(mx.ones([1, 2]));\nexport const z = (0, mx.add)(y, y);\n`,
  'errors-around-an-mlx-call': `${IMPORT}export const dims = mx.ones([2, 3]).shape.map((n) => n * 2);\nexport function* items() {\n  for (const value of mx.ones([2]).tolist() as number[]) yield value;\n}\n`,
  'metadata-is-not-instrumented': `${IMPORT}const x = mx.ones([2]);\nexport const shape = x.shape;\nexport const dtype = String(x.dtype);\n`,
};

describe('emitted JavaScript per construct', () => {
  for (const [name, source] of Object.entries(CONSTRUCTS)) {
    it(name, async () => {
      const { js, diagnostics } = compile({ 'main.ts': source });
      expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
      await expect(js['main.js']).toMatchFileSnapshot(`__snapshots__/emit/${name}.js`);
    });
  }
});

describe('what the transformer leaves alone', () => {
  it('super(...) calls, which must stay direct calls, and nothing else: no diagnostic', () => {
    const source = `${IMPORT}export class Layer extends nn.Linear {\n  constructor() {\n    super(2, 2);\n  }\n}\nconst x: mx.array | undefined = mx.ones([2]);\nexport const n = x?.sum().item();\n`;
    const { js, diagnostics } = compile({ 'main.ts': source });
    expect(js['main.js']).toContain('super(2, 2);');
    expect(js['main.js']).toContain('(_mlxa_t_1 = x) == null ? void 0 :');
    expect(diagnostics).toEqual([]);
  });

  it('kinds configured off, and files without MLX calls', () => {
    const source = `${IMPORT}export const w = mx.load('w.safetensors');\nexport const plain = [1, 2].map((n) => n * 2);\n`;
    const off = compile({ 'main.ts': source }, { config: { kinds: { 'model-load': 'off' } } });
    const plain = compile({ 'main.ts': source }, { instrument: false });
    expect(off.js['main.js']).toBe(plain.js['main.js']);
    const none = compile({ 'main.ts': 'export const n = 1 + 1;\n' });
    expect(none.js['main.js']).toBe(compile({ 'main.ts': 'export const n = 1 + 1;\n' }, { instrument: false }).js['main.js']);
  });

  it('declaration output is identical to plain tsc', () => {
    const source = CONSTRUCTS['class-field'] ?? '';
    expect(compile({ 'main.ts': source }).dts).toEqual(compile({ 'main.ts': source }, { instrument: false }).dts);
  });
});

describe('module kinds', () => {
  it('CommonJS output requires the runtime once, before the sites', () => {
    const { js } = compile({ 'main.cts': `import mlx = require('@frost-beta/mlx');\nexport const w = mlx.core.load('w.safetensors');\nexport const z = mlx.core.zeros([1]);\n` }, { config: { kinds: { 'tensor-creation': 'event' } } });
    const out = js['main.cjs'] ?? '';
    expect(out.match(/require\("@mlx-audit\/runtime\/instrument"\)/g)).toHaveLength(1);
    expect(out.indexOf('require("@mlx-audit/runtime/instrument")')).toBeLessThan(out.indexOf('.sites('));
    expect(out).not.toMatch(/^import /m);
  });

  it('ESM output imports the runtime once', () => {
    const { js } = compile({ 'main.ts': `${IMPORT}export const w = mx.load('a');\nexport const v = mx.load('b');\n` });
    expect(js['main.js']?.match(/from "@mlx-audit\/runtime\/instrument"/g)).toHaveLength(1);
  });
});
