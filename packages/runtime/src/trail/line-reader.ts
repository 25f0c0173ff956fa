import { open } from 'node:fs/promises';

// Reads a file line by line in constant memory: 1 MiB chunks, each line handed over as a view of
// the chunk (no string, no copy), a line cut by the chunk's end carried to the front of the next.
// A line longer than the largest buffer is handed over cut, as a line of its own.

const CHUNK_BYTES = 1 << 20;
const MAX_LINE_BYTES = 64 << 20;
const NEWLINE = 0x0a;

/**
 * `visit(source, start, end, terminated)`: `source[start, end)` is one line without its newline,
 * valid during the call only; `terminated` is false for a last line the file does not end with a
 * newline (a torn write).
 */
export type LineVisitor = (source: Buffer, start: number, end: number, terminated: boolean) => void;

export async function readLines(path: string, visit: LineVisitor): Promise<void> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (buffer.length >= MAX_LINE_BYTES) {
          // A line too long for any buffer: handed over cut, and the rest of it read as a line of its own.
          visit(buffer, 0, filled, true);
          filled = 0;
        } else {
          const grown = Buffer.allocUnsafe(buffer.length * 2);
          buffer.copy(grown, 0, 0, filled);
          buffer = grown;
        }
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      const end = filled + bytesRead;
      const view = buffer.subarray(0, end);
      let start = 0;
      for (let newline = view.indexOf(NEWLINE, filled); newline !== -1; newline = view.indexOf(NEWLINE, start)) {
        visit(buffer, start, newline, true);
        start = newline + 1;
      }
      filled = end - start;
      if (start > 0 && filled > 0) buffer.copy(buffer, 0, start, end);
    }
    if (filled > 0) visit(buffer, 0, filled, false);
  } finally {
    await handle.close();
  }
}
