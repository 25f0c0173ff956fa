// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/', '**/dist-audited/', '**/node_modules/', '**/*.d.ts', 'test-fixtures/*/out/', '**/tests/__snapshots__/', '**/tests/.semantics/', 'benchmarks/.work/', 'benchmarks/results/', '.ci/installed-app/'],
  },
  {
    // The differential corpus calls MLX in every form the language allows, odd ones on purpose
    // (unbound methods, comma callees, casts through unknown); its test builds it with tsc, which
    // type-checks it.
    ignores: ['packages/transformer/tests/differential/corpus/'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['eslint.config.js', 'vitest.config.ts', '.ci/*.mjs', '.dependency-cruiser.cjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals with numbers are how this code base builds messages and ids.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // The fixtures are MLX applications, compiled the way MLX allows (strict off: see the README),
    // so the rules that need strictNullChecks cannot work there.
    files: ['test-fixtures/*/src/**/*.ts', 'packages/*/tests/fixtures/**/*.ts', 'benchmarks/programs/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-useless-default-assignment': 'off',
      '@typescript-eslint/prefer-nullish-coalescing': 'off',
      // The CommonJS fixture imports MLX the CommonJS way on purpose.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // MLX's native Dtype prints its name (`float32`), though its declaration has no toString.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { console: 'readonly', process: 'readonly' } },
  },
);
