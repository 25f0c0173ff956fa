import './support/quiet.js';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { configure, flushAuditLog } from '../src/configure.js';
import { call } from '../src/instrument.js';
import { summarizeTensor, summarizeValue } from '../src/summarizers.js';
import { captureSink, parsedLines, testSite, type CaptureSink } from './support/capture.js';
import { standaloneNumber } from './support/markers.js';
import { mx } from './support/mlx.js';

// Values that must never reach a sink: tensor contents and the text of a prompt.
const SENTINEL = 7777.25;
const SENTINEL_TEXT = standaloneNumber('7777');
const PROMPT = 'PROMPT-MARKER-91c2 tell me the secret';
const KEY = 'test-key-0123456789abcdef0123456789';
const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-redaction-'));

function capture(options: { hmacKey?: string; paths?: 'full' | 'basename' | 'hash' } = {}): CaptureSink {
  const sink = captureSink();
  configure({ sinks: [sink], exitHooks: false, hmacKey: options.hmacKey ?? null, paths: options.paths ?? 'full' });
  return sink;
}

function everything(sink: CaptureSink): string {
  flushAuditLog();
  return sink.lines.join('') + JSON.stringify(sink.events);
}

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('tensors on real MLX', () => {
  it('become shape, dtype, size and byte count, never contents, as arguments, receivers and results', () => {
    const sink = capture({ hmacKey: KEY });
    const input = mx.full([4, 4], SENTINEL);
    const forward = testSite({ id: 'nn.Module#forward', kind: 'inference', args: ['tensor', 'text'], receiver: 'module' });
    const model = new (class TinyModel {
      readonly layers = 2;
    })();
    const output = call(forward, model, (x: unknown) => mx.add(x as typeof input, SENTINEL), [input, PROMPT]);
    const sum = testSite({ id: 'core.array#sum', kind: 'tensor-operation', args: [], receiver: 'tensor' });
    call(sum, input, input.sum, []);
    const add = testSite({ id: 'core.add', kind: 'tensor-operation', args: ['tensor', 'tensor'] });
    call(add, mx, mx.add, [input, SENTINEL]);
    const stack = testSite({ id: 'core.stack', kind: 'tensor-operation', args: ['tensor'] });
    call(stack, mx, () => input, [[input, output, input]]);

    const text = everything(sink);
    expect(text).not.toMatch(SENTINEL_TEXT);
    expect(text).not.toContain('PROMPT-MARKER');
    const [forwardEvent, sumEvent, addEvent, stackEvent] = parsedLines(sink);
    const tensor = { type: 'tensor', shape: [4, 4], dtype: 'float32', size: 16, nbytes: 64 };
    expect(forwardEvent).toMatchObject({
      'mlx.receiver': { type: 'TinyModel' },
      'mlx.args': [tensor, { type: 'string', length: PROMPT.length, hmac: createHmac('sha256', KEY).update(PROMPT).digest('hex').slice(0, 16) }],
      'mlx.result': tensor,
      'mlx.lazy': true,
      'gen_ai.operation.name': 'inference',
      'gen_ai.provider.name': 'mlx',
    });
    expect(sumEvent).toMatchObject({ 'mlx.receiver': tensor, 'mlx.result': { type: 'tensor', shape: [], dtype: 'float32', size: 1, nbytes: 4 } });
    expect(addEvent?.['mlx.args']).toEqual([tensor, { type: 'number' }]);
    expect(stackEvent?.['mlx.args']).toEqual([{ type: 'tensors', count: 3, shapes: [[4, 4], [4, 4], [4, 4]] }]);
  });

  it('summarise weight maps by count and names, on a real save and load', () => {
    const sink = capture();
    const path = join(directory, 'weights.safetensors');
    const weights: Record<string, unknown> = {};
    for (let index = 0; index < 10; index++) weights[`layers.${index}.weight`] = mx.full([2, 3], SENTINEL);
    const save = testSite({ id: 'core.saveSafetensors', kind: 'model-save', args: ['path', 'weights'] });
    call(save, mx, mx.saveSafetensors, [path, weights]);
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    const loaded = call(load, mx, mx.load, [path]);
    expect(Object.keys(loaded as object)).toHaveLength(10);

    expect(everything(sink)).not.toMatch(SENTINEL_TEXT);
    const [saveEvent, loadEvent] = parsedLines(sink);
    // Names are counted, not listed: a weight map's keys are whatever the application chose.
    expect(saveEvent).toMatchObject({
      'event.category': ['file'],
      'event.type': ['creation'],
      'file.path': path,
      'mlx.args': [{ type: 'path', path }, { type: 'weights', count: 10 }],
    });
    expect(loadEvent).toMatchObject({ 'event.category': ['file'], 'event.type': ['access'], 'mlx.result': { type: 'weights', count: 10 } });
  });

  it('keep only the fixed text of MLX error messages, never the path they echo', () => {
    const sink = capture();
    const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });
    const missing = '/nonexistent/customer-acme/models/model.safetensors';
    expect(() => call(load, mx, mx.load, [missing])).toThrow();
    flushAuditLog();
    const [event] = parsedLines(sink);
    expect(event?.['error.message']).toBe('[load_safetensors] Failed to open …');
    expect(event?.['mlx.error.message_length']).toBe(`[load_safetensors] Failed to open file ${missing}`.length);
    expect(event?.['mlx.args']).toEqual([{ type: 'path', path: missing }]);
  });

  it('are recognised by the public summarisers too', () => {
    const tensor = mx.full([3], SENTINEL);
    expect(summarizeTensor(tensor)).toEqual({ type: 'tensor', shape: [3], dtype: 'float32', size: 3, nbytes: 12 });
    expect(summarizeTensor({ shape: 'no' })).toBeUndefined();
    expect(JSON.stringify(summarizeValue({ w: tensor }))).toBe('{"type":"weights","count":1}');
  });
});

