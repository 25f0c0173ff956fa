import type { AuditEvent } from '@mlx-audit/runtime';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Monitor, unexpectedModelRules, type Alert, type UnexpectedModelOptions } from '../src/index.js';

// The unexpected-model rules over trails the runtime really writes: a child `node` loads model
// files with real MLX through an instrumented `mx.load` (the built runtime, its file sink), and
// the rules read the file it wrote. What the runtime puts where (the hash on the load's event or
// on its follow-up, paths shown or hidden, its own allow-list's alerts) is its own doing here.

const RUNTIME = fileURLToPath(new URL('../../runtime/', import.meta.url));
const INSTRUMENT_URL = pathToFileURL(join(RUNTIME, 'dist', 'instrument.js')).href;
const INDEX_URL = pathToFileURL(join(RUNTIME, 'dist', 'index.js')).href;
const RUNTIME_PACKAGE = join(RUNTIME, 'package.json');

interface Tensor {
  readonly size: number;
}
const mx = (createRequire(RUNTIME_PACKAGE)('@frost-beta/mlx') as { core: { full: (shape: number[], value: number) => Tensor; saveSafetensors: (path: string, arrays: Record<string, Tensor>) => void } }).core;

let work: string;
let runs = 0;
beforeAll(() => {
  if (!existsSync(join(RUNTIME, 'dist', 'instrument.js'))) throw new Error('build the runtime first (pnpm build)');
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-unexpected-model-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A safetensors file of real MLX weights, every one `value`; and its SHA-256. */
function weightsFile(path: string, value: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  mx.saveSafetensors(path, { weight: mx.full([4, 4], value), bias: mx.full([4], value) });
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Runs `body` in a child with `load(path)`, an instrumented `mx.load` as the transformer emits
 * it, `runtime` (the built package) and `renameSync`; returns the trail its file sink wrote.
 */
function writeTrail(body: string, env: Record<string, string> = {}): AuditEvent[] {
  const script = join(work, `script-${++runs}.mjs`);
  const file = join(work, `trail-${runs}`, 'audit.jsonl');
  writeFileSync(
    script,
    `import { createRequire } from 'node:module';
import { renameSync } from 'node:fs';
import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
import * as runtime from ${JSON.stringify(INDEX_URL)};
const { core: mx } = createRequire(${JSON.stringify(RUNTIME_PACKAGE)})('@frost-beta/mlx');
const site = __mlxa.site({ id: 'core.load', kind: 'model-load', mode: 'event', file: 'src/server.ts', line: 1, column: 1, fn: null, callee: 'mx.load', args: ['path'], receiver: null });
const load = (path) => (site.channel.hasSubscribers ? __mlxa.call(site, mx, mx.load, [path]) : mx.load(path));
void renameSync;
${body}
`,
  );
  const child = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: file, MLX_AUDIT_SERVICE_NAME: 'model-server', ...env },
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEvent);
}

function detect(events: readonly AuditEvent[], options?: UnexpectedModelOptions): Alert[] {
  const monitor = new Monitor(unexpectedModelRules(options));
  return [...monitor.pushAll(events), ...monitor.end()];
}

/** The model-load records of a trail, by action. */
const loadRecords = (events: readonly AuditEvent[]): AuditEvent[] => events.filter((event) => event['mlx.kind'] === 'model-load');
const sequenceOf = (event: AuditEvent | undefined): unknown => event?.['event.sequence'];

describe('a model file swapped between two loads of its path, in a real trail', () => {
  it('is the hash-changed alert (and new-hash), with the swapped file’s hash and path and the previous hash; the baseline and the reload are quiet', () => {
    const model = join(work, 'swap', 'model.safetensors');
    const original = weightsFile(model, 1);
    const incoming = join(work, 'swap', 'incoming.safetensors');
    const swapped = weightsFile(incoming, 2);
    const events = writeTrail(`
      load(${JSON.stringify(model)});
      await runtime.modelHashingIdle();
      load(${JSON.stringify(model)});
      renameSync(${JSON.stringify(incoming)}, ${JSON.stringify(model)});
      load(${JSON.stringify(model)});
      await runtime.modelHashingIdle();
      runtime.auditEvent('model.fetch', { kind: 'model-load', source: 'https://user:pw@huggingface.co/org/model/resolve/main/model.safetensors?token=secret' });
    `);
    const records = loadRecords(events);
    // What the runtime wrote: the first load's hash in a follow-up, the reload's on its own event
    // (the file was hashed already), the swapped file's in a follow-up again.
    expect(records.map((event) => [event['event.action'], event['file.hash.sha256']])).toEqual([
      ['core.load', undefined],
      ['mlx-audit.model-hashed', original],
      ['core.load', original],
      ['core.load', undefined],
      ['mlx-audit.model-hashed', swapped],
      ['model.fetch', undefined],
    ]);
    const [, firstHashed, reload, swappedLoad, swappedHashed, fetch] = records;
    expect(firstHashed?.['mlx.load.sequence']).toBe(sequenceOf(records[0]));
    expect(swappedHashed?.['mlx.load.sequence']).toBe(sequenceOf(swappedLoad));

    const alerts = detect(events);
    expect(alerts.map((alert) => alert['rule.id'])).toEqual(['unexpected-model.new-hash', 'unexpected-model.hash-changed', 'unexpected-model.remote-source']);
    const [fresh, changed, remote] = alerts as [Alert, Alert, Alert];
    const swap = {
      'file.path': model,
      'file.hash.sha256': swapped,
      'mlx_audit.previous.sha256': original,
      'mlx.binding': 'core.load',
      'service.name': 'model-server',
      'process.pid': swappedLoad?.['process.pid'],
      'mlx_audit.load.sequence': sequenceOf(swappedLoad),
      'mlx_audit.evidence.sequences': [sequenceOf(reload), sequenceOf(swappedLoad), sequenceOf(swappedHashed)],
      'threat.technique.id': ['AML.T0018'],
    };
    expect(changed).toMatchObject({ ...swap, '@timestamp': swappedHashed?.['@timestamp'], 'event.severity': 73 });
    expect(fresh).toMatchObject({ ...swap, 'event.severity': 47, 'mlx_audit.known_hashes': 1 });
    // The URL as the runtime shows it: no credentials, no query.
    expect(remote).toMatchObject({ 'url.domain': 'huggingface.co', 'mlx_audit.url': 'https://huggingface.co/org/model/resolve/main/model.safetensors', 'mlx.binding': 'model.fetch', 'mlx_audit.evidence.sequences': [sequenceOf(fetch)] });
  });

  it('is found under paths policy hash too, where only the load’s event names the file (by a keyed digest)', () => {
    const model = join(work, 'hidden', 'model.safetensors');
    const original = weightsFile(model, 3);
    const incoming = join(work, 'hidden', 'incoming.safetensors');
    const swapped = weightsFile(incoming, 4);
    const events = writeTrail(
      `
      load(${JSON.stringify(model)});
      await runtime.modelHashingIdle();
      renameSync(${JSON.stringify(incoming)}, ${JSON.stringify(model)});
      load(${JSON.stringify(model)});
    `,
      { MLX_AUDIT_PATHS: 'hash', MLX_AUDIT_HMAC_KEY: 'unexpected-model-key-0123456789' },
    );
    expect(loadRecords(events).map((event) => [event['event.action'], event['file.path']])).toEqual([
      ['core.load', undefined],
      ['mlx-audit.model-hashed', undefined],
      ['core.load', undefined],
      ['mlx-audit.model-hashed', undefined],
    ]);
    const alerts = detect(events);
    expect(alerts.map((alert) => [alert['rule.id'], alert['file.hash.sha256'], alert['mlx_audit.previous.sha256'], alert['file.path']])).toEqual([
      ['unexpected-model.new-hash', swapped, original, undefined],
      ['unexpected-model.hash-changed', swapped, original, undefined],
    ]);
  });
});

describe('a load from outside the allow-list, in a real trail', () => {
  let original: string;
  let unlistedHash: string;
  let allowed: string;
  let unlisted: string;
  let manifest: string;
  beforeAll(() => {
    allowed = join(work, 'models', 'served.safetensors');
    unlisted = join(work, 'models-extra', 'unlisted.safetensors');
    original = weightsFile(allowed, 5);
    unlistedHash = weightsFile(unlisted, 6);
    manifest = join(work, 'models.sha256');
    writeFileSync(manifest, `${original}  served.safetensors\n`);
  });

  it('raises the runtime’s own not-allowed alert with its reason; with the operator’s path list, one alert for the load, not two', () => {
    const events = writeTrail(`load(${JSON.stringify(allowed)});\nload(${JSON.stringify(unlisted)});`, { MLX_AUDIT_MODELS_MANIFEST: manifest });
    const records = loadRecords(events);
    const unlistedLoad = records.find((event) => event['event.action'] === 'core.load' && event['file.path'] === unlisted);
    const notAllowed = records.find((event) => event['event.action'] === 'mlx-audit.model-not-allowed');
    expect(notAllowed).toMatchObject({ 'mlx.load.sequence': sequenceOf(unlistedLoad), 'file.hash.sha256': unlistedHash });

    const [byRuntime, ...others] = detect(events);
    expect(others).toEqual([]);
    expect(byRuntime).toMatchObject({
      'rule.id': 'unexpected-model.unlisted-source',
      'event.severity': 73,
      'event.reason': `The runtime's allow-list of model hashes did not allow the model at ${unlisted}: not in the allow-list`,
      'file.path': unlisted,
      'file.hash.sha256': unlistedHash,
      'mlx.binding': 'core.load',
      'mlx_audit.allow_list': 'runtime',
      'mlx_audit.refused': false,
      'mlx_audit.runtime.reason': 'not in the allow-list',
      'mlx_audit.evidence.sequences': [sequenceOf(unlistedLoad), sequenceOf(notAllowed)],
    });

    // `${work}/models` allows `${work}/models/…`, not `${work}/models-extra/…`.
    const [byPath, ...more] = detect(events, { allowedPaths: [join(work, 'models')] });
    expect(more).toEqual([]);
    expect(byPath).toMatchObject({
      'rule.id': 'unexpected-model.unlisted-source',
      'event.reason': `core.load loaded a model from ${unlisted}, outside the allowed paths (1 prefix)`,
      'mlx_audit.allow_list': 'paths',
      'mlx_audit.evidence.sequences': [sequenceOf(unlistedLoad)],
    });
  });

  it('says the runtime refused it in enforce mode, and takes no hash from the refused load', () => {
    const events = writeTrail(`load(${JSON.stringify(allowed)});\ntry { load(${JSON.stringify(unlisted)}); } catch (error) { if (error.code !== 'ERR_MLX_AUDIT_MODEL_NOT_ALLOWED') throw error; }`, {
      MLX_AUDIT_MODELS_MANIFEST: manifest,
      MLX_AUDIT_MODELS_MODE: 'enforce',
    });
    const alerts = detect(events);
    expect(alerts.map((alert) => [alert['rule.id'], alert['mlx_audit.refused'], alert['file.hash.sha256'], alert['event.reason']])).toEqual([
      ['unexpected-model.unlisted-source', true, unlistedHash, `The runtime's allow-list of model hashes refused the model at ${unlisted}: not in the allow-list`],
    ]);
  });
});
