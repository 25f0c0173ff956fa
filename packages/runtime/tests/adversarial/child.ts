import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCRIPT_PRELUDE } from '../support/child-script.js';

// What happens to a whole program (an uncaught exception, a loop that never ends, a blocked
// event loop, stderr) is watched from outside: a child `node` runs the built package.
export { requireBuild } from '../support/child-script.js';

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
        `${SCRIPT_PRELUDE}const turn = () => new Promise((resolve) => setImmediate(resolve));
void turn;
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
