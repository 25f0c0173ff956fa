import type { SiteDescriptor } from '../../src/contract.js';
import { site } from '../../src/instrument.js';
import type { AuditBatch, AuditEvent, AuditSink } from '../../src/sinks/sink.js';
import { TRAIL_ACTIONS } from '../../src/trail/format.js';

/**
 * A sink that keeps both forms of every batch it is given: the events of calls and of the
 * application in `lines` and `events`, the runtime's lifecycle records (`mlx-audit.started`,
 * `configured`, `stopped`, which every configure() sends) apart in `lifecycle`.
 */
export interface CaptureSink extends AuditSink {
  readonly lines: string[];
  readonly events: AuditEvent[];
  readonly lifecycle: AuditEvent[];
  closed: boolean;
}

const LIFECYCLE_ACTIONS: readonly unknown[] = [TRAIL_ACTIONS.started, TRAIL_ACTIONS.configured, TRAIL_ACTIONS.stopped];

export function captureSink(name = 'capture'): CaptureSink {
  const sink: CaptureSink = {
    name,
    lines: [],
    events: [],
    lifecycle: [],
    closed: false,
    write(batch: AuditBatch) {
      const { events, lines } = batch;
      events.forEach((event, index) => {
        if (LIFECYCLE_ACTIONS.includes(event['event.action'])) {
          sink.lifecycle.push(event);
          return;
        }
        sink.events.push(event);
        const line = lines[index];
        if (line !== undefined) sink.lines.push(line);
      });
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