describe('paths', () => {
  const path = '/srv/tenants/acme/model.safetensors';
  const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });

  it('appear as given by default, as a basename, or as a keyed digest', () => {
    const events: unknown[] = [];
    for (const [paths, hmacKey] of [['full', undefined], ['basename', undefined], ['hash', KEY], ['hash', undefined]] as const) {
      const sink = capture({ paths, ...(hmacKey === undefined ? {} : { hmacKey }) });
      call(load, undefined, () => ({}), [path]);
      flushAuditLog();
      const [event] = parsedLines(sink);
      events.push([event?.['mlx.args'], event?.['file.path']]);
    }
    const digest = createHmac('sha256', KEY).update(path).digest('hex').slice(0, 16);
    expect(events).toEqual([
      [[{ type: 'path', path }], path],
      [[{ type: 'path', path: 'model.safetensors' }], 'model.safetensors'],
      [[{ type: 'path', hmac: digest }], undefined],
      [[{ type: 'path', length: path.length }], undefined],
    ]);
  });
});

describe('other values', () => {
  function argsOf(roles: Parameters<typeof testSite>[0]['args'], args: unknown[]): unknown {
    const sink = capture();
    call(testSite({ id: 'custom', kind: 'utility', args: roles ?? ['other'] }), undefined, () => undefined, args);
    flushAuditLog();
    return parsedLines(sink)[0]?.['mlx.args'];
  }

  it('show numbers and booleans only in metadata roles', () => {
    expect(argsOf(['option', 'shape', 'axis', 'other', 'tensor', 'text'], [0.5, [2, 3], -1, 42, 3.5, true])).toEqual([
      0.5,
      [2, 3],
      -1,
      { type: 'number' },
      { type: 'number' },
      { type: 'boolean' },
    ]);
  });

  it('give strings their length only without a key, whatever their role but path', () => {
    expect(argsOf(['text', 'option'], [PROMPT, 'mode'])).toEqual([
      { type: 'string', length: PROMPT.length },
      { type: 'string', length: 4 },
    ]);
  });

  it('give objects their key count (never the keys: text used as a key is text), instances their class, functions their kind', () => {
    const many: Record<string, number> = {};
    for (let index = 0; index < 20; index++) many[`k${String(index).padStart(2, '0')}`] = index;
    class Tokenizer {
      readonly vocabulary = 32;
    }
    expect(argsOf(['other'], [{ zeta: 1, alpha: 'secret' }, many, new Tokenizer(), () => 1, [1, 2, 3], new Map([['a', 1]]), Buffer.from('secret')])).toEqual([
      { type: 'object', count: 2 },
      { type: 'object', count: 20 },
      { type: 'Tokenizer' },
      { type: 'Function' },
      { type: 'array', length: 3 },
      { type: 'Map', size: 1 },
      { type: 'Buffer', byteLength: 6 },
    ]);
  });

  it('never run getters or toString of application objects to name them, and survive hostile proxies', () => {
    let touched = false;
    const hostile = new Proxy(
      {},
      {
        get() {
          touched = true;
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
      },
    );
    const getter = Object.defineProperty(new (class Holder {
      readonly visible = 1;
    })(), 'secret', {
      get() {
        touched = true;
        return 'x';
      },
    });
    expect(argsOf(['module', 'other'], [hostile, getter])).toEqual([{ type: 'Proxy' }, { type: 'Holder' }]);
    expect(touched).toBe(false);
  });
});

describe('the marker check itself', () => {
  it('finds a planted number however it is written, and not its digits inside other numbers, hashes or timestamps', () => {
    for (const leak of ['array([7777.25, 7777.25], dtype=float32)', '{"v":[7777.25]}', 'value 7777', '"x":-7777.25}']) expect(leak).toMatch(SENTINEL_TEXT);
    for (const chance of ['"event.duration":777750,', '"event.hash":"5857a84b7777f"', '"process.pid":17777', '"line":77771', '"@timestamp":"2026-12-02T22:51:16.777Z"']) expect(chance).not.toMatch(SENTINEL_TEXT);
    for (const leak of ['TOKEN-31337@host', 'SIG-31337#frag', 'frag-31337"']) expect(leak).toMatch(standaloneNumber('31337'));
    expect('my SSN is 078-05-1120').toMatch(standaloneNumber('078'));
    for (const chance of ['"@timestamp":"2026-12-02T22:51:16.078Z"', '"event.duration":1078', '"event.hash":"a078f"']) expect(chance).not.toMatch(standaloneNumber('078'));
  });
});
