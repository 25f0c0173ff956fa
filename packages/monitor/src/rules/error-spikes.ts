import type { JsonValue } from '@mlx-audit/runtime';
import { makeAlert, originOf, type RuleIdentity } from '../alert.js';
import { BucketRing, type Totals } from '../bucket-ring.js';
import { positiveInteger } from '../fields.js';
import { KeyedState } from '../keyed-state.js';
import type { Rule } from '../rule.js';

// Error spikes: MLX calls failing faster than an objective allows (burn rate over two windows, the
// SRE workbook's multi-window alert), and failed model loads in a burst. Time is the events'
// `@timestamp`: a window ends at the newest event of its series.

const CATEGORY = 'error-spike';
const MINUTE = 60_000;
/** Failures kept per series as the evidence of an alert. */
const EVIDENCE = 10;

export interface BurnRateOptions {
  /** The share of calls that should succeed, 0 < objective < 1. Default 0.99. */
  readonly objective?: number;
  /** Default 5 minutes. */
  readonly shortWindowMs?: number;
  /** Default 1 hour. */
  readonly longWindowMs?: number;
  /** Both windows must burn the error budget faster than this (error rate / (1 − objective)). Default 14.4. */
  readonly burnRate?: number;
  /** Calls a window needs before it is judged: sparser series are skipped. Default 10. */
  readonly minCalls?: number;
  /** The resolution of both windows; each must be a whole number of buckets. Default 1 minute. */
  readonly bucketMs?: number;
  /** Bindings whose state is kept; the least recently seen go first. Default 1,000. */
  readonly maxKeys?: number;
}

const BURN_RATE: RuleIdentity = {
  id: 'error-spike.burn-rate',
  name: 'MLX calls of one binding failing fast',
  description: 'The failure rate of one binding burns its error budget (1 − objective) faster than the threshold over both a short and a long window.',
  category: CATEGORY,
};

interface BurnSeries {
  readonly ring: BucketRing;
  readonly failures: number[];
  firing: boolean;
}

/** The failure rate of MLX calls per binding against an objective, over a short and a long window. */
export function burnRateRule(options: BurnRateOptions = {}): Rule {
  const objective = options.objective ?? 0.99;
  if (!(objective > 0 && objective < 1)) throw new TypeError(`objective must be between 0 and 1, got ${String(objective)}`);
  const threshold = options.burnRate ?? 14.4;
  if (!(threshold > 0)) throw new TypeError(`burnRate must be positive, got ${String(threshold)}`);
  const bucketMs = positiveInteger('bucketMs', options.bucketMs ?? MINUTE);
  const shortBuckets = wholeBuckets('shortWindowMs', options.shortWindowMs ?? 5 * MINUTE, bucketMs);
  const longBuckets = wholeBuckets('longWindowMs', options.longWindowMs ?? 60 * MINUTE, bucketMs);
  if (shortBuckets >= longBuckets) throw new TypeError('shortWindowMs must be shorter than longWindowMs');
  const minCalls = positiveInteger('minCalls', options.minCalls ?? 10);
  const series = new KeyedState<string, BurnSeries>(positiveInteger('maxKeys', options.maxKeys ?? 1000));
  const budget = 1 - objective;
  const burn = (totals: Totals): number => totals.failures / totals.calls / budget;
  const over = (totals: Totals): boolean => totals.calls >= minCalls && burn(totals) > threshold;

  return {
    ...BURN_RATE,
    observe({ event, time, timestamp, sequence, binding, failed: failure }, emit) {
      if (binding === undefined || failure === undefined || time === undefined) return;
      const state = series.obtain(binding, () => ({ ring: new BucketRing(bucketMs, longBuckets, [shortBuckets, longBuckets]), failures: [], firing: false }));
      state.ring.add(time, failure);
      if (failure && sequence !== undefined) remember(state.failures, sequence);
      // The common case, no failure in the long window and no episode open: nothing can burn.
      if (!state.firing && !state.ring.hasFailures(longBuckets)) return;
      const short = state.ring.totals(shortBuckets);
      const long = state.ring.totals(longBuckets);
      const burning = over(short) && over(long);
      // One alert per episode: it fires when both windows go over and re-arms once one is back under.
      if (burning && !state.firing) {
        emit(
          makeAlert(BURN_RATE, {
            timestamp,
            severity: 'high',
            reason:
              `${binding} failed ${short.failures} of ${short.calls} calls in ${minutes(shortBuckets * bucketMs)} and ${long.failures} of ${long.calls} in ${minutes(longBuckets * bucketMs)}: ` +
              `burn rates ${burn(short).toFixed(1)} and ${burn(long).toFixed(1)} against an objective of ${objective * 100}% (threshold ${threshold})`,
            evidence: [...state.failures],
            fields: {
              'mlx.binding': binding,
              'service.name': event['service.name'],
              'mlx_audit.window.short.calls': short.calls,
              'mlx_audit.window.short.failures': short.failures,
              'mlx_audit.window.long.calls': long.calls,
              'mlx_audit.window.long.failures': long.failures,
            },
          }),
        );
      }
      state.firing = burning;
    },
    state: () => ({ keys: series.size, evicted: series.evicted }),
  };
}

