import '../support/quiet.js';
import { writeFileSync, mkdtempSync, rmSync, openSync, closeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { auditEvent } from '../../src/audit-event.js';
import { configure, flushAuditLog } from '../../src/configure.js';
import { withAuditContext } from '../../src/context.js';
import type { SiteArgumentRole } from '../../src/contract.js';
import { call } from '../../src/instrument.js';
import { functionSink } from '../../src/sinks/function.js';
import { captureSink, parsedLines, testSite, type CaptureSink } from '../support/capture.js';
import { standaloneNumber } from '../support/markers.js';
import { mx, type Tensor } from '../support/mlx.js';

// The attacks of issue #11, findings 2 to 5 and 11, each as it was observed: a value the user
// controls reaches an event. Every test looks at both forms a sink receives (lines and events).

const KEY = 'adversarial-key-0123456789abcdef';
const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-attack-'));

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null, paths: 'full' });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function capture(options: { hmacKey?: string | null; paths?: 'full' | 'basename' | 'hash' } = {}): CaptureSink {
  const sink = captureSink();
  configure({ sinks: [sink], exitHooks: false, hmacKey: options.hmacKey ?? null, paths: options.paths ?? 'full' });
  return sink;
}

/** Everything the sink was given, both forms. */
function output(sink: CaptureSink): string {
  flushAuditLog();
  return sink.lines.join('') + JSON.stringify(sink.events);
}

function oneEvent(sink: CaptureSink): Record<string, unknown> {
  flushAuditLog();
  const events = parsedLines(sink);
  expect(events).toHaveLength(1);
  return events[0] ?? {};
}

function callWith(roles: SiteArgumentRole[], args: unknown[], options: { kind?: string; id?: string; result?: unknown; receiver?: unknown } = {}): void {
  const site = testSite({ id: options.id ?? 'user:entry', kind: options.kind ?? 'inference', args: roles, receiver: options.receiver === undefined ? null : 'module' });
  call(site, options.receiver, () => options.result, args);
}

describe('2: text used as keys', () => {
  const SECRET = 'my password is hunter2';
  const EMAIL = 'alice@example.com';

  it('2: keys of a record of tensors (mx.eval({ [text]: t })) are counted, not shown', () => {
    const sink = capture({ hmacKey: KEY });
    const eval_ = testSite({ id: 'core.eval', kind: 'evaluation', args: ['other'] });
    call(eval_, mx, () => undefined, [{ [SECRET]: mx.full([1], 1) }]);
    const text = output(sink);
    expect(text).not.toContain('hunter2');
    expect(oneEvent(sink)['mlx.args']).toEqual([{ type: 'weights', count: 1 }]);
  });

  it('2: [text, tensor] pair lists, Maps of text to tensors and plain objects show no key, as arguments and as results', () => {
    const sink = capture({ hmacKey: KEY });
    const tensor = mx.full([2], 1);
    const map = new Map<string, unknown>([[EMAIL, tensor]]);
    callWith(['weights', 'other', 'other', 'option'], [[[SECRET, tensor]], map, { [EMAIL]: 1 }, { [SECRET]: true }], { result: new Map([[SECRET, tensor]]) });
    const text = output(sink);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('alice');
    const event = oneEvent(sink);
    expect(event['mlx.args']).toEqual([
      { type: 'weights', count: 1 },
      { type: 'weights', count: 1 },
      { type: 'object', count: 1 },
      { type: 'object', count: 1 },
    ]);
    expect(event['mlx.result']).toEqual({ type: 'weights', count: 1 });
  });

  it('2: a 1 MiB key makes no 1 MiB line', () => {
    const sink = capture();
    callWith(['other'], [{ ['k'.repeat(1 << 20)]: 1 }]);
    expect(sink.lines.join('').length).toBeLessThan(1 << 20);
    flushAuditLog();
    expect(Math.max(...sink.lines.map((line) => line.length))).toBeLessThan(4096);
  });
});

