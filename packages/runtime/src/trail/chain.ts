import crypto, { createHash } from 'node:crypto';
import { valueJson } from '../json.js';
import type { LineBuffer } from '../sinks/line-buffer.js';
import { HASH_HEX_LENGTH, HASH_PREFIX, LINE_PREFIX, sha256Hex, SUFFIX_LENGTH } from './format.js';

// The hash chain of a trail (format.ts): each line gets its number in the stream and a hash over
// the previous line's hash and its own bytes. The file sink chains bytes it has already encoded
// (no string per line: flattening each line would cost more than the hash); the process chain,
// whose sinks take strings, chains strings.

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LINE_PREFIX_BYTES = Buffer.from(LINE_PREFIX, 'latin1');
const HASH_PREFIX_BYTES = Buffer.from(HASH_PREFIX, 'latin1');
const DIGEST_BYTES = HASH_HEX_LENGTH / 2;
// The longest hashed bytes (previous hash, line, number field) put together in a chainer's
// scratch buffer, whose views are kept: a view made per line costs about as much as the copy.
const SCRATCH_BYTES = 4096;
// What ends a chained line after its number, `,"event.hash":"<64 hex>"}\n`, in a buffer of its own
// one byte in, so that the hash starts at an even offset (see HEX_PAIRS).
const SUFFIX_OFFSET = 1;
const HEAD_OFFSET = SUFFIX_OFFSET + HASH_PREFIX.length;
const SUFFIX_BYTES = HASH_PREFIX.length + HASH_HEX_LENGTH + 3;
// The two hex digits of each byte value, as the 16-bit unit holding their two character codes in
// the machine's byte order: one store per byte of a digest.
const HEX_PAIRS = new Uint16Array(256);
const HEX_PAIR_BYTES = new Uint8Array(HEX_PAIRS.buffer);
for (let byte = 0; byte < 256; byte++) HEX_PAIR_BYTES.set(Buffer.from(byte.toString(16).padStart(2, '0'), 'latin1'), 2 * byte);

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'binary') => string;
const oneShot = (crypto as { hash?: OneShotHash }).hash;
/**
 * SHA-256 of bytes as a string of 32 characters, one per byte: the digest Node makes fastest
 * (no hex text to build, no Buffer to allocate), turned into hex where it is written.
 */
const sha256Latin1: (data: Uint8Array) => string =
  oneShot === undefined ? (data) => createHash('sha256').update(data).digest('binary') : (data) => oneShot('sha256', data, 'binary');

/** Where a chain stands: the number and hash of its last line. */
export interface ChainPosition {
  readonly line: number;
  readonly head: string;
}

/** A chain in progress; `position` and `moveTo` let a writer go back to what is on disk after a failed write. */
export class LineChainer {
  #line = 0;
  // The last line's hash, kept as the hex bytes of the suffix the file sink writes after each line
  // (and before the next, in what it hashes), and as text (the process chain's, and `position`'s);
  // each made from the other when needed. Views made once: a copy or a hash needs a view, and
  // making one per line costs about as much as the copy.
  // A buffer of its own (offset 0), so that the 16-bit view of the hash is aligned.
  readonly #suffix = Buffer.from(new ArrayBuffer(SUFFIX_OFFSET + SUFFIX_BYTES));
  readonly #suffixView = new Uint8Array(this.#suffix.buffer, this.#suffix.byteOffset + SUFFIX_OFFSET, SUFFIX_BYTES);
  readonly #headView = new Uint8Array(this.#suffix.buffer, this.#suffix.byteOffset + HEAD_OFFSET, HASH_HEX_LENGTH);
  readonly #headPairs = new Uint16Array(this.#suffix.buffer, this.#suffix.byteOffset + HEAD_OFFSET, DIGEST_BYTES);
  #headText: string | undefined;
  #bytesCurrent = false;
  // `,"trail.line":<n>` for the line numbered `#fieldLine`, counted up digit by digit (and made
  // again when the number gets a digit more, or the chain moves), and a view of exactly it.
  readonly #lineField = Buffer.alloc(LINE_PREFIX.length + 16);
  #lineFieldView = new Uint8Array(0);
  #fieldLine = -1;
  // Where the bytes a line's hash covers are put together (the previous hash, the line, its number
  // field), with views of its first bytes and of the line in it, made once per length.
  readonly #scratch = Buffer.alloc(SCRATCH_BYTES);
  readonly #hashedViews: (Uint8Array | undefined)[] = [];
  readonly #lineViews: (Uint8Array | undefined)[] = [];

