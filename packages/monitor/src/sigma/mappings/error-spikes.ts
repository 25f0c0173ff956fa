import type { RuleOptions } from '../../index.js';
import { notExpressible, RUNTIME_RECORDS, SELECTION_NOT_FILTER, type RuleMapping } from '../mapping.js';

// Error spikes in Sigma: a burst of failed model loads is an event_count; the burn rate, a ratio
// of two counts in two windows, is not expressible.

/**
 * The model-load-failures rule's defaults, as rules/error-spikes.ts sets them (it exports no
 * constants for them); the Sigma tests drive the rule at these numbers, so a change there fails them.
 */
export const MODEL_LOAD_FAILURE_DEFAULTS = { threshold: 5, windowMs: 5 * 60_000 } as const;

export const ERROR_SPIKE_MAPPINGS: Readonly<Record<string, RuleMapping>> = {
  'error-spike.burn-rate': notExpressible(
    'high',
    "It divides a binding's failed calls by its calls, in a short and a long window (5 min and 1 h by default), and compares both ratios with the error budget (1 − objective). Sigma's correlations compare a count, or a sum or an average of one field, with a fixed number; none divides one count by another.",
  ),
  'error-spike.model-load-failures': {
    severity: 'high',
    falsepositives: ['A deployment that starts replicas before the model files are in place', 'A model load retried in a loop by design'],
    sigma: (options: RuleOptions) => {
      const threshold = options.modelLoadFailures?.threshold ?? MODEL_LOAD_FAILURE_DEFAULTS.threshold;
      const windowMs = options.modelLoadFailures?.windowMs ?? MODEL_LOAD_FAILURE_DEFAULTS.windowMs;
      return {
        // A failed MLX call of kind model-load; the runtime's own records about a load (a refused
        // file is a failed mlx-audit.model-not-allowed record of kind model-load) are not calls.
        detection: { selection: { 'mlx.kind': 'model-load', 'event.outcome': 'failure' }, filter: RUNTIME_RECORDS, condition: SELECTION_NOT_FILTER },
        fields: ['service.name', 'process.pid', 'mlx.binding', 'file.path', 'file.hash.sha256', 'url.domain', 'error.type'],
        correlation: {
          type: 'event_count',
          eventTitle: 'A failed model load',
          groupBy: ['service.name'],
          windowMs,
          windowOption: 'modelLoadFailures.windowMs',
          atLeast: threshold,
        },
      };
    },
  },
};
