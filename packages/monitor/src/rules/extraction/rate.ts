import { makeAlert } from '../../alert.js';
import { positiveInteger } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import type { Rule } from '../../rule.js';
import { DEFAULT_MAX_CLIENTS, extractionRule, positiveNumber } from './options.js';
import { clientFields, queryOf, RecentRequests, remember } from './queries.js';

// A client over a token bucket: the limit an API gateway would enforce (a sustained rate, and a
// burst allowed above it), applied to the trail after the fact. The bucket holds `burst` tokens,
// refills at `ratePerSecond`, and each request takes one; a request that finds it empty is over.
// The client has then sent more than burst + rate × time since its bucket was last full, so one
// busy minute does not alert: only a rate kept up past the burst does.

export interface RateOptions {
  /** Requests per second a client may keep up. Default 1. */
  readonly ratePerSecond?: number;
  /** Requests a client may send at once above that rate (the bucket's size). Default 120. */
  readonly burst?: number;
  /** Clients (of every service) whose buckets are kept; the least recently seen go first. Default 10,000. */
  readonly maxClients?: number;
}

const RATE = extractionRule(
  'extraction.rate',
  'A client over its sustained request rate',
  'A client kept sending requests faster than a token bucket allows (a sustained rate plus a burst), past the burst: automated bulk querying.',
);

interface Bucket {
  readonly recent: RecentRequests;
  tokens: number;
  /** Time (ms) the tokens were last counted. */
  last: number;
  /** When the bucket was last full, and the requests since: the episode an alert describes. */
  since: number;
  requests: number;
  readonly evidence: number[];
  firing: boolean;
}

/** Per client of a service, a token bucket of `burst` tokens refilled at `ratePerSecond`. */
export function rateRule(options: RateOptions = {}): Rule {
  const ratePerSecond = positiveNumber('ratePerSecond', options.ratePerSecond ?? 1);
  const burst = positiveInteger('burst', options.burst ?? 120);
  const clients = new KeyedState<string, Bucket>(positiveInteger('maxClients', options.maxClients ?? DEFAULT_MAX_CLIENTS));
  return {
    ...RATE,
    observe(observation, emit) {
      const { time, timestamp, sequence } = observation;
      const query = queryOf(observation);
      if (query === undefined || time === undefined) return;
      const bucket = clients.obtain(query.key, () => ({ recent: new RecentRequests(), tokens: burst, last: time, since: time, requests: 0, evidence: [], firing: false }));
      if (!bucket.recent.see(query.request)) return;
      // An event out of order by a little refills nothing: time never runs backwards for a bucket.
      bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, time - bucket.last) * ratePerSecond) / 1000);
      bucket.last = Math.max(bucket.last, time);
      if (bucket.tokens >= burst) {
        // Full again: the client has been under the rate long enough; the next episode starts here.
        bucket.since = time;
        bucket.requests = 0;
        bucket.firing = false;
      }
      bucket.requests++;
      remember(bucket.evidence, sequence);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      if (bucket.firing) return;
      bucket.firing = true;
      const seconds = Math.max(0, time - bucket.since) / 1000;
      emit(
        makeAlert(RATE, {
          timestamp,
          severity: 'medium',
          reason:
            `Client ${query.client}${query.service === undefined ? '' : ` of ${query.service}`} sent ${bucket.requests} requests in ${seconds} s` +
            `${seconds > 0 ? ` (${(bucket.requests / seconds).toFixed(2)}/s)` : ''}, over a sustained ${ratePerSecond}/s with a burst of ${burst}`,
          evidence: [...bucket.evidence],
          fields: {
            ...clientFields(query),
            'mlx_audit.requests': bucket.requests,
            'mlx_audit.seconds': seconds,
            'mlx_audit.limit.rate_per_second': ratePerSecond,
            'mlx_audit.limit.burst': burst,
          },
        }),
      );
    },
    state: () => ({ keys: clients.size, evicted: clients.evicted }),
  };
}
