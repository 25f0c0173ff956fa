import { LineBuffer, forEachJoin } from './line-buffer.js';
import type { AuditSink } from './sink.js';
import { writeFully } from './write-fully.js';

/**
 * JSON lines on stderr, the default: what container platforms collect (Fluent Bit, Vector,
 * Elastic Agent). Written synchronously to file descriptor 2, one write per batch, so nothing
 * waits in a stream buffer when the process exits. There is one stderr: every call returns the
 * same sink, so a configuration that replaces the environment's stderr sink by its own keeps it,
 * and a record meant for the old sinks and the new ones (`mlx-audit.configured`) is written once.
 */
export function stderrSink(): AuditSink {
  return STDERR_SINK;
}

const STDERR_SINK = Object.freeze(makeStderrSink());

function makeStderrSink(): AuditSink {
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
