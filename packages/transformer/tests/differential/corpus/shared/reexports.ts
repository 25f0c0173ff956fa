import { core as mx, nn } from '@frost-beta/mlx';

// MLX bindings re-exported and held at module level: imported bindings are called with `this`
// undefined (ESM) or through the module object (CommonJS), and `let` exports are live.
export const add = mx.add;
export { nn as layers };
export let op: (a: number, b: number) => mx.array = mx.add;
export function setOp(next: (a: number, b: number) => mx.array): void {
  op = next;
}
export default function (x = mx.ones([1])): mx.array {
  return mx.multiply(x, 3);
}

/** Results of MLX calls made while the module is evaluated. */
export const atLoad: unknown[] = [];
atLoad.push(mx.add(1, 1).item());
class LoadTime {
  static table = mx.arange(3);
  static {
    atLoad.push(mx.sum(LoadTime.table).item());
  }
}
atLoad.push(LoadTime.table.shape);
load: for (let i = 0; i < 3; i++) {
  if (i === 1) continue load;
  atLoad.push(mx.multiply(i, 5).item());
}
const seededAtLoad = ((): unknown => {
  mx.random.seed(91);
  return mx.random.uniform(0, 1, [2]).tolist();
})();
atLoad.push(seededAtLoad);
