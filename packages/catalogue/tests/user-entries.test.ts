import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogueConfigError, parseUserEntries, userEntriesSchema } from '../src/index.js';
import { createProject, summary } from './project.js';

const GENERATE = `import { core as mx, nn } from '@frost-beta/mlx';
export async function generate(prompt: string, maxTokens: number): Promise<number[]> {
  return [prompt.length, maxTokens];
}
export class Chat {
  ask(question: string): string { return question; }
  static open(modelPath: string): Chat { return new Chat(); }
}
export const embed = (text: string, model: nn.Module): mx.array => mx.zeros([text.length]);
export function generateIds(ids: number[], maxTokens: number, axis: number): number[] { return ids.slice(0, maxTokens + axis); }
export function scoreApplicant(age: number, income: number, approved: boolean, shape?: number[]): number { return approved ? age + income : shape?.length ?? 0; }
`;

describe('user entries', () => {
  const project = createProject(
    {
      'src/main.ts': `import { generate as run, Chat, embed, generateIds, scoreApplicant } from './generate.js';
import { nn } from '@frost-beta/mlx';
import { generate } from './other.js';
const model = new nn.Linear(1, 1);
export const out = [run('hello', 8), Chat.open('/models/chat.safetensors').ask('why?'), embed('text', model), generate('x'), generateIds([101, 1996], 4, 0), scoreApplicant(47, 182500, true, [2])];
`,
      'src/generate.ts': GENERATE,
      'src/other.ts': 'export function generate(prompt: string): string { return prompt; }\n',
    },
    {
      matcher: {
        entries: [
          { module: './src/generate.ts', name: 'generate', kind: 'inference' },
          { module: './src/generate', name: 'Chat#ask', kind: 'inference', id: 'chat.ask' },
          { module: 'src/generate.js', name: 'Chat.open', kind: 'model-load' },
          { module: './src/generate.ts', name: 'embed', kind: 'inference', roles: { model: 'other' } },
          { module: './src/generate.ts', name: 'generateIds', kind: 'inference', roles: { maxTokens: 'option' } },
          { module: './src/generate.ts', name: 'scoreApplicant', kind: 'inference' },
        ],
      },
    },
  );

  it('a function, called through an import alias', () => {
    expect(summary(project.matchText(`run('hello', 8)`, 'src/main.ts'))).toEqual({
      id: './src/generate.ts:generate',
      member: './src/generate.ts:generate',
      kind: 'inference',
      usage: 'call',
      roles: ['prompt:text', 'maxTokens:other'],
    });
  });

  it('numbers and booleans of user code are data unless the entry declares them options (#11: ids, ages, incomes were logged)', () => {
    // Names that look like MLX metadata (axis, shape) are not trusted in user code either.
    expect(summary(project.matchText(`generateIds([101, 1996], 4, 0)`, 'src/main.ts'))).toMatchObject({ roles: ['ids:other', 'maxTokens:option', 'axis:other'] });
    expect(summary(project.matchText(`scoreApplicant(47, 182500, true, [2])`, 'src/main.ts'))).toMatchObject({
      roles: ['age:other', 'income:other', 'approved:other', 'shape:other'],
    });
  });

  it('instance and static methods, and an explicit id', () => {
    expect(summary(project.matchText(`Chat.open('/models/chat.safetensors').ask('why?')`, 'src/main.ts'))).toMatchObject({
      id: 'chat.ask',
      roles: ['question:text'],
    });
    expect(summary(project.matchText(`Chat.open('/models/chat.safetensors')`, 'src/main.ts'))).toMatchObject({
      id: 'src/generate.js:Chat.open',
      kind: 'model-load',
      roles: ['modelPath:path'],
    });
  });

  it('an arrow function in a constant, with a role override', () => {
    expect(summary(project.matchText(`embed('text', model)`, 'src/main.ts'))).toMatchObject({ roles: ['text:text', 'model:other'] });
  });

  it('the same name declared in another module is not the entry', () => {
    expect(project.matchText(`generate('x')`, 'src/main.ts')).toBeUndefined();
  });
});

describe('parseUserEntries', () => {
  it('accepts the documented shape', () => {
    const entries = [{ module: '@acme/llm', name: 'Model#generate', kind: 'inference', roles: { prompt: 'text' } }];
    expect(parseUserEntries(entries)).toEqual(entries);
  });

  it('names every problem with its path', () => {
    const attempt = () =>
      parseUserEntries([
        { module: './a.ts', name: 'f', kind: 'predict' },
        { name: 'g', kind: 'inference', colour: 'red' },
        { module: './a.ts', name: 'not a name', kind: 'inference', roles: { x: 'secret' } },
      ]);
    expect(attempt).toThrow(CatalogueConfigError);
    expect(attempt).toThrow(/entries\/0\/kind must be equal to one of the allowed values \(model-load, model-save, inference/);
    expect(attempt).toThrow(/entries\/1 must have required property 'module'/);
    expect(attempt).toThrow(/entries\/1 must NOT have additional properties 'colour'/);
    expect(attempt).toThrow(/entries\/2\/name must match pattern/);
    expect(attempt).toThrow(/entries\/2\/roles\/x must be equal to one of the allowed values/);
  });

  it('refuses layer-composition, which only a call site can be', () => {
    expect(() => parseUserEntries([{ module: './a.ts', name: 'f', kind: 'layer-composition' }])).toThrow(CatalogueConfigError);
  });

  it('refuses duplicate ids and a value that is not a list', () => {
    expect(() => parseUserEntries([{ module: 'a', name: 'f', kind: 'inference' }, { module: 'a', name: 'f', kind: 'model-load' }])).toThrow(
      /entry id 'a:f' is used more than once/,
    );
    expect(() => parseUserEntries({ module: 'a' })).toThrow(/entries must be array/);
  });

  it('the matcher validates what it is given', () => {
    expect(() =>
      createProject({ 'main.ts': 'export {};\n' }, { matcher: { entries: [{ module: 'a', name: 'f', kind: 'nope' }] as never } }),
    ).toThrow(CatalogueConfigError);
  });

  it('the schema is a plain JSON value that ESLint can embed', () => {
    expect(JSON.parse(JSON.stringify(userEntriesSchema))).toEqual(userEntriesSchema);
  });
});

describe('extra MLX packages', () => {
  // A fork re-publishing MLX's declarations under another name, made for the test from the
  // installed package (never committed).
  const root = mkdtempSync(join(tmpdir(), 'mlx-fork-'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const mlxRoot = dirname(createRequire(import.meta.url).resolve('@frost-beta/mlx/package.json'));
  const fork = join(root, 'node_modules', '@acme', 'mlx');
  mkdirSync(fork, { recursive: true });
  cpSync(join(mlxRoot, 'lib'), join(fork, 'lib'), { recursive: true });
  writeFileSync(join(fork, 'package.json'), JSON.stringify({ name: '@acme/mlx', version: '1.0.0', types: 'lib/index.d.ts' }));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  const files = { 'main.ts': `import { core } from '@acme/mlx';\nexport const w = core.load('w.safetensors');\n` };
  const compilerOptions = { noImplicitAny: false, strict: false };

  it('are MLX only when configured', () => {
    const plain = createProject(files, { root, compilerOptions });
    expect(plain.matchText(`core.load('w.safetensors')`)).toBeUndefined();
    const configured = createProject(files, { root, compilerOptions, matcher: { mlxPackages: ['@frost-beta/mlx', '@acme/mlx'] } });
    expect(summary(configured.matchText(`core.load('w.safetensors')`))).toMatchObject({ id: 'core.load', kind: 'model-load' });
  });
});
