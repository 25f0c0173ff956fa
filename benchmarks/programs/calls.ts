// The measured call sites: one cheap binding (`item()` on a scalar, how a training loop reads its
// loss) and `forward` on a small model. Built twice, by tsc and by tspc with the transformer, and
// both builds are loaded into one process by lib/call-driver.mjs, which alternates between them.
import { core as mx } from '@frost-beta/mlx';
import { TinyModel } from './shared.js';

const scalar = mx.array(3.5);
const model = new TinyModel(16, 32, 4);
const input = mx.ones([1, 16]);
mx.eval(scalar, input, model.parameters());

let kept: unknown;

export function cheap(): void {
  kept = scalar.item();
}

export function forward(): void {
  kept = model.forward(input);
}

/** Keeps the results observable, so no call can be optimised away. */
export function keptValue(): unknown {
  return kept;
}
