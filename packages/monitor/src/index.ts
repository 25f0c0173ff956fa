// @mlx-audit/monitor: detection rules over the runtime's trail. Pure functions of the events: no
// clock, no I/O, bounded state; the same events give the same alerts wherever they are read.
import { Monitor } from './monitor.js';
import type { Rule } from './rule.js';
import { auditingGapRules, type AuditingGapOptions } from './rules/auditing-gaps.js';
import { errorSpikeRules, type BurnRateOptions, type ModelLoadFailureOptions } from './rules/error-spikes.js';

export { Monitor } from './monitor.js';
export { ALERT_ACTION, SEVERITY, type Alert, type RuleIdentity, type Severity } from './alert.js';
export type { Emit, Observation, Rule, RuleState } from './rule.js';
export {
  auditingGapRules,
  DEFAULT_MAX_RUNS,
  droppedRule,
  missingRecordsRules,
  notStoppedRule,
  sequenceGapRule,
  sinksOffRule,
  type AuditingGapOptions,
} from './rules/auditing-gaps.js';
export { burnRateRule, errorSpikeRules, modelLoadFailuresRule, type BurnRateOptions, type ModelLoadFailureOptions } from './rules/error-spikes.js';

export interface RuleOptions {
  readonly auditingGaps?: AuditingGapOptions;
  readonly burnRate?: BurnRateOptions;
  readonly modelLoadFailures?: ModelLoadFailureOptions;
}

/** Every rule, each with its own state (a monitor's rules are its own: never share them between two). */
export function defaultRules(options: RuleOptions = {}): Rule[] {
  return [...auditingGapRules(options.auditingGaps), ...errorSpikeRules(options)];
}

export interface MonitorOptions extends RuleOptions {
  /** The rules to run, in place of `defaultRules(options)`. */
  readonly rules?: readonly Rule[];
}

export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new Monitor(options.rules ?? defaultRules(options));
}
