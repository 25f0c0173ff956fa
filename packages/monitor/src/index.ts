// @mlx-audit/monitor: detection rules over the runtime's trail. Pure functions of the events: no
// clock, no I/O, bounded state; the same events give the same alerts wherever they are read.
import { Monitor } from './monitor.js';
import type { Rule } from './rule.js';
import { auditingGapRules, type AuditingGapOptions } from './rules/auditing-gaps.js';
import { errorSpikeRules, type BurnRateOptions, type ModelLoadFailureOptions } from './rules/error-spikes.js';
import { extractionRules, type ExtractionOptions } from './rules/extraction.js';
import { latencyShiftRule, type LatencyShiftOptions } from './rules/latency-shift.js';
import { resourcesRule, type ResourcesOptions } from './rules/resources.js';
import { unexpectedModelRules, type UnexpectedModelOptions } from './rules/unexpected-model.js';
import { confidenceDriftRule, type ConfidenceDriftOptions } from './rules/confidence-drift.js';
import { watchWithMonitor, type Watching, type WatchOptions } from './watch.js';

export { Monitor } from './monitor.js';
export { CHAIN_RULE, chainAlerts } from './rules/chain.js';
export { watchWithMonitor, type Watching, type WatchOptions } from './watch.js';
export { ALERT_ACTION, SEVERITY, type Alert, type RuleIdentity, type Severity } from './alert.js';
export type { Emit, EventInterest, Observation, Rule, RuleState } from './rule.js';
/** What the rules call an event's binding: `mlx.binding`, or the action of a manual event with a kind. */
export { bindingOf } from './fields.js';
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
export {
  distinctInputsRule,
  extractionRules,
  rateRule,
  sweepRule,
  volumeRule,
  type DistinctInputOptions,
  type ExtractionOptions,
  type RateOptions,
  type SweepOptions,
  type VolumeOptions,
} from './rules/extraction.js';
export { LATENCY_SHIFT_DEFAULTS, latencyShiftRule, type LatencyShiftOptions } from './rules/latency-shift.js';
export { RESOURCE_GAUGES, RESOURCES_DEFAULTS, resourcesRule, type ResourceGauge, type ResourcesOptions } from './rules/resources.js';
export type { RobustBandOptions } from './robust-band.js';
export {
  frequentReloadsRule,
  hashChangedRule,
  newHashRule,
  remoteSourceRule,
  unexpectedModelRules,
  unlistedSourceRule,
  type UnexpectedModelOptions,
} from './rules/unexpected-model.js';
export { CONFIDENCE_DRIFT_DEFAULTS, confidenceDriftRule, populationStability, type ConfidenceDriftOptions } from './rules/confidence-drift.js';

export interface RuleOptions {
  readonly auditingGaps?: AuditingGapOptions;
  readonly burnRate?: BurnRateOptions;
  readonly modelLoadFailures?: ModelLoadFailureOptions;
  readonly latencyShift?: LatencyShiftOptions;
  readonly resources?: ResourcesOptions;
  readonly unexpectedModel?: UnexpectedModelOptions;
  readonly extraction?: ExtractionOptions;
  /** Opt-in: the confidence-drift rule runs only when this is given (`{}` for its defaults). */
  readonly confidenceDrift?: ConfidenceDriftOptions;
}

/** Every rule, each with its own state (a monitor's rules are its own: never share them between two). */
export function defaultRules(options: RuleOptions = {}): Rule[] {
  return [...auditingGapRules(options.auditingGaps), ...errorSpikeRules(options), latencyShiftRule(options.latencyShift), resourcesRule(options.resources), ...unexpectedModelRules(options.unexpectedModel), ...extractionRules(options.extraction), ...(options.confidenceDrift === undefined ? [] : [confidenceDriftRule(options.confidenceDrift)])];
}

/**
 * Every rule the monitor has, opt-in ones included whether enabled or not: what the docs and the
 * Sigma export list. Add an opt-in family here as well as (when enabled) to `defaultRules`.
 */
export function allRules(options: RuleOptions = {}): Rule[] {
  return [...defaultRules(options), ...(options.confidenceDrift === undefined ? [confidenceDriftRule()] : [])];
}

export interface MonitorOptions extends RuleOptions {
  /** The rules to run, in place of `defaultRules(options)`. */
  readonly rules?: readonly Rule[];
}

export function createMonitor(options: MonitorOptions = {}): Monitor {
  return new Monitor(options.rules ?? defaultRules(options));
}

/**
 * Runs the rules (`defaultRules(options)`, or `options.rules`) over the trail in this process:
 * each batch after the runtime's sinks have had it; alerts written into the trail and passed to
 * `onAlert`. Call it right after `configure`, so the rules see the run from its start.
 */
export function watch(options: MonitorOptions & WatchOptions = {}): Watching {
  return watchWithMonitor(createMonitor(options), options);
}
