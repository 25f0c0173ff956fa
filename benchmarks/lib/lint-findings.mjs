// The lint configurations, and the checks that prove a lint run did what it was meant to.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeasurementError } from './measure.mjs';

/** @typedef {'floor' | 'ours' | 'typescript-eslint' | 'both'} LintConfig */

/** @type {Record<LintConfig, { label: string, ours: boolean, tse: boolean }>} */
export const LINT_CONFIGS = {
  floor: { label: 'typed parser, no rules (floor)', ours: false, tse: false },
  ours: { label: 'mlx-audit recommended', ours: true, tse: false },
  'typescript-eslint': { label: 'typescript-eslint recommendedTypeChecked', ours: false, tse: true },
  both: { label: 'both', ours: true, tse: true },
};

/**
 * The flat config file of one configuration, written next to the corpus so its imports resolve
 * from benchmarks/node_modules.
 * @param {string} corpus
 * @param {LintConfig} name
 */
export function writeLintConfig(corpus, name) {
  const { ours, tse } = LINT_CONFIGS[name];
  const lines = [
    ...(ours ? ["import mlxAudit from '@mlx-audit/eslint-plugin';"] : []),
    "import tseslint from 'typescript-eslint';",
    '',
    'export default [',
    ...(tse ? ['  ...tseslint.configs.recommendedTypeChecked,'] : []),
    "  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },",
    ...(ours ? ['  mlxAudit.configs.recommended,'] : []),
    '];',
    '',
  ];
  const path = join(corpus, `eslint.${name}.config.mjs`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

/**
 * Findings per rule from ESLint's JSON report; a fatal message (a parse error) fails the run.
 * @param {string} reportPath
 * @param {string} label
 * @returns {Map<string, number>}
 */
export function countFindings(reportPath, label) {
  /** @type {{ filePath: string, messages: { ruleId: string | null, fatal?: boolean, message: string }[] }[]} */
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const file of report) {
    for (const message of file.messages) {
      if (message.fatal === true || message.ruleId === null) throw new MeasurementError(`${label}: ${file.filePath}: ${message.message}`);
      counts.set(message.ruleId, (counts.get(message.ruleId) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Checks that a run's findings prove its rules ran: none for the floor, some of ours and of
 * typescript-eslint's where they are enabled.
 * @param {LintConfig} name
 * @param {Map<string, number>} counts
 * @param {string} label
 */
export function checkFindings(name, counts, label) {
  const ours = [...counts].filter(([rule]) => rule.startsWith('mlx-audit/')).reduce((sum, [, count]) => sum + count, 0);
  const tse = [...counts].filter(([rule]) => rule.startsWith('@typescript-eslint/')).reduce((sum, [, count]) => sum + count, 0);
  const { ours: wantOurs, tse: wantTse } = LINT_CONFIGS[name];
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  if (!wantOurs && !wantTse && total > 0) throw new MeasurementError(`${label}: the floor (no rules) reported ${total} findings`);
  if (wantOurs && ours === 0) throw new MeasurementError(`${label}: mlx-audit's preset found nothing on the corpus, so its rules cannot be shown to have run`);
  if (wantTse && tse === 0) throw new MeasurementError(`${label}: recommendedTypeChecked found nothing on the corpus, so its rules cannot be shown to have run`);
  if (!wantOurs && ours > 0) throw new MeasurementError(`${label}: mlx-audit findings from a configuration without the plugin`);
  return { ours, tse };
}
