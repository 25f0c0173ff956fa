import './support/quiet.js';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure, flushAuditLog, type AuditOptions } from '../src/configure.js';
import { withAuditContext } from '../src/context.js';
import { call } from '../src/instrument.js';
import { ModelNotAllowedError } from '../src/model-identity/gate.js';
import { modelHashingIdle } from '../src/model-identity/hash-queue.js';
import { captureSink, parsedLines, testSite, type CaptureSink } from './support/capture.js';
import { mx, nn, type Module, type Tensor } from './support/mlx.js';

// Issue #16, model identity, on real MLX and real files (in a 0700 temporary directory): hashes
// equal what `sha256sum` says, the allow-list alerts or refuses, a module's forward passes name
// the file it was loaded from.

const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-identity-'));
const KEY = 'identity-key-0123456789abcdef0123';

// Sites as the transformer emits them for these bindings (receivers and modes included).
const loadSite = testSite({ id: 'core.load', kind: 'model-load', args: ['path'], callee: 'mx.load', receiver: 'other' });
const saveSite = testSite({ id: 'core.saveSafetensors', kind: 'model-save', args: ['path', 'weights'], callee: 'mx.saveSafetensors', receiver: 'other' });
const loadWeightsSite = testSite({ id: 'nn.Module#loadWeights', kind: 'model-load', args: ['path-or-weights'], callee: 'model.loadWeights', receiver: 'other' });
const updateSite = testSite({ id: 'nn.Module#update', kind: 'module-state', mode: 'errors', args: ['weights'], callee: 'model.update', receiver: 'other' });
const forwardSite = testSite({ id: 'nn.Module#forward', kind: 'inference', args: ['tensor'], callee: 'model.forward', receiver: 'module' });
// A loader of the application's (a user entry of kind model-load) that reads a directory or two files.
const directorySite = testSite({ id: 'app.loadModel', kind: 'model-load', args: ['path'], callee: 'loadModel', receiver: null });
const twoFilesSite = testSite({ id: 'app.loadPair', kind: 'model-load', args: ['path', 'path'], callee: 'loadPair', receiver: null });

type Event = Record<string, unknown>;
let sink: CaptureSink;

function capture(options: AuditOptions = {}): CaptureSink {
  sink = captureSink();
  configure({ sinks: [sink], exitHooks: false, ...options });
  return sink;
}

/** Every event so far, from the JSON lines; the object form is checked to say the same. */
function events(): Event[] {
  flushAuditLog();
  const lines = parsedLines(sink);
  expect(sink.events).toEqual(lines);
  return lines;
}

const byAction = (action: string): Event[] => events().filter((event) => event['event.action'] === action);
const single = (action: string): Event => {
  const found = byAction(action);
  expect(found).toHaveLength(1);
  return found[0] ?? {};
};

/** What the `sha256sum` command says of a file. */
function sha256sum(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] ?? '';
}

let fileCount = 0;
/** A safetensors file of a Linear(2, 1) whose every weight is `value`. */
function weightsFile(value: number, name = `weights-${++fileCount}.safetensors`, into = directory): string {
  const path = join(into, name);
  mx.saveSafetensors(path, { weight: mx.full([1, 2], value), bias: mx.full([1], value) });
  return path;
}

const load = (path: string): Record<string, Tensor> => call(loadSite, mx, mx.load, [path]) as Record<string, Tensor>;
const loadWeights = (model: Module, weights: string | [string, Tensor][]): unknown => call(loadWeightsSite, model, model.loadWeights, [weights]);
const forward = (model: Module): unknown => call(forwardSite, model, model.forward, [mx.full([1, 2], 1)]);
const lastForward = (): Event => byAction('nn.Module#forward').at(-1) ?? {};
/** An array of a load's result. */
function entry(weights: Record<string, Tensor>, name: string): Tensor {
  const tensor = weights[name];
  if (tensor === undefined) throw new Error(`no ${name} in the weights`);
  return tensor;
}

beforeEach(() => {
  capture();
});

