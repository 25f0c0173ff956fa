import type { AuditEvent, AuditSink } from './sink.js';

/** Calls `fn` with each event (strings already neutralised); for tests, queues and custom shipping. */
export function functionSink(fn: (event: AuditEvent) => void, name = 'function'): AuditSink {
  return {
    name,
    write(batch) {
      for (const event of batch.events) fn(event);
    },
  };
}
