import { writeSync } from 'node:fs';
import { neutralizeString } from './escape.js';

/**
 * Tells the operator about a problem of the runtime itself (a failing sink, a bad setting) on
 * stderr, directly through the file descriptor so it works inside exit handlers too. Never
 * throws: if stderr itself is gone there is nobody left to tell.
 */
export function reportToOperator(message: string): void {
  try {
    writeSync(2, `mlx-audit: ${neutralizeString(message)}\n`);
  } catch {
    // stderr is closed or broken.
  }
}

const reported = new Set<string>();

/** Reports a problem the first time it is seen; later occurrences are left to the counters. */
export function reportOnce(key: string, message: string): void {
  if (reported.has(key)) return;
  reported.add(key);
  reportToOperator(message);
}
