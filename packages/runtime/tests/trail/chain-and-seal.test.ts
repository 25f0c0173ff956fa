import { createHash, createHmac } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSink, fileSinkOnThisThread } from '../../src/sinks/file.js';
import { LineBuffer } from '../../src/sinks/line-buffer.js';
import { LineChainer } from '../../src/trail/chain.js';
import { TRAIL_CONTROL, type TrailedSink } from '../../src/trail/control.js';
import { evolveKey, hmacSha256, keyIdOf, sealMac, sealMessage, streamSeed } from '../../src/trail/format.js';
import { createSealKeys, FILE_LEAD_EPOCHS, loadSealState, readSealKeyFile } from '../../src/trail/seal-key.js';
import { verifyTrail } from '../../src/trail/verify.js';
import { fieldsOf, keyOfEpoch, linesOf, privateDirectory, remove, subdirectory } from './support.js';
import { nearlyFullDisk } from '../support/full-disk.js';

// The chain, the seals and the key's evolution, each computed here again from the format the
// README gives, with node:crypto alone.

const root = privateDirectory('mlx-audit-chain-');

afterAll(() => {
  remove(root);
});

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text);

function batch(lines: string[]) {
  return { lines, events: [] };
}

describe('the chain', () => {
  it("is SHA-256 of the previous line's hash and the line up to its hash, from the stream's seed", () => {
    const path = join(subdirectory(root, 'format'), 'audit.jsonl');
    const sink = fileSink({ path });
    sink.write(batch(['{"a":1}\n', '{"b":"caf\u00e9 \u65e5\u672c"}\n']));
    sink.close?.();
    const lines = linesOf(path);
    const opened = fieldsOf(lines[0] ?? '');
    expect(opened).toMatchObject({ 'event.action': 'mlx-audit.file-opened', 'trail.file.index': 0, 'trail.previous.line': 0, 'trail.line': 1 });
    const stream = String(opened['trail.stream']);
    expect(stream).toMatch(/^[0-9a-f]{32}$/);
    let previous = sha256(`mlx-audit-trail-v1\n${stream}`);
    expect(streamSeed(stream)).toBe(previous);
    expect(opened['trail.previous.hash']).toBe(previous);
    lines.forEach((line, index) => {
      const match = /^(.*,"trail\.line":(\d+)),"event\.hash":"([0-9a-f]{64})"\}$/.exec(line);
      expect(match, line).not.toBeNull();
      const [, hashed = '', number, hash] = match ?? [];
      expect(Number(number)).toBe(index + 1);
      expect(hash).toBe(sha256(Buffer.concat([Buffer.from(previous, 'latin1'), Buffer.from(hashed, 'utf8')])));
      previous = hash ?? '';
    });
    // The lines given, with the chain's two fields last; the sink's own records around them.
    expect(lines.slice(1, 3).map((line) => line.replace(/,"trail\.line".*$/, '}'))).toEqual(['{"a":1}', '{"b":"caf\u00e9 \u65e5\u672c"}']);
    expect(fieldsOf(lines[3] ?? '')).toMatchObject({ 'event.action': 'mlx-audit.file-closed', 'trail.stream': stream });
  });

  it('gives the same lines from bytes (the file sink) and from text (the other sinks)', () => {
    const start = { line: 41, head: sha256('start') };
    const bytes = new LineChainer(start);
    const text = new LineChainer(start);
    const out = new LineBuffer();
    const lines = ['{"x":1,"y":[1,2]}\n', '{"s":"\u00e9\u4e2d\\u2028"}\n', '{}\n'];
    const expected = lines.map((line) => text.chainText(line).text).join('');
    for (const line of lines) {
      const encoded = Buffer.from(line);
      bytes.appendLine(encoded, 0, encoded.length, out);
    }
    expect(out.contents().toString('utf8')).toBe(expected);
    expect(bytes.position).toEqual(text.position);
    expect(bytes.position.line).toBe(44);
  });

  it('gives the same lines from bytes and from text where the line number gains a digit, for long lines, and after moving back', () => {
    for (const first of [0, 8, 98, 999_998, 2 ** 40 - 2]) {
      const start = { line: first, head: sha256(String(first)) };
      const bytes = new LineChainer(start);
      const text = new LineChainer(start);
      const out = new LineBuffer();
      const expected: string[] = [];
      const lines = ['{"a":1}\n', `{"long":"${'x'.repeat(5000)}"}\n`, '{"b":"\u00e9"}\n', `{"c":"${'y'.repeat(4020)}"}\n`];
      for (const line of lines) {
        const encoded = Buffer.from(line);
        bytes.appendLine(encoded, 0, encoded.length, out);
        expected.push(text.chainText(line).text);
      }
      expect(out.contents().toString('utf8')).toBe(expected.join(''));
      expect(bytes.position).toEqual(text.position);
      // Back to where a failed write left the chain: the same numbers and hashes again.
      bytes.moveTo(start);
      const again = new LineBuffer();
      for (const line of lines.slice(0, 2)) {
        const encoded = Buffer.from(line);
        bytes.appendLine(encoded, 0, encoded.length, again);
      }
      expect(again.contents().toString('utf8')).toBe(expected.slice(0, 2).join(''));
    }
  });

  it('chains a line that already carries a chain from its own content, and keeps a line that is not an object as a message', () => {
    const start = { line: 0, head: sha256('s') };
    const processChain = new LineChainer({ line: 7, head: sha256('other') });
    const chained = processChain.chainText('{"a":1}\n').text;
    const out = new LineBuffer();
    const chainer = new LineChainer(start);
    for (const line of [chained, 'plain text\n']) {
      const encoded = Buffer.from(line);
      chainer.appendLine(encoded, 0, encoded.length, out);
    }
    const fresh = new LineChainer(start);
    expect(out.contents().toString()).toBe(fresh.chainText('{"a":1}\n').text + fresh.chainText('{"message":"plain text"}\n').text);
  });
});

