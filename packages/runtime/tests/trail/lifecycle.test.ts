import '../support/quiet.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent, INVALID_ACTION } from '../../src/audit-event.js';
import { configure, flushAuditLog } from '../../src/configure.js';
import { call } from '../../src/instrument.js';
import { evolveKey } from '../../src/trail/format.js';
import { createSealKeys, readSealKeyFile } from '../../src/trail/seal-key.js';
import { verifyTrail } from '../../src/trail/verify.js';
import { captureSink, testSite, type CaptureSink } from '../support/capture.js';
import { requireBuild } from '../support/child-script.js';
import { instrumentedProgram, privateDirectory, remove, runScript, subdirectory, trailFilesIn } from './support.js';

// The runtime's records of its own life: started, configured (to the sinks it drops too, before
// they close), stopped with its counters; and never a key in them, nor anywhere else.

const root = privateDirectory('mlx-audit-lifecycle-');
// A key no output may ever show, in any form.
const MARKER_KEY = 'MARKER-hmac-key-7f3a9c2e-0123456789abcdef';
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

afterAll(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null, paths: 'full' });
  remove(root);
});

/** A capture sink that notes how many lifecycle records it had when it was closed. */
function closingSink(name: string): CaptureSink & { recordsAtClose: number | undefined } {
  const sink = Object.assign(captureSink(name), { recordsAtClose: undefined as number | undefined });
  sink.close = () => {
    sink.closed = true;
    sink.recordsAtClose = sink.lifecycle.length;
  };
  return sink;
}

describe('lifecycle records', () => {
  it('start the run, follow each configuration (to the dropped sinks before they close), and hold no key', () => {
    const first = closingSink('first');
    configure({ sinks: [first], exitHooks: false, hmacKey: MARKER_KEY, paths: 'hash', serviceName: 'svc' });
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    call(load, undefined, () => ({}), ['/models/secret/model.safetensors']);
    flushAuditLog();
    const second = closingSink('second');
    configure({ sinks: [first, second], exitHooks: false, hmacKey: MARKER_KEY, paths: 'basename', models: { allow: [{ sha256: 'a'.repeat(64) }, { sha256: 'b'.repeat(64) }], mode: 'enforce' } });
    configure({ sinks: [], exitHooks: false });

    expect(first.lifecycle.map((record) => record['event.action'])).toEqual(['mlx-audit.started', 'mlx-audit.configured', 'mlx-audit.configured']);
    expect(first.lifecycle[0]).toMatchObject({
      'event.kind': 'event',
      'event.category': ['process'],
      'event.type': ['start'],
      'service.name': 'svc',
      'mlx_audit.version': VERSION,
      'mlx_audit.sinks': ['first'],
      'mlx_audit.paths': 'hash',
      'mlx_audit.error_messages': 'mlx',
      'mlx_audit.hmac_key': true,
      'mlx_audit.seal_key': false,
      'mlx_audit.buffer_size': 16384,
      // No allow-list: a reader of the trail (the review report) knows no load was checked.
      'mlx_audit.models': 'none',
      'mlx_audit.models_allowed': 0,
    });
    expect(first.lifecycle[0]?.['mlx_audit.run']).toMatch(/^[0-9a-f]{32}$/);
    expect(first.lifecycle[1]).toMatchObject({ 'event.type': ['change'], 'mlx_audit.sinks': ['first', 'second'], 'mlx_audit.paths': 'basename', 'mlx_audit.models': 'enforce', 'mlx_audit.models_allowed': 2 });
    // Turning the sinks off is said to them, before they close.
    expect(first.lifecycle[2]).toMatchObject({ 'mlx_audit.sinks': [], 'mlx_audit.hmac_key': false });
    expect(first.recordsAtClose).toBe(3);
    // A sink that joins hears of the configuration that added it, first.
    expect(second.lifecycle.map((record) => record['mlx_audit.sinks'])).toEqual([['first', 'second'], []]);
    expect(second.recordsAtClose).toBe(2);
    // Records and events share the process chain: one numbering, one hash each.
    const sequence = [first.lifecycle[0], first.events[0], first.lifecycle[1], first.lifecycle[2]].map((event) => event?.['trail.line'] as number);
    expect(sequence.map((line) => line - (sequence[0] ?? 0))).toEqual([0, 1, 2, 3]);
    expect(second.lifecycle[0]?.['event.hash']).toBe(first.lifecycle[1]?.['event.hash']);
    const everything = JSON.stringify([first, second]);
    expect(everything).not.toContain(MARKER_KEY);
    expect(everything).not.toContain(Buffer.from(MARKER_KEY).toString('hex'));
    expect(everything).not.toContain(Buffer.from(MARKER_KEY).toString('base64'));
  });

  it('cannot be forged through auditEvent: the mlx-audit. actions are the runtime\'s', () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    auditEvent('mlx-audit.stopped');
    auditEvent('mlx-audit.seal', { data: { epoch: 1 } });
    flushAuditLog();
    expect(sink.events.map((event) => event['event.action'])).toEqual([INVALID_ACTION, INVALID_ACTION]);
    expect(sink.lifecycle.map((record) => record['event.action'])).not.toContain('mlx-audit.stopped');
  });
});

