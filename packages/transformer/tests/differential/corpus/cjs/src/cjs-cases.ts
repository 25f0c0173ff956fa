import mlxDefault from '@frost-beta/mlx';
import * as mlxNamespace from '@frost-beta/mlx';
import { core as mx } from '@frost-beta/mlx';
import mlx = require('@frost-beta/mlx');
import { group } from '../../shared/harness.js';

const typedRequire = require('@frost-beta/mlx') as typeof import('@frost-beta/mlx');
const { core: destructuredCore } = require('@frost-beta/mlx') as typeof import('@frost-beta/mlx');
const { add: bareAdd } = mx;
exports.exportedAdd = mx.add;

// What only a CommonJS module can write: import = require, require (typed and untyped), the
// interop helpers of namespace and default imports, functions taken off the module object.
export default group('cjs', {
  'import mlx = require(...): mlx.core.add(a, b)': () => mlx.core.add(1, 2),
  'import mlx = require(...): new mlx.nn.Identity()': () => new mlx.nn.Identity().forward(mlx.core.array([3])),
  'require, typed: .core.multiply(a, b)': () => typedRequire.core.multiply(2, 5),
  'require, untyped: .core.add(a, b)': () => (require('@frost-beta/mlx') as { core: { add: (a: number, b: number) => { item(): unknown } } }).core.add(4, 4).item(),
  'require inside a function': () => {
    const lazy = require('@frost-beta/mlx') as typeof import('@frost-beta/mlx');
    return lazy.core.square(mlx.core.array([3]));
  },
  'destructured require: core.add(a, b)': () => destructuredCore.add(7, 1),
  'a function destructured from core, called bare': () => bareAdd(6, 6),
  'import * as mlx (interop helper): mlx.core.add(a, b)': () => mlxNamespace.core.add(9, 1),
  'default import (interop helper): mlx.core.add(a, b)': () => mlxDefault.core.add(8, 1),
  'every way in is the same module': () => [mlx.core === mx, typedRequire === mlx, mlxNamespace.core === mx, mlxDefault.core === mx],
  'dynamic import from CommonJS, then a call': async () => (await import('@frost-beta/mlx')).core.add(2, 9),
  'exports.fn(a, b): this is exports': () => (exports as { exportedAdd: typeof mx.add }).exportedAdd(3, 3),
  'module.require': () => (module.require('@frost-beta/mlx') as typeof import('@frost-beta/mlx')).core.ones([2]),
  'createRequire(__filename)': () => {
    const { createRequire } = require('node:module') as typeof import('node:module');
    return (createRequire(__filename)('@frost-beta/mlx') as typeof import('@frost-beta/mlx')).core.zeros([2]);
  },
});
