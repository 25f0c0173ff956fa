import { severityRank } from './severity.js';

// What the commands say in words: counts of things, and alerts counted by severity.

/** `1 file`, `3 files`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `no alert`, or `3 alerts (1 high, 2 medium)`: the severities given (word, count), highest first, those counted. */
export function alertsText(bySeverity: Iterable<readonly [word: string, count: number]>): string {
  const counted = [...bySeverity].filter(([, count]) => count > 0).sort(([a], [b]) => severityRank(b) - severityRank(a));
  const total = counted.reduce((sum, [, count]) => sum + count, 0);
  return total === 0 ? 'no alert' : `${plural(total, 'alert')} (${counted.map(([word, count]) => `${count} ${word}`).join(', ')})`;
}
