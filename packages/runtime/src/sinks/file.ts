import { resolve } from 'node:path';
import { RotatingFile } from './rotating-file.js';
import type { AuditSink } from './sink.js';
import { threadedFile } from './writer-thread/threaded-file.js';

export interface FileSinkOptions {
  /** The log file. Its directory is created (mode 0700) if missing. */
  readonly path: string;
  /** Rotate before a write would take the file past this many bytes (default 64 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one: `<path>.1` (newest) to `<path>.<maxFiles>` (default 5). */
  readonly maxFiles?: number;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

/**
 * JSON lines appended to a file only its owner can read, chained and sealed (README, "The file
 * sink" and "Tamper evidence"). The chain, the seals and the writes run on a thread of their own,
 * the file sink's writer thread: the application's thread only encodes each batch and hands it
 * over. Where that thread cannot run, the sink works on the application's thread, as before.
 */
export function fileSink(options: FileSinkOptions): AuditSink {
  const settings = { path: resolve(options.path), maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES, maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES };
  return threadedFile(settings) ?? new RotatingFile(settings.path, settings.maxBytes, settings.maxFiles);
}

/** The file sink on the calling thread, whatever the writer thread can do: what the writer thread itself runs, and tests of the file's rules. */
export function fileSinkOnThisThread(options: FileSinkOptions): RotatingFile {
  return new RotatingFile(resolve(options.path), options.maxBytes ?? DEFAULT_MAX_BYTES, options.maxFiles ?? DEFAULT_MAX_FILES);
}
