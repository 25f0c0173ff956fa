// The report's time axis, made while the trail streams by: its span is not known until the end, so
// buckets start at a millisecond (a short run still gets many points) and double in width whenever
// more than the cap would be needed. Widths are powers of two milliseconds, counted from the epoch,
// so two buckets merge into exactly one of the next width, and every series stays aligned with the
// axis whatever the order of its events.

const FIRST_WIDTH_MS = 1;

export class TimeAxis {
  readonly #maxBuckets: number;
  #width = FIRST_WIDTH_MS;
  #min = Number.POSITIVE_INFINITY;
  #max = Number.NEGATIVE_INFINITY;

  constructor(maxBuckets: number) {
    this.#maxBuckets = maxBuckets;
  }

  get width(): number {
    return this.#width;
  }

  /** Takes `time` (epoch ms) into the span, widening the buckets if it must; returns its bucket's index at the width then. */
  place(time: number): number {
    let index = Math.floor(time / this.#width);
    if (index < this.#min) this.#min = index;
    if (index > this.#max) this.#max = index;
    while (this.#max - this.#min + 1 > this.#maxBuckets) {
      this.#width *= 2;
      this.#min = Math.floor(this.#min / 2);
      this.#max = Math.floor(this.#max / 2);
      index = Math.floor(index / 2);
    }
    return index;
  }

  /** The span as buckets: the first one's start (epoch ms) and how many; none before any time was placed. */
  range(): { readonly start: number; readonly count: number; readonly first: number } {
    if (this.#min > this.#max) return { start: 0, count: 0, first: 0 };
    return { start: this.#min * this.#width, count: this.#max - this.#min + 1, first: this.#min };
  }
}

/** Values per bucket of an axis (a count, a sketch…), merged pairwise when the axis widens. */
export class BucketedSeries<T> {
  readonly #axis: TimeAxis;
  readonly #make: () => T;
  readonly #merge: (into: T, from: T) => void;
  #width: number;
  #buckets = new Map<number, T>();

  constructor(axis: TimeAxis, make: () => T, merge: (into: T, from: T) => void) {
    this.#axis = axis;
    this.#make = make;
    this.#merge = merge;
    this.#width = axis.width;
  }

  /** The bucket of `index` (as `TimeAxis.place` returned it just now), made if new. */
  at(index: number): T {
    if (this.#width !== this.#axis.width) this.#rescale();
    let bucket = this.#buckets.get(index);
    if (bucket === undefined) {
      bucket = this.#make();
      this.#buckets.set(index, bucket);
    }
    return bucket;
  }

  /** One value per bucket of the axis's range, `empty` where this series has none. */
  toArray<U>(read: (bucket: T) => U, empty: U): U[] {
    if (this.#width !== this.#axis.width) this.#rescale();
    const { first, count } = this.#axis.range();
    const values = new Array<U>(count).fill(empty);
    for (const [index, bucket] of this.#buckets) values[index - first] = read(bucket);
    return values;
  }

  #rescale(): void {
    const factor = this.#axis.width / this.#width;
    const buckets = new Map<number, T>();
    for (const [index, bucket] of this.#buckets) {
      const target = Math.floor(index / factor);
      const into = buckets.get(target);
      if (into === undefined) buckets.set(target, bucket);
      else this.#merge(into, bucket);
    }
    this.#buckets = buckets;
    this.#width = this.#axis.width;
  }
}
