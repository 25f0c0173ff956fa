import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// What happens to a whole program (an uncaught exception, a loop that never ends, a blocked
// event loop, stderr) is watched from outside: a child `node` runs the built package.
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const instrumentUrl = pathToFileURL(join(packageRoot, 'dist', 'instrument.js')).href;
const indexUrl = pathToFileURL(join(packageRoot, 'dist', 'index.js')).href;

export function requireBuild(): void {
  if (!existsSync(join(packageRoot, 'dist', 'instrument.js'))) throw new Error('build the package first (pnpm build)');
}

/** A scratch directory and a way to run scripts in it, removed by `dispose`. */
export function childScripts(prefix: string) {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  let count = 0;
  return {
    directory,
    /**
     * Runs `body` as an ES module in which `__mlxa` (the instrument module), `runtime` (the
     * package) and `calls(count)` (a `core.load` and a `model.forward` call each) are defined.
     */
    run(body: string, timeoutMs = 20_000): SpawnSyncReturns<string> {
      const path = join(directory, `script-${++count}.mjs`);
      writeFileSync(
        path,
        `import * as __mlxa from ${JSON.stringify(instrumentUrl)};
import * as runtime from ${JSON.stringify(indexUrl)};
const descriptor = { mode: 'event', file: 'src/app.ts', line: 1, column: 1, fn: null, args: ['path'], receiver: null };
const load = __mlxa.site({ ...descriptor, id: 'core.load', kind: 'model-load', callee: 'mx.load' });
const forward = __mlxa.site({ ...descriptor, id: 'nn.Module#forward', kind: 'inference', callee: 'model.forward', args: ['text'] });
function calls(count) {
  for (let index = 0; index < count; index++) {
    if (load.channel.hasSubscribers) __mlxa.call(load, undefined, () => ({}), ['model.safetensors']);
    if (forward.channel.hasSubscribers) __mlxa.call(forward, undefined, (text) => text.length, ['a prompt']);
  }
}
const turn = () => new Promise((resolve) => setImmediate(resolve));
void calls; void turn;
${body}
`,
      );
      return spawnSync(process.execPath, [path], { env: { ...process.env, MLX_AUDIT_SINK: 'off' }, encoding: 'utf8', timeout: timeoutMs });
    },
    dispose(): void {
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
