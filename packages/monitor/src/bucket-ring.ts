import { positiveInteger } from './fields.js';

export interface Totals {
  readonly calls: number;
  readonly failures: number;
}

/**
 * Calls and failures counted in fixed time buckets (`bucketMs` each), the newest `length` of them
 * in a ring: a window's totals are the sum of its newest buckets, in O(length) memory whatever the
 * rate. Time is the events' own: the ring moves forward when an event of a later bucket comes, so
 * a window ends at the newest event of its series, never at the clock.
 *
 * The windows named at construction keep running sums, so their totals cost O(1) an event (a
 * rule asks for them at every call); any other window is summed bucket by bucket.
 */
export class BucketRing {
  readonly bucketMs: number;
  readonly length: number;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;
  /** The bucket number (time / bucketMs) of the newest bucket; undefined before the first call. */
  #newest: number | undefined;
  readonly #windows: readonly number[];
  readonly #windowCalls: Float64Array;
  readonly #windowFailures: Float64Array;

  constructor(bucketMs: number, length: number, windows: readonly number[] = []) {
    this.bucketMs = positiveInteger('bucketMs', bucketMs);
    this.length = positiveInteger('buckets', length);
    this.#calls = new Uint32Array(length);
    this.#failures = new Uint32Array(length);
    for (const window of windows) if (positiveInteger('window', window) > length) throw new TypeError(`a window of ${window} buckets is longer than the ring (${length})`);
    this.#windows = [...windows];
    this.#windowCalls = new Float64Array(windows.length);
    this.#windowFailures = new Float64Array(windows.length);
  }

  /** Counts a call at `time` (ms). A call older than the ring (out of order by more than its span) is not counted. */
  add(time: number, failed: boolean): void {
    const bucket = Math.floor(time / this.bucketMs);
    const newest = this.#newest;
    if (newest === undefined || bucket > newest) {
      this.#advance(newest, bucket);
      this.#newest = bucket;
    } else if (newest - bucket >= this.length) {
      return;
    }
    const slot = this.#slot(bucket);
    this.#calls[slot] = (this.#calls[slot] ?? 0) + 1;
    if (failed) this.#failures[slot] = (this.#failures[slot] ?? 0) + 1;
    // A late call counts in the windows that still hold its bucket.
    const age = (this.#newest ?? bucket) - bucket;
    for (let index = 0; index < this.#windows.length; index++) {
      if (age >= (this.#windows[index] ?? 0)) continue;
      this.#windowCalls[index] = (this.#windowCalls[index] ?? 0) + 1;
      if (failed) this.#windowFailures[index] = (this.#windowFailures[index] ?? 0) + 1;
    }
  }

  /** Whether a window tracked since construction (`windows`) holds a failure; no object made. */
  hasFailures(window: number): boolean {
    const tracked = this.#windows.indexOf(window);
    return tracked < 0 ? this.totals(window).failures > 0 : (this.#windowFailures[tracked] ?? 0) > 0;
  }

  /** The totals of the newest `buckets` buckets, the newest (partly filled) one included. */
  totals(buckets: number): Totals {
    const newest = this.#newest;
    if (newest === undefined) return { calls: 0, failures: 0 };
    const tracked = this.#windows.indexOf(buckets);
    if (tracked >= 0) return { calls: this.#windowCalls[tracked] ?? 0, failures: this.#windowFailures[tracked] ?? 0 };
    let calls = 0;
    let failures = 0;
    for (let b = newest - Math.min(buckets, this.length) + 1; b <= newest; b++) {
      const slot = this.#slot(b);
      calls += this.#calls[slot] ?? 0;
      failures += this.#failures[slot] ?? 0;
    }
    return { calls, failures };
  }

  /** Moves the newest bucket to `bucket`: buckets leaving a window leave its sums; buckets skipped are emptied, at most the whole ring. */
  #advance(newest: number | undefined, bucket: number): void {
    if (newest !== undefined) {
      for (let index = 0; index < this.#windows.length; index++) {
        const window = this.#windows[index] ?? 0;
        // Leaving: the window's oldest buckets now, up to those the move pushes out of it.
        const leaving = Math.min(bucket - newest, window);
        for (let b = newest - window + 1; b < newest - window + 1 + leaving; b++) {
          const slot = this.#slot(b);
          this.#windowCalls[index] = (this.#windowCalls[index] ?? 0) - (this.#calls[slot] ?? 0);
          this.#windowFailures[index] = (this.#windowFailures[index] ?? 0) - (this.#failures[slot] ?? 0);
        }
      }
    }
    const first = newest === undefined ? bucket - this.length + 1 : Math.max(newest + 1, bucket - this.length + 1);
    for (let b = first; b <= bucket; b++) {
      const slot = this.#slot(b);
      this.#calls[slot] = 0;
      this.#failures[slot] = 0;
    }
  }

  #slot(bucket: number): number {
    return ((bucket % this.length) + this.length) % this.length;
  }
}
