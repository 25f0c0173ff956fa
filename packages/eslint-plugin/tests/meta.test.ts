import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { presetRules, renderPreset } from '../src/configs/render.js';
import { rules } from '../src/rules/index.js';

const RULES_DIR = new URL('../src/rules/', import.meta.url);
const CONFIGS_DIR = new URL('../src/configs/', import.meta.url);
const RULES_DOCS = new URL('../../../rules-docs/', import.meta.url);

describe('the rule index', () => {
  it('exports exactly the rule files, in alphabetical order', () => {
    const files = readdirSync(RULES_DIR)
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.slice(0, -3));
    expect(Object.keys(rules)).toEqual([...files].sort());
  });

  it('has a docs page and a test file for every rule, and a description in the form ESLint rules use', () => {
    for (const [name, rule] of Object.entries(rules)) {
      expect(readdirSync(RULES_DOCS)).toContain(`${name}.md`);
      expect(readdirSync(new URL('../tests/rules/', import.meta.url))).toContain(`${name}.test.ts`);
      expect(rule.meta.docs?.description).toMatch(/^(Enforce|Require|Disallow) .+[^. ]$/);
    }
  });

  it('has every rule tested without type information', () => {
    const untyped = readFileSync(new URL('untyped.test.ts', import.meta.url), 'utf8');
    for (const name of Object.keys(rules)) expect(untyped).toContain(`'${name} without type information'`);
  });
});

describe('presets', () => {
  it.each(['recommended', 'strict', 'all'] as const)('%s is what rule meta generates (run `pnpm generate` after changing meta)', (preset) => {
    expect(readFileSync(new URL(`${preset}.ts`, CONFIGS_DIR), 'utf8')).toBe(renderPreset(rules, preset));
  });

  it('nest: recommended ⊂ strict ⊂ all, and all has every rule', () => {
    const [recommended, strict, all] = (['recommended', 'strict', 'all'] as const).map((preset) => presetRules(rules, preset));
    expect(all).toEqual(Object.keys(rules).sort());
    for (const name of recommended ?? []) expect(strict).toContain(name);
    for (const name of strict ?? []) expect(all).toContain(name);
  });

  it('are flat configs that register the plugin', () => {
    expect(plugin.configs.recommended.plugins['mlx-audit']).toBe(plugin);
    expect(Object.keys(plugin.configs.all.rules)).toEqual(Object.keys(rules).map((name) => `mlx-audit/${name}`).sort());
  });
});
