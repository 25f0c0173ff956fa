import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ESLint } from 'eslint';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PLUGIN_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * What a user's project has installed, linked to the workspace's copies (as pnpm links them). The
 * plugin is the package itself: its `exports` point at `dist/`, which `pnpm build` (run first by
 * `pnpm test`) writes.
 */
const INSTALLED: Record<string, string> = {
  '@mlx-audit/eslint-plugin': PLUGIN_DIR,
  eslint: join(ROOT, 'node_modules', 'eslint'),
  'typescript-eslint': join(ROOT, 'node_modules', 'typescript-eslint'),
  typescript: join(ROOT, 'node_modules', 'typescript'),
  '@frost-beta/mlx': join(PLUGIN_DIR, 'node_modules', '@frost-beta', 'mlx'),
  '@types/node': join(PLUGIN_DIR, 'node_modules', '@types', 'node'),
  pino: join(PLUGIN_DIR, 'node_modules', 'pino'),
  '@microsoft/eslint-formatter-sarif': join(PLUGIN_DIR, 'node_modules', '@microsoft', 'eslint-formatter-sarif'),
};

/** The `eslint.config.js` of the README: typed linting, a preset, and optional rule settings. */
export function eslintConfig(preset: 'recommended' | 'strict' | 'all', rules: Record<string, unknown> = {}): string {
  return `import mlxAudit from '@mlx-audit/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    extends: [mlxAudit.configs.${preset}],
    rules: ${JSON.stringify(rules)},
  },
);
`;
}

const projects: string[] = [];
afterAll(() => {
  for (const project of projects) rmSync(project, { recursive: true, force: true });
});

/**
 * A real project in a temporary directory: an ESM package with `node_modules`, the fixtures'
 * compiler settings at its root, copies of `test-fixtures/<name>` (sources, package.json and
 * tsconfig, so each is a TypeScript program of its own) and any other files given.
 */
export function createProject(options: { fixtures?: readonly string[]; files?: Record<string, string> }): string {
  // realpath: on some systems the temporary directory is a symlink, and ESLint reports real paths.
  const project = realpathSync(mkdtempSync(join(tmpdir(), 'mlx-audit-project-')));
  projects.push(project);
  for (const [name, target] of Object.entries(INSTALLED)) {
    const link = join(project, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
  cpSync(join(ROOT, 'test-fixtures', 'tsconfig.fixture.json'), join(project, 'tsconfig.fixture.json'));
  for (const fixture of options.fixtures ?? []) {
    for (const entry of ['src', 'package.json', 'tsconfig.json']) {
      cpSync(join(ROOT, 'test-fixtures', fixture, entry), join(project, fixture, entry), { recursive: true });
    }
  }
  const files = { 'package.json': JSON.stringify({ name: 'mlx-app', private: true, type: 'module' }), ...options.files };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  return project;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The project's own ESLint CLI, run in the project. */
export function eslintCli(project: string, args: readonly string[]): CliResult {
  const result = spawnSync(process.execPath, [join(project, 'node_modules', 'eslint', 'bin', 'eslint.js'), ...args], {
    cwd: project,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** One line per finding, relative to the project: `file:line:column-endLine:endColumn rule message`. */
export function findings(project: string, results: readonly ESLint.LintResult[]): string[] {
  return results.flatMap((result) =>
    result.messages.map(
      (message) =>
        `${result.filePath.slice(project.length + 1)}:${message.line}:${message.column}-${message.endLine ?? ''}:${message.endColumn ?? ''} ${message.ruleId ?? 'fatal'} ${message.message}`,
    ),
  );
}
