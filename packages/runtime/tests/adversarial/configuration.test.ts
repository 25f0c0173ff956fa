import '../support/quiet.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog, type AuditOptions } from '../../src/configure.js';
import { call } from '../../src/instrument.js';
import { INSTRUMENT_URL } from '../support/child-script.js';
import { captureSink, parsedLines, testSite } from '../support/capture.js';
import { eventsIn, runtimeActionsIn } from '../support/trail.js';

// Issue #11, finding 6: a configuration mistake keeps auditing on with the safest setting, or
// stops loudly; it never turns auditing off silently, and never reveals more than intended.

const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-configuration-'));
const SECRET_DIRECTORY = '/srv/tenant-acme-7f3a';

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null, paths: 'full' });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A child that loads the instrument module (configured by its environment alone) and makes one model load. */
function runWithEnvironment(variables: Record<string, string>) {
  const path = join(directory, `child-${String(Math.random()).slice(2)}.mjs`);
  writeFileSync(
    path,
    `import * as __mlxa from ${JSON.stringify(INSTRUMENT_URL)};
const load = __mlxa.site({ id: 'core.load', kind: 'model-load', mode: 'event', file: 'src/app.ts', line: 1, column: 1, fn: null, callee: 'mx.load', args: ['path'], receiver: null });
if (load.channel.hasSubscribers) __mlxa.call(load, undefined, () => ({}), [${JSON.stringify(`${SECRET_DIRECTORY}/model.safetensors`)}]);
`,
  );
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...variables };
  const child = spawnSync(process.execPath, [path], { env, encoding: 'utf8', timeout: 20_000 });
  // The events of the child's calls; the run's own records (its start and stop) apart.
  const events = eventsIn(child.stderr.split('\n').filter((line) => line.startsWith('{')).join('\n'));
  const lifecycle = runtimeActionsIn(child.stderr.split('\n').filter((line) => line.startsWith('{')).join('\n'));
  const warnings = child.stderr.split('\n').filter((line) => line.startsWith('mlx-audit:'));
  return { status: child.status, events, lifecycle, warnings };
}

describe('6: typos in variables', () => {
  it('6: an unknown MLX_AUDIT_SINK value keeps auditing on (stderr) and says so', () => {
    for (const value of ['flie', 'stdout', ' , ']) {
      const { status, events, lifecycle, warnings } = runWithEnvironment({ MLX_AUDIT_SINK: value });
      expect(status).toBe(0);
      expect(events.map((event) => event['event.action'])).toEqual(['core.load']);
      expect(lifecycle).toEqual(['mlx-audit.started', 'mlx-audit.stopped']);
      expect(warnings.join('\n')).toMatch(/MLX_AUDIT_SINK/);
    }
  });

  it("6: 'off' turns auditing off only alone: in a list with a sink it is a contradiction, and the sink wins", () => {
    expect(runWithEnvironment({ MLX_AUDIT_SINK: 'off' })).toMatchObject({ events: [], lifecycle: [] });
    const { events, warnings } = runWithEnvironment({ MLX_AUDIT_SINK: 'off,stderr' });
    expect(events).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/MLX_AUDIT_SINK/);
  });

  it('6: an unknown MLX_AUDIT_PATHS value falls back to hash, the safest, not full', () => {
    const { events, warnings } = runWithEnvironment({ MLX_AUDIT_PATHS: 'hashed' });
    expect(JSON.stringify(events)).not.toContain('tenant-acme');
    expect(events[0]?.['mlx.args']).toEqual([{ type: 'path', length: `${SECRET_DIRECTORY}/model.safetensors`.length }]);
    expect(warnings.join('\n')).toMatch(/MLX_AUDIT_PATHS=hashed .*hash/);
  });

  it('6: a short MLX_AUDIT_HMAC_KEY is refused (no digest made with it), loudly, without echoing it', () => {
    const { events, warnings } = runWithEnvironment({ MLX_AUDIT_HMAC_KEY: 'k1', MLX_AUDIT_PATHS: 'hash' });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain('hmac');
    expect(warnings.join('\n')).toMatch(/MLX_AUDIT_HMAC_KEY is shorter than 16 bytes/);
    expect(warnings.join('\n')).not.toContain('k1');
  });

  it('6: a misspelt variable name is reported', () => {
    const { events, warnings } = runWithEnvironment({ MLX_AUDIT_PATH: 'hash' });
    expect(events).toHaveLength(1);
    expect(warnings.join('\n')).toMatch(/MLX_AUDIT_PATH is not a variable mlx-audit reads/);
  });
});

describe('6: mistakes in configure()', () => {
  const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });

  it('6: one-character keys are refused, as options', () => {
    expect(() => {
      configure({ sinks: [], exitHooks: false, hmacKey: 'k' });
    }).toThrow(/hmacKey must be at least 16 bytes/);
    expect(() => {
      configure({ sinks: [], exitHooks: false, hmacKey: new Uint8Array(15) });
    }).toThrow(TypeError);
  });

  it('6: an invalid option changes nothing: the configuration in force stays, whole', () => {
    const kept = captureSink('kept');
    configure({ sinks: [kept], exitHooks: false, paths: 'basename' });
    const replacement = captureSink('replacement');
    const mistakes: unknown[] = [
      { sinks: [replacement], paths: 'full', hmacKey: 12345 },
      { sinks: [replacement], paths: 'full', bufferSize: -1 },
      { sinks: [replacement], paths: 'everything' },
      { sinks: [replacement], errorMessages: 'all' },
      { sinks: [{ name: 'no write method' }] },
      { sinks: [replacement], exitHooks: 'no' },
      { sinks: [replacement], serviceName: 42 },
      // A misspelt option name: 'sink' would otherwise be ignored and the environment's sinks used.
      { sink: [] },
    ];
    for (const options of mistakes) {
      expect(() => {
        configure({ exitHooks: false, ...(options as AuditOptions) });
      }).toThrow(TypeError);
    }
    call(load, undefined, () => ({}), [`${SECRET_DIRECTORY}/model.safetensors`]);
    flushAuditLog();
    expect(replacement.lines).toEqual([]);
    expect(replacement.closed).toBe(false);
    expect(kept.closed).toBe(false);
    expect(parsedLines(kept).map((event) => event['file.path'])).toEqual(['model.safetensors']);
    expect(auditStats().sinkFailures).toEqual({});
  });
});
