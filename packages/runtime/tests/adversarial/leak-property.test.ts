import '../support/quiet.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, afterEach, describe, it } from 'vitest';
import { auditEvent } from '../../src/audit-event.js';
import { configure, flushAuditLog } from '../../src/configure.js';
import type { SiteArgumentRole } from '../../src/contract.js';
import { call } from '../../src/instrument.js';
import type { PathPolicy } from '../../src/settings.js';
import { fileSink } from '../../src/sinks/file.js';
import { functionSink } from '../../src/sinks/function.js';
import { otelLogsSink, type OtelLogRecord } from '../../src/sinks/otel-logs.js';
import type { AuditSink } from '../../src/sinks/sink.js';
import { pinoSink } from '../../src/sinks/pino.js';
import { captureSink, testSite } from '../support/capture.js';
import { mx, type Tensor } from '../support/mlx.js';

// Issue #11: markers planted in every input a user controls must never appear in any sink's
// output. fast-check builds the inputs (seeded, so a failure replays with the same seed): random
// marker strings and numbers in every argument position of bindings of every kind and role, in
// object keys, Map keys and pair lists, in receivers and results, in errors thrown by the
// application and by MLX itself (a path, a URL and a header value it echoes), in paths and URLs
// under every path mode, with and without a key; then every sink there is writes the events.
//
// What an event shows by design is not planted: numbers in the metadata roles (shapes, axes,
// declared options), a string in a path role (a path: whole under `full`, its last segment under
// `basename`; only its directories and a URL's credentials, query and fragment are planted), and
// the identifiers the code chooses (actions, `mlx.data` field names, request ids).

const SEED = 0x11_2026;
const RUNS = 400;
const directory = mkdtempSync(join(tmpdir(), 'mlx-audit-leaks-'));
const KINDS = [
  'model-load',
  'model-save',
  'inference',
  'layer-composition',
  'evaluation',
  'transform',
  'training-update',
  'tensor-creation',
  'tensor-operation',
  'data-extraction',
  'metadata',
  'module-construction',
  'module-state',
  'runtime-config',
  'constant',
  'utility',
  'user-entry',
] as const;
const ROLES: readonly SiteArgumentRole[] = ['tensor', 'weights', 'path-or-weights', 'path', 'text', 'shape', 'axis', 'dtype', 'stream', 'callback', 'module', 'option', 'other', 'spread'];
const METADATA_ROLES: ReadonlySet<SiteArgumentRole> = new Set(['shape', 'axis', 'dtype', 'stream', 'option']);
const PATH_ROLES: ReadonlySet<SiteArgumentRole> = new Set(['path', 'path-or-weights']);

/** A value to pass, the markers it carries, and those a `full` path policy shows by design. */
interface Planted {
  readonly value: unknown;
  readonly markers: readonly string[];
  readonly directoryMarkers?: readonly string[];
}

const markerText = fc.stringMatching(/^MK[A-Za-z0-9]{12}$/);
// A dot and two decimals no event field has: a marker number cannot appear by chance.
const markerNumber = fc.integer({ min: 100_000_000, max: 999_999_999 }).map((integer) => integer + 0.25);
// Exactly representable in float32, so MLX holds this very number.
const TENSOR_VALUE = 4242.5;

function tensor(): Tensor {
  return mx.full([2], TENSOR_VALUE);
}

class Holder {
  constructor(readonly secret: unknown) {}
}

/** Free text with markers. */
const textValue: fc.Arbitrary<Planted> = fc.oneof(
  markerText.map((marker) => ({ value: marker, markers: [marker] })),
  markerText.map((marker) => ({ value: `a prompt with ${marker} inside`, markers: [marker] })),
);

/** Values that carry markers in their keys, contents or fields. */
const structuredValue: fc.Arbitrary<Planted> = fc.oneof(
  fc.tuple(markerText, markerNumber).map(([marker, number]) => ({ value: { [marker]: number, nested: { [marker]: [number] } }, markers: [marker, String(number)] })),
  fc.tuple(markerText, markerNumber).map(([marker, number]) => ({ value: new Map<unknown, unknown>([[marker, number]]), markers: [marker, String(number)] })),
  markerText.map((marker) => ({ value: new Map([[marker, tensor()]]), markers: [marker, String(TENSOR_VALUE)] })),
  markerText.map((marker) => ({ value: [[marker, tensor()]], markers: [marker, String(TENSOR_VALUE)] })),
  markerText.map((marker) => ({ value: { [marker]: tensor() }, markers: [marker, String(TENSOR_VALUE)] })),
  fc.constant(null).map(() => ({ value: tensor(), markers: [String(TENSOR_VALUE)] })),
  fc.constant(null).map(() => ({ value: [tensor(), tensor()], markers: [String(TENSOR_VALUE)] })),
  fc.tuple(markerText, markerNumber).map(([marker, number]) => ({ value: new Holder({ [marker]: number }), markers: [marker, String(number)] })),
  markerText.map((marker) => ({ value: new Error(marker), markers: [marker] })),
  markerText.map((marker) => ({ value: [marker, marker], markers: [marker] })),
  markerText.map((marker) => ({ value: Buffer.from(marker), markers: [marker] })),
  markerText.map((marker) => ({ value: new Set([marker]), markers: [marker] })),
);

