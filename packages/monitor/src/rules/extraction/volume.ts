import { makeAlert } from '../../alert.js';
import { positiveInteger } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import { MAD_TO_SIGMA, robustBaseline, robustZ } from '../../robust.js';
import type { Rule } from '../../rule.js';
import { bucketsIn, DEFAULT_MAX_CLIENTS, extractionRule, fraction, MINUTE, positiveNumber } from './options.js';
import { clientFields, duration, queryOf, RecentRequests, remember } from './queries.js';

// A client asking far more than the other clients of its service: its requests in a window
// against the population of active clients, by robust z (median and MAD resist the few heavy
// clients a mean and a standard deviation would follow). The population's baseline is computed
// once a bucket, over the last complete window, so an event costs a lookup, not a sort.

export interface VolumeOptions {
  /** The window a client's requests are counted over; a whole number of buckets. Default 10 minutes. */
  readonly windowMs?: number;
  /** The resolution of the window, and how often the population's baseline is computed. Default 1 minute. */
  readonly bucketMs?: number;
  /** Active clients (a request in the window) a service needs before any of them is judged. Default 5. */
  readonly minClients?: number;
  /** Requests in the window below which a client is never judged. Default 100. */
  readonly minCount?: number;
  /** Robust z above which a client's count is an outlier: (count − median) / (1.4826 · MAD). Default 6 (Skyline's MAD test). */
  readonly z?: number;
  /** The margin over the median is never less than this fraction of it (Grafana's fallback; all of it when MAD is 0). Default 0.5. */
  readonly fallbackFraction?: number;
  /** Clients (of every service) whose counts are kept; the least recently seen go first. Default 10,000. */
  readonly maxClients?: number;
}

const VOLUME = extractionRule(
  'extraction.volume',
  'A client querying far more than the others',
  "A client's requests in a window are far above those of the service's other active clients (robust z of per-client counts): bulk querying, as to copy the model or its training data.",
);

/** Requests per bucket of one client, the newest `length` buckets in a ring. */
class CountRing {
  readonly #counts: Uint32Array;
  #newest = Number.NEGATIVE_INFINITY;

  constructor(length: number) {
    this.#counts = new Uint32Array(length);
  }

  add(bucket: number): void {
    const length = this.#counts.length;
    if (bucket > this.#newest) {
      for (let b = Math.max(this.#newest + 1, bucket - length + 1); b <= bucket; b++) this.#counts[b % length] = 0;
      this.#newest = bucket;
    } else if (this.#newest - bucket >= length) {
      return;
    }
    this.#counts[bucket % length] = (this.#counts[bucket % length] ?? 0) + 1;
  }

  /** The requests of the `buckets` buckets that end with bucket `end`, as far as the ring holds them. */
  total(end: number, buckets: number): number {
    const length = this.#counts.length;
    let total = 0;
    for (let b = Math.max(end - buckets + 1, this.#newest - length + 1); b <= Math.min(end, this.#newest); b++) total += this.#counts[b % length] ?? 0;
    return total;
  }
}

interface VolumeClient {
  readonly service: string;
  readonly recent: RecentRequests;
  readonly counts: CountRing;
  readonly evidence: number[];
  firing: boolean;
}

interface Population {
  readonly clients: number;
  readonly median: number;
  readonly mad: number;
  /** The count a client must pass. */
  readonly threshold: number;
}

/** Per client of a service, its requests over `windowMs` against the robust z of its service's active clients. */
export function volumeRule(options: VolumeOptions = {}): Rule {
  const bucketMs = positiveInteger('bucketMs', options.bucketMs ?? MINUTE);
  const windowBuckets = bucketsIn('windowMs', options.windowMs ?? 10 * MINUTE, bucketMs);
  const minClients = positiveInteger('minClients', options.minClients ?? 5);
  const minCount = positiveInteger('minCount', options.minCount ?? 100);
  const zThreshold = positiveNumber('z', options.z ?? 6);
  const fallbackFraction = fraction('fallbackFraction', options.fallbackFraction ?? 0.5);
  const clients = new KeyedState<string, VolumeClient>(positiveInteger('maxClients', options.maxClients ?? DEFAULT_MAX_CLIENTS));
  // Rebuilt once a bucket from the clients' state: one entry per service that has active clients,
  // so never more than `maxClients`.
  let populations = new Map<string, Population>();
  let populationBucket = Number.NEGATIVE_INFINITY;

  /** Each service's baseline over the complete window before bucket `current`. */
  function measurePopulations(current: number): void {
    const counts = new Map<string, number[]>();
    for (const client of clients.values()) {
      const count = client.counts.total(current - 1, windowBuckets);
      if (count === 0) continue;
      const list = counts.get(client.service);
      if (list === undefined) counts.set(client.service, [count]);
      else list.push(count);
    }
    populations = new Map();
    for (const [service, list] of counts) {
      const { median, mad } = robustBaseline(list);
      const margin = Math.max(zThreshold * MAD_TO_SIGMA * mad, fallbackFraction * median);
      populations.set(service, { clients: list.length, median, mad, threshold: median + margin });
    }
    populationBucket = current;
  }

  return {
    ...VOLUME,
    observe(observation, emit) {
      const { time, timestamp, sequence } = observation;
      const query = queryOf(observation);
      if (query === undefined || time === undefined) return;
      const bucket = Math.floor(time / bucketMs);
      if (bucket > populationBucket) measurePopulations(bucket);
      const service = query.service ?? '';
      const client = clients.obtain(query.key, () => ({ service, recent: new RecentRequests(), counts: new CountRing(windowBuckets + 1), evidence: [], firing: false }));
      if (!client.recent.see(query.request)) return;
      client.counts.add(bucket);
      remember(client.evidence, sequence);
      const count = client.counts.total(bucket, windowBuckets);
      const population = populations.get(service);
      const over = population !== undefined && population.clients >= minClients && count >= minCount && count > population.threshold;
      if (over && !client.firing) {
        const z = robustZ(count, population);
        emit(
          makeAlert(VOLUME, {
            timestamp,
            severity: 'medium',
            reason:
              `Client ${query.client}${query.service === undefined ? '' : ` of ${query.service}`} sent ${count} requests in ${duration(windowBuckets * bucketMs)}, ` +
              `against a median of ${population.median} (MAD ${population.mad}) over ${population.clients} active clients: ` +
              `${Number.isFinite(z) ? `robust z ${z.toFixed(1)}` : 'no spread (MAD 0)'} (threshold ${round(population.threshold)} requests)`,
            evidence: [...client.evidence],
            fields: {
              ...clientFields(query),
              'mlx_audit.requests': count,
              'mlx_audit.window_ms': windowBuckets * bucketMs,
              'mlx_audit.population.clients': population.clients,
              'mlx_audit.population.median': population.median,
              'mlx_audit.population.mad': population.mad,
              'mlx_audit.threshold': round(population.threshold),
              'mlx_audit.robust_z': Number.isFinite(z) ? round(z) : undefined,
            },
          }),
        );
      }
      // One alert per episode: re-armed by a request that finds the client back under.
      client.firing = over;
    },
    state: () => ({ keys: clients.size, evicted: clients.evicted }),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
