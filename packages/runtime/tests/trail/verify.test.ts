import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flushAuditLog } from '../../src/configure.js';
import { fileSink } from '../../src/sinks/file.js';
import { LineChainer } from '../../src/trail/chain.js';
import { TRAIL_CONTROL, type TrailedSink } from '../../src/trail/control.js';
import { streamSeed } from '../../src/trail/format.js';
import { PROBLEM_KINDS } from '../../src/trail/problems.js';
import { createSealKeys, loadSealState, readSealKeyFile } from '../../src/trail/seal-key.js';
import { verifyTrail } from '../../src/trail/verify.js';
import { linesOf, privateDirectory, remove, subdirectory, writeLines } from './support.js';

// The verifier on trails made here, for what the tamper matrix does not cover: files that are no
// trail, lines that are no chained line, a trail still being written, the other sinks' chain.

const root = privateDirectory('mlx-audit-verify-');

afterAll(() => {
  remove(root);
});

function batch(lines: string[]) {
  return { lines, events: [] };
}

const line = (index: number) => `${JSON.stringify({ 'event.action': 'app.step', index })}\n`;

/** A closed trail of `count` lines in a directory of its own. */
function smallTrail(name: string, count = 6): { directory: string; file: string } {
  const directory = subdirectory(root, name);
  const file = join(directory, 'audit.jsonl');
  const sink = fileSink({ path: file });
  sink.write(batch(Array.from({ length: count }, (_, index) => line(index))));
  sink.close?.();
  return { directory, file };
}

function kinds(result: { problems: readonly { kind: string; line: number }[] }): string[] {
  return result.problems.map((problem) => `${problem.kind}@${String(problem.line)}`);
}

