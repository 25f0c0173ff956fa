import './support/quiet.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Writable } from 'node:stream';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager } from '@opentelemetry/api';
import { logs, type LogRecord } from '@opentelemetry/api-logs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, flushAuditLog } from '../src/configure.js';
import { call } from '../src/instrument.js';
import { otelLogsSink } from '../src/sinks/otel-logs.js';
import { pinoSink } from '../src/sinks/pino.js';
import { captureSink, parsedLines, testSite } from './support/capture.js';

const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });

function recordTwoCalls(): void {
  call(load, undefined, () => ({}), ['model.safetensors']);
  expect(() =>
    call(load, undefined, () => {
      throw new Error('corrupt \u2028 file');
    }, ['broken.safetensors']),
  ).toThrow();
  flushAuditLog();
}

afterEach(() => {
  configure({ sinks: [], exitHooks: false });
});

describe('pinoSink', () => {
  it('logs each event through pino, failures at error level', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // Trusted messages, so that one with a line separator reaches pino, escaped.
    configure({ sinks: [pinoSink(pino({ base: null }, destination))], exitHooks: false, errorMessages: 'trusted' });
    recordTwoCalls();
    const records = lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(3);
    // The configuration's record first (the run's start, or a change), then the two events, each with the process chain.
    expect(records[0]).toMatchObject({ level: 30, 'mlx_audit.sinks': ['pino'] });
    expect(records[0]?.['event.action']).toMatch(/^mlx-audit\.(started|configured)$/);
    expect(records[1]).toMatchObject({ level: 30, 'event.action': 'core.load', 'event.outcome': 'success', 'gen_ai.provider.name': 'mlx' });
    expect(records[2]).toMatchObject({ level: 50, 'event.outcome': 'failure', 'error.message': 'corrupt \\u2028 file' });
    expect(records.map((record) => record['trail.line'])).toEqual([1, 2, 3].map((offset) => (records[0]?.['trail.line'] as number) + offset - 1));
    for (const record of records) expect(record['event.hash']).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('otelLogsSink', () => {
  it('emits each event through the global OpenTelemetry logger provider, loaded lazily', () => {
    const emitted: LogRecord[] = [];
    const scopes: string[] = [];
    logs.setGlobalLoggerProvider({
      getLogger(name) {
        scopes.push(name);
        return { emit: (record) => emitted.push(record), enabled: () => true };
      },
    });
    try {
      configure({ sinks: [otelLogsSink()], exitHooks: false });
      recordTwoCalls();
    } finally {
      logs.disable();
    }
    expect(scopes[0]).toBe('mlx-audit');
    expect(emitted.map((record) => [record.eventName, record.severityNumber, record.severityText])).toEqual([
      [expect.stringMatching(/^mlx-audit\.(started|configured)$/), 9, 'INFO'],
      ['core.load', 9, 'INFO'],
      ['core.load', 17, 'ERROR'],
    ]);
    expect(emitted[2]?.attributes).toMatchObject({ 'event.outcome': 'failure', 'error.type': 'Error', 'mlx.args': [{ type: 'path', path: 'broken.safetensors' }] });
    expect(emitted[2]?.attributes?.['event.hash']).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof emitted[0]?.timestamp).toBe('number');
  });
});

describe('trace context', () => {
  it('adds trace.id and span.id when an OpenTelemetry span is active', () => {
    // A minimal AsyncLocalStorage context manager: the SDK's would do, but is not needed here.
    const storage = new AsyncLocalStorage<Context>();
    const manager: ContextManager = {
      active: () => storage.getStore() ?? ROOT_CONTEXT,
      with: (activeContext, fn, thisArg, ...args) => storage.run(activeContext, () => fn.apply(thisArg, args)),
      bind: (_context, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.setGlobalContextManager(manager);
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    try {
      context.with(trace.setSpan(context.active(), span), () => call(load, undefined, () => ({}), ['model.safetensors']));
      call(load, undefined, () => ({}), ['model.safetensors']);
    } finally {
      context.disable();
    }
    flushAuditLog();
    const events = parsedLines(sink);
    expect(events[0]).toMatchObject({ 'trace.id': '4bf92f3577b34da6a3ce929d0e0e4736', 'span.id': '00f067aa0ba902b7' });
    expect(events[1]?.['trace.id']).toBeUndefined();
  });
});
