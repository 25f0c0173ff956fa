import { readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageOf } from './coverage.js';
import { CORPUS_PROJECTS } from './differential/projects.js';
import { tempProject, tsconfig } from './temp-project.js';

// Issue #12, defect 5: the plan lists as instrumented exactly the sites the transformer emits
// instrumented, because one function decides for both (src/decide.ts).

const FIXTURES = fileURLToPath(new URL('../../../test-fixtures', import.meta.url));

/** Every tsconfig of a fixture with this transformer among its plugins. */
function auditedFixtures(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(FIXTURES, entry.name))
        .filter((name) => /^tsconfig.*\.json$/.test(name))
        .map((name) => join(FIXTURES, entry.name, name)),
    )
    .filter((path) => {
      const parsed = ts.getParsedCommandLineOfConfigFile(path, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
      const plugins: unknown = parsed?.options.plugins;
      return Array.isArray(plugins) && plugins.some((plugin: unknown) => String((plugin as { transform?: unknown } | null)?.transform).includes('@mlx-audit/transformer'));
    });
}

describe('the plan lists the sites the transformer instruments, no more, no fewer', () => {
  const fixtures = auditedFixtures();

  it('finds the fixtures built with the transformer', () => {
    expect(fixtures.map((path) => path.slice(FIXTURES.length + 1))).toEqual(expect.arrayContaining(['inference-service/tsconfig.audited.json', 'training/tsconfig.audited.json']));
  });

  // The calls each training script runs as training scopes: lossAndGrad(…) in its training loop.
  const TRAINING_SCOPES: Readonly<Record<string, number>> = { 'training/tsconfig.audited.json': 1, 'inference-service/tsconfig.audited.json': 1 };

  it.each(fixtures.map((path) => ({ fixture: path.slice(FIXTURES.length + 1), path })))('$fixture', ({ fixture, path }) => {
    const { plan, planned, emitted, build, trainingScopes } = coverageOf(path);
    expect(build).toEqual({ status: 0, output: '' });
    expect(emitted).toEqual(planned);
    expect(trainingScopes.emitted).toBe(trainingScopes.planned);
    expect(trainingScopes.planned).toBe(TRAINING_SCOPES[fixture] ?? trainingScopes.planned);
    expect(planned.length).toBeGreaterThan(0);
    expect(plan.instrumented).toBe(planned.length);
    expect(plan.found).toBe(plan.sites.length);
  });

  describe('a project with every reason to leave a call as written', () => {
    const MAIN = `import { core as mx, nn } from '@frost-beta/mlx';
export class Net extends nn.Module {
  constructor() {
    super();
  }
  forward(x: mx.array): mx.array {
    return x;
  }
}
export const x = mx.ones([2]);
export const y = mx.add(x, x);
export const lazy = () => import('@frost-beta/mlx');
`;
    // A file that imports the runtime's instrument module was instrumented already, or instruments itself.
    const SELF = `import * as audit from '@mlx-audit/runtime/instrument';
import { core as mx } from '@frost-beta/mlx';
export const probe = typeof audit;
export const z = mx.zeros([1]);
`;
    const project = tempProject({
      'package.json': JSON.stringify({ type: 'module', private: true, dependencies: { '@mlx-audit/runtime': '^0.1.0' } }),
      'src/main.ts': MAIN,
      'src/self.ts': SELF,
      'tsconfig.json': tsconfig('dist', { kinds: { 'tensor-operation': 'off' } }),
    });
    afterAll(() => {
      project.remove();
    });

    it('plan and build agree, and the plan says why each is left', () => {
      const { plan, planned, emitted, build } = coverageOf(join(project.directory, 'tsconfig.json'));
      expect(build).toEqual({ status: 0, output: '' });
      expect(emitted).toEqual(planned);
      expect(planned).toEqual(['src/main.ts:10:18 core.ones errors']);
      expect(plan.leftAsWritten).toEqual([
        { file: 'src/main.ts', line: 4, column: 5, id: 'nn.Module', why: 'super(...) must stay a direct call' },
        { file: 'src/main.ts', line: 11, column: 18, id: 'core.add', why: `the kind 'tensor-operation' is off by configuration` },
        { file: 'src/self.ts', line: 4, column: 18, id: 'core.zeros', why: 'the file imports @mlx-audit/runtime/instrument itself: it is instrumented already' },
      ]);
      expect(plan).toMatchObject({ project: 'tsconfig.json', found: 4, instrumented: 1 });
    });

    it('a transformer entry given as a path, not the package name, is read by the plan too', () => {
      // The differential corpus names the package's own dist/index.js, as a project inside it must.
      const entry = relative(project.directory, fileURLToPath(new URL('../dist/index.js', import.meta.url)));
      writeFileSync(join(project.directory, 'tsconfig.path.json'), tsconfig('dist-path', { transform: entry, kinds: { 'tensor-creation': 'event' } }));
      const { planned, emitted, build } = coverageOf(join(project.directory, 'tsconfig.path.json'));
      expect(build).toEqual({ status: 0, output: '' });
      expect(emitted).toEqual(planned);
      expect(planned).toEqual(['src/main.ts:10:18 core.ones event', 'src/main.ts:11:18 core.add errors']);
    });
  });
});

describe('on the differential corpus, every call form the language has', () => {
  const builds = CORPUS_PROJECTS.flatMap((project) => [
    { name: `${project.name}, every kind`, tsconfig: project.tsconfig.audited },
    { name: `${project.name}, defaults`, tsconfig: project.tsconfig.defaults },
  ]);
  it.each(builds)('$name: the plan lists the emitted sites, and leaves only super(...) as written', ({ tsconfig: path }) => {
    const { plan, planned, emitted, build, trainingScopes } = coverageOf(path);
    expect(build.status).toBe(0);
    expect(emitted).toEqual(planned);
    expect(trainingScopes.emitted).toBe(trainingScopes.planned);
    expect(planned.length).toBeGreaterThan(500);
    const reasons = new Set(plan.leftAsWritten.map((site) => site.why));
    // Kinds off by configuration (the defaults' metadata, constants, utilities) are the user's choice; otherwise only super(...).
    for (const why of reasons) expect(why === 'super(...) must stay a direct call' || why.includes('off by configuration')).toBe(true);
  });
});