describe('the verifier', () => {
  it('says a file without any chain carries none, once, and verifies every other file', async () => {
    const { directory } = smallTrail('no-chain');
    writeFileSync(join(directory, 'other.jsonl'), `${line(1)}${line(2)}`);
    const result = await verifyTrail(directory);
    expect(result.problems.map(({ kind, file, line: at }) => ({ kind, file, line: at }))).toEqual([{ kind: 'no-chain', file: join(directory, 'other.jsonl'), line: 0 }]);
  });

  it('leaves out the key files and what is not JSON lines in a directory, and says so', async () => {
    const { directory } = smallTrail('skipping');
    createSealKeys({ initialKeyFile: join(directory, 'initial.key'), stateFile: join(directory, 'state.key') });
    writeFileSync(join(directory, 'audit.jsonl.3.gz'), Buffer.from([0x1f, 0x8b, 8, 0]));
    writeFileSync(join(directory, '.hidden'), 'x');
    const result = await verifyTrail(directory);
    expect(result.intact).toBe(true);
    expect(result.files).toEqual([join(directory, 'audit.jsonl')]);
    expect(result.skipped).toEqual([
      { file: join(directory, 'audit.jsonl.3.gz'), reason: 'does not begin with a JSON object' },
      { file: join(directory, 'initial.key'), reason: 'a seal key file' },
      { file: join(directory, 'state.key'), reason: 'a seal key file' },
    ]);
  });

  it('finds a line that is no longer JSON, and a plain JSON line put inside the chain', async () => {
    const { directory, file } = smallTrail('damaged');
    const lines = linesOf(file);
    lines[2] = lines[2]?.slice(0, 30) ?? '';
    lines.splice(5, 0, line(99).trim());
    writeLines(file, lines);
    expect(kinds(await verifyTrail(directory))).toEqual(['modified@3', 'unchained@6']);
  });

  it('finds a file whose first lines were deleted', async () => {
    const { directory, file } = smallTrail('headless');
    writeLines(file, linesOf(file).slice(2));
    expect(kinds(await verifyTrail(directory))).toEqual(['missing-opening@1']);
  });

  it('takes a trail still being written as it is with live, and as incomplete without', async () => {
    const directory = subdirectory(root, 'live');
    const keys = subdirectory(root, 'live-keys');
    createSealKeys({ initialKeyFile: join(keys, 'initial.key'), stateFile: join(keys, 'state.key') });
    const sink = fileSink({ path: join(directory, 'audit.jsonl') }) as ReturnType<typeof fileSink> & TrailedSink;
    sink[TRAIL_CONTROL].setSealing({ state: loadSealState(join(keys, 'state.key')), everyLines: 4 });
    // Its opened record and ten lines, sealed after every fourth line (a seal is a line too): the last line is not sealed yet.
    sink.write(batch(Array.from({ length: 10 }, (_, index) => line(index))));
    // On disk: the writer thread has written what it was handed.
    flushAuditLog();
    const key = readSealKeyFile(join(keys, 'initial.key'));
    expect(await verifyTrail(directory, { keys: [key], live: true })).toMatchObject({ intact: true, streams: [{ stopped: false, seals: 3, unsealedLines: 1, lastLine: 14 }] });
    expect(kinds(await verifyTrail(directory, { keys: [key] }))).toEqual(['unsealed@14', 'not-stopped@14']);
    sink.close?.();
  });

  it('verifies the chain the other sinks carry, from the run start it names, and from the middle', async () => {
    const run = 'c'.repeat(32);
    const chainer = new LineChainer({ line: 0, head: streamSeed(run) });
    const record = (action: string) => `${JSON.stringify({ 'event.action': action, 'mlx_audit.run': run })}\n`;
    const lines = [record('mlx-audit.started'), line(1), line(2), record('mlx-audit.configured'), line(3), record('mlx-audit.stopped')].map((text) => chainer.chainText(text).text);
    const directory = subdirectory(root, 'process');
    writeFileSync(join(directory, 'whole.jsonl'), lines.join(''));
    expect(await verifyTrail(join(directory, 'whole.jsonl'))).toMatchObject({ intact: true, streams: [{ kind: 'process', id: run, stopped: true, firstLine: 1, lastLine: 6 }] });
    // A sink added by a later configure() has the chain from its configuration's record on.
    writeFileSync(join(directory, 'joined.jsonl'), lines.slice(3).join(''));
    const joined = await verifyTrail(join(directory, 'joined.jsonl'));
    expect(kinds(joined)).toEqual(['missing-opening@1']);
    expect(joined.streams).toMatchObject([{ kind: 'unknown', startsMidStream: true, stopped: true }]);
    // Numbers that skip in a copy the collector kept are lines it lost.
    writeFileSync(join(directory, 'lossy.jsonl'), [...lines.slice(0, 2), ...lines.slice(3)].join(''));
    expect(kinds(await verifyTrail(join(directory, 'lossy.jsonl')))).toEqual(['missing-lines@3']);
  });

  it('ends each run of the other sinks’ chain where the next one starts, with its checks', async () => {
    // Two runs appended to one file (a service restarted, its stderr kept in one file).
    const runLines = (run: string, stopped: boolean): string[] => {
      const chainer = new LineChainer({ line: 0, head: streamSeed(run) });
      const record = (action: string) => `${JSON.stringify({ 'event.action': action, 'mlx_audit.run': run })}\n`;
      const texts = [record('mlx-audit.started'), line(1), line(2), ...(stopped ? [record('mlx-audit.stopped')] : [])];
      return texts.map((text) => chainer.chainText(text).text);
    };
    const directory = subdirectory(root, 'two-runs');
    writeFileSync(join(directory, 'both.jsonl'), [...runLines('d'.repeat(32), true), ...runLines('e'.repeat(32), true)].join(''));
    expect(await verifyTrail(join(directory, 'both.jsonl'))).toMatchObject({ intact: true, streams: [{ id: 'd'.repeat(32), stopped: true }, { id: 'e'.repeat(32), stopped: true }] });
    // The first run's end cut off (its stopped record gone): the first run did not stop.
    writeFileSync(join(directory, 'cut.jsonl'), [...runLines('d'.repeat(32), false), ...runLines('e'.repeat(32), true)].join(''));
    expect(kinds(await verifyTrail(join(directory, 'cut.jsonl')))).toEqual(['not-stopped@3']);
  });

  it('reports what it cannot read or find as unverifiable, and bounds what it reports', async () => {
    const missing = await verifyTrail(join(root, 'nowhere'));
    expect(missing.problems).toMatchObject([{ kind: 'unreadable', class: 'unverifiable' }]);
    const empty = subdirectory(root, 'empty');
    expect((await verifyTrail(empty)).problems).toMatchObject([{ kind: 'empty', class: 'unverifiable' }]);
    const garbage = subdirectory(root, 'garbage');
    const { file } = smallTrail('garbage-base');
    copyFileSync(file, join(garbage, 'audit.jsonl'));
    const lines = linesOf(join(garbage, 'audit.jsonl'));
    writeLines(join(garbage, 'audit.jsonl'), [lines[0] ?? '', ...Array.from({ length: 50 }, () => 'not json'), ...lines.slice(1)]);
    const bounded = await verifyTrail(garbage, { maxProblems: 5 });
    expect(bounded.problems).toHaveLength(5);
    expect(bounded.problemsOmitted).toBeGreaterThan(40);
  });

  it('classes every problem kind', () => {
    expect(new Set(Object.values(PROBLEM_KINDS))).toEqual(new Set(['tampered', 'incomplete', 'unverifiable']));
    expect(Object.keys(PROBLEM_KINDS)).toHaveLength(22);
  });
});
