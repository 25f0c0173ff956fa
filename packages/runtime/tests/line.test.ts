import { describe, expect, it } from 'vitest';
import { toJsonLine } from '../src/escape.js';
import { buildCallEvent, type CallRecord } from '../src/event.js';
import { site } from '../src/instrument.js';
import { CALL_EVENT_KEYS, callEventLine } from '../src/line.js';
import type { FileIdentity, ModelFields } from '../src/model-identity/fields.js';
import { fieldsOf, ModelSource } from '../src/model-identity/module-models.js';
import { hmacKeyFrom, redactionSettings, setRedactionSettings, type RedactionSettings } from '../src/settings.js';
import { summarize, summarizeReceiver } from '../src/summarize.js';
import type { Summary } from '../src/summary.js';
import { mx, type Dtype } from './support/mlx.js';

// The line sinks' fast path writes an event's JSON in pieces: it must give the very line that
// serialising the whole event gives, for every shape of record and every redaction setting.

const CONTROL = 'a\nb\u0007c\u2028d\u202ee\u009bf"g\\h';

const SITES = [
  site({ id: 'core.load', kind: 'model-load', mode: 'event', file: 'src/load.ts', line: 3, column: 7, fn: 'load', callee: 'mx.load', args: ['path'], receiver: null }),
  site({ id: 'nn.Module#forward', kind: 'inference', mode: 'event', file: `src/${CONTROL}.ts`, line: 10, column: 2, fn: null, callee: 'model.forward', args: ['tensor'], receiver: 'module' }),
  site({ id: 'core.eval', kind: 'evaluation', mode: 'event', file: 'src/x.ts', line: 1, column: 1, fn: 'Class#method', callee: 'mx.eval', args: ['spread'], receiver: null }),
  site({ id: 'nn.Module#forward', kind: 'inference', mode: 'event', file: 'src/train.ts', line: 4, column: 9, fn: 'loss', callee: 'model.forward', args: ['tensor'], receiver: 'module', phase: 'training' }),
  site({ id: 'core.array#item', kind: 'data-extraction', mode: 'event', file: 'src/y.ts', line: 2, column: 3, fn: 'cheap', callee: 'x.item', args: [], receiver: 'tensor' }),
];

/** Summaries of every form, made as the hot path makes them under `settings` (shared ones included). */
function summaries(settings: RedactionSettings): readonly Summary[] {
  return [
    null,
    3,
    { type: 'tensor', shape: [2, 3], dtype: 'float32', size: 6, nbytes: 24 },
    summarize(`prompt ${CONTROL}`, 'text', settings),
    summarize(`/models/${CONTROL}/weights.safetensors`, 'path', settings),
    summarize(`https://user:pw@host/${CONTROL}?q=1`, 'path', settings),
    { type: 'weights', count: 2 },
    [1, 2, 3],
    summarize(mx.full([2, 3], 1), 'tensor', settings),
    summarize(mx.full([], 1), undefined, settings),
    summarize(4.5, undefined, settings),
    summarizeReceiver(new (class Model {
      readonly layers = 2;
    })(), 'module', settings) ?? null,
    summarize({ [CONTROL]: 1, b: [mx.full([1], 2)] }, 'option', settings),
  ];
}

const SHA = 'c0ffee'.repeat(10) + 'abcd';
/** A load's files as model identity makes them: one file, several (a path with controls, a file not hashed, the cap), or none. */
const FILES: readonly (FileIdentity | undefined)[] = [
  undefined,
  { sha256: SHA, size: 1234, files: undefined },
  { sha256: undefined, size: undefined, files: [{ path: `/models/${CONTROL}/a.safetensors`, sha256: SHA, size: 7 }, { error: 'ENOENT' }, { type: 'omitted', count: 3 }] },
];
/** A module's model: one load hashed or not yet, several loads (a sharded model) hashed or not. */
const MODELS: readonly (ModelFields | undefined)[] = [
  undefined,
  fieldsOf([new ModelSource(3, SHA)]),
  fieldsOf([new ModelSource(4, undefined)]),
  fieldsOf([new ModelSource(5, SHA), new ModelSource(6, SHA.replace('c0', 'ff'))]),
  fieldsOf([new ModelSource(7, SHA), new ModelSource(8, undefined)]),
];

