import { describeThrown } from '../describe-thrown.js';
import { reportOnce } from '../internal-report.js';
import type { FileVersion } from './file-version.js';
import { BackgroundHash, hashFileSync, type HashOutcome } from './hash-file.js';

// The files of loads and saves, hashed after the call, one file at a time (a model is read once
// more, not several at once on top of the application's own reads). The reads keep the event loop
// alive, so a program that ends right after a load waits for its hash; at exit (`process.exit`, a
// signal) what is left is read synchronously up to a budget, and the rest reported as not hashed.

/** What the exit hooks may still read synchronously: a fraction of a second, not a model's minutes. */
export const EXIT_HASH_BUDGET_BYTES = 64 * 1024 * 1024;
export const EXITED_BEFORE_HASHED = 'the process exited before it was hashed';

export interface PendingFile {
  readonly path: string;
  /** The version the call saw (file-version.ts). */
  readonly version: FileVersion;
}

interface Job {
  readonly files: readonly PendingFile[];
  /** Gets one outcome per file, in order. */
  readonly done: (outcomes: readonly HashOutcome[]) => void;
}

interface Running {
  readonly job: Job;
  readonly outcomes: HashOutcome[];
  current: BackgroundHash | undefined;
}

const waiting: Job[] = [];
let running: Running | undefined;
// While the exit hooks settle what is pending, a finished file starts no background read.
let settling = false;
let idleWaiters: (() => void)[] = [];
let startScheduled = false;

/** Hashes the files of one call in the background; `done` runs once all have an outcome. */
export function hashLater(files: readonly PendingFile[], done: (outcomes: readonly HashOutcome[]) => void): void {
  waiting.push({ files, done });
  // Started on the next turn of the event loop, not during the load call (the exit hooks settle a
  // job still waiting as they settle one in progress).
  if (running === undefined && !settling && !startScheduled) {
    startScheduled = true;
    setImmediate(() => {
      startScheduled = false;
      if (running === undefined && !settling) startNextJob();
    });
  }
}

function startNextJob(): void {
  const job = waiting.shift();
  if (job === undefined) {
    running = undefined;
    wakeIdleWaiters();
    return;
  }
  running = { job, outcomes: [], current: undefined };
  startNextFile(running);
}

function startNextFile(state: Running): void {
  const file = state.job.files[state.outcomes.length];
  if (file === undefined) {
    finish(state);
    startNextJob();
    return;
  }
  state.current = new BackgroundHash(file.path, file.version, (outcome) => {
    state.outcomes.push(outcome);
    state.current = undefined;
    if (!settling) startNextFile(state);
  });
  state.current.start();
}

function finish(state: Running): void {
  try {
    state.job.done(state.outcomes);
  } catch (error) {
    reportOnce('model-hash-done', `recording a model file's hash failed: ${describeThrown(error)}`);
  }
}

/**
 * At exit: every pending file is hashed now, synchronously, while what is left to read fits in
 * `EXIT_HASH_BUDGET_BYTES`; the others get `EXITED_BEFORE_HASHED`. Each call's `done` runs here.
 */
export function settlePendingHashes(): void {
  if (running === undefined && waiting.length === 0) return;
  settling = true;
  let budget = EXIT_HASH_BUDGET_BYTES;
  try {
    for (;;) {
      const job = running === undefined ? waiting.shift() : undefined;
      const state = running ?? (job === undefined ? undefined : { job, outcomes: [], current: undefined });
      if (state === undefined) break;
      running = state;
      const current = state.current;
      if (current !== undefined) {
        // Its callback records the outcome.
        if (current.remaining <= budget) {
          budget -= current.remaining;
          current.finishNow();
        } else current.abandon(EXITED_BEFORE_HASHED);
      }
      for (let file = state.job.files[state.outcomes.length]; file !== undefined; file = state.job.files[state.outcomes.length]) {
        if (file.version.size <= budget) {
          budget -= file.version.size;
          state.outcomes.push(hashFileSync(file.path, file.version));
        } else state.outcomes.push({ problem: EXITED_BEFORE_HASHED });
      }
      running = undefined;
      finish(state);
    }
  } finally {
    settling = false;
    wakeIdleWaiters();
  }
}

/** Resolves once nothing is left to hash (for tests and orderly shutdowns). */
export function modelHashingIdle(): Promise<void> {
  if (running === undefined && waiting.length === 0) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

function wakeIdleWaiters(): void {
  if (running !== undefined || waiting.length > 0) return;
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const wake of waiters) wake();
}
