import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { configure } from '../../src/configure.js';
import { childScripts, requireBuild } from '../adversarial/child.js';

/**
 * What a test file of the file sink sets up: a scratch root (removed after), child scripts over
 * the built package, no sink left configured after each test, and fresh directories only the
 * test's user can write, as the sink requires.
 */
export function fileSinkWorkspace(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const scripts = childScripts(`${prefix}child-`);
  beforeAll(requireBuild);
  afterEach(() => {
    configure({ sinks: [], exitHooks: false });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    scripts.dispose();
  });
  const directory = (name: string): string => {
    const path = join(root, name);
    mkdirSync(path, { mode: 0o700 });
    return path;
  };
  return { root, scripts, directory };
}
