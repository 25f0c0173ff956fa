import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRAIL_ACTIONS } from '../../src/trail/format.js';
import { createSealKeys, readSealKeyFile, type SealKey } from '../../src/trail/seal-key.js';
import { verifyTrail, type TrailVerification } from '../../src/trail/verify.js';
import { requireBuild } from '../support/child-script.js';
import {
  actionOf,
  copyTrail,
  fieldsOf,
  instrumentedProgram,
  keyOfEpoch,
  linesOf,
  linesWhere,
  privateDirectory,
  rechain,
  remove,
  runScript,
  subdirectory,
  trailFilesIn,
  writeLines,
} from './support.js';

// Acceptance of the tamper evidence (issue #16): a trail written by an instrumented program on
// real MLX, sealed, rotated into several files, then changed in each way an attacker (or an
// accident) would, on a copy each time. Every change is found, with its kind, file and line;
// the untouched trail verifies.

const root = privateDirectory('mlx-audit-tamper-');
const keys = subdirectory(root, 'keys');
const INITIAL = join(keys, 'initial.key');
const STATE = join(keys, 'state.key');
let key: SealKey;
let trailA: string;
let trailB: string;

/** Runs the instrumented program with the file sink, sealed, rotating small files: its trail directory. */
async function writeTrail(name: string, steps: number): Promise<string> {
  const directory = subdirectory(root, name);
  const script = join(root, `${name}.mjs`);
  writeFileSync(script, instrumentedProgram({ steps, weights: join(root, `${name}-model.safetensors`) }));
  const run = await runScript(script, {
    MLX_AUDIT_SINK: 'file',
    MLX_AUDIT_FILE: join(directory, 'audit.jsonl'),
    MLX_AUDIT_MAX_BYTES: '60000',
    MLX_AUDIT_MAX_FILES: '20',
    MLX_AUDIT_SEAL_KEY_FILE: STATE,
    MLX_AUDIT_SEAL_EVERY_LINES: '40',
  });
  expect(run).toMatchObject({ code: 0, signal: null, stderr: '' });
  return directory;
}

beforeAll(async () => {
  requireBuild();
  createSealKeys({ initialKeyFile: INITIAL, stateFile: STATE });
  key = readSealKeyFile(INITIAL);
  trailA = await writeTrail('run-a', 60);
  // Another run of the same service, with the same key state: its lines must not pass for run A's.
  trailB = await writeTrail('run-b', 20);
});

afterAll(() => {
  remove(root);
});

let copies = 0;
/** A copy of run A's trail, its files oldest first. */
function tamperable(): { directory: string; files: string[] } {
  const directory = copyTrail(trailA, join(root, `copy-${String(++copies)}`));
  return { directory, files: trailFilesIn(directory) };
}

function verify(directory: string): Promise<TrailVerification> {
  return verifyTrail(directory, { keys: [key] });
}

function problemsOf(result: TrailVerification): { kind: string; file: string; line: number }[] {
  return result.problems.map(({ kind, file, line }) => ({ kind, file, line }));
}

/** 1-based lines of a file that are events of the application (not the runtime's records), with events on both sides. */
function eventLinesInside(file: string): number[] {
  const lines = linesOf(file);
  const isEvent = (index: number) => {
    const line = lines[index - 1];
    return line !== undefined && !String(actionOf(line)).startsWith('mlx-audit.');
  };
  return lines.flatMap((_, index) => (isEvent(index) && isEvent(index + 1) && isEvent(index + 2) ? [index + 1] : []));
}

/**
 * A copy of run A's trail whose second file is edited at an event line in its middle: `edit` gets
 * the file's lines and the index of that line. Returns where it is (`target`, 1-based).
 */
function editMiddle(edit: (lines: string[], index: number) => unknown): { directory: string; file: string; target: number } {
  const { directory, files } = tamperable();
  const file = files[1] ?? '';
  const target = middle(eventLinesInside(file));
  const lines = linesOf(file);
  edit(lines, target - 1);
  writeLines(file, lines);
  return { directory, file, target };
}

/** The middle one of the lines an array holds. */
function middle(numbers: readonly number[]): number {
  const picked = numbers[Math.floor(numbers.length / 2)];
  if (picked === undefined) throw new Error('no line to pick');
  return picked;
}