describe('3: error messages', () => {
  it("3: a user forward's message is not logged word for word; its type and length are", () => {
    const sink = capture({ hmacKey: KEY });
    const message = 'bad input for prompt "my SSN is 078-05-1120"';
    const forward = testSite({ id: 'nn.Module#forward', kind: 'inference', args: ['tensor'], receiver: 'module' });
    expect(() =>
      call(forward, {}, () => {
        throw new RangeError(message);
      }, [mx.full([1], 1)]),
    ).toThrow(message);
    const text = output(sink);
    expect(text).not.toContain('SSN');
    expect(text).not.toMatch(standaloneNumber('078'));
    expect(text).not.toContain('bad input');
    const event = oneEvent(sink);
    expect(event['error.type']).toBe('RangeError');
    expect(event['error.message']).toBeUndefined();
    expect(event['mlx.error.message_length']).toBe(message.length);
  });

  it("3: MLX's own messages keep their fixed text and lose what MLX echoed (a broken safetensors header)", () => {
    const sink = capture();
    const path = join(directory, 'broken.safetensors');
    const header = Buffer.from('{"w":{"dtype":"sk-LIVE-4f9a","shape":[1],"data_offsets":[0,4]}}');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(path, Buffer.concat([length, header, Buffer.alloc(4)]));
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    expect(() => call(load, mx, mx.load, [path])).toThrow(/sk-LIVE-4f9a/);
    const text = output(sink);
    expect(text).not.toContain('sk-LIVE');
    expect(oneEvent(sink)['error.message']).toBe('[safetensor] unsupported dtype …');
  });

  it('3: a reshape error keeps its words, not its numbers', () => {
    const sink = capture();
    const reshape = testSite({ id: 'core.reshape', kind: 'tensor-operation', args: ['tensor', 'shape'] });
    const reshapeFn = (mx as unknown as { reshape: (a: Tensor, shape: number[]) => Tensor }).reshape;
    expect(() => call(reshape, mx, reshapeFn, [mx.full([2, 3], 1), [918273]])).toThrow(/918273/);
    const event = oneEvent(sink);
    expect(event['error.message']).toBe('[reshape] Cannot reshape array of size …');
  });

  it('3: paths of every form in MLX messages never show, whatever the path mode', () => {
    for (const paths of ['full', 'basename', 'hash'] as const) {
      const sink = capture({ paths, hmacKey: KEY });
      const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
      for (const path of ['tenant-acme/models/m.safetensors', '/srv/tenant acme/m.safetensors', '/srv/tenant:acme/m.safetensors']) {
        expect(() => call(load, mx, mx.load, [path])).toThrow();
      }
      flushAuditLog();
      const messages = parsedLines(sink).map((event) => event['error.message']);
      expect(messages).toHaveLength(3);
      expect(JSON.stringify(messages)).not.toContain('acme');
    }
  });

  it('3: with errorMessages: "trusted", messages are shown with paths and URL secrets reduced', () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false, errorMessages: 'trusted' });
    const forward = testSite({ id: 'nn.Module#forward', kind: 'inference', args: ['tensor'] });
    expect(() =>
      call(forward, undefined, () => {
        throw new Error('cannot fetch https://svc:TOKEN-77@host.example/w?sig=SIG-77 for ~/tenant-acme/m.bin');
      }, []),
    ).toThrow();
    const message = oneEvent(sink)['error.message'];
    expect(message).toBe('cannot fetch https://host.example/w for m.bin');
  });
});

describe('4: URL credentials', () => {
  const URL_TEXT = 'https://svc:TOKEN-31337@host.example/w/m.safetensors?X-Amz-Signature=SIG-31337#frag-31337';

  it('4: a path argument that is a URL keeps scheme, host and path only, in every mode and in error.message', () => {
    for (const paths of ['full', 'basename', 'hash'] as const) {
      const sink = capture({ paths, hmacKey: KEY });
      const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
      expect(() => call(load, mx, mx.load, [URL_TEXT])).toThrow();
      const text = output(sink);
      expect(text).not.toMatch(standaloneNumber('31337'));
      const event = oneEvent(sink);
      if (paths === 'full') {
        expect(event['mlx.args']).toEqual([{ type: 'path', path: 'https://host.example/w/m.safetensors' }]);
        expect(event['file.path']).toBe('https://host.example/w/m.safetensors');
      }
      if (paths === 'basename') expect(event['file.path']).toBe('m.safetensors');
    }
  });

  it("4: auditEvent's source is stripped whatever its spelling", () => {
    const sink = capture();
    for (const source of [
      ` ${URL_TEXT}`,
      'https:/svc:TOKEN-31337@host.example/m?SIG-31337',
      'hf:user:TOKEN-31337@org/model',
      'data:application/octet-stream;base64,TOKEN-31337',
      'S3://key:TOKEN-31337@bucket/m',
    ]) {
      auditEvent('model.load', { kind: 'model-load', source });
    }
    const text = output(sink);
    expect(text).not.toMatch(standaloneNumber('31337'));
    const sources = parsedLines(sink).map((event) => event['mlx.source']);
    expect(sources).toEqual([
      { type: 'path', path: 'https://host.example/w/m.safetensors' },
      { type: 'path', path: 'https://host.example/m' },
      { type: 'path', path: 'hf:' },
      { type: 'path', path: 'data:' },
      { type: 'path', path: 's3://bucket/m' },
    ]);
  });
});

