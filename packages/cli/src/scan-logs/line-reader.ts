import { open } from 'node:fs/promises';

// Reads a file line by line in constant memory: 1 MiB chunks, and of each line only its first
// MAX_LINE_BYTES (the rest is passed over to the next newline, and the line marked as cut). A log
// file may hold a line of many megabytes (a tensor dumped whole, a binary blob): what is examined
// of it is bounded, so memory and time per line are too.

export const MAX_LINE_BYTES = 64 * 1024;
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** `text` is a line without its line break (`\n` or `\r\n`); `cut` when only its first MAX_LINE_BYTES are in it. */
export type CappedLineVisitor = (text: string, cut: boolean) => void;

/** Visits each line of the file; resolves to the number of bytes read. */
export async function readCappedLines(path: string, visit: CappedLineVisitor): Promise<number> {
  const handle = await open(path, 'r');
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  // The beginning of a line that a chunk's end cut, at most MAX_LINE_BYTES of it.
  const pending = Buffer.allocUnsafe(MAX_LINE_BYTES);
  let pendingBytes = 0;
  let cut = false;
  let bytes = 0;

  const emit = (source: Buffer, start: number, end: number): void => {
    let text: string;
    if (pendingBytes === 0) {
      const kept = Math.min(end - start, MAX_LINE_BYTES);
      cut ||= kept < end - start;
      text = source.toString('utf8', start, start + kept);
    } else {
      const kept = Math.min(end - start, MAX_LINE_BYTES - pendingBytes);
      cut ||= kept < end - start;
      source.copy(pending, pendingBytes, start, start + kept);
      text = pending.toString('utf8', 0, pendingBytes + kept);
    }
    visit(text.endsWith('\r') ? text.slice(0, -1) : text, cut);
    pendingBytes = 0;
    cut = false;
  };

  try {
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      const read = chunk.subarray(0, bytesRead);
      let start = 0;
      for (let newline = read.indexOf(NEWLINE); newline !== -1; newline = read.indexOf(NEWLINE, start)) {
        emit(chunk, start, newline);
        start = newline + 1;
      }
      // The line the chunk ends in: kept up to the cap, the rest of it passed over.
      const kept = Math.min(bytesRead - start, MAX_LINE_BYTES - pendingBytes);
      chunk.copy(pending, pendingBytes, start, start + kept);
      pendingBytes += kept;
      cut ||= kept < bytesRead - start;
    }
    if (pendingBytes > 0 || cut) emit(pending, 0, 0);
  } finally {
    await handle.close();
  }
  return bytes;
}
