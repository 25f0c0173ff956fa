import '../support/quiet.js';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configure, flushAuditLog, type AuditOptions } from '../../src/configure.js';
import { call } from '../../src/instrument.js';
import { fileSink } from '../../src/sinks/file.js';
import type { SealOptions } from '../../src/trail/seal-options.js';
import { createSealKeys, readSealKeyFile } from '../../src/trail/seal-key.js';
import { verifyTrail } from '../../src/trail/verify.js';
import { captureSink, testSite } from '../support/capture.js';
import { PACKAGE_ROOT, requireBuild } from '../support/child-script.js';
import { instrumentedProgram, privateDirectory, remove, runScript, subdirectory } from './support.js';

// The seal option and its variables: a mistake in the option stops loudly (a TypeError for its
// shape, an Error for a key file that cannot be used) and changes nothing; a mistake in the
// variables keeps auditing on, chained, and says on stderr that nothing is sealed.

const root = privateDirectory('mlx-audit-seal-config-');
const keys = subdirectory(root, 'keys');
const STATE = join(keys, 'state.key');
const INITIAL = join(keys, 'initial.key');
createSealKeys({ initialKeyFile: INITIAL, stateFile: STATE });

afterEach(() => {
  configure({ sinks: [], exitHooks: false });
});

afterAll(() => {
  remove(root);
});

