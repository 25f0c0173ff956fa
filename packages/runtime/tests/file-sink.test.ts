import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSinkOnThisThread as fileSink } from '../src/sinks/file.js';
import { verifyTrail } from '../src/trail/verify.js';
import { unchainedFile } from './support/trail.js';

// The file's rules, on the thread that writes (where a refusal throws): the writer thread runs
// this same class; writer-thread.test.ts checks what of it reaches the application.
const root = mkdtempSync(join(tmpdir(), 'mlx-audit-file-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function batch(lines: string[]) {
  return { lines, events: [] };
}

function line(index: number): string {
  return `${JSON.stringify({ 'event.sequence': index, padding: 'x'.repeat(40) })}\n`;
}

describe('fileSink', () => {
  it('creates its directory 0700 and its file 0600, whatever the umask', () => {
    const path = join(root, 'fresh', 'nested', 'audit.jsonl');
    const previous = process.umask(0o000);
    try {
      fileSink({ path }).write(batch([line(1)]));
    } finally {
      process.umask(previous);
    }
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'fresh', 'nested')).mode & 0o777).toBe(0o700);
    expect(unchainedFile(path)).toBe(line(1));
  });

  it('tightens an existing file to 0600 and appends to it', () => {
    const path = join(root, 'existing.jsonl');
    writeFileSync(path, line(1));
    chmodSync(path, 0o644);
    const sink = fileSink({ path });
    sink.write(batch([line(2)]));
    sink.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(unchainedFile(path)).toBe(line(1) + line(2));
  });

  it('refuses to write through a symbolic link', () => {
    const target = join(root, 'target.txt');
    writeFileSync(target, 'precious\n');
    const path = join(root, 'linked.jsonl');
    symlinkSync(target, path);
    expect(() => {
      fileSink({ path }).write(batch([line(1)]));
    }).toThrow(/symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
  });

  it('rotates by size, keeping maxFiles older files, and never splits a line', () => {
    const path = join(root, 'rotating', 'audit.jsonl');
    // Each file begins with its opened record (under 1 KB): lines of 1 KB, a few to a file.
    const sink = fileSink({ path, maxBytes: 4500, maxFiles: 2 });
    const long = (index: number) => `${JSON.stringify({ 'event.sequence': index, padding: 'x'.repeat(1000) })}\n`;
    const lines = Array.from({ length: 20 }, (_, index) => long(index));
    // Some batches at once and some one line at a time: rotation happens inside and between batches.
    sink.write(batch(lines.slice(0, 7)));
    for (const single of lines.slice(7)) sink.write(batch([single]));
    sink.close();

    const files = [`${path}.2`, `${path}.1`, path];
    expect(existsSync(`${path}.3`)).toBe(false);
    const contents = files.map(unchainedFile);
    for (const [index, file] of files.entries()) {
      expect(statSync(file).size).toBeLessThanOrEqual(4500);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(contents[index]?.endsWith('\n')).toBe(true);
    }
    // Oldest to newest, the kept files hold the most recent lines in order.
    const kept = contents.join('');
    expect(lines.join('').endsWith(kept)).toBe(true);
    expect(kept.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(6);
  });

  it('writes every line byte for byte, ASCII or not, in batches larger than its buffer', async () => {
    const path = join(root, 'encoding.jsonl');
    const sink = fileSink({ path });
    const texts = ['plain', 'café', '日本語', 'emoji \u{1F600}', 'lone \ud800 surrogate', 'latin1 \u00ff\u0080'];
    const lines = Array.from({ length: 3000 }, (_, index) => `${JSON.stringify({ index, text: texts[index % texts.length], padding: 'x'.repeat(index % 97) })}\n`);
    sink.write(batch(lines.slice(0, 2500)));
    sink.write(batch(lines.slice(2500)));
    sink.close();
    expect(unchainedFile(path)).toBe(lines.join(''));
    // Hashed over the bytes written, UTF-8 included: the chain holds.
    expect((await verifyTrail(path)).problems).toEqual([]);
  });

  it('reopens after a failure once the cause is gone', () => {
    const path = join(root, 'healing.jsonl');
    symlinkSync(join(root, 'elsewhere.txt'), path);
    const sink = fileSink({ path });
    expect(() => {
      sink.write(batch([line(1)]));
    }).toThrow();
    rmSync(path);
    sink.write(batch([line(2)]));
    expect(unchainedFile(path)).toBe(line(2));
  });
});