export interface ModelLoadFailureOptions {
  /** Failed loads in one window that make a burst. Default 5. */
  readonly threshold?: number;
  /** Default 5 minutes. */
  readonly windowMs?: number;
  /** Services whose state is kept; the least recently seen go first. Default 1,000. */
  readonly maxKeys?: number;
}

const MODEL_LOAD_FAILURES: RuleIdentity = {
  id: 'error-spike.model-load-failures',
  name: 'A burst of failed model loads',
  description: 'Model loads of one service failed repeatedly within a short window: a missing, corrupt or refused model, or a crash loop.',
  category: CATEGORY,
};

interface LoadFailures {
  /** The times and sequences of the newest `threshold` failed loads, oldest first. */
  readonly times: number[];
  readonly sequences: (number | undefined)[];
  firing: boolean;
}

/** `threshold` failed `model-load` events of one service within `windowMs`. */
export function modelLoadFailuresRule(options: ModelLoadFailureOptions = {}): Rule {
  const threshold = positiveInteger('threshold', options.threshold ?? 5);
  const windowMs = positiveInteger('windowMs', options.windowMs ?? 5 * MINUTE);
  const services = new KeyedState<string, LoadFailures>(positiveInteger('maxKeys', options.maxKeys ?? 1000));
  return {
    ...MODEL_LOAD_FAILURES,
    reads: { kinds: ['model-load'] },
    observe({ event, time, timestamp, sequence, kind, failed: failure, binding, service }, emit) {
      if (time === undefined || kind !== 'model-load' || failure !== true || binding === undefined) return;
      // A crash loop fails one load per process: the series is the service, not the process.
      const state = services.obtain(service ?? '', () => ({ times: [], sequences: [], firing: false }));
      state.times.push(time);
      state.sequences.push(sequence);
      if (state.times.length > threshold) {
        state.times.shift();
        state.sequences.shift();
      }
      const inWindow = state.times.filter((at) => time - at < windowMs).length;
      const burst = inWindow >= threshold;
      if (burst && !state.firing) {
        const fields: Record<string, JsonValue | undefined> = {
          ...originOf(event),
          'mlx.binding': binding,
          'file.path': event['file.path'],
          'file.hash.sha256': event['file.hash.sha256'],
          'url.domain': event['url.domain'],
          'mlx_audit.failures': inWindow,
        };
        emit(
          makeAlert(MODEL_LOAD_FAILURES, {
            timestamp,
            severity: 'high',
            reason: `${inWindow} model loads${service === '' ? '' : ` of ${service}`} failed within ${minutes(windowMs)}`,
            evidence: state.sequences.filter((known) => known !== undefined),
            fields,
          }),
        );
      }
      // Re-armed by a failed load that finds fewer than `threshold` in its window.
      state.firing = burst;
    },
    state: () => ({ keys: services.size, evicted: services.evicted }),
  };
}

/** Every error-spike rule. */
export function errorSpikeRules(options: { burnRate?: BurnRateOptions; modelLoadFailures?: ModelLoadFailureOptions } = {}): Rule[] {
  return [burnRateRule(options.burnRate), modelLoadFailuresRule(options.modelLoadFailures)];
}

function remember(list: number[], sequence: number): void {
  list.push(sequence);
  if (list.length > EVIDENCE) list.shift();
}

function wholeBuckets(name: string, windowMs: number, bucketMs: number): number {
  positiveInteger(name, windowMs);
  if (windowMs % bucketMs !== 0) throw new TypeError(`${name} (${windowMs}) must be a whole number of bucketMs (${bucketMs})`);
  return windowMs / bucketMs;
}

function minutes(ms: number): string {
  return ms % MINUTE === 0 ? `${ms / MINUTE} min` : `${ms / 1000} s`;
}