describe('seals and keys', () => {
  it('are HMAC-SHA256: the one-shot construction equals createHmac for any key and message, and leaves the key as it was', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 })), (key, message) => {
        const before = Buffer.from(key);
        expect(hmacSha256(key, message)).toEqual(createHmac('sha256', key).update(message).digest());
        expect(Buffer.from(key)).toEqual(before);
      }),
      { numRuns: 500 },
    );
    // Keys of a block's length and either side of it: used as they are up to 64 bytes, hashed first beyond.
    for (const length of [0, 63, 64, 65, 128]) {
      const key = Buffer.alloc(length, 0xa5);
      expect(hmacSha256(key, 'm')).toEqual(createHmac('sha256', key).update('m').digest());
    }
  });

  it('evolve one way per epoch, are named by an id that reveals nothing, and bind the stream, epoch, range and head', () => {
    const k0 = Buffer.alloc(32, 7);
    const k1 = evolveKey(k0);
    expect(k1).toEqual(hmac(k0, 'mlx-audit-evolve-v1').digest());
    expect(evolveKey(k1)).toEqual(hmac(k1, 'mlx-audit-evolve-v1').digest());
    expect(keyIdOf(k0)).toBe(sha256(Buffer.concat([Buffer.from('mlx-audit-key-id-v1\n'), k0])).slice(0, 16));
    const range = { stream: 'a'.repeat(32), epoch: 3, from: 10, to: 19, head: 'b'.repeat(64) };
    expect(sealMessage(range)).toBe(`mlx-audit-seal-v1\n${'a'.repeat(32)}\n3\n10\n19\n${'b'.repeat(64)}`);
    expect(sealMac(k1, range)).toBe(hmac(k1, sealMessage(range)).digest('hex'));
    // Each field is bound: a seal of another epoch, range or head is another MAC.
    for (const changed of [{ epoch: 4 }, { from: 11 }, { to: 20 }, { head: 'c'.repeat(64) }, { stream: 'd'.repeat(32) }]) {
      expect(sealMac(k1, { ...range, ...changed })).not.toBe(sealMac(k1, range));
    }
  });

  it('makes a key pair of 0600 files that never overwrite, and the state file moves on atomically, its old key gone', () => {
    const directory = subdirectory(root, 'pair');
    const initialKeyFile = join(directory, 'initial.key');
    const stateFile = join(directory, 'state.key');
    const { keyId } = createSealKeys({ initialKeyFile, stateFile });
    for (const file of [initialKeyFile, stateFile]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => createSealKeys({ initialKeyFile, stateFile: join(directory, 'other.key') })).toThrow(/EEXIST/);
    expect(existsSync(join(directory, 'other.key'))).toBe(false);
    expect(() => createSealKeys({ initialKeyFile: join(directory, 'same'), stateFile: join(directory, 'same') })).toThrow(/two files/);

    const initial = readSealKeyFile(initialKeyFile);
    expect(initial).toMatchObject({ keyId, epoch: 0 });
    expect(JSON.parse(readFileSync(initialKeyFile, 'utf8'))).toMatchObject({ format: 'mlx-audit-seal-key', role: 'initial', keyId, epoch: 0 });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ role: 'state', keyId, epoch: 0, key: initial.key.toString('hex') });

    const state = loadSealState(stateFile);
    expect(loadSealState(stateFile)).toBe(state);
    const range = { stream: 'e'.repeat(32), epoch: 0, from: 1, to: 5, head: 'f'.repeat(64) };
    expect(state.mac(range)).toBe(sealMac(initial.key, range));
    const inode = statSync(stateFile).ino;
    state.evolve();
    // Replaced, not rewritten in place: a reader never sees half a key.
    expect(statSync(stateFile).ino).not.toBe(inode);
    state.evolve();
    expect(state.epoch).toBe(2);
    // A seal of an epoch the key has left cannot be made any more.
    expect(() => state.mac(range)).toThrow(RangeError);
    const k2 = evolveKey(evolveKey(initial.key));
    expect(state.mac({ ...range, epoch: 2 })).toBe(sealMac(k2, { ...range, epoch: 2 }));
    const onDisk = readFileSync(stateFile, 'utf8');
    expect(JSON.parse(onDisk)).toMatchObject({ role: 'state', keyId, epoch: 2, key: k2.toString('hex') });
    expect(onDisk).not.toContain(initial.key.toString('hex'));
    expect(onDisk).not.toContain(evolveKey(initial.key).toString('hex'));
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('keep the state file ahead of the key while a stream goes on, rewritten once per FILE_LEAD_EPOCHS epochs, and at the current epoch once it stops', () => {
    const directory = subdirectory(root, 'ahead');
    const initialKeyFile = join(directory, 'initial.key');
    const stateFile = join(directory, 'state.key');
    createSealKeys({ initialKeyFile, stateFile });
    const initial = readSealKeyFile(initialKeyFile);
    const keys = [initial.key];
    for (let epoch = 1; epoch <= 3 * FILE_LEAD_EPOCHS + 1; epoch++) keys.push(evolveKey(keys[epoch - 1] ?? Buffer.alloc(0)));
    const keyOf = (epoch: number) => (keys[epoch] ?? Buffer.alloc(0)).toString('hex');
    const onDisk = () => JSON.parse(readFileSync(stateFile, 'utf8')) as { role: string; epoch: number; key: string };
    const state = loadSealState(stateFile);
    const written = new Set<number>();
    const range = { stream: 'e'.repeat(32), from: 1, to: 5, head: 'f'.repeat(64) };
    for (let epoch = 1; epoch <= 2 * FILE_LEAD_EPOCHS + 1; epoch++) {
      state.advance();
      expect(state.epoch).toBe(epoch);
      expect(state.mac({ ...range, epoch })).toBe(sealMac(keys[epoch] ?? Buffer.alloc(0), { ...range, epoch }));
      // Never a key of an earlier epoch than the one in memory: a later one, which gives no earlier one.
      const file = onDisk();
      expect(file.epoch).toBeGreaterThan(epoch);
      expect(file.epoch).toBeLessThanOrEqual(epoch + FILE_LEAD_EPOCHS);
      expect(file).toMatchObject({ role: 'state', key: keyOf(file.epoch) });
      written.add(file.epoch);
    }
    // Rewritten when the epoch reached the key the file held: three times in 129 epochs.
    expect([...written]).toEqual([1 + FILE_LEAD_EPOCHS, 1 + 2 * FILE_LEAD_EPOCHS, 1 + 3 * FILE_LEAD_EPOCHS]);
    // The stream stops: the file gets the current key, where the next run goes on from.
    state.settle();
    expect(onDisk()).toMatchObject({ epoch: state.epoch, key: keyOf(state.epoch) });
    expect(readSealKeyFile(stateFile).epoch).toBe(2 * FILE_LEAD_EPOCHS + 1);
    state.settle();
    expect(onDisk().epoch).toBe(state.epoch);
    // evolve() writes the key it moves on to at once.
    state.evolve();
    expect(onDisk()).toMatchObject({ epoch: 2 * FILE_LEAD_EPOCHS + 2, key: keyOf(2 * FILE_LEAD_EPOCHS + 2) });
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a state file others may read, a link, a damaged file, the initial key, and a directory others can write', () => {
    const directory = subdirectory(root, 'refused');
    const { initialKeyFile, stateFile } = { initialKeyFile: join(directory, 'initial.key'), stateFile: join(directory, 'state.key') };
    createSealKeys({ initialKeyFile, stateFile });
    const copy = (name: string, mode: number) => {
      const path = join(directory, name);
      writeFileSync(path, readFileSync(stateFile), { mode });
      chmodSync(path, mode);
      return path;
    };
    expect(() => loadSealState(copy('group-readable.key', 0o640))).toThrow(/group or others may read or write it \(mode 640\)/);
    expect(() => loadSealState(copy('world-readable.key', 0o604))).toThrow(/mode 604/);
    symlinkSync(stateFile, join(directory, 'linked.key'));
    expect(() => loadSealState(join(directory, 'linked.key'))).toThrow(/cannot read the seal key file/);
    writeFileSync(join(directory, 'damaged.key'), '{"format":"mlx-audit-seal-key","version":1,"role":"state","keyId":"xyz","epoch":0,"key":"00"}', { mode: 0o600 });
    expect(() => loadSealState(join(directory, 'damaged.key'))).toThrow(/damaged seal key file/);
    writeFileSync(join(directory, 'text.key'), 'not json', { mode: 0o600 });
    expect(() => loadSealState(join(directory, 'text.key'))).toThrow(/not a seal key file/);
    expect(() => loadSealState(initialKeyFile)).toThrow(/initial key, not a state file/);
    expect(() => loadSealState(join(directory, 'missing.key'))).toThrow(/ENOENT/);
    const open = join(directory, 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o777);
    expect(() => loadSealState(join(open, 'state.key'))).toThrow(/directory is writable by others/);
  });
});

