import { describe, expect, it } from 'vitest';
import type { UserEntry } from '../src/index.js';
import { createProject, VIRTUAL_ROOT } from './project.js';

// Issue #13, point 5: an entry whose module or name is mistyped matched nothing, and nothing said
// so: the user's generate() was silently not audited. The matcher says which entries can match
// nothing in the program, why, and what to fix.

const FILES = {
  'src/main.ts': `import { generate, Chat } from './generate.js';
import { core } from '@frost-beta/mlx';
export const out = [generate('hello'), new Chat().ask('why?'), core.zeros([1])];
`,
  'src/generate.ts': `export function generate(prompt: string): string { return prompt; }
export class Chat { ask(question: string): string { return question; } static open(): Chat { return new Chat(); } }
export const embed = (text: string): number => text.length;
`,
};

function unresolvedOf(entries: readonly UserEntry[]) {
  return createProject(FILES, { matcher: { entries } }).matcher.unresolvedEntries();
}

describe('entries that can match nothing', () => {
  it('none when every module and name resolves, through any spelling of the path, or an installed package outside the program', () => {
    expect(
      unresolvedOf([
        { module: './src/generate.ts', name: 'generate', kind: 'inference' },
        { module: 'src/generate.js', name: 'Chat#ask', kind: 'inference' },
        { module: './src/generate', name: 'Chat.open', kind: 'model-load' },
        { module: './src/generate.ts', name: 'Chat', kind: 'model-load' },
        { module: './src/generate.ts', name: 'embed', kind: 'inference' },
        { module: '@frost-beta/mlx', name: 'zeros', kind: 'tensor-creation' },
        // Installed, but no file of the program imports it: no call here can reach it.
        { module: 'ajv', name: 'Ajv', kind: 'inference' },
      ]),
    ).toEqual([]);
    expect(createProject(FILES).matcher.unresolvedEntries()).toEqual([]);
  });

  it('a path that is no file of the program nor on disk', () => {
    const [problem, ...rest] = unresolvedOf([{ module: './src/genrate.ts', name: 'generate', kind: 'inference' }]);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ id: './src/genrate.ts:generate', reason: 'module-not-found', entry: { module: './src/genrate.ts' } });
    expect(problem?.message).toBe(
      `entry './src/genrate.ts:generate' matches nothing, so its calls are not audited: its module './src/genrate.ts' is no file of the program, nor on disk (${VIRTUAL_ROOT}/src/genrate.ts, .js...); fix 'module': a path relative to ${VIRTUAL_ROOT}, or a package name.`,
    );
  });

  it('a package that is neither in the program nor installed', () => {
    const [problem] = unresolvedOf([{ module: '@acme/no-such-llm', name: 'generate', kind: 'inference', id: 'llm.generate' }]);
    expect(problem).toMatchObject({ id: 'llm.generate', reason: 'module-not-found' });
    expect(problem?.message).toMatch(/^entry 'llm\.generate' matches nothing, so its calls are not audited: its module '@acme\/no-such-llm' is no package of the program, nor one installed for .*; fix 'module': an installed package's name, or a path relative to /);
  });

  it('a path on disk that the program does not compile (build output, a file the tsconfig leaves out)', () => {
    // tests/project.ts exists beside the virtual root, but is no file of the test program.
    const [problem] = unresolvedOf([{ module: '../project.ts', name: 'createProject', kind: 'inference' }]);
    expect(problem).toMatchObject({ reason: 'module-not-in-program' });
    expect(problem?.message).toContain(`is ${VIRTUAL_ROOT.replace(/__virtual__$/, 'project.ts')}, which is not a file of the program; fix 'module': name the source file the program compiles`);
  });

  it('a name the module declares nowhere, with the nearest declared name', () => {
    const problems = unresolvedOf([
      { module: './src/generate.ts', name: 'generte', kind: 'inference' },
      { module: './src/generate.ts', name: 'Chat.ask', kind: 'inference' },
      { module: './src/generate.ts', name: 'summarize', kind: 'inference' },
      { module: '@frost-beta/mlx', name: 'noSuchFunction', kind: 'inference' },
    ]);
    expect(problems.map(({ id, reason }) => [id, reason])).toEqual([
      ['./src/generate.ts:generte', 'name-not-declared'],
      ['./src/generate.ts:Chat.ask', 'name-not-declared'],
      ['./src/generate.ts:summarize', 'name-not-declared'],
      ['@frost-beta/mlx:noSuchFunction', 'name-not-declared'],
    ]);
    expect(problems[0]?.message).toBe(
      "entry './src/generate.ts:generte' matches nothing, so its calls are not audited: './src/generate.ts' declares no function, class, variable or class member 'generte' (did you mean 'generate'?); fix 'name': fn, Class, Class#method or Class.staticMethod, as declared.",
    );
    // An instance method named as a static one.
    expect(problems[1]?.message).toContain("(did you mean 'Chat#ask'?)");
    expect(problems[2]?.message).not.toContain('did you mean');
  });

  it('is worked out once per matcher', () => {
    const { matcher } = createProject(FILES, { matcher: { entries: [{ module: './src/gen.ts', name: 'generate', kind: 'inference' }] } });
    expect(matcher.unresolvedEntries()).toBe(matcher.unresolvedEntries());
  });
});
