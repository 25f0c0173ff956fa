import '../support/quiet.js';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditStats, configure, flushAuditLog } from '../../src/configure.js';
import { call } from '../../src/instrument.js';
import { fileSink, fileSinkOnThisThread } from '../../src/sinks/file.js';
import { testSite } from '../support/capture.js';
import { isRuntimeRecord, unchainedLine } from '../support/trail.js';
import { fileSinkWorkspace } from '../support/file-sink-workspace.js';
import { nearlyFullDisk } from '../support/full-disk.js';

// Attacks on the file sink by someone who shares the machine (writes a directory on the way to
// the log, plants links and odd files) and by the machine itself (a full disk, logrotate). Where
// a test expects a refusal to throw, it runs the file sink on its own thread (the writer thread
// runs the same class); writer-thread.test.ts makes the same attacks on the sink as configured.
const { root, scripts, directory } = fileSinkWorkspace('mlx-audit-file-attacks-');
// Someone else: any uid but ours.
const STRANGER = 4242;

function batch(lines: string[]) {
  return { lines, events: [] };
}

function line(index: number): string {
  return `${JSON.stringify({ 'event.sequence': index, padding: 'x'.repeat(80) })}\n`;
}

function lines(from: number, count: number): string[] {
  return Array.from({ length: count }, (_, index) => line(from + index));
}

/**
 * Every line of a JSONL file parsed, which fails on a torn or joined line; the file must end with
 * a newline. The sequences of the lines the sink was given: its own records (the trail's) and the
 * runtime's lifecycle records are left out.
 */
function sequencesIn(path: string): number[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .filter((row) => !isRuntimeRecord(row))
    .map((row) => (JSON.parse(row) as { 'event.sequence': number })['event.sequence']);
}