describe('a run, from outside', () => {
  it('ends with its stopped record and its counters, and no output shows a key: not the HMAC key, not a seal key of any epoch', async () => {
    requireBuild();
    const keys = subdirectory(root, 'keys');
    createSealKeys({ initialKeyFile: join(keys, 'initial.key'), stateFile: join(keys, 'state.key') });
    const trail = subdirectory(root, 'trail');
    const script = join(root, 'run.mjs');
    writeFileSync(script, instrumentedProgram({ steps: 12, weights: join(root, 'model.safetensors') }));
    const run = await runScript(script, {
      MLX_AUDIT_SINK: 'file,stderr',
      MLX_AUDIT_FILE: join(trail, 'audit.jsonl'),
      MLX_AUDIT_HMAC_KEY: MARKER_KEY,
      MLX_AUDIT_PATHS: 'hash',
      MLX_AUDIT_SEAL_KEY_FILE: join(keys, 'state.key'),
      MLX_AUDIT_SEAL_EVERY_LINES: '10',
    });
    expect(run).toMatchObject({ code: 0, signal: null });
    const stderrRecords = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const lifecycle = stderrRecords.filter((record) => ['mlx-audit.started', 'mlx-audit.configured', 'mlx-audit.stopped'].includes(String(record['event.action'])));
    expect(lifecycle.map((record) => record['event.action'])).toEqual(['mlx-audit.started', 'mlx-audit.stopped']);
    expect(lifecycle[0]).toMatchObject({ 'mlx_audit.sinks': ['stderr', 'file'], 'mlx_audit.hmac_key': true, 'mlx_audit.seal_key': true, 'mlx_audit.seal_every_lines': 10, 'mlx_audit.paths': 'hash' });
    const calls = stderrRecords.length - lifecycle.length;
    expect(lifecycle[1]).toMatchObject({
      'event.type': ['end'],
      'log.level': 'info',
      'mlx_audit.stop_reason': 'exit',
      'process.exit_code': 0,
      'mlx_audit.recorded': calls,
      'mlx_audit.dropped': 0,
      'mlx_audit.delivered': calls,
      'mlx_audit.lost': 0,
      'mlx_audit.recorded_by_sinks': 0,
      'mlx_audit.sink_failures': {},
    });
    // The stderr copy is a trail of its own (the process chain), from the run's start to its stop.
    writeFileSync(join(root, 'stderr.jsonl'), stderrRecords.map((record) => `${JSON.stringify(record)}\n`).join(''));
    const stderrTrail = await verifyTrail(join(root, 'stderr.jsonl'));
    expect(stderrTrail).toMatchObject({ intact: true, sealing: 'unsealed', streams: [{ kind: 'process', id: lifecycle[0]?.['mlx_audit.run'], stopped: true }] });
    const fileTrail = await verifyTrail(trail, { keys: [readSealKeyFile(join(keys, 'initial.key'))] });
    expect(fileTrail).toMatchObject({ intact: true, sealing: 'verified' });

    const output = [run.stdout, run.stderr, ...trailFilesIn(trail).map((file) => readFileSync(file, 'utf8'))].join('\n');
    expect(output).not.toContain(MARKER_KEY);
    expect(output).not.toContain(Buffer.from(MARKER_KEY).toString('hex'));
    let key = readSealKeyFile(join(keys, 'initial.key')).key;
    const lastEpoch = fileTrail.streams[0]?.epochs?.last ?? 0;
    expect(lastEpoch).toBeGreaterThan(2);
    for (let epoch = 0; epoch <= lastEpoch + 1; epoch++) {
      expect(output).not.toContain(key.toString('hex'));
      expect(output).not.toContain(key.toString('base64'));
      key = evolveKey(key);
    }
  });

  it('says which signal stopped the run', async () => {
    const trail = subdirectory(root, 'signalled');
    const script = join(root, 'signalled.mjs');
    writeFileSync(script, instrumentedProgram({ steps: 0, weights: join(root, 'signalled.safetensors'), ready: 3 }));
    const run = await runScript(script, { MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(trail, 'audit.jsonl') }, 'SIGTERM');
    expect(run.signal).toBe('SIGTERM');
    const lines = readFileSync(join(trail, 'audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ 'event.action': 'mlx-audit.stopped', 'mlx_audit.stop_reason': 'signal', 'mlx_audit.signal': 'SIGTERM' });
    expect(JSON.parse(lines.at(-1) ?? '')).not.toHaveProperty('process.exit_code');
    expect((await verifyTrail(trail)).problems).toEqual([]);
  });
});
