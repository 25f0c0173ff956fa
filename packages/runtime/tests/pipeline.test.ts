import './support/quiet.js';
import { afterEach, describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog } from '../src/configure.js';
import { call } from '../src/instrument.js';
import type { AuditSink } from '../src/sinks/sink.js';
import { captureSink, nextTurn, parsedLines, testSite } from './support/capture.js';

const inference = testSite({ id: 'generate', kind: 'inference' });
const load = testSite({ id: 'core.load', kind: 'model-load', args: ['path'] });

afterEach(() => {
  configure({ sinks: [], exitHooks: false });
});

describe('the buffer', () => {
  it('is drained off the hot path, on a later turn of the event loop', async () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false });
    call(inference, undefined, () => 1, []);
    expect(sink.lines).toEqual([]);
    expect(auditStats().buffered).toBe(1);
    await nextTurn();
    expect(sink.lines).toHaveLength(1);
  });

  it('drops routine events when full, says how many, and keeps every audit event', () => {
    const sink = captureSink();
    configure({ sinks: [sink], exitHooks: false, bufferSize: 4 });
    const droppedBefore = auditStats().dropped;
    for (let index = 0; index < 10; index++) call(inference, undefined, () => index, []);
    call(load, undefined, () => ({}), ['model.safetensors']);
    expect(() =>
      call(inference, undefined, () => {
        throw new Error('failed while full');
      }, []),
    ).toThrow('failed while full');
    for (let index = 0; index < 6; index++) call(inference, undefined, () => index, []);
    call(load, undefined, () => ({}), ['second.safetensors']);
    flushAuditLog();

    const events = parsedLines(sink);
    const actions = events.map((event) => event['event.action']);
    expect(actions.filter((action) => action === 'core.load')).toHaveLength(2);
    expect(events.filter((event) => event['event.outcome'] === 'failure')).toHaveLength(1);
    // Capacity 4: calls 1-4 fit, 5-10 are dropped (6); the load drains and enters, so does the
    // failure; 2 of the next 6 fit, 4 are dropped; the second load drains again.
    const drops = events.filter((event) => event['event.action'] === 'mlx-audit.dropped');
    expect(drops.map((event) => event.count)).toEqual([6, 4]);
    expect(drops[0]).toMatchObject({ 'event.kind': 'event', 'log.level': 'warn' });
    expect(actions.filter((action) => action === 'generate')).toHaveLength(4 + 1 + 2);
    expect(auditStats().dropped - droppedBefore).toBe(10);
    // Sequence numbers stay in order across the synchronous drains.
    const sequences = events.map((event) => event['event.sequence'] as number);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
  });
});

describe('a failing sink', () => {
  it('never reaches the application; the other sinks still get every event and failures are counted', () => {
    const healthy = captureSink();
    const failing: AuditSink = {
      name: 'always-failing',
      write() {
        throw new Error('disk full');
      },
    };
    configure({ sinks: [failing, healthy], exitHooks: false });
    expect(call(inference, undefined, () => 'still works', [])).toBe('still works');
    flushAuditLog();
    expect(call(inference, undefined, () => 'still works', [])).toBe('still works');
    flushAuditLog();
    expect(healthy.lines).toHaveLength(2);
    // Its configuration's record, then the two batches.
    expect(auditStats().sinkFailures['always-failing']).toBe(3);
  });
});

describe('control characters', () => {
  const hostile = 'line\nbreak \u2028 sep \u2029 para \u202e bidi \u2066 isolate \u001b[31m esc \u0085 nel \u007f del';

  it('are escaped in JSON lines and written out in the events object sinks get', () => {
    const sink = captureSink();
    // Trusted messages: the message is where the hostile text can reach an event.
    configure({ sinks: [sink], exitHooks: false, errorMessages: 'trusted' });
    const site = testSite({ id: 'core.load', kind: 'model-load', args: ['weights'] });
    expect(() =>
      call(site, undefined, () => {
        throw new Error(hostile);
      }, [{ [`w${hostile}`]: 1 }]),
    ).toThrow();
    flushAuditLog();

    const [line] = sink.lines;
    // eslint-disable-next-line no-control-regex -- looking for raw control characters is the test.
    expect(line?.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(line?.endsWith('\n')).toBe(true);
    // JSON escapes parse back to the original text.
    expect(JSON.parse(line ?? '')).toMatchObject({ 'error.message': hostile });

    const [event] = sink.events;
    const written = event?.['error.message'] as string;
    expect(written).toBe(
      'line\\u000abreak \\u2028 sep \\u2029 para \\u202e bidi \\u2066 isolate \\u001b[31m esc \\u0085 nel \\u007f del',
    );
    // Keys are counted, never written: the hostile key cannot reach a line at all.
    expect(event?.['mlx.args']).toEqual([{ type: 'weights', count: 1 }]);
  });
});

describe('configure', () => {
  it('flushes to the previous sinks and closes the sinks it drops', () => {
    const first = captureSink('first');
    const second = captureSink('second');
    configure({ sinks: [first], exitHooks: false });
    call(inference, undefined, () => 1, []);
    configure({ sinks: [second], exitHooks: false });
    call(inference, undefined, () => 2, []);
    flushAuditLog();
    expect(first.lines).toHaveLength(1);
    expect(first.closed).toBe(true);
    expect(second.lines).toHaveLength(1);
    expect(second.closed).toBe(false);
  });

  it('rejects invalid options', () => {
    expect(() => {
      configure({ sinks: [], bufferSize: 0 });
    }).toThrow(TypeError);
    expect(() => {
      configure({ sinks: [], paths: 'all' as 'full' });
    }).toThrow(TypeError);
  });

  it('reads the MLX_AUDIT_* variables it is given', () => {
    configure({ env: { MLX_AUDIT_SINK: 'off' }, exitHooks: false });
    expect(inference.channel.hasSubscribers).toBe(false);
    configure({ env: { MLX_AUDIT_SINK: 'stderr' }, exitHooks: false });
    expect(inference.channel.hasSubscribers).toBe(true);
  });
});
