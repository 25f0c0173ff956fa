// The configuration the evaluation lints its corpus with: every rule of mlx-audit (the `all`
// preset) with its default options, except where a file's header asks for options with
// `// rule-options: mlx-audit/<rule> {json}` lines. Named so that ESLint never picks it up for the
// repository (`pnpm lint` uses the root eslint.config.js); score.mjs passes it explicitly, and so
// can you: `npx eslint -c eslint.evaluation.config.js src`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mlxAudit from '@mlx-audit/eslint-plugin';
import tseslint from 'typescript-eslint';
import { parseRuleOptions } from './scoring/scoring.mjs';

const directory = import.meta.dirname;

/** Per-file options from the headers of the corpus's sources. */
function headerOverrides() {
  const sources = readdirSync(join(directory, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/${name.replaceAll('\\', '/')}`)
    .sort();
  return sources.flatMap((file) => {
    const { options, errors } = parseRuleOptions(readFileSync(join(directory, file), 'utf8'));
    if (errors.length > 0) throw new Error(`${file}: ${errors.join('; ')}`);
    const rules = Object.fromEntries(Object.entries(options).map(([rule, value]) => [rule, ['error', value]]));
    return Object.keys(rules).length === 0 ? [] : [{ files: [file], rules }];
  });
}

export default [
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: directory } },
  },
  mlxAudit.configs.all,
  ...headerOverrides(),
];