afterEach(async () => {
  await modelHashingIdle();
  configure({ sinks: [], exitHooks: false });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('the hash of a model file', () => {
  it('comes after the first load, in a follow-up linked by sequence, and equals sha256sum; a reload carries it on the load event', async () => {
    const path = weightsFile(1);
    load(path);
    const [first] = byAction('core.load');
    // Hashing did not hold the call: its event is written without a hash, and nothing else yet.
    expect(first).not.toHaveProperty('file.hash.sha256');
    expect(byAction('mlx-audit.model-hashed')).toEqual([]);
    await modelHashingIdle();
    const hashed = single('mlx-audit.model-hashed');
    expect(hashed).toMatchObject({
      'event.kind': 'event',
      'event.category': ['file'],
      'event.type': ['info'],
      'event.outcome': 'success',
      'log.level': 'info',
      'mlx.kind': 'model-load',
      'mlx.load.sequence': first?.['event.sequence'],
      'file.path': path,
      'file.hash.sha256': sha256sum(path),
      'file.size': statSync(path).size,
    });
    expect(hashed['event.sequence']).toBeGreaterThan(first?.['event.sequence'] as number);

    load(path);
    await modelHashingIdle();
    expect(byAction('core.load')[1]).toMatchObject({ 'file.path': path, 'file.hash.sha256': sha256sum(path), 'file.size': statSync(path).size });
    // A cache hit: no second read, so no second follow-up.
    expect(byAction('mlx-audit.model-hashed')).toHaveLength(1);
  });

  it('carries the load’s request context', async () => {
    const path = weightsFile(2);
    withAuditContext({ requestId: 'request-16' }, () => load(path));
    await modelHashingIdle();
    expect(single('mlx-audit.model-hashed')).toMatchObject({ 'request.id': 'request-16', 'file.hash.sha256': sha256sum(path) });
  });

  it('is taken of a saved file too, linked by mlx.save.sequence', async () => {
    const path = join(directory, 'saved.safetensors');
    call(saveSite, mx, mx.saveSafetensors, [path, { weight: mx.full([1, 2], 3), bias: mx.full([1], 3) }]);
    await modelHashingIdle();
    const [saved] = byAction('core.saveSafetensors');
    expect(single('mlx-audit.model-hashed')).toMatchObject({
      'mlx.kind': 'model-save',
      'event.category': ['file'],
      'mlx.save.sequence': saved?.['event.sequence'],
      'file.hash.sha256': sha256sum(path),
      'file.size': statSync(path).size,
    });
    expect(single('mlx-audit.model-hashed')).not.toHaveProperty('mlx.load.sequence');
    // The save's hash is remembered: loading the file just saved reads it once, in MLX.
    load(path);
    expect(byAction('core.load')[0]).toMatchObject({ 'file.hash.sha256': sha256sum(path) });
  });

  it('is re-taken when the file changes: replaced (new inode), or rewritten in place with its modification time set back', async () => {
    const path = weightsFile(4);
    load(path);
    await modelHashingIdle();
    const replacement = weightsFile(5);
    renameSync(replacement, path);
    load(path);
    expect(byAction('core.load')[1]).not.toHaveProperty('file.hash.sha256');
    await modelHashingIdle();
    expect(byAction('mlx-audit.model-hashed').map((event) => event['file.hash.sha256'])).toEqual([expect.any(String), sha256sum(path)]);

    // Same size, same inode, same modification time (a whole second, set back exactly): only
    // the change time, which no process can set, says it was rewritten.
    const second = new Date('2026-01-01T00:00:00Z');
    utimesSync(path, second, second);
    load(path);
    await modelHashingIdle();
    const before = statSync(path, { bigint: true });
    const rewrite = weightsFile(6);
    copyFileSync(rewrite, path);
    utimesSync(path, second, second);
    const after = statSync(path, { bigint: true });
    expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
    load(path);
    expect(byAction('core.load')[3]).not.toHaveProperty('file.hash.sha256');
    await modelHashingIdle();
    expect(byAction('mlx-audit.model-hashed').at(-1)?.['file.hash.sha256']).toBe(sha256sum(rewrite));
    expect(sha256sum(rewrite)).not.toBe(byAction('mlx-audit.model-hashed').at(-2)?.['file.hash.sha256']);
  });

  it('lists each file of a directory (sorted, dot-entries left out), and of several path arguments, as mlx.files', async () => {
    const model = join(directory, 'model-directory');
    mkdirSync(join(model, 'sub'), { recursive: true });
    mkdirSync(join(model, '.git'));
    const shards = [weightsFile(7, 'b.safetensors', model), weightsFile(8, 'a.safetensors', model), weightsFile(9, 'c.safetensors', join(model, 'sub'))];
    writeFileSync(join(model, '.gitattributes'), '*.safetensors filter=lfs\n');
    writeFileSync(join(model, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const loadModel = (path: string): Record<string, Tensor> => Object.assign({}, ...readdirSync(path).filter((name) => name.endsWith('.safetensors')).map((name) => mx.load(join(path, name)))) as Record<string, Tensor>;
    call(directorySite, undefined, loadModel, [model]);
    await modelHashingIdle();
    const expected = [...shards].sort().map((path) => ({ path, sha256: sha256sum(path), size: statSync(path).size }));
    const hashed = single('mlx-audit.model-hashed');
    expect(hashed['file.path']).toBe(model);
    expect(hashed['mlx.files']).toEqual(expected);
    expect(hashed).not.toHaveProperty('file.hash.sha256');
    // Known now: on the load event itself.
    call(directorySite, undefined, loadModel, [model]);
    expect(byAction('app.loadModel')[1]?.['mlx.files']).toEqual(expected);

    const [a, b] = [weightsFile(10), weightsFile(11)];
    call(twoFilesSite, undefined, (x: string, y: string) => [mx.load(x), mx.load(y)], [a, b]);
    await modelHashingIdle();
    expect(byAction('mlx-audit.model-hashed')[1]?.['mlx.files']).toEqual([a, b].map((path) => ({ path, sha256: sha256sum(path), size: statSync(path).size })));
  });

  it('shows paths only as the path policy allows (basename; none under hash)', async () => {
    const secret = join(directory, 'tenant-acme-7f3a');
    mkdirSync(secret);
    const path = weightsFile(12, 'weights.safetensors', secret);
    capture({ paths: 'basename' });
    call(directorySite, undefined, () => ({}), [secret]);
    load(path);
    await modelHashingIdle();
    const [ofDirectory, ofFile] = byAction('mlx-audit.model-hashed');
    expect(ofDirectory).toMatchObject({ 'file.path': 'tenant-acme-7f3a', 'mlx.files': [{ path: 'weights.safetensors', sha256: sha256sum(path), size: statSync(path).size }] });
    expect(ofFile).toMatchObject({ 'file.path': 'weights.safetensors', 'file.hash.sha256': sha256sum(path) });
    expect(sink.lines.join('')).not.toContain(directory);

    capture({ paths: 'hash', hmacKey: KEY });
    call(directorySite, undefined, () => ({}), [secret]);
    load(path);
    const [directoryLoad] = byAction('app.loadModel');
    expect(directoryLoad?.['mlx.files']).toEqual([{ sha256: sha256sum(path), size: statSync(path).size }]);
    expect(byAction('core.load')[0]).toMatchObject({ 'file.hash.sha256': sha256sum(path) });
    expect(byAction('core.load')[0]).not.toHaveProperty('file.path');
    expect(sink.lines.join('')).not.toMatch(/tenant-acme|weights\.safetensors/);
  });
});

describe('the allow-list', () => {
  it('alert mode: an unlisted file loads, and an alert follows, linked to the load, with the hash and the reason', async () => {
    const [allowed, unlisted] = [weightsFile(20), weightsFile(21)];
    capture({ models: { allow: [sha256sum(allowed)] } });
    load(allowed);
    load(unlisted);
    await modelHashingIdle();
    const alert = single('mlx-audit.model-not-allowed');
    expect(alert).toMatchObject({
      'event.kind': 'alert',
      'event.category': ['file'],
      'event.type': ['access', 'allowed'],
      'event.outcome': 'success',
      'event.reason': 'not in the allow-list',
      'log.level': 'warn',
      'mlx.load.sequence': byAction('core.load')[1]?.['event.sequence'],
      'file.path': unlisted,
      'file.hash.sha256': sha256sum(unlisted),
      'file.size': statSync(unlisted).size,
    });
    // Known hashes are checked when the load is recorded, right after its event.
    load(unlisted);
    const alerts = byAction('mlx-audit.model-not-allowed');
    expect(alerts).toHaveLength(2);
    expect(alerts[1]?.['mlx.load.sequence']).toBe((byAction('core.load')[2]?.['event.sequence'] as number));
  });

  it('reads a manifest as sha256sum writes it, and alerts for a file swapped after an earlier load', async () => {
    const path = weightsFile(22);
    const manifest = join(directory, 'models.sha256');
    writeFileSync(manifest, `# the served models\n${execFileSync('sha256sum', ['-b', path], { encoding: 'utf8' })}\n`);
    capture({ models: { manifest } });
    load(path);
    await modelHashingIdle();
    expect(byAction('mlx-audit.model-not-allowed')).toEqual([]);
    renameSync(weightsFile(23), path);
    load(path);
    await modelHashingIdle();
    expect(single('mlx-audit.model-not-allowed')).toMatchObject({ 'file.hash.sha256': sha256sum(path), 'event.reason': 'not in the allow-list' });
  });

  it('alerts for a directory with an unlisted file, naming only that one', async () => {
    const model = join(directory, 'partly-listed');
    mkdirSync(model);
    const [listed, unlisted] = [weightsFile(24, 'a.safetensors', model), weightsFile(25, 'b.safetensors', model)];
    capture({ models: { allow: [{ sha256: sha256sum(listed), name: 'a' }] } });
    call(directorySite, undefined, () => ({}), [model]);
    await modelHashingIdle();
    expect(single('mlx-audit.model-not-allowed')['mlx.files']).toEqual([{ path: unlisted, sha256: sha256sum(unlisted), size: statSync(unlisted).size }]);
  });

  it('enforce mode: an unlisted file is refused before MLX reads it, with a ModelNotAllowedError and an alert', () => {
    const [allowed, unlisted] = [weightsFile(30), weightsFile(31)];
    capture({ models: { allow: [sha256sum(allowed)], mode: 'enforce' } });
    // Checked synchronously: the allowed file's hash is on its load event.
    load(allowed);
    expect(byAction('core.load')[0]).toMatchObject({ 'event.outcome': 'success', 'file.hash.sha256': sha256sum(allowed) });

    let read = false;
    const loader = (path: string): unknown => {
      read = true;
      return mx.load(path);
    };
    let caught: unknown;
    try {
      call(loadSite, mx, loader, [unlisted]);
    } catch (error) {
      caught = error;
    }
    expect(read).toBe(false);
    expect(caught).toBeInstanceOf(ModelNotAllowedError);
    expect(caught).toMatchObject({ code: 'ERR_MLX_AUDIT_MODEL_NOT_ALLOWED', sha256: sha256sum(unlisted), reason: 'not in the allow-list', path: unlisted, name: 'ModelNotAllowedError' });
    const failure = byAction('core.load')[1];
    expect(failure).toMatchObject({
      'event.outcome': 'failure',
      'error.type': 'ModelNotAllowedError',
      'error.code': 'ERR_MLX_AUDIT_MODEL_NOT_ALLOWED',
      'file.path': unlisted,
      'file.hash.sha256': sha256sum(unlisted),
    });
    expect(single('mlx-audit.model-not-allowed')).toMatchObject({
      'event.kind': 'alert',
      'event.type': ['access', 'denied'],
      'event.outcome': 'failure',
      'log.level': 'error',
      'event.reason': 'not in the allow-list',
      'mlx.load.sequence': failure?.['event.sequence'],
      'file.hash.sha256': sha256sum(unlisted),
    });
  });

  it('enforce mode: a listed file swapped for an unlisted one after an earlier load is refused (the cache does not vouch for it)', () => {
    const path = weightsFile(32);
    capture({ models: { allow: [sha256sum(path)], mode: 'enforce' } });
    const model = new nn.Linear(2, 1);
    loadWeights(model, path);
    forward(model);
    const loaded = byAction('nn.Module#loadWeights')[0];
    renameSync(weightsFile(33), path);
    expect(() => loadWeights(model, path)).toThrow(ModelNotAllowedError);
    expect(byAction('nn.Module#loadWeights')[1]).toMatchObject({ 'event.outcome': 'failure', 'file.hash.sha256': sha256sum(path) });
    // The module keeps the weights it had, and says so.
    forward(model);
    expect(lastForward()).toMatchObject({ 'mlx.model.load_sequence': loaded?.['event.sequence'], 'mlx.model.sha256': expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(lastForward()['mlx.model.sha256']).not.toBe(sha256sum(path));
  });

  it('enforce mode refuses what it cannot vouch for (no file, a URL), checks loads with no sink, and lets weights passed as arrays through', () => {
    capture({ models: { allow: [], mode: 'enforce' } });
    const missing = join(directory, 'missing.safetensors');
    expect(() => call(loadSite, mx, () => ({}), [missing])).toThrow(expect.objectContaining({ reason: 'a file could not be hashed (ENOENT)' }) as Error);
    expect(() => call(loadSite, mx, () => ({}), ['https://models.example/w.safetensors'])).toThrow(expect.objectContaining({ reason: 'a path is not a local file, which the runtime cannot hash' }) as Error);
    expect(byAction('mlx-audit.model-not-allowed').map((event) => event['event.reason'])).toEqual(['a file could not be hashed (ENOENT)', 'a path is not a local file, which the runtime cannot hash']);
    const model = new nn.Linear(2, 1);
    expect(loadWeights(model, [['weight', mx.full([1, 2], 1)], ['bias', mx.full([1], 1)]])).toBe(model);

    configure({ sinks: [], exitHooks: false, models: { allow: [], mode: 'enforce' } });
    expect(loadSite.channel.hasSubscribers).toBe(true);
    expect(() => load(weightsFile(34))).toThrow(ModelNotAllowedError);
    configure({ sinks: [], exitHooks: false });
    expect(loadSite.channel.hasSubscribers).toBe(false);
  });
});

describe('the model a module was loaded from', () => {
  it('is on its forward passes: the load sequence at once, the hash once known; a reload from another file names that one', async () => {
    const [a, b] = [weightsFile(40), weightsFile(41)];
    const model = new nn.Linear(2, 1);
    expect(loadWeights(model, a)).toBe(model);
    forward(model);
    const loadA = byAction('nn.Module#loadWeights')[0]?.['event.sequence'];
    expect(lastForward()['mlx.model.load_sequence']).toBe(loadA);
    expect(lastForward()).not.toHaveProperty('mlx.model.sha256');
    await modelHashingIdle();
    forward(model);
    expect(lastForward()).toMatchObject({ 'mlx.model.sha256': sha256sum(a), 'mlx.model.load_sequence': loadA });

    loadWeights(model, b);
    await modelHashingIdle();
    forward(model);
    expect(lastForward()).toMatchObject({ 'mlx.model.sha256': sha256sum(b), 'mlx.model.load_sequence': byAction('nn.Module#loadWeights')[1]?.['event.sequence'] });
    // Another module is its own.
    forward(new nn.Linear(2, 1));
    expect(lastForward()).not.toHaveProperty('mlx.model.load_sequence');
  });

  it('follows arrays that mx.load returned into update() and loadWeights(entries), and names every file of a sharded model', async () => {
    const [a, shard1, shard2] = [weightsFile(42), weightsFile(43), weightsFile(44)];
    const model = new nn.Linear(2, 1);
    const weights = load(a);
    await modelHashingIdle();
    call(updateSite, model, model.update, [{ ...weights }]);
    forward(model);
    expect(lastForward()).toMatchObject({ 'mlx.model.sha256': sha256sum(a), 'mlx.model.load_sequence': byAction('core.load')[0]?.['event.sequence'] });

    const first = load(shard1);
    const second = load(shard2);
    loadWeights(model, [['weight', entry(first, 'weight')], ['bias', entry(second, 'bias')]]);
    forward(model);
    const sequences = byAction('core.load').slice(1).map((event) => event['event.sequence']);
    expect(lastForward()['mlx.model.load_sequence']).toEqual(sequences);
    expect(lastForward()).not.toHaveProperty('mlx.model.sha256');
    await modelHashingIdle();
    forward(model);
    expect(lastForward()).toMatchObject({ 'mlx.model.sha256': [sha256sum(shard1), sha256sum(shard2)], 'mlx.model.load_sequence': sequences });

    // Arrays no load returned: loaded, from nothing the runtime can name.
    loadWeights(model, [['weight', mx.full([1, 2], 0)], ['bias', mx.full([1], 0)]]);
    forward(model);
    expect(lastForward()['mlx.model.load_sequence']).toBe(byAction('nn.Module#loadWeights').at(-1)?.['event.sequence']);
    expect(lastForward()).not.toHaveProperty('mlx.model.sha256');
    // A training step's update (arrays of no load) does not change what it was loaded from.
    call(updateSite, model, model.update, [{ weight: mx.full([1, 2], 2) }]);
    forward(model);
    expect(lastForward()['mlx.model.load_sequence']).toBe(byAction('nn.Module#loadWeights').at(-1)?.['event.sequence']);
  });
});

describe('configuration mistakes', () => {
  const hash = 'a'.repeat(64);

  it('throw a TypeError from configure(), which changes nothing', () => {
    const kept = capture({ models: { allow: [hash], mode: 'enforce' } });
    const manifest = join(directory, 'malformed.sha256');
    writeFileSync(manifest, `${hash}  good.safetensors\nnot a line\n`);
    const mistakes: unknown[] = [
      { alow: [hash] },
      { allow: hash },
      { allow: ['abc'] },
      { allow: [{ sha: hash }] },
      { allow: [{ sha256: hash, name: 3 }] },
      { allow: [hash], mode: 'block' },
      { mode: 'enforce' },
      { manifest: '' },
      { manifest: join(directory, 'no-such.sha256') },
      { manifest },
      { manifest: directory },
      'enforce',
    ];
    const messages = mistakes.map((models) => {
      try {
        configure({ sinks: [captureSink('replacement')], exitHooks: false, models } as AuditOptions);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        return (error as Error).message;
      }
      return 'accepted';
    });
    expect(messages).not.toContain('accepted');
    expect(messages[0]).toMatch(/unknown models option 'alow'/);
    expect(messages[2]).toMatch(/models\.allow\[0\] is not a SHA-256/);
    expect(messages[6]).toMatch(/models\.mode needs a list/);
    expect(messages[8]).toMatch(/could not be read \(ENOENT\)/);
    expect(messages[9]).toMatch(/line 2 not "<sha256> {2}<name>"/);
    expect(messages[10]).toMatch(/not a regular file/);
    // Still in force, whole: the sink and the enforce list.
    expect(sink).toBe(kept);
    expect(() => load(weightsFile(50))).toThrow(ModelNotAllowedError);
    expect(byAction('core.load')).toHaveLength(1);
  });

  it('in variables keep auditing on: an unreadable manifest lists nothing (every load an alert, or refused in enforce mode), an unknown mode is enforce', async () => {
    const path = weightsFile(51);
    capture({ env: { MLX_AUDIT_MODELS_MANIFEST: join(directory, 'no-such.sha256') } });
    load(path);
    await modelHashingIdle();
    expect(single('mlx-audit.model-not-allowed')['event.reason']).toBe('not in the allow-list; the manifest MLX_AUDIT_MODELS_MANIFEST could not be read (ENOENT)');

    capture({ env: { MLX_AUDIT_MODELS_MANIFEST: join(directory, 'no-such.sha256'), MLX_AUDIT_MODELS_MODE: 'enforce' } });
    expect(() => load(path)).toThrow(ModelNotAllowedError);

    const manifest = join(directory, 'partly.sha256');
    writeFileSync(manifest, `${sha256sum(path)}  ${basename(path)}\ngarbage\n`);
    capture({ env: { MLX_AUDIT_MODELS_MANIFEST: manifest, MLX_AUDIT_MODELS_MODE: 'enforec' } });
    // Enforce (the unknown mode), with the good line kept.
    load(path);
    expect(() => load(weightsFile(52))).toThrow(ModelNotAllowedError);
    // The option wins over its variable.
    capture({ env: { MLX_AUDIT_MODELS_MANIFEST: manifest, MLX_AUDIT_MODELS_MODE: 'enforce' }, models: { mode: 'alert' } });
    load(weightsFile(53));
    expect(byAction('core.load')[0]?.['event.outcome']).toBe('success');
  });
});
