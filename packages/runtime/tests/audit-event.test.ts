import './support/quiet.js';
import { afterEach, describe, expect, it } from 'vitest';
import { auditEvent, INVALID_ACTION } from '../src/audit-event.js';
import { auditStats, configure, flushAuditLog } from '../src/configure.js';
import { withAuditContext } from '../src/context.js';
import { captureSink, parsedLines, type CaptureSink } from './support/capture.js';
import { mx } from './support/mlx.js';

const KEY = 'test-key-0123456789abcdef0123456789';
const PROMPT = 'PROMPT-MARKER-5d1e tell me the secret';

function capture(options: { hmacKey?: string; paths?: 'full' | 'basename' | 'hash' } = {}): CaptureSink {
  const sink = captureSink();
  configure({ sinks: [sink], exitHooks: false, hmacKey: options.hmacKey ?? null, paths: options.paths ?? 'full' });
  return sink;
}

function events(sink: CaptureSink): Record<string, unknown>[] {
  flushAuditLog();
  return parsedLines(sink);
}

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null });
});

describe('auditEvent', () => {
  it('writes an ECS event through the pipeline, with the request context and the model source', () => {
    const sink = capture();
    withAuditContext({ requestId: 'request-1' }, () => {
      auditEvent('model.load', { kind: 'model-load', source: '/models/tenant-a/weights.safetensors' });
    });
    const [event] = events(sink);
    expect(event).toMatchObject({
      'ecs.version': '8.11.0',
      'log.level': 'info',
      'event.kind': 'event',
      'event.category': ['file'],
      'event.type': ['access'],
      'event.action': 'model.load',
      'event.outcome': 'success',
      'request.id': 'request-1',
      'mlx.kind': 'model-load',
      'mlx.source': { type: 'path', path: '/models/tenant-a/weights.safetensors' },
      'file.path': '/models/tenant-a/weights.safetensors',
    });
    expect(typeof event?.['event.sequence']).toBe('number');
    expect(Date.parse(event?.['@timestamp'] as string)).not.toBeNaN();
  });

  it('shows a source path as the paths policy allows', () => {
    const basename = capture({ paths: 'basename' });
    auditEvent('model.load', { source: '/models/tenant-a/weights.safetensors' });
    expect(events(basename)[0]).toMatchObject({ 'file.path': 'weights.safetensors', 'mlx.source': { type: 'path', path: 'weights.safetensors' } });

    const hashed = capture({ paths: 'hash', hmacKey: KEY });
    auditEvent('model.load', { source: '/models/tenant-a/weights.safetensors' });
    const [event] = events(hashed);
    expect(event).not.toHaveProperty('file.path');
    expect(event?.['mlx.source']).toEqual({ type: 'path', hmac: expect.stringMatching(/^[0-9a-f]{16}$/) as unknown });
    expect(JSON.stringify(event)).not.toContain('tenant-a');
  });

  it('shows where a URL points, never its credentials, query or fragment', () => {
    const sink = capture();
    auditEvent('model.load', { source: 'https://user:hunter2@models.example.com:8443/org/model.safetensors?token=abc123#frag' });
    auditEvent('model.load', { source: new URL('file:///srv/models/model%20v2.safetensors') });
    const [remote, local] = events(sink);
    expect(remote).toMatchObject({
      'url.domain': 'models.example.com',
      'mlx.source': { type: 'path', path: 'https://models.example.com:8443/org/model.safetensors' },
    });
    expect(remote).not.toHaveProperty('file.path');
    expect(JSON.stringify(remote)).not.toMatch(/hunter2|user|abc123|frag/);
    expect(local).toMatchObject({ 'file.path': '/srv/models/model v2.safetensors' });
  });

  it('summarises data: numbers kept, strings as lengths, tensors as shape and dtype', () => {
    const sink = capture();
    auditEvent('model.inference', { kind: 'inference', data: { batch: 4, prompt: PROMPT, logits: mx.full([2, 3], 7777.25, mx.float32) } });
    const [event] = events(sink);
    expect(event?.['mlx.data']).toEqual({
      batch: 4,
      logits: { type: 'tensor', shape: [2, 3], dtype: 'float32', size: 6, nbytes: 24 },
      prompt: { type: 'string', length: PROMPT.length },
    });
    expect(JSON.stringify(event)).not.toMatch(/PROMPT-MARKER|7777/);
  });

  it('records a failure with the error class and the length of a message that is not MLX text', () => {
    const sink = capture();
    const message = 'cannot open /home/alice/weights.safetensors';
    auditEvent('model.load', { source: 'weights.safetensors', error: new RangeError(message) });
    const [event] = events(sink);
    expect(event).toMatchObject({
      'log.level': 'error',
      'event.outcome': 'failure',
      'event.type': ['info', 'error'],
      'error.type': 'RangeError',
      'mlx.error.message_length': message.length,
    });
    expect(JSON.stringify(event)).not.toContain('alice');
  });

  it('never logs free text as the action, and escapes control characters in what it logs', () => {
    const sink = capture();
    auditEvent(`load ${PROMPT}\n{"forged":true}`);
    // A data key that is not a field name may be text: left out. A request id is escaped.
    withAuditContext({ requestId: 'id\u2028\u001b[31m' }, () => {
      auditEvent('model.load', { data: { 'key\u2028\u001b[31m': 1, batch: 2 } });
    });
    const [invalid, escaped] = events(sink);
    expect(invalid?.['event.action']).toBe(INVALID_ACTION);
    expect(JSON.stringify(invalid)).not.toContain('PROMPT-MARKER');
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the test.
    expect(sink.lines.join('').slice(0, -1)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028]/);
    expect(escaped?.['mlx.data']).toEqual({ batch: 2 });
    expect(escaped?.['request.id']).toBe('id\u2028\u001b[31m');
    expect(sink.events[1]?.['request.id']).toBe('id\\u2028\\u001b[31m');
  });

  it('records nothing with no sink; a throwing getter in data costs the value, not the event', () => {
    configure({ sinks: [], exitHooks: false });
    const before = auditStats().recorded;
    const hostile = {
      get batch(): number {
        throw new Error('getter');
      },
    };
    expect(() => {
      auditEvent('model.load', { data: hostile });
    }).not.toThrow();
    expect(auditStats().recorded).toBe(before);
    const sink = capture();
    expect(() => {
      auditEvent('model.load', { data: hostile });
    }).not.toThrow();
    expect(events(sink)[0]?.['mlx.data']).toEqual({ batch: null });
  });
});
