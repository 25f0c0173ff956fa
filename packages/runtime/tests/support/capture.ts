import type { SiteDescriptor } from '../../src/contract.js';
import { site } from '../../src/instrument.js';
import type { AuditBatch, AuditEvent, AuditSink } from '../../src/sinks/sink.js';

/** A sink that keeps both forms of every batch it is given. */
export interface CaptureSink extends AuditSink {
  readonly lines: string[];
  readonly events: AuditEvent[];
  closed: boolean;
}

export function captureSink(name = 'capture'): CaptureSink {
  const sink: CaptureSink = {
    name,
    lines: [],
    events: [],
    closed: false,
    write(batch: AuditBatch) {
      sink.lines.push(...batch.lines);
      sink.events.push(...batch.events);
    },
    close() {
      sink.closed = true;
    },
  };
  return sink;
}

/** A site as the transformer would emit it, with defaults for what a test does not care about. */
export function testSite(descriptor: Partial<SiteDescriptor> & Pick<SiteDescriptor, 'id' | 'kind'>) {
  return site({
    mode: 'event',
    file: 'src/app.ts',
    line: 10,
    column: 3,
    fn: 'main',
    callee: descriptor.id,
    args: ['other'],
    receiver: null,
    ...descriptor,
  });
}

/** The events of a capture, parsed from the JSON lines (what a file or stderr would hold). */
export function parsedLines(sink: CaptureSink): Record<string, unknown>[] {
  return sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** One turn of the event loop, after which the scheduled drain has run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