  constructor(start: ChainPosition) {
    this.#suffix.write(`${HASH_PREFIX}${'0'.repeat(HASH_HEX_LENGTH)}"}\n`, SUFFIX_OFFSET, 'latin1');
    this.#lineField.write(LINE_PREFIX, 0, 'latin1');
    this.moveTo(start);
  }

  /** The number of the last line. */
  get line(): number {
    return this.#line;
  }

  get position(): ChainPosition {
    return { line: this.#line, head: this.head };
  }

  private get head(): string {
    this.#headText ??= this.#suffix.toString('latin1', HEAD_OFFSET, HEAD_OFFSET + HASH_HEX_LENGTH);
    return this.#headText;
  }

  moveTo(position: ChainPosition): void {
    this.#line = position.line;
    this.#headText = position.head;
    this.#bytesCurrent = false;
  }

  /**
   * Appends one line, chained, to `target`: `source[start, end)` is the line as given, its newline
   * included. A line that already carries a chain (a batch's `lines` chained by the process
   * chain) is chained again from its own content; anything that is not a JSON object line (a
   * custom batch) is kept whole, as the `message` of an object line. Returns the bytes appended.
   */
  appendLine(source: Buffer, start: number, end: number, target: LineBuffer): number {
    const lineEnd = end > start && source[end - 1] === NEWLINE ? end - 1 : end;
    if (lineEnd - start < 2 || source[start] !== OPEN_BRACE || source[lineEnd - 1] !== CLOSE_BRACE) {
      return this.appendText(`{"message":${valueJson(source.toString('utf8', start, lineEnd))}}\n`, target);
    }
    const bodyEnd = chainedBodyEnd(source, start, lineEnd) ?? lineEnd - 1;
    if (!this.#bytesCurrent) {
      this.#suffix.write(this.#headText ?? '', HEAD_OFFSET, HASH_HEX_LENGTH, 'latin1');
      this.#bytesCurrent = true;
    }
    const number = ++this.#line;
    if (this.#fieldLine !== number) this.setLineField(number);
    const field = this.#lineFieldView;
    const bodyLength = bodyEnd - start;
    const lineLength = bodyLength + field.length;
    const hashedLength = HASH_HEX_LENGTH + lineLength;
    // The hashed bytes put together in the scratch (a line too long for it, rare, in a buffer of
    // its own), hashed in one call, and copied out followed by the suffix. Every field is written
    // as bytes: no string is made per line but the digest.
    const cached = hashedLength <= SCRATCH_BYTES;
    const scratch = cached ? this.#scratch : Buffer.allocUnsafe(hashedLength);
    scratch.set(this.#headView, 0);
    scratch.set(new Uint8Array(source.buffer, source.byteOffset + start, bodyLength), HASH_HEX_LENGTH);
    scratch.set(field, HASH_HEX_LENGTH + bodyLength);
    const digest = sha256Latin1(cached ? this.hashedView(hashedLength) : scratch);
    const out = target.room(lineLength + SUFFIX_BYTES);
    out.set(cached ? this.lineView(lineLength) : scratch.subarray(HASH_HEX_LENGTH), target.length);
    const pairs = this.#headPairs;
    for (let index = 0; index < DIGEST_BYTES; index++) pairs[index] = HEX_PAIRS[digest.charCodeAt(index)] ?? 0;
    this.#headText = undefined;
    out.set(this.#suffixView, target.length + lineLength);
    target.advance(lineLength + SUFFIX_BYTES);
    this.stepLineField();
    return lineLength + SUFFIX_BYTES;
  }

  /** The scratch's first `length` bytes: what a line's hash covers. */
  private hashedView(length: number): Uint8Array {
    let view = this.#hashedViews[length];
    if (view === undefined) {
      view = new Uint8Array(this.#scratch.buffer, this.#scratch.byteOffset, length);
      this.#hashedViews[length] = view;
    }
    return view;
  }

  /** The line in the scratch, `length` bytes after the previous hash: what is written out. */
  private lineView(length: number): Uint8Array {
    let view = this.#lineViews[length];
    if (view === undefined) {
      view = new Uint8Array(this.#scratch.buffer, this.#scratch.byteOffset + HASH_HEX_LENGTH, length);
      this.#lineViews[length] = view;
    }
    return view;
  }

  private setLineField(number: number): void {
    const digits = String(number);
    this.#lineField.write(digits, LINE_PREFIX.length, 'latin1');
    this.#lineFieldView = new Uint8Array(this.#lineField.buffer, this.#lineField.byteOffset, LINE_PREFIX.length + digits.length);
    this.#fieldLine = number;
  }

  /** The field for the line after `#fieldLine`: the last digit up by one, carried. */
  private stepLineField(): void {
    const field = this.#lineField;
    let index = this.#lineFieldView.length - 1;
    while (index >= LINE_PREFIX.length && field[index] === DIGIT_9) field[index--] = DIGIT_0;
    if (index < LINE_PREFIX.length) this.setLineField(this.#fieldLine + 1);
    else {
      field[index] = (field[index] ?? DIGIT_0) + 1;
      this.#fieldLine++;
    }
  }

  /** Appends a line given as text (the trail's own records; rare): encoded, then chained. */
  appendText(text: string, target: LineBuffer): number {
    const bytes = Buffer.from(text, 'utf8');
    return this.appendLine(bytes, 0, bytes.length, target);
  }

  /**
   * Chains a canonical line (a JSON object line ending in `}\n`) as text: for sinks that take
   * strings and objects. Returns the chained line with its number and hash.
   */
  chainText(line: string): { readonly text: string; readonly line: number; readonly hash: string } {
    const number = this.#line + 1;
    const body = `${line.slice(0, line.endsWith('}\n') ? -2 : -1)}${LINE_PREFIX}${String(number)}`;
    const hash = sha256Hex(this.head + body);
    this.#line = number;
    this.#headText = hash;
    this.#bytesCurrent = false;
    return { text: `${body}${HASH_PREFIX}${hash}"}\n`, line: number, hash };
  }
}

/**
 * Where the hashed bytes of a chained line end (the start of `,"event.hash":`), or undefined if
 * `source[start, lineEnd)` (no newline) does not end in a chain suffix.
 */
export function hashedEnd(source: Buffer, start: number, lineEnd: number): number | undefined {
  const suffixStart = lineEnd - SUFFIX_LENGTH;
  if (suffixStart <= start || source[lineEnd - 1] !== CLOSE_BRACE || source[lineEnd - 2] !== QUOTE) return undefined;
  // compare() with a range: no view allocated per line (the verifier reads hundreds of thousands).
  return HASH_PREFIX_BYTES.compare(source, suffixStart, suffixStart + HASH_PREFIX_BYTES.length) === 0 ? suffixStart : undefined;
}

/**
 * The number a chained line carries and where `,"trail.line":` starts, read backwards from the end
 * of its hashed bytes; undefined if the hashed bytes do not end with a line number.
 */
export function lineNumberBefore(source: Buffer, start: number, hashed: number): { readonly number: number; readonly at: number } | undefined {
  let digitsStart = hashed;
  while (digitsStart > start && isDigit(source[digitsStart - 1])) digitsStart--;
  const digits = hashed - digitsStart;
  if (digits === 0 || digits > 15) return undefined;
  const at = digitsStart - LINE_PREFIX_BYTES.length;
  if (at <= start || LINE_PREFIX_BYTES.compare(source, at, digitsStart) !== 0) return undefined;
  let number = 0;
  for (let index = digitsStart; index < hashed; index++) number = number * 10 + (source[index] ?? DIGIT_0) - DIGIT_0;
  return { number, at };
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9;
}

/** Where the content of a line that is already chained ends (before `,"trail.line":`), or undefined. */
function chainedBodyEnd(source: Buffer, start: number, lineEnd: number): number | undefined {
  const hashed = hashedEnd(source, start, lineEnd);
  return hashed === undefined ? undefined : lineNumberBefore(source, start, hashed)?.at;
}
