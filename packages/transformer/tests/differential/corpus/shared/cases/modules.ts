import { core as mx } from '@frost-beta/mlx';
import { group } from '../harness.js';
import triple, * as reexports from '../reexports.js';
import { add, atLoad, layers, op, setOp } from '../reexports.js';

// Imported MLX bindings: a re-exported function called bare and through the module namespace,
// a live `let` binding, a default-exported function with an MLX default, and MLX calls made while
// a module is evaluated.
export default group('modules', {
  'a re-exported MLX function called bare': () => add(1, 2),
  'a re-exported MLX function through the namespace': () => reexports.add(3, 4),
  'a re-exported namespace: new layers.Identity()': () => new layers.Identity().forward(mx.array([5])),
  'a live let binding, reassigned by its module': () => {
    const before = op(2, 3);
    setOp(mx.multiply);
    const after = op(2, 3);
    setOp(mx.add);
    return [before, after];
  },
  'a default-exported function with an MLX default: name and length': () => [triple.length, triple()],
  'MLX calls made while the module was evaluated': () => atLoad,
});