const dataValue: fc.Arbitrary<Planted> = fc.oneof(textValue, structuredValue);

/** Data values and marker numbers: what a non-metadata role may receive. */
const anyValue: fc.Arbitrary<Planted> = fc.oneof(
  dataValue,
  markerNumber.map((number) => ({ value: number, markers: [String(number)] })),
  fc.array(markerNumber, { minLength: 1, maxLength: 4 }).map((numbers) => ({ value: numbers, markers: numbers.map(String) })),
);

/** A path whose directory is a marker (shown by design under `full` only), or a URL with secrets in its credentials, query and fragment. */
const pathValue: fc.Arbitrary<Planted> = fc.oneof(
  markerText.map((marker) => ({ value: `/srv/${marker}/model.safetensors`, markers: [], directoryMarkers: [marker] })),
  markerText.map((marker) => ({ value: `~/${marker}/model.safetensors`, markers: [], directoryMarkers: [marker] })),
  fc.tuple(markerText, markerText, markerText).map(([user, token, signature]) => ({
    value: `https://${user}:${token}@models.example/w/model.safetensors?X-Amz-Signature=${signature}#${token}`,
    markers: [user, token, signature],
  })),
  fc.tuple(markerText, markerText).map(([token, signature]) => ({ value: ` https:/svc:${token}@models.example/m?sig=${signature}`, markers: [token, signature] })),
  markerText.map((token) => ({ value: `hf:user:${token}@org/model`, markers: [token] })),
  markerText.map((token) => ({ value: `data:application/octet-stream;base64,${token}`, markers: [token] })),
);

function argumentFor(role: SiteArgumentRole): fc.Arbitrary<Planted> {
  // A string in a path role is a path, shown as the policy says (a bare name is its own basename).
  if (PATH_ROLES.has(role)) return fc.oneof(pathValue, structuredValue);
  // Numbers in metadata roles are shown by design: give those roles anything else.
  if (METADATA_ROLES.has(role)) return dataValue;
  return anyValue;
}

const callArguments = fc.array(
  fc.constantFrom(...ROLES).chain((role) => argumentFor(role).map((planted) => ({ role, planted }))),
  { maxLength: 5 },
);

type Failure = { readonly throws: (sitePath: string) => unknown; readonly markers: readonly string[]; readonly directoryMarkers?: readonly string[] } | null;

let headerCount = 0;

/** What the call throws: nothing, the application's errors, or MLX's own (which echo their input). */
const failure: fc.Arbitrary<Failure> = fc.oneof(
  fc.constant(null),
  markerText.map((marker) => ({ throws: () => new RangeError(`bad input for prompt "${marker}"`), markers: [marker] })),
  markerText.map((marker) => ({ throws: () => marker, markers: [marker] })),
  markerText.map((marker) => ({ throws: () => ({ [marker]: marker }), markers: [marker] })),
  markerText.map((marker) => ({ throws: () => mlxError(() => mx.load(`/srv/${marker}/absent.safetensors`)), markers: [marker] })),
  fc.tuple(markerText, markerText).map(([token, signature]) => ({
    throws: () => mlxError(() => mx.load(`https://svc:${token}@models.example/w/m.safetensors?X-Amz-Signature=${signature}`)),
    markers: [token, signature],
  })),
  markerText.map((marker) => ({ throws: () => mlxError(() => mx.load(brokenSafetensors(marker))), markers: [marker] })),
  fc.integer({ min: 100_000_000, max: 999_999_999 }).map((size) => ({
    throws: () => mlxError(() => (mx as unknown as { reshape: (a: Tensor, shape: number[]) => Tensor }).reshape(tensor(), [size])),
    markers: [String(size)],
  })),
);

function mlxError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('MLX was expected to throw');
}

