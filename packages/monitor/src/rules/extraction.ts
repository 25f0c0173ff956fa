import type { Rule } from '../rule.js';
import { distinctInputsRule, type DistinctInputOptions } from './extraction/distinct-inputs.js';
import { rateRule, type RateOptions } from './extraction/rate.js';
import { sweepRule, type SweepOptions } from './extraction/sweep.js';
import { volumeRule, type VolumeOptions } from './extraction/volume.js';

// Extraction-like use, per client (MITRE ATLAS AML.T0024, AML.T0040): what a redacted trail can
// show of someone copying a model through its API — volume against the other clients, a rate kept
// over a token bucket, many distinct inputs, sweeps of one input shape. Every rule needs
// `client.id` (`auditHttpHandler`, with a key): events without one are not theirs to judge.

export { distinctInputsRule, type DistinctInputOptions } from './extraction/distinct-inputs.js';
export { rateRule, type RateOptions } from './extraction/rate.js';
export { sweepRule, type SweepOptions } from './extraction/sweep.js';
export { volumeRule, type VolumeOptions } from './extraction/volume.js';

export interface ExtractionOptions {
  readonly volume?: VolumeOptions;
  readonly rate?: RateOptions;
  readonly distinctInputs?: DistinctInputOptions;
  readonly sweep?: SweepOptions;
}

/** Every extraction rule. */
export function extractionRules(options: ExtractionOptions = {}): Rule[] {
  return [volumeRule(options.volume), rateRule(options.rate), distinctInputsRule(options.distinctInputs), sweepRule(options.sweep)];
}
