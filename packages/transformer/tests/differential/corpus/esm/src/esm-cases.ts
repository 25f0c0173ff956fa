import mlxDefault, * as mlxNamespace from '@frost-beta/mlx';
import { core as mx, nn } from '@frost-beta/mlx';
import { createRequire } from 'node:module';
import { group } from '../../shared/harness.js';

// Top-level await: MLX calls while this module is evaluated, across awaits.
const awaited: unknown[] = [];
awaited.push((await Promise.resolve(mx.add(1, 2))).item());
awaited.push(mx.multiply(await Promise.resolve(mx.array([2])), await Promise.resolve(3)).tolist());
for await (const row of [mx.array([1]), Promise.resolve(mx.array([2]))]) awaited.push(mx.negative(row).item());

const require = createRequire(import.meta.url);

// What only an ES module can write: top-level await, namespace and default imports of MLX (a
// CommonJS package), dynamic import, and require made with createRequire.
export default group('esm', {
  'top-level await around MLX calls': () => awaited,
  'import * as mlx: mlx.core.add(a, b)': () => mlxNamespace.core.add(1, 2),
  'import * as mlx: new mlx.nn.Identity()': () => new mlxNamespace.nn.Identity().forward(mx.array([4])),
  'default import of the CommonJS package: mlx.core.add(a, b)': () => mlxDefault.core.add(2, 2),
  'default and named imports are the same object': () => [mlxDefault.core === mx, mlxNamespace.nn === nn],
  'dynamic import, then a call': async () => {
    const { core } = await import('@frost-beta/mlx');
    return core.subtract(10, 4);
  },
  'dynamic import, member call on the module': async () => (await import('@frost-beta/mlx')).core.maximum(3, 8),
  'createRequire, typed': () => (require('@frost-beta/mlx') as typeof import('@frost-beta/mlx')).core.multiply(3, 3),
  'createRequire, untyped': () => (require('@frost-beta/mlx') as { core: { add: (a: number, b: number) => { item(): unknown } } }).core.add(5, 5).item(),
  'import.meta is an object while MLX runs': () => [typeof import.meta.url, mx.add(0, 1).item()],
});
