import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real disk that fills up: a 64 KiB tmpfs mounted for the test (root is required, as in CI;
 * should the mount be impossible this throws, so the test fails rather than skips), a 16 KiB
 * filler on it, and `audit.jsonl` beside it for the sink.
 */
export function nearlyFullDisk(prefix: string) {
  const mountPoint = mkdtempSync(join(tmpdir(), prefix));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mountPoint]);
  const filler = join(mountPoint, 'filler');
  writeFileSync(filler, Buffer.alloc(16 * 1024));
  return {
    path: join(mountPoint, 'audit.jsonl'),
    /** Room again: the filler removed. */
    makeRoom: (): void => {
      rmSync(filler);
    },
    /** Lazily: a descriptor left open by a failure must not leave the mount behind. */
    unmount: (): void => {
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
}
