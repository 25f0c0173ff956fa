// The ESLint config the root README gives (`eslint.config.js` in a project of yours), as the demo
// runs it: typed linting of the sources and the plugin's recommended preset. Named so that ESLint
// does not pick it up on its own: the repository's own lint has its config at the root.
import mlxAudit from '@mlx-audit/eslint-plugin';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig({
  files: ['**/*.ts'],
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
  },
  extends: [mlxAudit.configs.recommended],
});
