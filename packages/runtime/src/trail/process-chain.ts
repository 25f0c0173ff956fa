import { isMainThread, workerData } from 'node:worker_threads';
import type { AuditBatch } from '../sinks/sink.js';
import { LineChainer } from './chain.js';
import { newStreamId, streamSeed } from './format.js';

// The chain the sinks other than the file sink carry (stderr, pino, OpenTelemetry, functions,
// custom sinks): one chain per process run over the canonical lines, shared by all of them, so
// the same event has the same `trail.line` and `event.hash` in every copy and each copy shows a
// lost, added or reordered event. It starts from the run's id, which the run's first record
// (`mlx-audit.started`) names. It carries no seals: sealing belongs to the file trail, whose file
// stays on the host.

/** The key of the writer thread's `workerData` that carries the run's id (writer-thread/protocol.ts). */
export const RUN_ID_DATA_KEY = 'mlxAuditRunId';

/** The process run's id (`mlx_audit.run`), the stream id of its process chain; on the file sink's writer thread, the application thread's. */
export const RUN_ID = inheritedRunId() ?? newStreamId();

function inheritedRunId(): string | undefined {
  if (isMainThread) return undefined;
  const data: unknown = workerData;
  const id = typeof data === 'object' && data !== null ? (data as Readonly<Record<string, unknown>>)[RUN_ID_DATA_KEY] : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** A batch's lines as the pipeline made them, unchained: what the file sink chains into its own trail. */
export const CANONICAL_LINES: unique symbol = Symbol('mlx-audit.canonical-lines');

export interface CanonicalBatch extends AuditBatch {
  readonly [CANONICAL_LINES]: readonly string[];
}

const chain = new LineChainer({ line: 0, head: streamSeed(RUN_ID) });

export interface ChainedLine {
  readonly text: string;
  readonly line: number;
  readonly hash: string;
}

/** Chains canonical lines, in the order batches reach the sinks. */
export function chainLine(line: string): ChainedLine {
  return chain.chainText(line);
}

/** The batch's lines before the process chain, when the batch is the pipeline's; otherwise its lines. */
export function canonicalLines(batch: Pick<AuditBatch, 'lines'>): readonly string[] {
  const canonical = (batch as Partial<CanonicalBatch>)[CANONICAL_LINES];
  return canonical ?? batch.lines;
}
