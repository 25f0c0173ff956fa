import { createRequire } from 'node:module';
import { allRules } from './configs/all.js';
import { recommendedRules } from './configs/recommended.js';
import { strictRules } from './configs/strict.js';
import { rules } from './rules/index.js';

const { name, version } = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** The mlx-audit ESLint plugin, for flat config: `plugins: { 'mlx-audit': plugin }`, or a preset. */
const plugin = {
  meta: { name, version },
  rules,
  /**
   * Flat-config presets (each registers the plugin). The rules need typed linting: add
   * `languageOptions.parserOptions.projectService` (see the README).
   */
  configs: {} as Record<'recommended' | 'strict' | 'all', { name: string; plugins: Record<string, unknown>; rules: Record<string, 'error'> }>,
};

for (const [preset, presetRules] of [
  ['recommended', recommendedRules],
  ['strict', strictRules],
  ['all', allRules],
] as const) {
  plugin.configs[preset] = { name: `mlx-audit/${preset}`, plugins: { 'mlx-audit': plugin }, rules: presetRules };
}

export default plugin;
export { rules };
