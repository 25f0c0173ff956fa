import { valueJson } from '../json.js';
import type { LineBuffer } from '../sinks/line-buffer.js';
import { HASH_HEX_LENGTH, HASH_PREFIX, LINE_PREFIX, sha256Hex, SUFFIX_LENGTH } from './format.js';

// The hash chain of a trail (format.ts): each line gets its number in the stream and a hash over
// the previous line's hash and its own bytes. The file sink chains bytes it has already encoded
// (no string per line: flattening each line would cost more than the hash); the process chain,
// whose sinks take strings, chains strings.

const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LINE_PREFIX_BYTES = Buffer.from(LINE_PREFIX, 'latin1');
const HASH_PREFIX_BYTES = Buffer.from(HASH_PREFIX, 'latin1');
// `,"trail.line":` + up to 16 digits, `,"event.hash":"` + 64 hex + `"}\n`.
const ADDED_BYTES = LINE_PREFIX.length + 16 + SUFFIX_LENGTH + 1;

/** Where a chain stands: the number and hash of its last line. */
export interface ChainPosition {
  readonly line: number;
  readonly head: string;
}

/** A chain in progress; `position` and `moveTo` let a writer go back to what is on disk after a failed write. */
export class LineChainer {
  #line: number;
  #head: string;

  constructor(start: ChainPosition) {
    this.#line = start.line;
    this.#head = start.head;
  }

  get position(): ChainPosition {
    return { line: this.#line, head: this.#head };
  }

  moveTo(position: ChainPosition): void {
    this.#line = position.line;
    this.#head = position.head;
  }

  /**
   * Appends one line, chained, to `target`: `source[start, end)` is the line as given, its newline
   * included. A line that already carries a chain (a batch's `lines` chained by the process
   * chain) is chained again from its own content; anything that is not a JSON object line (a
   * custom batch) is kept whole, as the `message` of an object line. Returns the bytes appended.
   */
  appendLine(source: Buffer, start: number, end: number, target: LineBuffer): number {
    const lineEnd = end > start && source[end - 1] === NEWLINE ? end - 1 : end;
    if (lineEnd - start < 2 || source[start] !== 0x7b || source[lineEnd - 1] !== CLOSE_BRACE) {
      return this.appendText(`{"message":${valueJson(source.toString('utf8', start, lineEnd))}}\n`, target);
    }
    const bodyEnd = chainedBodyEnd(source, start, lineEnd) ?? lineEnd - 1;
    // Hashed where it is written: the previous hash just before the line, for the one-shot
    // hash over both, then the line moved over it (a native memmove; fewer copies than a scratch).
    const out = target.room(HASH_HEX_LENGTH + bodyEnd - start + ADDED_BYTES);
    const at = target.length;
    out.write(this.#head, at, HASH_HEX_LENGTH, 'latin1');
    let written = at + HASH_HEX_LENGTH + source.copy(out, at + HASH_HEX_LENGTH, start, bodyEnd);
    written += out.write(`${LINE_PREFIX}${String(this.#line + 1)}`, written, 'latin1');
    const hash = sha256Hex(out.subarray(at, written));
    out.copyWithin(at, at + HASH_HEX_LENGTH, written);
    written -= HASH_HEX_LENGTH;
    written += out.write(`${HASH_PREFIX}${hash}"}\n`, written, 'latin1');
    target.advance(written - at);
    this.#line++;
    this.#head = hash;
    return written - at;
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
    const hash = sha256Hex(this.#head + body);
    this.#line = number;
    this.#head = hash;
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
