// How the report page writes numbers, durations and rates: one way everywhere, in English, the
// same whatever the locale of the machine that made it.

const COUNT = new Intl.NumberFormat('en-US');

export function formatCount(count: number): string {
  return COUNT.format(count);
}

/** `3 events`, `1 event`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${formatCount(count)} ${count === 1 ? noun : nouns}`;
}

/** Milliseconds at a precision that reads: `0.42 ms`, `12.3 ms`, `840 ms`, `2.35 s`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toPrecision(ms < 1 ? 2 : 3)} ms`;
}

/** `failures` of `calls` as a percentage (`12.5%`), or a dash when there was no call. */
export function formatRate(failures: number, calls: number): string {
  if (calls <= 0) return '—';
  const percent = (100 * failures) / calls;
  return `${percent === 0 || percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

/** An ISO 8601 time of the trail with a space for the `T`, easier to read in a table. */
export function formatTime(iso: string): string {
  return /^\d{4}-\d\d-\d\dT/.test(iso) ? iso.replace('T', ' ') : iso;
}

/** A bucket width: `250 ms`, `30 s`, `5 min`, `2 h`, `1 d`. */
export function formatSpan(ms: number): string {
  const units: readonly (readonly [number, string])[] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) if (ms >= size) return `${Number((ms / size).toPrecision(3))} ${unit}`;
  return `${ms} ms`;
}
