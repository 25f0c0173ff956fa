import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A program as the transformer emits it, on the real `@frost-beta/mlx`, for trails with MLX calls
// in them (durations, a model file hashed at load, failures, clients): a site per call site and
// each call through the runtime's `call` (transformer/tests/__snapshots__/emit shows the real form).

const RUNTIME_ROOT = fileURLToPath(new URL('../../../runtime/', import.meta.url));
const INSTRUMENT_URL = pathToFileURL(join(RUNTIME_ROOT, 'dist', 'instrument.js')).href;
const INDEX_URL = pathToFileURL(join(RUNTIME_ROOT, 'dist', 'index.js')).href;

export interface ServiceOptions {
  /** Requests served, in turn by the clients given (a request: one forward pass). */
  readonly requests: number;
  readonly clients: readonly string[];
  /** The weights loaded at the start (write them with `weightsProgram`). */
  readonly weights: string;
  /** Other weights, loaded at the end (a model swapped in). */
  readonly otherWeights: string;
  /** Failed calls (a matmul of shapes that do not match) after the requests. */
  readonly failures: number;
}

/** The program's source (an ES module): run it with the file sink configured by the environment. */
export function servingProgram(options: ServiceOptions): string {
  return `import * as rt from ${JSON.stringify(INSTRUMENT_URL)};
import { withAuditContext, flushAuditLog } from ${JSON.stringify(INDEX_URL)};
import { createRequire } from 'node:module';
const mx = createRequire(${JSON.stringify(pathToFileURL(join(RUNTIME_ROOT, 'package.json')).href)})('@frost-beta/mlx').core;
const at = { mode: 'event', file: 'src/serve.ts', fn: 'serve', receiver: 'other' };
const load = rt.site({ ...at, id: 'core.load', kind: 'model-load', line: 4, column: 17, callee: 'mx.load', args: ['path'] });
const forward = rt.site({ ...at, id: 'core.matmul', kind: 'inference', line: 9, column: 12, callee: 'mx.matmul', args: ['tensor', 'tensor'] });
const evaluate = rt.site({ ...at, id: 'core.eval', kind: 'evaluation', line: 10, column: 3, callee: 'mx.eval', args: ['spread'] });
const emitted = (site, receiver, fn, args) => rt.call(site, receiver, fn, args);
const w = emitted(load, mx, mx.load, [${JSON.stringify(options.weights)}]).w;
const clients = ${JSON.stringify(options.clients)};
for (let i = 0; i < ${options.requests}; i++) {
  withAuditContext({ clientId: clients[i % clients.length] }, () => {
    const y = emitted(forward, mx, mx.matmul, [mx.ones([2, 8]), w]);
    emitted(evaluate, mx, mx.eval, [y]);
  });
  if (i % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
}
for (let i = 0; i < ${options.failures}; i++) {
  try { emitted(forward, mx, mx.matmul, [mx.ones([2, 3]), w]); } catch {}
}
emitted(load, mx, mx.load, [${JSON.stringify(options.otherWeights)}]);
flushAuditLog();
`;
}

/** A script (not instrumented) that writes two weights files of different contents. */
export function weightsProgram(first: string, second: string): string {
  return `import { createRequire } from 'node:module';
const mx = createRequire(${JSON.stringify(pathToFileURL(join(RUNTIME_ROOT, 'package.json')).href)})('@frost-beta/mlx').core;
mx.saveSafetensors(${JSON.stringify(first)}, { w: mx.ones([8, 4]) });
mx.saveSafetensors(${JSON.stringify(second)}, { w: mx.zeros([8, 4]) });
`;
}
