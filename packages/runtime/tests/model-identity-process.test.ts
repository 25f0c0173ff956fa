import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INDEX_URL, INSTRUMENT_URL, PACKAGE_ROOT, requireBuild } from './support/child-script.js';
import { mx } from './support/mlx.js';

// Issue #16, what a whole program sees: a hash still being read when the program ends, by itself,
// by process.exit() or by a signal; and mistakes in the MLX_AUDIT_MODELS_* variables. A child
// `node` runs the built package with a file sink.

const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-identity-process-'));
let count = 0;

beforeAll(requireBuild);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const sha256sum = (path: string): string => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] ?? '';

/** A file of `mebibytes` MiB of zeros, sparse: quick to make, read in full when hashed. */
function sparseFile(mebibytes: number): string {
  const path = join(directory, `sparse-${++count}.bin`);
  const descriptor = openSync(path, 'w');
  ftruncateSync(descriptor, mebibytes * 1024 * 1024);
  closeSync(descriptor);
  return path;
}

/**
 * Runs `body` with `load(fn, path)`, an instrumented model load of `fn(path)`, and `mx`, real
 * MLX; the events are what the file sink wrote.
 */
function run(body: string, env: Record<string, string> = {}) {
  const script = join(directory, `script-${++count}.mjs`);
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
import * as runtime from ${JSON.stringify(INDEX_URL)};
const { core: mx } = createRequire(${JSON.stringify(join(PACKAGE_ROOT, 'package.json'))})('@frost-beta/mlx');
const site = __mlxa.site({ id: 'core.load', kind: 'model-load', mode: 'event', file: 'src/app.ts', line: 1, column: 1, fn: null, callee: 'mx.load', args: ['path'], receiver: null });
const load = (fn, path) => (site.channel.hasSubscribers ? __mlxa.call(site, mx, fn, [path]) : fn(path));
void runtime;
${body}
`,
  );
  const file = join(directory, `audit-${count}`, 'audit.jsonl');
  const child = spawnSync(process.execPath, [script], { env: { PATH: process.env.PATH, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: file, ...env }, encoding: 'utf8', timeout: 60_000 });
  // The load and what model identity says of it (the file may also hold the trail's own records).
  const events = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((event) => event['event.action'] === 'core.load' || String(event['event.action']).startsWith('mlx-audit.model-'))
    : [];
  return { child, events, actions: events.map((event) => event['event.action']) };
}

describe('a hash still pending when the program ends', () => {
  const model = join(directory, 'model.safetensors');
  beforeAll(() => {
    mx.saveSafetensors(model, { weight: mx.full([64, 64], 1) });
  });

  it('keeps the program until it is read, when the program ends by itself', () => {
    const { child, events, actions } = run(`load(mx.load, ${JSON.stringify(model)});`);
    expect(child.status).toBe(0);
    expect(actions).toEqual(['core.load', 'mlx-audit.model-hashed']);
    expect(events[1]).toMatchObject({ 'file.hash.sha256': sha256sum(model), 'mlx.load.sequence': events[0]?.['event.sequence'] });
  });

  it('is read synchronously at process.exit(), within the budget', () => {
    const { child, events, actions } = run(`load(mx.load, ${JSON.stringify(model)}); process.exit(7);`);
    expect(child.status).toBe(7);
    expect(actions).toEqual(['core.load', 'mlx-audit.model-hashed']);
    expect(events[1]?.['file.hash.sha256']).toBe(sha256sum(model));
  });

  it('is read at a signal that ends the program, which still dies of it', () => {
    const file = sparseFile(40);
    const { child, events, actions } = run(`load(() => ({}), ${JSON.stringify(file)}); process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 10_000);`);
    expect(child.signal).toBe('SIGTERM');
    expect(actions).toEqual(['core.load', 'mlx-audit.model-hashed']);
    expect(events[1]?.['file.hash.sha256']).toBe(sha256sum(file));
  });

  it('is reported as not hashed past the budget (64 MiB), and the program exits at once', () => {
    const file = sparseFile(80);
    const { child, events, actions } = run(`load(() => ({}), ${JSON.stringify(file)}); process.exit(0);`);
    expect(child.status).toBe(0);
    expect(actions).toEqual(['core.load', 'mlx-audit.model-not-hashed']);
    expect(events[1]).toMatchObject({
      'event.outcome': 'failure',
      'log.level': 'warn',
      'event.reason': 'could not be hashed: the process exited before it was hashed',
      'file.path': file,
      'mlx.load.sequence': events[0]?.['event.sequence'],
    });
    expect(events[1]).not.toHaveProperty('file.hash.sha256');
  });
});

describe('mistakes in the MLX_AUDIT_MODELS_* variables', () => {
  it('are reported on stderr, and auditing stays on with the safest setting', () => {
    const path = join(directory, 'env.safetensors');
    mx.saveSafetensors(path, { weight: mx.full([2], 1) });
    const body = `try { load(mx.load, ${JSON.stringify(path)}); console.log('loaded'); } catch (error) { console.log(error.code); }`;

    // A manifest that cannot be read lists nothing: the load goes ahead (alert mode) with an alert.
    const unreadable = run(body, { MLX_AUDIT_MODELS_MANIFEST: join(directory, 'no-such.sha256') });
    expect(unreadable.child.stdout.trim()).toBe('loaded');
    expect(unreadable.child.stderr).toMatch(/MLX_AUDIT_MODELS_MANIFEST could not be read \(ENOENT\)/);
    expect(unreadable.actions).toEqual(['core.load', 'mlx-audit.model-hashed', 'mlx-audit.model-not-allowed']);

    // An unknown mode is enforce, the strictest: the unlisted load is refused, and recorded.
    const manifest = join(directory, 'models.sha256');
    writeFileSync(manifest, `${'0'.repeat(64)}  other.safetensors\n`);
    const typo = run(body, { MLX_AUDIT_MODELS_MANIFEST: manifest, MLX_AUDIT_MODELS_MODE: 'enfroce', MLX_AUDIT_MODELS_MANIFESTO: 'x' });
    expect(typo.child.stdout.trim()).toBe('ERR_MLX_AUDIT_MODEL_NOT_ALLOWED');
    expect(typo.child.stderr).toMatch(/MLX_AUDIT_MODELS_MODE=enfroce is not one of alert, enforce; using enforce/);
    expect(typo.child.stderr).toMatch(/MLX_AUDIT_MODELS_MANIFESTO is not a variable mlx-audit reads/);
    expect(typo.actions).toEqual(['core.load', 'mlx-audit.model-not-allowed']);
    expect(typo.events[0]).toMatchObject({ 'event.outcome': 'failure', 'error.type': 'ModelNotAllowedError', 'file.hash.sha256': sha256sum(path) });
  });
});
