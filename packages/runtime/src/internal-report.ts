import { writeSync } from 'node:fs';
import { neutralizeString } from './escape.js';

/**
 * Tells the operator about a problem of the runtime itself (a failing sink, a bad setting) on
 * stderr, directly through the file descriptor so it works inside exit handlers too. Never
 * throws: if stderr itself is gone there is nobody left to tell.
 */
export function reportToOperator(message: string): void {
  if (forward !== undefined) {
    forward({ message });
    return;
  }
  try {
    writeSync(2, `mlx-audit: ${neutralizeString(message)}\n`);
  } catch {
    // stderr is closed or broken.
  }
}

const reported = new Set<string>();

/** Reports a problem the first time it is seen; later occurrences are left to the counters. */
export function reportOnce(key: string, message: string): void {
  if (forward !== undefined) {
    forward({ key, message });
    return;
  }
  if (reported.has(key)) return;
  reported.add(key);
  reportToOperator(message);
}

/** A report of the file sink's writer thread, for the application's thread to make (and, with a key, only once). */
export interface ForwardedReport {
  readonly message: string;
  readonly key?: string;
}

let forward: ((report: ForwardedReport) => void) | undefined;

/**
 * On the file sink's writer thread: reports go to the application's thread, which writes them
 * to stderr itself, in order with its own, and says each keyed one once for the whole process.
 */
export function forwardReports(to: (report: ForwardedReport) => void): void {
  forward = to;
}