describe('a sealed trail written by an instrumented program on real MLX', () => {
  it('verifies intact: several rotated files, several seals, one stream that stopped', async () => {
    const files = trailFilesIn(trailA);
    expect(files.length).toBeGreaterThanOrEqual(3);
    const result = await verify(trailA);
    expect(problemsOf(result)).toEqual([]);
    expect(result.intact).toBe(true);
    expect(result.sealing).toBe('verified');
    expect(result.files).toEqual(files);
    expect(result.streams).toHaveLength(1);
    const [stream] = result.streams;
    expect(stream).toMatchObject({ kind: 'file', stopped: true, startsMidStream: false, unsealedLines: 0, keyId: key.keyId });
    expect(stream?.seals).toBeGreaterThanOrEqual(6);
    // Every line is sealed, each seal by the next epoch's key.
    expect(stream?.sealedRanges).toEqual([{ from: 1, to: (stream?.lastLine ?? 0) - 1 }]);
    expect(stream?.epochs).toEqual({ first: 0, last: (stream?.seals ?? 0) - 1 });
    // Real MLX calls, summarised: shapes and dtypes of real tensors.
    const text = files.map((file) => readFileSync(file, 'utf8')).join('');
    expect(text).toContain('"event.action":"core.matmul"');
    expect(text).toContain('"mlx.result":{"type":"tensor","shape":[2,4],"dtype":"float32"');
    expect(text).toContain('"event.action":"core.load"');
    // Run B continued the key's epochs where run A stopped, in a stream of its own.
    const b = await verify(trailB);
    expect(problemsOf(b)).toEqual([]);
    expect(b.streams[0]?.epochs?.first).toBe((stream?.epochs?.last ?? 0) + 1);
    expect(b.streams[0]?.id).not.toBe(stream?.id);
  });

  it('verifies without the key as far as it can: chain, ranges and epochs, not the MACs', async () => {
    const result = await verifyTrail(trailA);
    expect(result).toMatchObject({ intact: true, sealing: 'unverified' });
  });

  it('finds one byte changed, at its line', async () => {
    const { directory, file, target } = editMiddle((lines, index) => {
      lines[index] = (lines[index] ?? '').replace('"event.kind":"event"', '"event.kind":"evenT"');
    });
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'modified', file, line: target }]);
  });

  it('finds a line deleted, where it was', async () => {
    const { directory, file, target } = editMiddle((lines, index) => lines.splice(index, 1));
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'missing-lines', file, line: target }]);
  });

  it('finds a line inserted', async () => {
    // A forged event that carries the number and hash of the line it goes before.
    const { directory, file, target } = editMiddle((lines, index) => lines.splice(index, 0, (lines[index] ?? '').replace(/"event\.duration":\d+/, '"event.duration":1')));
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'inserted', file, line: target }]);
  });

  it('finds two lines swapped', async () => {
    const { directory, file, target } = editMiddle((lines, index) => lines.splice(index, 2, lines[index + 1] ?? '', lines[index] ?? ''));
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'reordered', file, line: target }]);
  });

  it("finds a line copied from another run's trail", async () => {
    const fromB = trailFilesIn(trailB).at(-1) ?? '';
    const replayed = linesOf(fromB)[middle(eventLinesInside(fromB)) - 1] ?? '';
    const { directory, file, target } = editMiddle((lines, index) => lines.splice(index, 0, replayed));
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'inserted', file, line: target }]);
  });

  it('finds the tail cut: lines after the last seal, and no stop', async () => {
    const { directory, files } = tamperable();
    const file = files.at(-1) ?? '';
    const lines = linesOf(file);
    // Cut after an event line in the middle of the current file.
    const keep = middle(eventLinesInside(file));
    writeLines(file, lines.slice(0, keep));
    const seals = linesWhere(file, (fields) => fields['event.action'] === TRAIL_ACTIONS.seal);
    const firstUnsealed = seals.length === 0 ? { file, line: 1 } : { file, line: (seals.at(-1) ?? 0) + 1 };
    expect(problemsOf(await verify(directory))).toEqual([
      { kind: 'unsealed', ...firstUnsealed },
      { kind: 'not-stopped', file, line: keep },
    ]);
  });

  it('finds a rotated file deleted, at the file that continues from it', async () => {
    const { directory, files } = tamperable();
    rmSync(files[1] ?? '');
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'missing-file', file: files[2] ?? '', line: 1 }]);
  });

  it('finds a rotated file truncated, at its new end', async () => {
    const { directory, files } = tamperable();
    const file = files[1] ?? '';
    const lines = linesOf(file);
    writeLines(file, lines.slice(0, -3));
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'truncated-file', file, line: lines.length - 3 }]);
  });

  it('finds lines resealed with a later key (the one the host holds now): the seal is of the wrong epoch', async () => {
    const { directory, files } = tamperable();
    const file = files[1] ?? '';
    const target = middle(eventLinesInside(file));
    const lines = linesOf(file);
    lines[target - 1] = (lines[target - 1] ?? '').replace('"event.outcome":"success"', '"event.outcome":"failure"');
    writeLines(file, lines);
    // Whoever takes the host after both runs holds the state file's key, of a later epoch.
    const stolen = fieldsOf(readFileSync(STATE, 'utf8')) as { epoch: number };
    rechain(files, { reseal: { epoch: () => stolen.epoch, key: (epoch) => keyOfEpoch(key.key, epoch) } });
    const firstResealed = files.flatMap((path) => linesWhere(path, (fields) => fields['event.action'] === TRAIL_ACTIONS.seal && fields['trail.seal.epoch'] === stolen.epoch).map((line) => ({ file: path, line })))[0];
    expect(firstResealed).toBeDefined();
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'seal-epoch', ...firstResealed }]);
  });

  it("finds a seal recomputed under a later key but labelled with its own epoch: its MAC does not verify", async () => {
    const { directory, files } = tamperable();
    const file = files.at(-1) ?? '';
    const seals = linesWhere(file, (fields) => fields['event.action'] === TRAIL_ACTIONS.seal);
    const finalSeal = seals.at(-1) ?? 0;
    const lines = linesOf(file);
    // The line before the run's stop record, which only the final seal covers.
    const stoppedAt = linesWhere(file, (fields) => fields['event.action'] === TRAIL_ACTIONS.stopped)[0] ?? 0;
    expect(stoppedAt).toBeGreaterThan(seals.at(-2) ?? 0);
    lines[stoppedAt - 2] = (lines[stoppedAt - 2] ?? '').replace('"event.outcome":"success"', '"event.outcome":"failure"');
    writeLines(file, lines);
    const later = keyOfEpoch(key.key, 1000);
    rechain(files, { reseal: { epoch: (epoch) => epoch, key: () => later } });
    expect(problemsOf(await verify(directory))).toEqual([{ kind: 'seal-invalid', file, line: finalSeal }]);
  });

  it('finds the current file replaced by a self-consistent chain made without the key: no seal covers it', async () => {
    const { directory, files } = tamperable();
    const file = files.at(-1) ?? '';
    // The attacker removes what they want gone (the model loads) and the seals they cannot make, and chains the rest.
    writeLines(
      file,
      linesOf(file).filter((line) => !['core.load', TRAIL_ACTIONS.seal].includes(String(actionOf(line)))),
    );
    rechain(files);
    const result = await verify(directory);
    expect(problemsOf(result)).toEqual([{ kind: 'unsealed', file, line: 1 }]);
    // Without the key too: the stream's earlier seals say it is sealed, and nothing seals its tail.
    expect((await verifyTrail(directory)).problems.map((problem) => problem.kind)).toEqual(['unsealed']);
  });

  it('reports seals it cannot check with the key given as unverifiable, not as tampering', async () => {
    const other = subdirectory(root, 'other-keys');
    createSealKeys({ initialKeyFile: join(other, 'initial.key'), stateFile: join(other, 'state.key') });
    const result = await verifyTrail(trailA, { keys: [readSealKeyFile(join(other, 'initial.key'))] });
    expect(result.problems.map(({ kind, class: problemClass }) => ({ kind, class: problemClass }))).toEqual([{ kind: 'seal-key', class: 'unverifiable' }]);
  });
});

