import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MLX_CATALOGUE } from '../src/index.js';

// Real MLX (CPU): the catalogue's notes on how the run-time bindings differ from the declared
// ones must stay true, since the transformer relies on them. Typed by hand as declared, because
// `typeof import('@frost-beta/mlx')` would pull MLX's own .ts sources into this strict project.
interface Tensor {
  tolist(): unknown;
}
interface DeclaredCore {
  array: { new (value: unknown): Tensor; (value: unknown): Tensor };
  ones(shape: number[]): Tensor;
  load(path: string): Tensor;
  saveSafetensors(path: string, arrays: Record<string, Tensor>): void;
  saveGguf(path: string, arrays: Record<string, Tensor>): void;
  checkpoint(func: (x: number) => number): (x: number) => number;
  asyncEval(...args: unknown[]): unknown;
  topk(array: Tensor, k: number): [Tensor, Tensor];
}
const { core: mx } = createRequire(import.meta.url)('@frost-beta/mlx') as { core: DeclaredCore };
const runtime = mx as unknown as { saveGguf?: unknown; saveGGUF?: unknown; checkpoint?: unknown };
const dir = mkdtempSync(join(tmpdir(), 'mlx-notes-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const checks: Record<string, () => void> = {
  'core.load': () => {
    const file = join(dir, 'w.safetensors');
    mx.saveSafetensors(file, { w: mx.array([1, 2, 3]) });
    const loaded = mx.load(file) as unknown as { w?: Tensor };
    expect(loaded).not.toBeInstanceOf(mx.array);
    expect(Object.keys(loaded)).toEqual(['w']);
    expect(loaded.w?.tolist()).toEqual([1, 2, 3]);
  },
  'core.saveGguf': () => {
    expect(runtime.saveGguf).toBeUndefined();
    expect(typeof runtime.saveGGUF).toBe('function');
    expect(() => {
      mx.saveGguf(join(dir, 'w.gguf'), {});
    }).toThrow(TypeError);
  },
  'core.checkpoint': () => {
    expect(runtime.checkpoint).toBeUndefined();
    expect(() => mx.checkpoint((x: number) => x)).toThrow(TypeError);
  },
  'core.asyncEval': () => {
    const result: unknown = mx.asyncEval(mx.ones([2]));
    expect(result).toBeUndefined();
  },
  'core.topk': () => {
    const result = mx.topk(mx.array([3, 1, 2]), 2) as unknown;
    expect(Array.isArray(result)).toBe(false);
    expect(result).toBeInstanceOf(mx.array);
  },
};

describe('run-time notes of the catalogue, on real MLX', () => {
  it('every note has a check', () => {
    const noted = Object.entries(MLX_CATALOGUE).filter(([, data]) => data.runtime !== undefined).map(([id]) => id);
    expect(noted.sort()).toEqual(Object.keys(checks).sort());
  });
  for (const [id, check] of Object.entries(checks)) it(id, check);

  it('toString prints tensor contents, which is why it is data extraction', () => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- the native class prints its contents; that is the point
    expect(mx.array([1.5, 2.5]).toString()).toContain('1.5');
    expect(MLX_CATALOGUE['core.array#toString']?.kind).toBe('data-extraction');
  });
});
