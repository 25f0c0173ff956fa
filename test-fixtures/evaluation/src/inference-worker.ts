// A worker that answers inference jobs from a queue and a few maintenance tasks: every model query
// and load should leave an event, and every failure around MLX a log line.
import { core as mx, nn } from '@frost-beta/mlx';
import { auditEvent } from '@mlx-audit/runtime';
import { loadLanguageModel } from './checkpoint.js';
import { logger } from './logger.js';

export interface Job {
  id: string;
  kind: 'score' | 'embed' | 'rank';
  tokens: number[][];
}

const { model } = loadLanguageModel(process.env.MODEL_DIR ?? 'models/tiny');
const failures: unknown[] = [];

/** Our event helper: it logs, and makes no MLX call itself. */
function recordInference(jobId: string, outcome: string): void {
  logger.info({ event: 'inference', jobId, outcome }, 'inference');
}

/** Throws a job error with its cause; used by the handlers below. */
function fail(jobId: string, error: unknown): never {
  throw new Error(`job ${jobId} failed`, { cause: error });
}

export function scoreJob(job: Job): number[] {
  recordInference(job.id, 'started');
  const logits = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- the event before the call is on every path
  return mx.max(logits, -1).tolist() as number[];
}

export function embedJob(job: Job): number[][] {
  const rows = job.tokens.map((tokens) => model.forward(mx.array([tokens], mx.int32))); // expect: require-mlx-event-logging -- inference in a callback, which logs nothing
  recordInference(job.id, 'success');
  return rows.map((row) => row.tolist() as number[]);
}

export function rankJob(job: Job, explain: boolean): number[] {
  const logits = model.forward(mx.array(job.tokens, mx.int32)); // expect: require-mlx-event-logging -- only one branch logs
  if (explain) {
    logger.info({ event: 'inference', jobId: job.id, explained: true }, 'ranked');
  }
  return mx.argsort(mx.max(logits, -1)).tolist() as number[];
}

export function rankJobEitherWay(job: Job, explain: boolean): number[] {
  const logits = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- both branches log
  if (explain) logger.info({ event: 'inference', jobId: job.id, explained: true }, 'ranked');
  else auditEvent('inference', { outcome: 'success' });
  return mx.argsort(mx.max(logits, -1)).tolist() as number[];
}

export function scoreEach(jobs: readonly Job[]): number[] {
  const scores: number[] = [];
  for (const job of jobs) {
    scores.push(mx.max(model.forward(mx.array(job.tokens, mx.int32))).item() as number); // ok: require-mlx-event-logging -- an event in the same iteration
    recordInference(job.id, 'success');
  }
  return scores;
}

export function scoreBatchThenLog(batches: readonly Job[][]): number {
  const total = mx.sum(model.forward(mx.array(batches.flat().map((job) => job.tokens[0] ?? []), mx.int32))).item() as number; // expect: require-mlx-event-logging -- the event is in a loop body that may run zero times
  for (const batch of batches) recordInference(batch[0]?.id ?? 'empty', 'success'); // ok: no-tainted-log -- a job's id, beside the tokens that are the model input
  return total;
}

export function dispatch(job: Job): number[] {
  const inputs = mx.array(job.tokens, mx.int32);
  switch (job.kind) {
    case 'score': {
      const out = model.forward(inputs); // ok: require-mlx-event-logging -- this case logs
      recordInference(job.id, 'success');
      return mx.max(out, -1).tolist() as number[];
    }
    case 'rank':
      return mx.argsort(mx.max(model.forward(inputs), -1)).tolist() as number[]; // expect: require-mlx-event-logging -- this case returns without an event
    default:
      return [];
  }
}

export function scoreWithFinally(job: Job): number {
  try {
    return mx.max(model.forward(mx.array(job.tokens, mx.int32))).item() as number; // ok: require-mlx-event-logging -- the finally block logs on every path
  } finally {
    recordInference(job.id, 'done');
  }
}

