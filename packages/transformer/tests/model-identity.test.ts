import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, scratchDirectory } from './compile.js';

// Issue #16 end to end: a program built with the transformer, on real MLX, loads a model from a
// file, serves, reloads from another file (with loadWeights, then with mx.load and update):
// each forward pass names the file its module was loaded from, with the hash sha256sum gives.

const PROGRAM = `import { core as mx, nn, utils } from '@frost-beta/mlx';
import { modelHashingIdle } from '@mlx-audit/runtime';
declare const process: { readonly argv: string[] };

class Classifier extends nn.Module {
  layer = new nn.Linear(2, 1);
  override forward(x: mx.array): mx.array { return this.layer.forward(x); }
}

function predict(model: Classifier): number[] {
  return model.forward(mx.ones([1, 2])).reshape([-1]).tolist() as number[];
}

const [a, b] = process.argv.slice(2);
const model = new Classifier();
model.loadWeights(a);
const first = predict(model);
await modelHashingIdle();
const second = predict(model);
model.update(utils.treeUnflatten(Object.entries(mx.load(b))) as any);
const third = predict(model);
await modelHashingIdle();
const fourth = predict(model);
console.log(JSON.stringify([first, second, third, fourth]));
`;

const directory = scratchDirectory('.model-identity');
const models = mkdtempSync(join(tmpdir(), 'mlx-audit-models-'));

afterAll(() => {
  rmSync(models, { recursive: true, force: true });
});

/** A safetensors file of the classifier (`layer.weight`, `layer.bias`), every weight `value`, written by a Python-free route: MLX itself. */
function weightsFile(name: string, value: number): string {
  const path = join(models, name);
  const writer = join(directory, `write-${name}.mjs`);
  writeFileSync(
    writer,
    `import mlx from '@frost-beta/mlx';
const { core: mx } = mlx;
mx.saveSafetensors(${JSON.stringify(path)}, { 'layer.weight': mx.full([1, 2], ${value}), 'layer.bias': mx.full([1], ${value}) });
`,
  );
  execFileSync(process.execPath, [writer]);
  return path;
}

const sha256sum = (path: string): string => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0] ?? '';

describe('model identity on a built program (issue #16)', () => {
  const audited = compile({ 'main.ts': PROGRAM }, { compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(join(directory, 'main.js'), audited.js['main.js'] ?? '');
  const [a, b] = [weightsFile('a.safetensors', 1), weightsFile('b.safetensors', 2)];
  const result = spawnSync(process.execPath, [join(directory, 'main.js'), a, b], { encoding: 'utf8', env: { ...process.env, MLX_AUDIT_SINK: 'stderr' }, timeout: 120_000 });
  const events = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const byAction = (action: string): Record<string, unknown>[] => events.filter((event) => event['event.action'] === action);

  it('builds and runs on real MLX', () => {
    expect(audited.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim())).toEqual([[3], [3], [6], [6]]);
  });

  it('names the loaded file on each forward pass: its load at once, its hash once read; then the file whose arrays update() was given', () => {
    const [loadWeights] = byAction('nn.Module#loadWeights');
    const [load] = byAction('core.load');
    const serving = byAction('nn.Module#forward').filter((event) => event['code.function'] === 'predict');
    expect(serving).toHaveLength(4);
    // Hashing runs after the load, off the call: the first forward pass has the load, the next the hash too.
    expect(serving[0]?.['mlx.model.load_sequence']).toBe(loadWeights?.['event.sequence']);
    expect(serving[0]).not.toHaveProperty('mlx.model.sha256');
    expect(serving[1]).toMatchObject({ 'mlx.model.load_sequence': loadWeights?.['event.sequence'], 'mlx.model.sha256': sha256sum(a) });
    expect(serving[2]?.['mlx.model.load_sequence']).toBe(load?.['event.sequence']);
    expect(serving[3]).toMatchObject({ 'mlx.model.load_sequence': load?.['event.sequence'], 'mlx.model.sha256': sha256sum(b) });
    expect(byAction('mlx-audit.model-hashed').map((event) => [event['mlx.load.sequence'], event['file.hash.sha256']])).toEqual([
      [loadWeights?.['event.sequence'], sha256sum(a)],
      [load?.['event.sequence'], sha256sum(b)],
    ]);
  });
});
