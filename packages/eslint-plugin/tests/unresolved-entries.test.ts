import { describe, expect, it } from 'vitest';
import { createProject, eslintCli, eslintConfig } from './project.js';

// Issue #13, point 5: an entry whose module does not exist (or whose name is declared nowhere)
// was accepted silently, and the user's generate() went unaudited. The real ESLint CLI, every rule
// of the preset configured with the same entries, two TypeScript programs (one per fixture, entry
// paths relative to each one's tsconfig folder): an entry that no program resolves is said once
// on stderr, whatever the number of files, rules and programs; one that a program resolves is not.

const SERVE = './src/serve.ts';

/** The recommended preset with `entries` given to every rule that takes them. */
function configWith(entries: readonly Record<string, string>[]): string {
  const rules = ['no-log-injection', 'no-silent-mlx-catch', 'no-tainted-log', 'require-mlx-event-logging'];
  return eslintConfig('recommended', Object.fromEntries(rules.map((rule) => [`mlx-audit/${rule}`, ['error', { entries }]])));
}

describe('a configured entry that matches nothing', () => {
  it.each(['off', '2'])('is said once per lint run, in one line naming the entry and what to fix (--concurrency %s)', (concurrency) => {
    const project = createProject({
      fixtures: ['inference-service', 'training'],
      files: {
        'eslint.config.js': configWith([
          // Resolves in the first program (inference-service), not in the second (training has no src/serve.ts).
          { module: SERVE, name: 'SentimentService#predict', kind: 'inference' },
          { module: './src/serv.ts', name: 'SentimentService#predict', kind: 'inference', id: 'typo.module' },
          { module: SERVE, name: 'SentimentService#predcit', kind: 'inference', id: 'typo.name' },
        ]),
      },
    });
    const result = eslintCli(project, ['--concurrency', concurrency, '-f', 'json', '.']);
    // Lint results still reach stdout whole, and the run still reports its findings.
    expect(() => JSON.parse(result.stdout) as unknown).not.toThrow();
    expect(result.status).toBe(1);
    // In any order: with worker threads, as the workers finish.
    const lines = result.stderr.split('\n').filter(Boolean).sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^mlx-audit: entry 'typo\\.module' matches nothing, so its calls are not audited: its module '\\./src/serv\\.ts' is no file of the program, nor on disk \\(${project}/(inference-service|training)/src/serv\\.ts, \\.js\\.\\.\\.\\); fix 'module': a path relative to ${project}/(inference-service|training), or a package name\\.$`),
    );
    // The program that has the module says what is wrong with the name.
    expect(lines[1]).toBe(
      `mlx-audit: entry 'typo.name' matches nothing, so its calls are not audited: '${SERVE}' declares no function, class, variable or class member 'SentimentService#predcit' (did you mean 'SentimentService#predict'?); fix 'name': fn, Class, Class#method or Class.staticMethod, as declared.`,
    );
  });

  it('says nothing when every entry resolves', () => {
    const project = createProject({
      fixtures: ['inference-service', 'training'],
      files: { 'eslint.config.js': configWith([{ module: SERVE, name: 'SentimentService#predict', kind: 'inference' }]) },
    });
    const result = eslintCli(project, ['--concurrency', 'off', '-f', 'json', '.']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(1);
  });
});
