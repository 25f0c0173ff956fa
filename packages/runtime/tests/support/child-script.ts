import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// What a whole program does (exit, signals, memory, the environment) is watched from outside: a
// child `node` runs a script over the built package, as an application would.

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const INSTRUMENT_URL = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'instrument.js')).href;
export const INDEX_URL = pathToFileURL(join(PACKAGE_ROOT, 'dist', 'index.js')).href;

export function requireBuild(): void {
  if (!existsSync(join(PACKAGE_ROOT, 'dist', 'instrument.js'))) throw new Error('build the package first (pnpm build)');
}

/**
 * The start of every child script: `__mlxa` (the instrument module), `runtime` (the package), a
 * `core.load` site `load` and an inference site `forward`, and `calls(count)`, which makes one
 * call of each per round, as instrumented code does (behind `hasSubscribers`).
 */
export const SCRIPT_PRELUDE = `import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
import * as runtime from ${JSON.stringify(INDEX_URL)};
const descriptor = { mode: 'event', file: 'src/app.ts', line: 1, column: 1, fn: null, args: ['path'], receiver: null };
const load = __mlxa.site({ ...descriptor, id: 'core.load', kind: 'model-load', callee: 'mx.load' });
const forward = __mlxa.site({ ...descriptor, id: 'nn.Module#forward', kind: 'inference', callee: 'model.forward', args: ['text'] });
function calls(count) {
  for (let index = 0; index < count; index++) {
    if (load.channel.hasSubscribers) __mlxa.call(load, undefined, () => ({}), ['model.safetensors']);
    if (forward.channel.hasSubscribers) __mlxa.call(forward, undefined, (text) => text.length, ['a prompt']);
  }
}
void runtime; void calls;
`;
