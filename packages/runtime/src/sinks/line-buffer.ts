/**
 * A batch's lines encoded into one buffer reused from write to write, so a batch costs no
 * allocation (a fresh buffer per batch is also external memory, which V8 counts towards its
 * collections). Text that is all ASCII, as nearly every event line is, is copied as Latin-1: the
 * same bytes as UTF-8 for ASCII, and several times faster for Node to encode.
 */
export class LineBuffer {
  #buffer: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  #length = 0;

  /** Bytes appended since the last `clear`. */
  get length(): number {
    return this.#length;
  }

  /** Appends text whose UTF-8 length (`Buffer.byteLength`) is `bytes`. */
  append(text: string, bytes: number): void {
    const needed = this.#length + bytes;
    if (needed > this.#buffer.length) this.grow(needed);
    this.#length += encodeText(this.#buffer, this.#length, text, bytes);
  }

  /**
   * The buffer, with room for `bytes` more from `length` on: for a writer that encodes in place
   * (the file trail's chain), which then counts what it wrote with `advance`.
   */
  room(bytes: number): Buffer {
    const needed = this.#length + bytes;
    if (needed > this.#buffer.length) this.grow(needed);
    return this.#buffer;
  }

  /** Counts `bytes` written into `room`'s buffer at `length`. */
  advance(bytes: number): void {
    this.#length += bytes;
  }

  /** What was appended, valid until the next `append` or `clear`. */
  contents(): Buffer {
    return this.#buffer.subarray(0, this.#length);
  }

  /** Empties it; a buffer grown past the size worth keeping (a huge batch) is given back. */
  clear(): void {
    this.#length = 0;
    if (this.#buffer.length > MAX_KEPT_BYTES) this.#buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  }

  private grow(needed: number): void {
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2));
    this.#buffer.copy(grown, 0, 0, this.#length);
    this.#buffer = grown;
  }
}

// A drain writes up to 1,024 events of about a kilobyte each.
const INITIAL_BYTES = 256 * 1024;
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

/**
 * Lines per joined string. A line is built from pieces, and flattening it alone costs more than
 * copying it into a join; but the join of a whole batch is a string large enough to be allocated
 * apart (V8's large-object space, fresh pages each time), which costs more again. Groups of 64
 * lines (about 50 KB) stay in the young generation.
 */
const LINES_PER_JOIN = 64;

/** Hands on a batch's lines joined a group at a time, with each join's UTF-8 length. */
export function forEachJoin(lines: readonly string[], visit: (text: string, bytes: number, group: readonly string[]) => void): void {
  for (let start = 0; start < lines.length; start += LINES_PER_JOIN) {
    const group = lines.slice(start, start + LINES_PER_JOIN);
    const text = group.join('');
    visit(text, Buffer.byteLength(text, 'utf8'), group);
  }
}


/**
 * Writes text whose UTF-8 length (`Buffer.byteLength`) is `bytes` into `target` at `offset`, and
 * returns the bytes written. UTF-8 takes more bytes than the string has code units exactly when a
 * character is not ASCII; all-ASCII text goes as Latin-1, the same bytes, several times faster.
 */
export function encodeText(target: Buffer, offset: number, text: string, bytes: number): number {
  return target.write(text, offset, bytes, bytes === text.length ? 'latin1' : 'utf8');
}
