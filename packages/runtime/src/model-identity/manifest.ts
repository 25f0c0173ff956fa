import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

// The allow-list file: what `sha256sum model.safetensors > models.sha256` writes. A line is the
// hash, a space, a space or `*` (binary mode) and the name; `sha256sum` starts the line with `\`
// when it escaped the name (a newline or a backslash in it). Blank lines and lines starting with
// `#` are left out. The names are for the reader of the file: a model is allowed by its hash alone.

const LINE = /^\\?([0-9a-fA-F]{64}) [ *]./;
// A list of hashes is small; anything larger is the wrong file.
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface Manifest {
  /** The hashes listed, in lower case. */
  readonly hashes: ReadonlySet<string>;
  /** 1-based numbers of the lines that are not `<sha256>  <name>`. */
  readonly malformed: readonly number[];
}

export function parseManifest(text: string): Manifest {
  const hashes = new Set<string>();
  const malformed: number[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const hash = LINE.exec(line)?.[1];
    if (hash === undefined) malformed.push(index + 1);
    else hashes.add(hash.toLowerCase());
  }
  return { hashes, malformed };
}

/** The manifest's text; throws an fs error, or a RangeError for a file that is not a small regular file. */
export function readManifest(path: string): string {
  // Non-blocking: a FIFO at the path is refused, not waited on.
  const descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) throw new RangeError('not a regular file');
    if (stats.size > MAX_MANIFEST_BYTES) throw new RangeError(`larger than ${MAX_MANIFEST_BYTES} bytes`);
    return readFileSync(descriptor, 'utf8');
  } finally {
    closeSync(descriptor);
  }
}