describe('5: keyed digests of low-entropy values', () => {
  it("5: a result derived from tensor contents (pred.toString()) gets no digest, even with a key", () => {
    const sink = capture({ hmacKey: KEY });
    const toString = testSite({ id: 'core.array#toString', kind: 'data-extraction', args: [], receiver: 'tensor' });
    const prediction = mx.full([1], 3);
    call(toString, prediction, () => 'array([3], dtype=float32)', []);
    const event = oneEvent(sink);
    expect(event['mlx.result']).toEqual({ type: 'string', length: 25 });
  });

  it('5: strings that are not text arguments get no digest either (options, results, user entries)', () => {
    const sink = capture({ hmacKey: KEY });
    callWith(['option', 'other', 'text'], ['yes', 'no', 'a prompt'], { result: 'label-2' });
    const event = oneEvent(sink);
    expect(event['mlx.args']).toEqual([{ type: 'string', length: 3 }, { type: 'string', length: 2 }, expect.objectContaining({ type: 'string', length: 8, hmac: expect.any(String) as string })]);
    expect(event['mlx.result']).toEqual({ type: 'string', length: 7 });
  });
});

describe('11: smaller findings', () => {
  it('11: zero-width, soft-hyphen and tag characters and lone surrogates are escaped in lines and events', () => {
    const sink = capture();
    const hostile = 'a\u200bb\u00adc\u2060d\u{e0041}e\ud800f\udc00g';
    auditEvent('model.load', { error: Object.assign(new Error('x'), { name: 'y' }) });
    withAuditContext({ requestId: hostile, clientId: hostile }, () => {
      callWith(['other'], [1]);
    });
    flushAuditLog();
    for (const form of [sink.lines.join(''), JSON.stringify(sink.events)]) {
      expect(form).not.toMatch(/[\u200b\u00ad\u2060]|\udb40[\udc00-\udc7f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
    // The events object sinks get carry the six characters `\udXXX`, never a lone surrogate.
    expect(JSON.stringify(sink.events)).toContain('\\\\ud800');
  });

  it('11: request.id and client.id are capped', () => {
    const sink = capture();
    withAuditContext({ requestId: 'r'.repeat(100_000), clientId: 'c'.repeat(100_000) }, () => {
      callWith(['other'], [1]);
    });
    const event = oneEvent(sink);
    expect((event['request.id'] as string).length).toBeLessThanOrEqual(128);
    expect((event['client.id'] as string).length).toBeLessThanOrEqual(128);
  });

  it("11: error.type names the class of Node's system errors, not Object, and error.code gives their code", () => {
    const sink = capture();
    const spawned = spawnSync('/nonexistent-binary-of-mlx-audit');
    const system = spawned.error;
    let ebadf: unknown;
    try {
      closeSync(openSync('/nonexistent-dir-of-mlx-audit/x', 'r'));
    } catch (error) {
      ebadf = error;
    }
    auditEvent('app.spawn', { error: system });
    auditEvent('app.open', { error: ebadf });
    flushAuditLog();
    const events = parsedLines(sink);
    expect(events.map((event) => [event['error.type'], event['error.code']])).toEqual([
      ['Error', 'ENOENT'],
      ['Error', 'ENOENT'],
    ]);
  });

  it('11: getters and Proxy traps of user objects never run while summarising', () => {
    const sink = capture();
    const ran: string[] = [];
    const trapped = new Proxy(
      {},
      {
        get: () => ran.push('get'),
        has: () => ran.push('has') > 0,
        ownKeys: () => (ran.push('ownKeys'), []),
        getPrototypeOf: () => (ran.push('getPrototypeOf'), null),
        getOwnPropertyDescriptor: () => (ran.push('descriptor'), undefined),
      },
    );
    const getters = {
      get first() {
        ran.push('getter');
        return 1;
      },
    };
    const indexed: number[] = [];
    Object.defineProperty(indexed, 0, {
      get() {
        ran.push('index');
        return 1;
      },
      enumerable: true,
    });
    class Model {
      readonly layers = 1;
    }
    const inherits = Object.create(trapped) as object;
    callWith(['other', 'other', 'shape', 'weights', 'other'], [trapped, getters, indexed, getters, inherits], { result: trapped, receiver: trapped });
    callWith(['other'], [new Model()], { receiver: inherits });
    output(sink);
    expect(ran).toEqual([]);
    const [event] = parsedLines(sink);
    expect(event?.['mlx.receiver']).toEqual({ type: 'Proxy' });
    expect(event?.['mlx.result']).toEqual({ type: 'Proxy' });
  });
});

describe('a sink of every kind gets the same redaction', () => {
  it('functionSink events hold no key of a user object either', () => {
    const seen: unknown[] = [];
    configure({ sinks: [functionSink((event) => seen.push(event))], exitHooks: false });
    callWith(['other'], [{ 'alice@example.com': 1 }]);
    flushAuditLog();
    expect(JSON.stringify(seen)).not.toContain('alice');
  });
});
