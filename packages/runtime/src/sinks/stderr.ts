import { LineBuffer, forEachJoin } from './line-buffer.js';
import type { AuditSink } from './sink.js';
import { writeFully } from './write-fully.js';

/**
 * JSON lines on stderr, the default: what container platforms collect (Fluent Bit, Vector,
 * Elastic Agent). Written synchronously to file descriptor 2, one write per batch, so nothing
 * waits in a stream buffer when the process exits.
 */
export function stderrSink(): AuditSink {
  const pending = new LineBuffer();
  return {
    name: 'stderr',
    write(batch) {
      try {
        forEachJoin(batch.lines, (text, bytes) => {
          pending.append(text, bytes);
        });
        writeFully(2, pending.contents());
      } finally {
        pending.clear();
      }
    },
  };
}
