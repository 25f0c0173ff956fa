import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { KEY_FILE_PREFIX } from './seal-key.js';

// Which files make a trail, oldest first. The file sink rotates `<path>` to `<path>.1`, `.1` to
// `.2` and so on, so a trail is `<path>.N` … `<path>.1`, `<path>`. A directory holds one trail per
// base name; of its files, those that do not begin as JSON lines do (a compressed copy, a key
// file) are left out and listed as skipped, never silently: whatever they replaced shows as a gap.

export interface TrailFiles {
  /** The trail's current file (`<path>`), whether or not it is still there. */
  readonly base: string;
  /** Its files, oldest first. */
  readonly files: readonly string[];
}

export interface FoundTrails {
  readonly trails: readonly TrailFiles[];
  /** Files of a directory that are not JSON lines, with the reason. */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  /** Paths that could not be read. */
  readonly unreadable: readonly { readonly file: string; readonly reason: string }[];
}

const ROTATED = /^(.*)\.(\d+)$/;
// A key file is never a trail, even in the trail's directory.
const KEY_FILE_START = Buffer.from(KEY_FILE_PREFIX);

/** Groups files (given as files, or found in directories) into trails, each in rotation order. */
export async function findTrails(paths: readonly string[]): Promise<FoundTrails> {
  const files: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const unreadable: { file: string; reason: string }[] = [];
  for (const path of paths) {
    try {
      if ((await stat(path)).isDirectory()) {
        for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
          // Hidden files: a key state file's temporary, an editor's swap file.
          if (!entry.isFile() || entry.name.startsWith('.')) continue;
          const file = join(path, entry.name);
          const reason = await notJsonLines(file);
          if (reason === undefined) files.push(file);
          else skipped.push({ file, reason });
        }
      } else {
        files.push(path);
      }
    } catch (error) {
      unreadable.push({ file: path, reason: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
    }
  }
  return { trails: group(files), skipped, unreadable };
}

/** Files by trail: `<base>.N` with the highest N first, `<base>` last. */
function group(files: readonly string[]): TrailFiles[] {
  const byBase = new Map<string, { file: string; rotation: number }[]>();
  for (const file of new Set(files)) {
    const match = ROTATED.exec(basename(file));
    const base = match?.[1] === undefined ? file : join(dirname(file), match[1]);
    const members = byBase.get(base) ?? [];
    members.push({ file, rotation: match?.[2] === undefined ? 0 : Number(match[2]) });
    byBase.set(base, members);
  }
  return [...byBase.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([base, members]) => ({ base, files: members.sort((a, b) => b.rotation - a.rotation).map((member) => member.file) }));
}

/** Why a file found in a directory is not a trail file, or undefined if it begins like JSON lines (or is empty). */
async function notJsonLines(file: string): Promise<string | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(KEY_FILE_START.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead === 0) return undefined;
    if (head.equals(KEY_FILE_START)) return 'a seal key file';
    return head[0] === 0x7b ? undefined : 'does not begin with a JSON object';
  } finally {
    await handle.close();
  }
}