describe('the file sink under attack', () => {
  it('9a: follows the path after the file is renamed (logrotate) or deleted, and says so on stderr', () => {
    const path = join(directory('rotated-outside'), 'audit.jsonl');
    const child = scripts.run(`
import { renameSync, rmSync } from 'node:fs';
const path = ${JSON.stringify(path)};
const sink = runtime.fileSink({ path });
const line = (index) => JSON.stringify({ 'event.sequence': index }) + '\\n';
// Each write on disk before the file moves (logrotate comes from another process, in its own time).
const write = (index) => { sink.write({ lines: [line(index)], events: [] }); runtime.flushAuditLog(); };
write(1);
renameSync(path, path + '.logrotate');
write(2);
rmSync(path, { force: true });
write(3);
write(4);`);
    expect(child.status).toBe(0);
    expect(sequencesIn(`${path}.logrotate`)).toEqual([1]);
    expect(sequencesIn(path)).toEqual([3, 4]);
    expect(child.stderr).toContain(`${path} was renamed or replaced by another program`);
    expect(child.stderr).toContain(`${path} was deleted`);
    expect(child.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('9b: a write that fills the disk (ENOSPC, a 64 KiB tmpfs) leaves no torn line, and writing resumes cleanly', () => {
    const disk = nearlyFullDisk('mlx-audit-enospc-');
    let sink: ReturnType<typeof fileSinkOnThisThread> | undefined;
    try {
      const { path } = disk;
      sink = fileSinkOnThisThread({ path });
      let next = 0;
      let failure: unknown;
      while (failure === undefined && next < 10_000) {
        try {
          sink.write(batch(lines(next, 100)));
        } catch (error) {
          failure = error;
        }
        next += 100;
      }
      expect((failure as NodeJS.ErrnoException | undefined)?.code).toBe('ENOSPC');
      // The batch that did not fit is cut back off whole: only complete lines, in order.
      const kept = sequencesIn(path);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, index) => index));
      expect(kept.length).toBe(next - 100);

      disk.makeRoom();
      sink.write(batch([line(next)]));
      expect(sequencesIn(path)).toEqual([...kept, next]);

      // A partial line the sink did not cut (a crash mid-write) stays on a line of its own; the
      // new sink's stream begins after it, with its opened record.
      sink.close();
      appendFileSync(path, '{"event.sequ');
      fileSinkOnThisThread({ path }).write(batch([line(next + 1)]));
      const rows = readFileSync(path, 'utf8').split('\n');
      expect(rows.slice(-4, -3)).toEqual(['{"event.sequ']);
      expect(JSON.parse(rows.at(-3) ?? '')).toMatchObject({ 'event.action': 'mlx-audit.file-opened', 'trail.file.index': 0 });
      expect([unchainedLine(rows.at(-2) ?? ''), rows.at(-1)]).toEqual([line(next + 1).slice(0, -1), '']);
    } finally {
      sink?.close();
      disk.unmount();
    }
  });

  it('9c: refuses a log whose directory is a symbolic link, and a directory it creates that is swapped for one', () => {
    const elsewhere = directory('elsewhere');
    const parent = directory('symlinked-parent');
    symlinkSync(elsewhere, join(parent, 'logs'));
    expect(() => {
      fileSinkOnThisThread({ path: join(parent, 'logs', 'audit.jsonl') }).write(batch([line(1)]));
    }).toThrow(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);

    // Deeper: a link on the way, below the first directory the sink would create.
    symlinkSync(elsewhere, join(parent, 'deeper'));
    expect(() => {
      fileSinkOnThisThread({ path: join(parent, 'deeper', 'made', 'audit.jsonl') }).write(batch([line(1)]));
    }).toThrow(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('9d: refuses a file with another hard link, and leaves it and its mode alone', () => {
    const logs = directory('hard-linked');
    const precious = join(root, 'precious.conf');
    writeFileSync(precious, 'precious\n', { mode: 0o644 });
    chmodSync(precious, 0o644);
    linkSync(precious, join(logs, 'audit.jsonl'));
    expect(() => {
      fileSinkOnThisThread({ path: join(logs, 'audit.jsonl') }).write(batch([line(1)]));
    }).toThrow(/hard link/);
    expect(readFileSync(precious, 'utf8')).toBe('precious\n');
    expect(statSync(precious).mode & 0o777).toBe(0o644);
  });

  it('9e: refuses a directory that others can write, or that another user owns', () => {
    for (const mode of [0o777, 0o770, 0o1777, 0o720, 0o702]) {
      const logs = directory(`mode-${mode.toString(8)}`);
      chmodSync(logs, mode);
      expect(() => {
        fileSinkOnThisThread({ path: join(logs, 'audit.jsonl') }).write(batch([line(1)]));
      }, `mode ${mode.toString(8)}`).toThrow(/writable by others/);
      expect(existsSync(join(logs, 'audit.jsonl'))).toBe(false);
    }
    const theirs = directory('strangers');
    chownSync(theirs, STRANGER, STRANGER);
    expect(() => {
      fileSinkOnThisThread({ path: join(theirs, 'audit.jsonl') }).write(batch([line(1)]));
    }).toThrow(/owned by another user/);
    expect(existsSync(join(theirs, 'audit.jsonl'))).toBe(false);
  });

  it('9f: rotation steps over a rotation slot that is not its file (a directory, a FIFO), loses nothing and touches nothing', () => {
    const logs = directory('odd-slots');
    const path = join(logs, 'audit.jsonl');
    mkdirSync(`${path}.1`);
    writeFileSync(join(`${path}.1`, 'keep'), 'mine\n');
    execFileSync('mkfifo', [`${path}.3`]);
    // Each file begins with its opened record (under 1 KB); chained, each line is about 2.1 KB:
    // two fit in 5500 bytes.
    const wide = (from: number, count: number) => Array.from({ length: count }, (_, index) => `${JSON.stringify({ 'event.sequence': from + index, padding: 'x'.repeat(2000) })}\n`);
    const sink = fileSinkOnThisThread({ path, maxBytes: 5500, maxFiles: 4 });
    for (let index = 0; index < 12; index += 3) sink.write(batch(wide(index, 3)));
    sink.close();

    expect(readFileSync(join(`${path}.1`, 'keep'), 'utf8')).toBe('mine\n');
    expect(lstatSync(`${path}.3`).isFIFO()).toBe(true);
    // The usable slots, oldest first: .4, .2, then the file itself, with the most recent lines.
    const kept = [`${path}.4`, `${path}.2`, path].flatMap(sequencesIn);
    expect(kept).toEqual([6, 7, 8, 9, 10, 11]);

    // With no usable slot at all, the file grows past maxBytes rather than losing events.
    const blocked = join(directory('no-slot'), 'audit.jsonl');
    mkdirSync(`${blocked}.1`);
    const stuck = fileSinkOnThisThread({ path: blocked, maxBytes: 5500, maxFiles: 1 });
    for (let index = 0; index < 6; index += 3) stuck.write(batch(wide(index, 3)));
    stuck.close();
    expect(sequencesIn(blocked)).toEqual([0, 1, 2, 3, 4, 5]);

    // A FIFO at the log path itself is refused, without the open waiting for a reader.
    const piped = join(directory('fifo-path'), 'audit.jsonl');
    execFileSync('mkfifo', [piped]);
    expect(() => {
      fileSinkOnThisThread({ path: piped }).write(batch([line(1)]));
    }).toThrow(/not a regular file/);
  });

  it('9g: events a failing file sink never wrote are not counted as delivered', () => {
    const logs = directory('delivered');
    // A link where the file should be: the sink refuses it, so every write fails.
    symlinkSync(join(root, 'nowhere.txt'), join(logs, 'refused.jsonl'));
    const refused = join(logs, 'refused.jsonl');
    const inference = testSite({ id: 'generate', kind: 'inference' });
    configure({ sinks: [fileSink({ path: refused })], exitHooks: false });
    const before = auditStats();
    for (let index = 0; index < 3; index++) call(inference, undefined, () => index, []);
    flushAuditLog();
    const after = auditStats();
    expect(after.delivered - before.delivered).toBe(0);
    expect(after.lost - before.lost).toBe(3);
    expect(after.sinkFailures.file).toBeGreaterThanOrEqual(1);

    // With a second sink that works, the same events are written once, and so delivered.
    const good = join(logs, 'good.jsonl');
    configure({ sinks: [fileSink({ path: refused }), fileSink({ path: good })], exitHooks: false });
    for (let index = 0; index < 3; index++) call(inference, undefined, () => index, []);
    flushAuditLog();
    expect(auditStats().delivered - after.delivered).toBe(3);
    expect(auditStats().lost - after.lost).toBe(0);
    expect(sequencesIn(good)).toHaveLength(3);
  });
});
