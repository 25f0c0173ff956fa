import type { Rule } from '../rule.js';
import { frequentReloadsRule } from './unexpected-model/frequent-reloads.js';
import { hashChangedRule, newHashRule } from './unexpected-model/hash-rules.js';
import { modelRuleSettings, type UnexpectedModelOptions } from './unexpected-model/options.js';
import { remoteSourceRule, unlistedSourceRule } from './unexpected-model/source-rules.js';

// Unexpected models: where a model comes from (a path or host outside the allow-list, a URL), what
// its file holds (a hash changed since the last load of its path, a hash not allowed or not seen
// before) and how often it is loaded. The records of one load (its event and the runtime's
// follow-ups) count as one load. See rules-docs/detections/unexpected-model.*.md.

export { frequentReloadsRule } from './unexpected-model/frequent-reloads.js';
export { hashChangedRule, newHashRule } from './unexpected-model/hash-rules.js';
export type { UnexpectedModelOptions } from './unexpected-model/options.js';
export { remoteSourceRule, unlistedSourceRule } from './unexpected-model/source-rules.js';

/** Every unexpected-model rule, each with its own state. */
export function unexpectedModelRules(options: UnexpectedModelOptions = {}): Rule[] {
  // Checked once here, so a mistake is one TypeError before any rule is made.
  modelRuleSettings(options);
  return [unlistedSourceRule(options), remoteSourceRule(options), newHashRule(options), hashChangedRule(options), frequentReloadsRule(options)];
}
