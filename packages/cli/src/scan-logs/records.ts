// Lines into records: what one log call wrote. A line that begins with white space or a closing
// bracket continues the record before it: the rows of a multi-line array rendering, the elements
// util.inspect puts on lines of their own, the frames of a stack trace. A JSON line never begins
// so, and is a record of its own. A finding in a record is reported on the line it begins on.

/** Characters of a record at the most: a record that would grow past them ends there. */
export const MAX_RECORD_CHARS = 64 * 1024;
/** Lines of a record at the most. */
const MAX_RECORD_LINES = 1000;
const CONTINUATION = /^[ \t\]})]/;

/** `text` is the record's lines joined by `\n`; `firstLine` is the 1-based number of its first. */
export type RecordVisitor = (text: string, firstLine: number) => void;

export class RecordAssembler {
  readonly #visit: RecordVisitor;
  #lines: string[] = [];
  #chars = 0;
  #firstLine = 0;

  constructor(visit: RecordVisitor) {
    this.#visit = visit;
  }

  /** The file's next line, numbered from 1. */
  push(text: string, lineNumber: number): void {
    if (text.trim() === '') {
      this.end();
      return;
    }
    const continues = this.#lines.length > 0 && CONTINUATION.test(text) && this.#chars + text.length < MAX_RECORD_CHARS && this.#lines.length < MAX_RECORD_LINES;
    if (!continues) {
      this.end();
      this.#firstLine = lineNumber;
    }
    this.#lines.push(text);
    this.#chars += text.length + 1;
  }

  /** Hands over the record being assembled, if any. */
  end(): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.length === 1 ? (this.#lines[0] ?? '') : this.#lines.join('\n');
    this.#lines = [];
    this.#chars = 0;
    this.#visit(text, this.#firstLine);
  }
}