describe('a crash', () => {
  it('leaves a trail that verifies up to its last complete line, and says the run did not stop', async () => {
    const directory = subdirectory(root, 'crashed');
    const script = join(root, 'crashed.mjs');
    writeFileSync(script, instrumentedProgram({ steps: 0, weights: join(root, 'crashed-model.safetensors'), ready: 30 }));
    const run = await runScript(
      script,
      { MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(directory, 'audit.jsonl'), MLX_AUDIT_MAX_BYTES: '60000', MLX_AUDIT_SEAL_KEY_FILE: STATE, MLX_AUDIT_SEAL_EVERY_LINES: '40' },
      'SIGKILL',
    );
    expect(run.signal).toBe('SIGKILL');
    const files = trailFilesIn(directory);
    const last = files.at(-1) ?? '';
    const text = readFileSync(last, 'utf8');
    const completeLines = text.endsWith('\n') ? linesOf(last).length : linesOf(last).length - 1;
    const result = await verify(directory);
    expect(result.problems.length).toBeGreaterThan(0);
    // Nothing tampered: the trail is incomplete, and says where it ends.
    for (const problem of result.problems) expect(problem.class, problem.message).toBe('incomplete');
    expect(result.problems.find((problem) => problem.kind === 'not-stopped')).toMatchObject({ file: last, line: completeLines });
    expect(result.streams[0]?.stopped).toBe(false);
    // A torn last line, should the kill have cut a write, is said to be.
    if (!text.endsWith('\n')) expect(result.problems.map((problem) => problem.kind)).toContain('partial-line');
  });

  it('leaves a trail whose cut last line is reported as partial, the lines before it verifying', async () => {
    const { directory, files } = tamperable();
    const file = files.at(-1) ?? '';
    // The last line is the final seal, after the run's stop record: cut in the middle of it.
    const seals = linesWhere(file, (fields) => fields['event.action'] === TRAIL_ACTIONS.seal);
    const lines = linesOf(file);
    expect(seals.at(-1)).toBe(lines.length);
    truncateSync(file, readFileSync(file).length - 40);
    const result = await verify(directory);
    expect(problemsOf(result)).toEqual([
      { kind: 'partial-line', file, line: lines.length },
      { kind: 'unsealed', file, line: (seals.at(-2) ?? 0) + 1 },
    ]);
    for (const problem of result.problems) expect(problem.class).toBe('incomplete');
    expect(result.streams[0]?.stopped).toBe(true);
  });
});
