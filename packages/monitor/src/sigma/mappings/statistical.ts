import { notExpressible, type RuleMapping } from '../mapping.js';

// The statistical rules: each compares a key with its own past, with the other keys, or with a
// state built from all of its earlier events. Sigma's correlations compare a count (or a sum, an
// average, a percentile) within one timespan with a number fixed in the rule, so none of these is
// expressible; a fixed threshold in their place would be another rule, with other false positives,
// and is left to whoever tunes one for their own traffic.

const BASELINE =
  "Sigma's correlations compare a value within one timespan with a number fixed in the rule (value_percentile can find a median over a threshold); none compares it with a band learned from the same series' own past.";

export const STATISTICAL_MAPPINGS: Readonly<Record<string, RuleMapping>> = {
  'latency-shift.band': notExpressible(
    'medium',
    `It compares the recent median of a binding's event.duration with a band of its own baseline window (median ± k·MAD), sustained for a minimum time, and skips sparse series. ${BASELINE}`,
  ),
  'resources.band': notExpressible(
    'low',
    `It compares each gauge of a process run (memory, CPU, MLX's memory) with the upper edge of a band of its own baseline (median + k·MAD), sustained for a minimum time. ${BASELINE}`,
  ),
  'extraction.volume': notExpressible(
    'medium',
    "It compares a client's request count in a window with the counts of the other clients (a robust z score over the population). Sigma's event_count compares one group's count with a number fixed in the rule, not with the other groups.",
  ),
  'extraction.rate': notExpressible(
    'medium',
    "A token bucket: its level depends on all of the client's earlier requests (refilled at the rate, capped at the burst). An event_count over a fixed timespan is another rule: it misses bursts shorter than its timespan and cannot carry what one window used of the bucket into the next.",
  ),
  'extraction.distinct-inputs': notExpressible(
    'medium',
    "It divides the number of a client's distinct input digests by the number of its requests. Sigma counts distinct values (value_count) and events (event_count), but no correlation divides one by the other.",
  ),
  'extraction.sweep': notExpressible(
    'high',
    "It follows a client's requests in their order: many in a row whose inputs share one length or shape while being distinct. Sigma's correlations count events within a timespan; they cannot require events to be consecutive, nor compare a field of one event with the one before.",
  ),
  'confidence-drift.psi': notExpressible(
    'medium',
    "It compares two distributions, the bucketed max probability or entropy of a series' latest window of rows against its first rows (the baseline), by their population stability index: arithmetic over two histograms, which no Sigma correlation computes.",
  ),
};
