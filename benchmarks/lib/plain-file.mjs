// The file sink as it was before the trail (git history of packages/runtime/src/sinks/file.ts):
// each batch's lines joined a group at a time into one buffer (the runtime's own LineBuffer and
// forEachJoin), written once per batch on the calling thread, with the fstat and lstat the sink
// makes per batch; no chain, no seal. The baseline the trail's cost is measured against.
import { fstatSync, lstatSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The runtime's internal modules, by path (not exports of the package): what the sink encodes with.
export const RUNTIME_DIST = join(dirname(createRequire(import.meta.url).resolve('@mlx-audit/runtime/package.json')), 'dist');
/** @type {{ LineBuffer: new () => { append(text: string, bytes: number): void, contents(): Buffer, clear(): void }, forEachJoin(lines: readonly string[], visit: (text: string, bytes: number) => void): void }} */
const { LineBuffer, forEachJoin } = await import(pathToFileURL(join(RUNTIME_DIST, 'sinks', 'line-buffer.js')).href);
/** @type {{ writeFully(fd: number, data: Buffer): void }} */
const { writeFully } = await import(pathToFileURL(join(RUNTIME_DIST, 'sinks', 'write-fully.js')).href);
/** @type {{ CANONICAL_LINES: symbol }} */
const { CANONICAL_LINES } = await import(pathToFileURL(join(RUNTIME_DIST, 'trail', 'process-chain.js')).href);

export class PlainFile {
  name = 'plain-file';
  #pending = new LineBuffer();
  #fd;

  /** @param {string} path */
  constructor(path) {
    this.path = path;
    this.#fd = openSync(path, 'a', 0o600);
  }

  /** @param {{ readonly lines: readonly string[] }} batch */
  write(batch) {
    // The lines before the process chain, as the file sink takes them: reading `lines` would make the chain.
    /** @type {readonly string[]} */
    const lines = /** @type {Record<symbol, readonly string[] | undefined>} */ (/** @type {unknown} */ (batch))[CANONICAL_LINES] ?? batch.lines;
    // What the sink checks per batch: the open file is still the one at the path.
    fstatSync(this.#fd, { bigint: true });
    lstatSync(this.path, { bigint: true });
    forEachJoin(lines, (text, bytes) => {
      this.#pending.append(text, bytes);
    });
    writeFully(this.#fd, this.#pending.contents());
    this.#pending.clear();
  }
}
