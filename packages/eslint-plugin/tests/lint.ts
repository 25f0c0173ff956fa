import tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import plugin from '../src/index.js';
import { FIXTURES } from './rule-tester.js';

/**
 * The plugin as ESLint's own types see it: typescript-eslint's rule types and ESLint's describe
 * the same objects differently.
 */
export const eslintPlugin = plugin as unknown as ESLint.Plugin;

/** ESLint with typed linting rooted at `root` and one rule of the plugin: the set-up of a user's project. */
export function createTypedESLint(root: string, rule: string, options: Record<string, unknown> = {}): ESLint {
  return createTypedESLintWithRules(root, { [`mlx-audit/${rule}`]: ['error', options] });
}

/** Every rule of the plugin, read from its index (rules not yet in a generated preset included). */
export const everyRule: Linter.RulesRecord = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`mlx-audit/${name}`, 'error']));

/** ESLint with typed linting rooted at `root` and the given rules. */
export function createTypedESLintWithRules(root: string, rules: Linter.RulesRecord): ESLint {
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { ignores: ['**/dist/**', '**/node_modules/**'] },
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: root } },
        plugins: { 'mlx-audit': eslintPlugin },
        rules,
      },
    ],
  });
}

/** Lints text as if it were `tests/fixtures/file.ts`. */
export async function lintAsFixture(code: string, rule: string, options: Record<string, unknown> = {}): Promise<Linter.LintMessage[]> {
  const [result] = await createTypedESLint(FIXTURES, rule, options).lintText(code, { filePath: `${FIXTURES}/file.ts` });
  return result?.messages ?? [];
}
