import type { MlxAuditRuleDocs } from '../util/create-rule.js';

export type PresetName = 'recommended' | 'strict' | 'all';

/** The rules of a preset, from rule meta: `recommended` ⊂ `strict` ⊂ `all`. */
export function presetRules(rules: Readonly<Record<string, { meta: { docs?: MlxAuditRuleDocs } }>>, preset: PresetName): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => {
      const level = rule.meta.docs?.recommended;
      if (preset === 'all') return true;
      if (preset === 'strict') return level !== undefined;
      return level === 'recommended';
    })
    .map(([name]) => name)
    .sort();
}

/** The source of `src/configs/<preset>.ts`, as `pnpm generate` writes it. */
export function renderPreset(rules: Parameters<typeof presetRules>[0], preset: PresetName): string {
  const lines = presetRules(rules, preset).map((name) => `  'mlx-audit/${name}': 'error',`);
  return [
    '// THIS CODE WAS AUTOMATICALLY GENERATED from rule meta by `pnpm generate`: DO NOT EDIT.',
    '',
    `/** The \`${preset}\` preset's rules (typed linting required). */`,
    `export const ${preset}Rules = {`,
    ...lines,
    '} as const;',
    '',
  ].join('\n');
}
