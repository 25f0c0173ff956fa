import { median } from '../robust.js';

// The two stores of a robust band (../robust-band.ts): the values of the bucket being filled, and
// the values of ended buckets in a ring.

/** Values kept of one bucket for its median. */
const SAMPLE = 64;

/**
 * The values of the open bucket, at most SAMPLE of them: when the sample is full, every other
 * value is let go and only every other value is taken from then on, so the sample stays spread
 * evenly over the bucket (a deterministic stride, not a random reservoir).
 */
export class BucketSample {
  readonly #values = new Float64Array(SAMPLE);
  #kept = 0;
  #stride = 1;
  /** Values added to the bucket, kept or not. */
  count = 0;

  add(value: number): void {
    if (this.count % this.#stride === 0) {
      if (this.#kept === SAMPLE) {
        this.#values.set(this.#values.filter((_, index) => index % 2 === 0));
        this.#kept = SAMPLE / 2;
        this.#stride *= 2;
      }
      if (this.count % this.#stride === 0) this.#values[this.#kept++] = value;
    }
    this.count++;
  }

  median(): number {
    return median(this.#values.subarray(0, this.#kept));
  }

  clear(): void {
    this.#kept = 0;
    this.#stride = 1;
    this.count = 0;
  }
}

/** The newest `length` bucket values, oldest pushed out first; NaN marks a bucket that does not count. */
export class ValueRing {
  readonly #values: Float64Array;
  #next = 0;
  #size = 0;

  constructor(length: number) {
    this.#values = new Float64Array(length).fill(Number.NaN);
  }

  /** Appends a value; returns the one it pushed out, once the ring is full. */
  push(value: number): number | undefined {
    let out: number | undefined;
    if (this.#size === this.#values.length) out = this.#values[this.#next];
    else this.#size++;
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    return out;
  }

  /** The values that count, in no particular order. */
  counting(): Float64Array {
    return this.#values.filter((value) => !Number.isNaN(value));
  }

  clear(): void {
    this.#values.fill(Number.NaN);
    this.#next = 0;
    this.#size = 0;
  }
}
