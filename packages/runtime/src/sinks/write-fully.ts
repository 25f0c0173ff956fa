import { writeSync } from 'node:fs';

const RETRY_LIMIT = 200;
const RETRY_WAIT_MS = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `data` to a file descriptor synchronously, so it works inside exit handlers.
 * A non-blocking pipe that is full answers EAGAIN: wait a little and retry (up to a second in
 * all) rather than lose the events or spin.
 */
export function writeFully(fd: number, data: Buffer): void {
  let offset = 0;
  let retries = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || ++retries > RETRY_LIMIT) throw error;
      Atomics.wait(sleeper, 0, 0, RETRY_WAIT_MS);
    }
  }
}
