// A model load, timed around the call alone: built with tsc and with tspc + the transformer, both
// builds loaded into one process by lib/load-driver.mjs, which alternates between them. The
// instrumented `mx.load` records a `model-load` event and, in the runtime's default (non-enforce)
// mode, hashes the file after the call returns, in the background.
import { core as mx } from '@frost-beta/mlx';

let kept: unknown;

/** Milliseconds `mx.load(path)` took. MLX loads lazily: the call reads the header, `eval` the data. */
export function timedLoad(path: string): number {
  const started = performance.now();
  const weights = mx.load(path);
  const ms = performance.now() - started;
  kept = weights;
  return ms;
}

/** Writes `layers` float32 matrices of `size` × `size` to a safetensors file: what a model's weights file holds. */
export function writeWeights(path: string, layers: number, size: number): void {
  const weights: Record<string, mx.array> = {};
  for (let layer = 0; layer < layers; layer++) weights[`layers.${layer}.weight`] = mx.random.normal([size, size]);
  mx.eval(...Object.values(weights));
  mx.saveSafetensors(path, weights);
}

/** The last load's result, so no call can be optimised away. */
export function keptValue(): unknown {
  return kept;
}
