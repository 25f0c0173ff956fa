import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

// Which files a scan reads: the files named, and the files of the directories named, in name
// order. A directory is not walked down: its subdirectories are named as skipped (a log directory
// keeps archives there; name them to scan them). Compressed and binary files are skipped with the
// reason: `zcat app.log.1.gz > app.log.1` first, or pass the plain file.

export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** A path that cannot be read: the scan cannot say the logs are clean. */
export class LogFileError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`cannot read ${file}: ${reason}`);
    this.name = 'LogFileError';
    this.file = file;
    this.reason = reason;
  }
}

const COMPRESSED_NAME = /\.(?:gz|tgz|zst|bz2|xz|lz4|zip|7z)$/i;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const SNIFF_BYTES = 4096;

/** The files to scan and those skipped; rejects with LogFileError for a path that is missing or unreadable. */
export async function findLogFiles(paths: readonly string[]): Promise<{ files: string[]; skipped: SkippedFile[] }> {
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const consider = async (file: string): Promise<void> => {
    const reason = await notText(file);
    if (reason === undefined) files.push(file);
    else skipped.push({ file, reason });
  };
  for (const path of paths) {
    if (!(await statOrThrow(path)).isDirectory()) {
      await consider(path);
      continue;
    }
    let entries;
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      throw new LogFileError(path, errorCode(error));
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = join(path, entry.name);
      // Hidden files: an editor's swap file, a logger's lock or state file.
      if (entry.name.startsWith('.')) continue;
      // A link is followed; a dangling one, a socket or a FIFO is skipped.
      const target = entry.isSymbolicLink() ? await stat(file).catch(() => undefined) : entry;
      if (target?.isDirectory() === true) skipped.push({ file, reason: 'a directory (directories are not walked down: name it to scan it)' });
      else if (target?.isFile() === true) await consider(file);
      else skipped.push({ file, reason: 'not a regular file' });
    }
  }
  return { files: [...new Set(files)], skipped };
}

async function statOrThrow(path: string): ReturnType<typeof stat> {
  try {
    return await stat(path);
  } catch (error) {
    throw new LogFileError(path, errorCode(error));
  }
}

/** Why a file is not a text log (compressed, binary), or undefined; rejects with LogFileError if it cannot be opened. */
async function notText(file: string): Promise<string | undefined> {
  if (COMPRESSED_NAME.test(file)) return 'compressed (decompress it first, as zcat does)';
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new LogFileError(file, errorCode(error));
  }
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    if (bytesRead >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return 'compressed (gzip: decompress it first, as zcat does)';
    return head.subarray(0, bytesRead).includes(0) ? 'binary (it holds NUL bytes)' : undefined;
  } catch (error) {
    throw new LogFileError(file, errorCode(error));
  } finally {
    await handle.close();
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