function record(index: number, settings: RedactionSettings = redactionSettings()): CallRecord {
  const SUMMARIES = summaries(settings);
  const pick = <T>(items: readonly T[], salt: number): T => items[(index * 7 + salt) % items.length] as T;
  const failed = index % 3 === 0;
  const correlation = index % 2 === 0 ? { requestId: `request-${CONTROL}`, clientId: 'c1', traceId: 't'.repeat(32), spanId: 's'.repeat(16) } : {};
  const site = pick(SITES, 0);
  return {
    site,
    sequence: index + 1,
    startTime: 1000 + index * 13.37,
    endTime: 1000 + index * 13.37 + (index % 5) * 0.123,
    failed,
    // A forward pass in a training scope, or not: the same site's line, in either phase.
    phase: site.phase ?? (site.kind === 'inference' && index % 2 === 1 ? 'training' : undefined),
    receiver: index % 4 === 0 ? undefined : pick(SUMMARIES, 1),
    args: SUMMARIES.slice(0, index % SUMMARIES.length),
    result: failed ? undefined : pick(SUMMARIES, 2),
    error: failed
      ? { type: 'TypeError', code: index % 4 === 0 ? 'ENOENT' : undefined, message: index % 2 === 0 ? `[load] Failed to open ${CONTROL}…` : undefined, length: index % 2 === 0 ? 40 : undefined }
      : undefined,
    requestId: undefined,
    clientId: undefined,
    traceId: undefined,
    spanId: undefined,
    // A site recurs every 5 records: the next variant each time it does.
    files: site.kind === 'model-load' ? FILES[Math.floor(index / 5) % FILES.length] : undefined,
    model: site.receiver === 'module' ? MODELS[Math.floor(index / 5) % MODELS.length] : undefined,
    bytes: 0,
    ...correlation,
  };
}

describe('the line of a call event, written in pieces', () => {
  const settingsCases = [
    { key: null, paths: 'full', errorMessages: 'mlx', serviceName: undefined },
    { key: hmacKeyFrom('key-0123456789abcdef0123456789abcdef'), paths: 'basename', errorMessages: 'mlx', serviceName: `svc ${CONTROL}` },
    { key: hmacKeyFrom('key-0123456789abcdef0123456789abcdef'), paths: 'hash', errorMessages: 'trusted', serviceName: 'svc' },
  ] as const satisfies readonly RedactionSettings[];

  for (const settings of settingsCases) {
    it(`is the serialised event, byte for byte (paths: ${settings.paths})`, () => {
      setRedactionSettings(settings);
      try {
        for (let index = 0; index < 120; index++) {
          const rec = record(index);
          const event = buildCallEvent(rec, redactionSettings());
          expect(callEventLine(rec, redactionSettings())).toBe(toJsonLine(event));
          // Twice: the second line comes from the site's cached pieces.
          expect(callEventLine(rec, redactionSettings())).toBe(toJsonLine(event));
        }
      } finally {
        setRedactionSettings({ key: null, paths: 'full', errorMessages: 'mlx', serviceName: undefined });
      }
    });
  }

  it('knows every key of the event, in order', () => {
    for (let index = 0; index < 12; index++) {
      const event = buildCallEvent(record(index), redactionSettings());
      const present = CALL_EVENT_KEYS.filter((key) => key in event);
      expect(Object.keys(event)).toEqual(present);
    }
  });

  it('covers every form of model identity: the files of a load, the model of a module', () => {
    const records = Array.from({ length: 120 }, (_, index) => record(index));
    expect(new Set(records.map((rec) => rec.files))).toEqual(new Set(FILES));
    expect(new Set(records.map((rec) => rec.model))).toEqual(new Set(MODELS));
  });

  it('escapes what no log line carries raw', () => {
    const rec = record(0);
    const line = callEventLine(rec, redactionSettings());
    expect(line.endsWith('}\n')).toBe(true);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point.
    expect(line.slice(0, -1)).not.toMatch(/[\n\u0007\u2028\u202e\u009b]/);
  });
});

describe('shared tensor summaries', () => {
  it('are shared only by tensors of the same dtype and shape, and say what each tensor is', () => {
    const a = summarize(mx.full([2, 3], 1), 'tensor', redactionSettings());
    expect(summarize(mx.full([2, 3], 7), 'tensor', redactionSettings())).toBe(a);
    expect(a).toEqual({ type: 'tensor', shape: [2, 3], dtype: 'float32', size: 6, nbytes: 24 });
    expect(summarize(mx.full([3, 2], 1), 'tensor', redactionSettings())).toEqual({ type: 'tensor', shape: [3, 2], dtype: 'float32', size: 6, nbytes: 24 });
    const int32 = (mx as unknown as { int32: Dtype }).int32;
    const Tensor = mx.array as unknown as new (values: number[][], dtype: Dtype) => object;
    const int = summarize(new Tensor([[1, 2, 3], [4, 5, 6]], int32), 'tensor', redactionSettings());
    expect(int).toEqual({ type: 'tensor', shape: [2, 3], dtype: 'int32', size: 6, nbytes: 24 });
    expect(int).not.toBe(a);
    // Many shapes in turn: each summary stays right once older ones are no longer kept.
    for (let length = 1; length <= 20; length++) {
      expect(summarize(mx.full([length], 0), 'tensor', redactionSettings())).toEqual({ type: 'tensor', shape: [length], dtype: 'float32', size: length, nbytes: 4 * length });
    }
    expect(summarize(mx.full([2, 3], 1), 'tensor', redactionSettings())).toEqual(a);
  });
});