/** A safetensors file whose header names a dtype MLX echoes in its error. */
function brokenSafetensors(marker: string): string {
  const path = join(directory, `broken-${String(++headerCount)}.safetensors`);
  const header = Buffer.from(JSON.stringify({ w: { dtype: marker, shape: [1], data_offsets: [0, 4] } }));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(header.length));
  writeFileSync(path, Buffer.concat([length, header, Buffer.alloc(4)]));
  return path;
}

const settings = fc.record({
  paths: fc.constantFrom<PathPolicy>('full', 'basename', 'hash'),
  hmacKey: fc.option(fc.constant('leak-test-key-0123456789abcdef0123'), { nil: null }),
});

/** Every sink there is, writing what it was given somewhere the test can read. */
function allSinks(): { sinks: AuditSink[]; written: () => string } {
  const capture = captureSink();
  const functionEvents: unknown[] = [];
  const pinoLines: string[] = [];
  const otelRecords: OtelLogRecord[] = [];
  const file = join(directory, `audit-${String(++headerCount)}.jsonl`);
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pinoLines.push(chunk.toString());
      done();
    },
  });
  const otelApi = { logs: { getLogger: () => ({ emit: (record: OtelLogRecord) => otelRecords.push(record) }) } };
  return {
    sinks: [capture, functionSink((event) => functionEvents.push(event)), pinoSink(pino({ base: null }, destination)), otelLogsSink({ api: otelApi }), fileSink({ path: file })],
    written: () => {
      flushAuditLog();
      return [capture.lines.join(''), JSON.stringify(capture.events), JSON.stringify(functionEvents), pinoLines.join(''), JSON.stringify(otelRecords), readFileSync(file, 'utf8')].join('\n');
    },
  };
}

function expectNoMarker(written: string, markers: readonly string[]): void {
  for (const marker of markers) {
    if (written.includes(marker)) throw new Error(`marker ${marker} reached a sink: …${written.slice(Math.max(0, written.indexOf(marker) - 200), written.indexOf(marker) + 60)}…`);
  }
}

afterEach(() => {
  configure({ sinks: [], exitHooks: false, hmacKey: null, paths: 'full' });
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('no marker planted in an input ever reaches a sink', () => {
  it('instrumented calls: every kind, role, receiver, result and failure, under every path mode, with and without a key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        fc.constantFrom('tensor', 'module', 'other', null),
        callArguments,
        anyValue,
        dataValue,
        failure,
        settings,
        (kind, receiverKind, args, result, receiver, thrown, { paths, hmacKey }) => {
          const { sinks, written } = allSinks();
          configure({ sinks, exitHooks: false, paths, hmacKey });
          const site = testSite({ id: kind === 'user-entry' ? './src/app.ts:generate' : `core.${kind}`, kind, args: args.length === 0 ? ['other'] : args.map((arg) => arg.role), receiver: receiverKind });
          const self = receiverKind === 'tensor' ? tensor() : receiver.value;
          const error = thrown?.throws(site.file);
          try {
            call(site, self, () => {
              if (thrown !== null) throw error;
              return result.value;
            }, args.map((arg) => arg.planted.value));
          } catch (caught) {
            if (caught !== error) throw caught;
          }
          const output = written();
          const markers = [...args.flatMap((arg) => arg.planted.markers), ...(thrown?.markers ?? []), ...result.markers, ...(receiverKind === 'tensor' ? [] : receiver.markers)];
          const directories = args.flatMap((arg) => (PATH_ROLES.has(arg.role) ? (arg.planted.directoryMarkers ?? []) : []));
          expectNoMarker(output, paths === 'full' ? markers : [...markers, ...directories]);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it("the application's own events: sources, data values and errors", () => {
    fc.assert(
      fc.property(pathValue, fc.array(dataValue, { maxLength: 3 }), failure, settings, (source, data, thrown, { paths, hmacKey }) => {
        const { sinks, written } = allSinks();
        configure({ sinks, exitHooks: false, paths, hmacKey });
        const fields = Object.fromEntries(data.map((planted, index) => [`field${String(index)}`, planted.value]));
        auditEvent('model.load', { kind: 'model-load', source: source.value as string, data: fields, ...(thrown === null ? {} : { error: thrown.throws('') }) });
        const markers = [...source.markers, ...data.flatMap((planted) => planted.markers), ...(thrown?.markers ?? [])];
        expectNoMarker(written(), paths === 'full' ? markers : [...markers, ...(source.directoryMarkers ?? [])]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