export async function scoreLater(job: Job): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const logits = model.forward(mx.array(job.tokens, mx.int32)); // expect: require-mlx-event-logging -- an async function with no event
  return mx.max(logits).item() as number;
}

export function scoreAndReportLater(job: Job): mx.array {
  const logits = model.forward(mx.array(job.tokens, mx.int32)); // expect: require-mlx-event-logging -- the log runs later, in a callback
  setTimeout(() => {
    recordInference(job.id, 'success');
  }, 0);
  return logits;
}

/** Only called from the loss below, which is given to valueAndGrad: a training step. */
function trainingLogits(tokens: mx.array): mx.array {
  return model.forward(tokens); // ok: require-mlx-event-logging -- only called from a function given to a gradient transform
}

export const fineTuneStep = nn.valueAndGrad(model, (tokens: mx.array, targets: mx.array) => nn.losses.crossEntropy(trainingLogits(tokens), targets, undefined, -1, 0, 'mean'));

export const compiledScore = mx.compile((tokens: mx.array) => mx.max(model.forward(tokens), -1)); // expect: require-mlx-event-logging -- a compiled function still serves requests

/** The worker's own runner: a class, not a layer, so its forward calls are requests. */
export class JobRunner {
  handled = 0;

  run(job: Job): mx.array {
    this.handled++;
    return model.forward(mx.array(job.tokens, mx.int32)); // expect: require-mlx-event-logging -- a class that is not an nn.Module
  }

  runOrNull(job: Job): mx.array | null {
    try {
      const out = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- logged below
      recordInference(job.id, 'success');
      return out;
    } catch { // expect: no-silent-mlx-catch -- the inference's failure is swallowed
      return null;
    }
  }

  runCollectingErrors(job: Job): mx.array | null {
    try {
      const out = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- logged below
      recordInference(job.id, 'success');
      return out;
    } catch (error) { // expect: no-silent-mlx-catch -- kept in memory, never logged
      failures.push(error);
      return null;
    }
  }

  runOrFail(job: Job): mx.array {
    try {
      const out = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- logged below
      recordInference(job.id, 'success');
      return out;
    } catch (error) { // ok: no-silent-mlx-catch -- our helper throws
      fail(job.id, error);
    }
  }

  runWarned(job: Job): mx.array | null {
    try {
      const out = model.forward(mx.array(job.tokens, mx.int32)); // ok: require-mlx-event-logging -- logged below
      recordInference(job.id, 'success');
      return out;
    } catch (error) { // ok: no-silent-mlx-catch -- logged
      logger.warn({ jobId: job.id, err: error }, 'inference failed');
      return null;
    }
  }
}

/** Turns a job's tokens into a tensor; malformed rows are the caller's to drop. */
export function tensorOf(job: Job): mx.array | undefined {
  try {
    return mx.array(job.tokens, mx.int32);
  } catch { // expect: no-silent-mlx-catch -- a tensor creation is an MLX call too
    return undefined;
  }
}

export function outerLogs(job: Job): number | undefined {
  try {
    let value: number | undefined;
    try {
      value = mx.sum(mx.array(job.tokens, mx.int32)).item() as number;
    } catch { // expect: no-silent-mlx-catch -- the inner handler swallows; the outer one never sees it
      value = undefined;
    }
    return value;
  } catch (error) { // ok: no-silent-mlx-catch -- logged
    logger.error({ err: error }, 'unexpected');
    return undefined;
  }
}

export function contextLength(): number {
  try {
    return model.config.contextLength;
  } catch { // ok: no-silent-mlx-catch -- a getter of ours, no MLX call
    return 16;
  }
}

export const asyncScore = scoreLater({ id: 'warm-up', kind: 'score', tokens: [[1, 2, 3]] }).catch(() => Number.NaN); // expect: no-silent-mlx-catch -- an inference's rejection swallowed
