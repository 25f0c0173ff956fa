// @mlx-audit/monitor/sigma: the monitor's rules as Sigma detection and correlation rules, for a
// SIEM (through sigma-cli), with the rules Sigma cannot express named and why. A subpath of its
// own, so the monitor in a process never loads it.
import type { RuleIdentity, Severity } from '../alert.js';
import { allRules, CHAIN_RULE, type RuleOptions } from '../index.js';
import { sigmaFile, type SigmaFile } from './build.js';
import type { RuleMapping } from './mapping.js';
import { AUDITING_GAP_MAPPINGS } from './mappings/auditing-gaps.js';
import { ERROR_SPIKE_MAPPINGS } from './mappings/error-spikes.js';
import { STATISTICAL_MAPPINGS } from './mappings/statistical.js';
import { UNEXPECTED_MODEL_MAPPINGS } from './mappings/unexpected-model.js';

export { docsPage, eventRuleName, LOGSOURCE, SIGMA_AUTHOR, SIGMA_DATE, type SigmaFile } from './build.js';
export { SIGMA_FILE_PATTERN, sigmaId, timespan, uuidV5, type SigmaDocument, type SigmaValue } from './document.js';

/** Every rule id the export knows, with its severity and its Sigma rule or why there is none. */
export const RULE_MAPPINGS: Readonly<Record<string, RuleMapping>> = {
  ...AUDITING_GAP_MAPPINGS,
  ...ERROR_SPIKE_MAPPINGS,
  ...UNEXPECTED_MODEL_MAPPINGS,
  ...STATISTICAL_MAPPINGS,
};

interface RuleSummary {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly severity: Severity;
}

/** One rule of the monitor, as the export sees it for given options. */
export type RuleExport = RuleSummary & ({ readonly exported: true; readonly sigma: SigmaFile } | { readonly exported: false; readonly reason: string });

/**
 * Every rule of the monitor (`allRules(options)`, opt-in ones included, and the chain rule that
 * `mlx-audit detect` runs over files), in order, with its Sigma file or the reason it has none.
 * The options are the object `defaultRules` takes, and are checked by the rules' factories: a bad
 * value throws their TypeError.
 */
export function sigmaExport(options: RuleOptions = {}): RuleExport[] {
  return everyRule(options).map((rule) => {
    const mapping = Object.hasOwn(RULE_MAPPINGS, rule.id) ? RULE_MAPPINGS[rule.id] : undefined;
    if (mapping === undefined) throw new Error(`the rule ${rule.id} has no Sigma mapping (packages/monitor/src/sigma/mappings/)`);
    const summary = { id: rule.id, name: rule.name, family: rule.category, severity: mapping.severity };
    const plan = mapping.sigma(options);
    if ('reason' in plan) return { ...summary, exported: false, reason: plan.reason };
    const file = sigmaFile({ identity: rule, severity: mapping.severity, falsepositives: mapping.falsepositives }, plan);
    return 'reason' in file ? { ...summary, exported: false, reason: file.reason } : { ...summary, exported: true, sigma: file };
  });
}

/** The rules' identities: the chain rule, which is read off the verifier and is no `Rule`, after the other auditing gaps. */
function everyRule(options: RuleOptions): RuleIdentity[] {
  const rules: RuleIdentity[] = allRules(options);
  const lastGap = rules.findLastIndex((rule) => rule.category === CHAIN_RULE.category);
  rules.splice(lastGap + 1, 0, CHAIN_RULE);
  return rules;
}