describe('the seal option', () => {
  it('throws a TypeError for a mistake in its shape, and changes nothing', () => {
    const kept = captureSink('kept');
    configure({ sinks: [kept], exitHooks: false });
    const file = fileSink({ path: join(subdirectory(root, 'typos'), 'audit.jsonl') });
    const mistakes: unknown[] = [
      { seal: { keyFile: STATE, evryLines: 3 } },
      { seal: { keyfile: STATE } },
      { seal: STATE },
      { seal: { keyFile: '' } },
      { seal: { keyFile: STATE, everyLines: 0 } },
      { seal: { keyFile: STATE, everyLines: 1.5 } },
      // No file sink to seal, or two (one key state seals one trail).
      { seal: { keyFile: STATE }, sinks: [kept] },
      { seal: { keyFile: STATE }, sinks: [file, fileSink({ path: join(root, 'typos', 'other.jsonl') })] },
      { seals: { keyFile: STATE } },
    ];
    for (const options of mistakes) {
      expect(() => {
        configure({ sinks: [file], exitHooks: false, ...(options as AuditOptions) });
      }, JSON.stringify(options)).toThrow(TypeError);
    }
    expect(() => {
      configure({ sinks: [file], exitHooks: false, seal: { keyFile: STATE, evryLines: 3 } as unknown as SealOptions });
    }).toThrow(/unknown seal option 'evryLines'; the seal options are keyFile, everyLines/);
    expect(kept.closed).toBe(false);
    expect(kept.lifecycle).toHaveLength(1);
  });

  it('throws an Error naming the key file it cannot use, and changes nothing', () => {
    const kept = captureSink('kept');
    configure({ sinks: [kept], exitHooks: false });
    const readable = join(keys, 'readable.key');
    copyFileSync(STATE, readable);
    chmodSync(readable, 0o644);
    const file = fileSink({ path: join(subdirectory(root, 'bad-keys'), 'audit.jsonl') });
    for (const [keyFile, message] of [
      [readable, /seal\.keyFile: refusing the seal key file .*readable\.key: its group or others may read or write it \(mode 644\)/],
      [join(keys, 'missing.key'), /seal\.keyFile: cannot read the seal key file .*missing\.key: .*ENOENT/],
      [INITIAL, /seal\.keyFile: .*initial\.key is the verifier's initial key/],
    ] as const) {
      expect(() => {
        configure({ sinks: [file], exitHooks: false, seal: { keyFile } });
      }).toThrow(message);
    }
    expect(kept.closed).toBe(false);
  });

  it('seals the file sink it is given, and null leaves it unsealed whatever the variable says', async () => {
    const sealedDirectory = subdirectory(root, 'sealed');
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    configure({ sinks: [fileSink({ path: join(sealedDirectory, 'audit.jsonl') })], exitHooks: false, seal: { keyFile: STATE, everyLines: 2 } });
    for (let index = 0; index < 5; index++) call(load, undefined, () => ({}), ['model.safetensors']);
    flushAuditLog();
    // The sink is dropped: its stream ends with its closed record and a last seal.
    configure({ sinks: [], exitHooks: false });
    const sealed = await verifyTrail(sealedDirectory, { keys: [readSealKeyFile(INITIAL)] });
    expect(sealed).toMatchObject({ intact: true, sealing: 'verified', streams: [{ stopped: true, unsealedLines: 0 }] });

    const unsealedDirectory = subdirectory(root, 'unsealed');
    configure({ sinks: [fileSink({ path: join(unsealedDirectory, 'audit.jsonl') })], exitHooks: false, seal: null, env: { MLX_AUDIT_SEAL_KEY_FILE: STATE } });
    call(load, undefined, () => ({}), ['model.safetensors']);
    flushAuditLog();
    configure({ sinks: [], exitHooks: false });
    expect(await verifyTrail(unsealedDirectory)).toMatchObject({ intact: true, sealing: 'unsealed' });
  });
});

describe('the seal variables', () => {
  async function run(variables: Record<string, string>) {
    requireBuild();
    const trail = subdirectory(root, `env-${String(Math.random()).slice(2)}`);
    const script = join(trail, '..', `${String(Math.random()).slice(2)}.mjs`);
    writeFileSync(script, instrumentedProgram({ steps: 3, weights: join(trail, '..', 'model.safetensors') }));
    const result = await runScript(script, { MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(trail, 'audit.jsonl'), ...variables });
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('mlx-audit:'));
    return { result, warnings, verification: await verifyTrail(trail) };
  }

  it('keep auditing on, chained but unsealed, and say so, when the key file cannot be used', async () => {
    const readable = join(keys, 'env-readable.key');
    copyFileSync(STATE, readable);
    chmodSync(readable, 0o640);
    const { result, warnings, verification } = await run({ MLX_AUDIT_SEAL_KEY_FILE: readable });
    expect(result.code).toBe(0);
    expect(warnings).toEqual([expect.stringMatching(/^mlx-audit: MLX_AUDIT_SEAL_KEY_FILE: refusing the seal key file .*env-readable\.key: its group or others may read or write it \(mode 640\).*; the file trail is chained but NOT sealed$/)]);
    expect(verification).toMatchObject({ intact: true, sealing: 'unsealed', streams: [{ stopped: true, seals: 0 }] });
  });

  it('say when no file sink is there to seal, and keep their interval when it is not a number', async () => {
    const noFile = await run({ MLX_AUDIT_SINK: 'stderr', MLX_AUDIT_SEAL_KEY_FILE: STATE });
    expect(noFile.warnings).toEqual(['mlx-audit: MLX_AUDIT_SEAL_KEY_FILE is set, but the sinks hold 0 file sinks, not one: nothing is sealed']);
    const badInterval = await run({ MLX_AUDIT_SEAL_KEY_FILE: STATE, MLX_AUDIT_SEAL_EVERY_LINES: 'often' });
    expect(badInterval.warnings).toEqual(['mlx-audit: MLX_AUDIT_SEAL_EVERY_LINES=often is not an integer of at least 1; using 1000']);
    expect(badInterval.verification).toMatchObject({ intact: true, sealing: 'unverified' });
    const typo = await run({ MLX_AUDIT_SEAL_KEYFILE: STATE });
    expect(typo.warnings.join('\n')).toMatch(/MLX_AUDIT_SEAL_KEYFILE is not a variable mlx-audit reads/);
  });

  it('report a state file that another process changed, and keep the key in memory only', async () => {
    requireBuild();
    const directory = subdirectory(root, 'shared');
    createSealKeys({ initialKeyFile: join(directory, 'initial.key'), stateFile: join(directory, 'state.key') });
    createSealKeys({ initialKeyFile: join(directory, 'other-initial.key'), stateFile: join(directory, 'other-state.key') });
    const script = join(directory, 'shared.mjs');
    writeFileSync(
      script,
      `import { copyFileSync } from 'node:fs';
import { loadSealState } from ${JSON.stringify(pathToFileURL(join(PACKAGE_ROOT, 'dist', 'trail', 'seal-key.js')).href)};
const state = loadSealState(${JSON.stringify(join(directory, 'state.key'))});
state.evolve();
// Someone else writes the file meanwhile.
copyFileSync(${JSON.stringify(join(directory, 'other-state.key'))}, ${JSON.stringify(join(directory, 'state.key'))});
state.evolve();
state.evolve();
process.stdout.write(String(state.epoch));`,
    );
    const result = await runScript(script, {});
    expect(result.stdout).toBe('3');
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/state\.key was changed by someone else since this process wrote its epoch 1: .*keeps its key in memory only$/)]);
  });
});
