// What the sink drivers time: the event of an instrumented `model.forward(tokens)` call (an
// event-mode site, as the transformer emits it for src/serve.ts), against the call itself.
import { createRequire } from 'node:module';
import { setImmediate } from 'node:timers';
import { call, site } from '@mlx-audit/runtime/instrument';

/** Events recorded between two turns of the event loop (a drain takes them to the sinks). */
export const BATCH = 1000;

// Required untyped: the harness is type-checked strictly, and MLX's shipped .ts sources do not
// pass strict checks (see the root README); programs/ covers the typed MLX code.
/** @type {{ core: { array: (values: unknown, dtype?: unknown) => object, ones: (shape: number[]) => object, eval: (...arrays: object[]) => void, int32: unknown } }} */
const mlx = createRequire(import.meta.url)('@frost-beta/mlx');
const mx = mlx.core;

/** Stands for the application's model: the runtime summarises it by class name. */
class TextClassifier {
  /** @param {unknown} input */
  forward(input) {
    return input === undefined ? undefined : output;
  }
}
const model = new TextClassifier();
const input = mx.array([[3, 1, 4, 1, 5, 9, 2, 6]], mx.int32);
const output = mx.ones([1, 4]);
mx.eval(input, output);

const forwardSite = site({ id: 'nn.Module#forward', kind: 'inference', mode: 'event', file: 'src/serve.ts', line: 42, column: 18, fn: 'predict', callee: 'model.forward', args: ['tensor'], receiver: 'module' });

/** The call, uninstrumented. */
export const plainCall = () => void model.forward(input);
/** The same call through the instrument module: recorded, then written on the next drain. */
export const auditedCall = () => void call(forwardSite, model, model.forward, [input]);

function nextTurn() {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Nanoseconds per call of `emit`, `count` times, yielding to the event loop every BATCH calls.
 * @param {() => void} emit
 * @param {number} count
 * @param {() => void} finish makes everything written reach the file
 */
export async function timed(emit, count, finish) {
  const started = process.hrtime.bigint();
  for (let done = 0; done < count; done += BATCH) {
    const end = Math.min(count, done + BATCH);
    for (let i = done; i < end; i++) emit();
    await nextTurn();
  }
  finish();
  return Number(process.hrtime.bigint() - started) / count;
}

/**
 * What the event adds: the audited calls (everything on disk at the end) minus as many plain calls.
 * @param {number} count
 * @param {() => void} flush
 */
export async function eventCost(count, flush) {
  const base = await timed(plainCall, count, () => undefined);
  return (await timed(auditedCall, count, flush)) - base;
}