describe('a sealed file sink', () => {
  it('seals every N lines, at rotation and at close, and hands a new key over under the old one', async () => {
    const directory = subdirectory(root, 'sealed');
    const keys = subdirectory(root, 'sealed-keys');
    createSealKeys({ initialKeyFile: join(keys, 'a.initial'), stateFile: join(keys, 'a.state') });
    createSealKeys({ initialKeyFile: join(keys, 'b.initial'), stateFile: join(keys, 'b.state') });
    const path = join(directory, 'audit.jsonl');
    const sink = fileSink({ path, maxBytes: 3000, maxFiles: 10 }) as ReturnType<typeof fileSink> & TrailedSink;
    sink[TRAIL_CONTROL].setSealing({ state: loadSealState(join(keys, 'a.state')), everyLines: 7 });
    const line = (index: number) => `${JSON.stringify({ index, padding: 'x'.repeat(100) })}\n`;
    for (let index = 0; index < 30; index += 3) sink.write(batch([line(index), line(index + 1), line(index + 2)]));
    // A new key mid-run: the old key seals the record that names the new one.
    sink[TRAIL_CONTROL].setSealing({ state: loadSealState(join(keys, 'b.state')), everyLines: 7 });
    sink.write(batch([line(100), line(101)]));
    sink.close?.();

    const keysGiven = [readSealKeyFile(join(keys, 'a.initial')), readSealKeyFile(join(keys, 'b.initial'))];
    const result = await verifyTrail(directory, { keys: keysGiven });
    expect(result.problems).toEqual([]);
    expect(result.files.length).toBeGreaterThanOrEqual(2);
    const reasons = result.files.flatMap((file) => linesOf(file).map(fieldsOf).filter((fields) => fields['event.action'] === 'mlx-audit.seal').map((fields) => fields['trail.seal.reason']));
    expect(new Set(reasons)).toEqual(new Set(['interval', 'rotation', 'close']));
    // Without the old key, the seals made with it cannot be checked.
    const withB = await verifyTrail(directory, { keys: [readSealKeyFile(join(keys, 'b.initial'))] });
    expect(withB.problems.map((problem) => problem.kind)).toEqual(['seal-key']);
  });

  it('moves the key on once a seal is on disk: a batch the disk cannot take is sealed again with the same key', async () => {
    const disk = nearlyFullDisk('mlx-audit-sealed-enospc-');
    const keys = subdirectory(root, 'enospc-keys');
    createSealKeys({ initialKeyFile: join(keys, 'initial.key'), stateFile: join(keys, 'state.key') });
    const state = loadSealState(join(keys, 'state.key'));
    // On this thread, where the write throws and the key state is the one here.
    let sink: ReturnType<typeof fileSinkOnThisThread> | undefined;
    try {
      const { path } = disk;
      sink = fileSinkOnThisThread({ path });
      sink[TRAIL_CONTROL].setSealing({ state, everyLines: 10 });
      const line = (index: number) => `${JSON.stringify({ index, padding: 'x'.repeat(200) })}\n`;
      let next = 0;
      let failure: unknown;
      while (failure === undefined && next < 10_000) {
        try {
          // 25 lines a batch: the seals of its interval go with it, in its write.
          sink.write(batch(Array.from({ length: 25 }, (_, index) => line(next + index))));
        } catch (error) {
          failure = error;
        }
        next += 25;
      }
      expect((failure as NodeJS.ErrnoException | undefined)?.code).toBe('ENOSPC');
      // The seals of the batch that did not fit are not on disk, and their keys were not used up.
      const seals = () => linesOf(path).map(fieldsOf).filter((fields) => fields['event.action'] === 'mlx-audit.seal');
      expect(seals().length).toBeGreaterThan(0);
      expect(state.epoch).toBe(seals().length);
      // While the stream goes on, the state file holds a key ahead of the one in memory, never behind.
      expect(readSealKeyFile(join(keys, 'state.key')).epoch).toBeGreaterThan(state.epoch);
      disk.makeRoom();
      sink.write(batch([line(next)]));
      sink.close();
      const written = seals();
      expect(written.map((fields) => fields['trail.seal.epoch'])).toEqual(written.map((_, index) => index));
      expect(state.epoch).toBe(written.length);
      const result = await verifyTrail(path, { keys: [readSealKeyFile(join(keys, 'initial.key'))] });
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ intact: true, sealing: 'verified' });
      // The sink closed: the state file holds the key the next seal uses.
      expect(readSealKeyFile(join(keys, 'state.key'))).toMatchObject({ epoch: state.epoch, key: keyOfEpoch(readSealKeyFile(join(keys, 'initial.key')).key, state.epoch) });
    } finally {
      try {
        sink?.close();
      } catch {
        // Closed already, or the disk is still full: the mount goes either way.
      }
      disk.unmount();
    }
  });
});
