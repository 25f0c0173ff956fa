import { makeAlert } from '../../alert.js';
import { positiveInteger } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import type { Rule } from '../../rule.js';
import { DEFAULT_MAX_CLIENTS, extractionRule, fraction, MINUTE } from './options.js';
import { clientFields, duration, inputOf, queryOf, RecentRequests, remember } from './queries.js';

// A client sending many different inputs in a short time: the distinct-input ratio of PRADA's
// setting, from the keyed digests the runtime writes of text arguments (`mlx.args` entries
// `{type: 'string', length, hmac}`, only when a key is configured: without one the rule sees
// nothing). The sample is the client's last `requests` requests that carry a digest, judged when
// they all fall within `windowMs`; memory is that many digests and times per client, exact but
// for 32-bit hashes: two inputs with one hash (about 1 in 10⁶ for a sample of 100) lower the
// ratio, so an error can only miss an alert, never make one.

export interface DistinctInputOptions {
  /** The sample: a client's last this many requests with a digest. Also the least it must send. Default 100. */
  readonly requests?: number;
  /** The sample must fall within this span. Default 10 minutes. */
  readonly windowMs?: number;
  /** Distinct inputs / requests of the sample at or above which a client is judged to sweep inputs. Default 0.95. */
  readonly minRatio?: number;
  /** Clients (of every service) whose samples are kept; the least recently seen go first. Default 10,000. */
  readonly maxClients?: number;
}

const DISTINCT_INPUTS = extractionRule(
  'extraction.distinct-inputs',
  'A client sending many distinct inputs',
  'Nearly every one of many recent requests of a client had an input it had not sent before (keyed text digests): querying the model across its input space, as to copy it.',
);

interface Sample {
  readonly recent: RecentRequests;
  /** A ring once full; plain arrays that grow to it, so that a client of a few requests costs a few numbers. */
  readonly digests: number[];
  readonly times: number[];
  /** The slot the next request takes once the ring is full: its oldest. */
  next: number;
  distinct: number;
  readonly evidence: number[];
  firing: boolean;
}

/** Per client of a service, the distinct-input ratio of its last `requests` requests with a text digest. */
export function distinctInputsRule(options: DistinctInputOptions = {}): Rule {
  const requests = positiveInteger('requests', options.requests ?? 100);
  if (requests < 2) throw new TypeError(`requests must be at least 2, got ${requests}`);
  const windowMs = positiveInteger('windowMs', options.windowMs ?? 10 * MINUTE);
  const minRatio = fraction('minRatio', options.minRatio ?? 0.95);
  const clients = new KeyedState<string, Sample>(positiveInteger('maxClients', options.maxClients ?? DEFAULT_MAX_CLIENTS));
  const create = (): Sample => ({
    recent: new RecentRequests(),
    digests: [],
    times: [],
    next: 0,
    distinct: 0,
    evidence: [],
    firing: false,
  });
  return {
    ...DISTINCT_INPUTS,
    observe(observation, emit) {
      const { event, time, timestamp, sequence } = observation;
      const query = queryOf(observation);
      if (query === undefined || time === undefined) return;
      const digest = inputOf(event)?.digest;
      // Clients whose inputs carry no digest cost nothing.
      if (digest === undefined) return;
      const sample = clients.obtain(query.key, create);
      if (!sample.recent.see(query.request)) return;
      add(sample, requests, digest, time);
      remember(sample.evidence, sequence);
      const oldest = sample.times[sample.next] ?? time;
      const over = sample.digests.length === requests && time - oldest < windowMs && sample.distinct / requests >= minRatio;
      if (over && !sample.firing) {
        const seconds = (time - oldest) / 1000;
        emit(
          makeAlert(DISTINCT_INPUTS, {
            timestamp,
            severity: 'medium',
            reason:
              `Client ${query.client}${query.service === undefined ? '' : ` of ${query.service}`} sent ${sample.distinct} distinct inputs in its last ${requests} requests, ` +
              `within ${seconds} s (ratio ${(sample.distinct / requests).toFixed(2)}, threshold ${minRatio} within ${duration(windowMs)})`,
            evidence: [...sample.evidence],
            fields: {
              ...clientFields(query),
              'mlx_audit.requests': requests,
              'mlx_audit.distinct_inputs': sample.distinct,
              'mlx_audit.distinct_ratio': sample.distinct / requests,
              'mlx_audit.seconds': seconds,
            },
          }),
        );
      }
      // One alert per episode: re-armed by a request that finds the ratio, or the rate, back under.
      sample.firing = over;
    },
    state: () => ({ keys: clients.size, evicted: clients.evicted }),
  };
}

/** Puts a digest in the sample's ring in place of its oldest, keeping the count of distinct ones. */
function add(sample: Sample, size: number, digest: number, time: number): void {
  const { digests, times } = sample;
  const full = digests.length === size;
  const slot = full ? sample.next : digests.length;
  if (full && !occursElsewhere(digests, digests[slot] ?? 0, slot)) sample.distinct--;
  digests[slot] = digest;
  times[slot] = time;
  if (!occursElsewhere(digests, digest, slot)) sample.distinct++;
  sample.next = (slot + 1) % size;
}

function occursElsewhere(digests: readonly number[], digest: number, slot: number): boolean {
  for (let index = 0; index < digests.length; index++) if (index !== slot && digests[index] === digest) return true;
  return false;
}
