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
 */
export class BucketRing {
  readonly bucketMs: number;
  readonly length: number;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;
  /** The bucket number (time / bucketMs) of the newest bucket; undefined before the first call. */
  #newest: number | undefined;

  constructor(bucketMs: number, length: number) {
    this.bucketMs = positiveInteger('bucketMs', bucketMs);
    this.length = positiveInteger('buckets', length);
    this.#calls = new Uint32Array(length);
    this.#failures = new Uint32Array(length);
  }

  /** Counts a call at `time` (ms). A call older than the ring (out of order by more than its span) is not counted. */
  add(time: number, failed: boolean): void {
    const bucket = Math.floor(time / this.bucketMs);
    const newest = this.#newest;
    if (newest === undefined || bucket > newest) {
      // Buckets between the newest and this one had no call: empty them, at most the whole ring.
      const first = newest === undefined ? bucket - this.length + 1 : Math.max(newest + 1, bucket - this.length + 1);
      for (let b = first; b <= bucket; b++) {
        const slot = this.#slot(b);
        this.#calls[slot] = 0;
        this.#failures[slot] = 0;
      }
      this.#newest = bucket;
    } else if (newest - bucket >= this.length) {
      return;
    }
    const slot = this.#slot(bucket);
    this.#calls[slot] = (this.#calls[slot] ?? 0) + 1;
    if (failed) this.#failures[slot] = (this.#failures[slot] ?? 0) + 1;
  }

  /** The totals of the newest `buckets` buckets, the newest (partly filled) one included. */
  totals(buckets: number): Totals {
    const newest = this.#newest;
    if (newest === undefined) return { calls: 0, failures: 0 };
    let calls = 0;
    let failures = 0;
    for (let b = newest - Math.min(buckets, this.length) + 1; b <= newest; b++) {
      const slot = this.#slot(b);
      calls += this.#calls[slot] ?? 0;
      failures += this.#failures[slot] ?? 0;
    }
    return { calls, failures };
  }

  #slot(bucket: number): number {
    return ((bucket % this.length) + this.length) % this.length;
  }
}
