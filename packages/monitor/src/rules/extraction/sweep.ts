import { makeAlert } from '../../alert.js';
import { positiveInteger } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import type { Rule } from '../../rule.js';
import { DEFAULT_MAX_CLIENTS, extractionRule, fraction, MINUTE } from './options.js';
import { clientFields, hash32, inputOf, queryOf, RecentRequests, remember, type Input, type Query } from './queries.js';

// A systematic sweep: one client sending many requests in a row whose inputs have one length (a
// text) or one shape (a tensor) while being different inputs, as a script walking the input space
// does. One shape alone is no signal where every client's inputs have it (a model of 28×28 images,
// a form of fixed-length codes), so a run is judged against the service's population: each
// service remembers the shapes its clients' runs began with, and a run is a sweep only when its
// shape is rare among the other clients' runs. A run counts once there however long it lasts, so
// a sweeping client cannot make its own shape look common.

export interface SweepOptions {
  /** Requests in a row of one shape (and, with digests, of distinct inputs) that make a sweep. Default 50. */
  readonly minRun?: number;
  /** A longer pause between two requests of a client ends its run. Default 5 minutes. */
  readonly maxGapMs?: number;
  /** A run is a sweep only if at most this share of the other clients' runs had its shape. Default 0.05. */
  readonly maxShapeShare?: number;
  /** Runs of other clients a service needs before a run is judged. Default 50. */
  readonly minPopulation?: number;
  /** Run starts remembered per service (the newest). Default 1,000. */
  readonly populationSize?: number;
  /** Clients (of every service) whose runs are kept; the least recently seen go first. Default 10,000. */
  readonly maxClients?: number;
  /** Services whose populations are kept; the least recently seen go first. Default 100. */
  readonly maxServices?: number;
}

const SWEEP = extractionRule(
  'extraction.sweep',
  'A client sweeping inputs of one shape',
  "A client sent many requests in a row whose inputs had one length or shape, each a different input, a shape the service's other clients rarely send: a scripted walk through the input space.",
);

/** Digests of a run's newest inputs a new input must differ from to continue it. */
const RUN_DIGESTS = 64;

interface Run {
  readonly recent: RecentRequests;
  /** `hash32` of the client's key, as the population knows it. */
  readonly client: number;
  shapeHash: number;
  shape: string;
  length: number;
  start: number;
  last: number;
  /** Requests of the run with no digest: while there are any, their being distinct is not known. */
  undigested: number;
  /** The run's newest request, while its input has no digest yet: a later event of it may bring one. */
  awaiting: number | undefined;
  /** The run's newest digests, a ring once full. */
  readonly digests: number[];
  digestCount: number;
  readonly evidence: number[];
  alerted: boolean;
}

/** The shapes the newest runs of a service's clients began with, in a ring. */
interface Population {
  readonly shapes: Uint32Array;
  readonly clients: Uint32Array;
  size: number;
  next: number;
}

interface Judgement {
  readonly others: number;
  readonly share: number;
}

/** Per client of a service, runs of one input shape, judged against the shapes of the other clients' runs. */
export function sweepRule(options: SweepOptions = {}): Rule {
  const minRun = positiveInteger('minRun', options.minRun ?? 50);
  const maxGapMs = positiveInteger('maxGapMs', options.maxGapMs ?? 5 * MINUTE);
  const maxShapeShare = fraction('maxShapeShare', options.maxShapeShare ?? 0.05);
  const minPopulation = positiveInteger('minPopulation', options.minPopulation ?? 50);
  const populationSize = positiveInteger('populationSize', options.populationSize ?? 1000);
  if (minPopulation > populationSize) throw new TypeError(`minPopulation (${minPopulation}) must not exceed populationSize (${populationSize})`);
  const clients = new KeyedState<string, Run>(positiveInteger('maxClients', options.maxClients ?? DEFAULT_MAX_CLIENTS));
  const services = new KeyedState<string, Population>(positiveInteger('maxServices', options.maxServices ?? 100));

  function populationOf(query: Query): Population {
    return services.obtain(query.service ?? '', () => ({ shapes: new Uint32Array(populationSize), clients: new Uint32Array(populationSize), size: 0, next: 0 }));
  }

  function startRun(run: Run, query: Query, input: Input, time: number): void {
    Object.assign(run, { shapeHash: input.shapeHash, shape: input.shape, length: 0, start: time, last: time, undigested: 0, digestCount: 0, alerted: false });
    run.evidence.length = 0;
    const population = populationOf(query);
    population.shapes[population.next] = input.shapeHash;
    population.clients[population.next] = run.client;
    population.next = (population.next + 1) % populationSize;
    population.size = Math.min(population.size + 1, populationSize);
  }

  /** The share of the other clients' remembered runs that had the run's shape. */
  function judge(run: Run, query: Query): Judgement {
    const population = populationOf(query);
    let others = 0;
    let alike = 0;
    for (let index = 0; index < population.size; index++) {
      if (population.clients[index] === run.client) continue;
      others++;
      if (population.shapes[index] === run.shapeHash) alike++;
    }
    return { others, share: others === 0 ? 1 : alike / others };
  }

  return {
    ...SWEEP,
    observe(observation, emit) {
      const { event, time, timestamp, sequence } = observation;
      const query = queryOf(observation);
      if (query === undefined || time === undefined) return;
      const input = inputOf(event);
      if (input === undefined) return;
      const run = clients.obtain(query.key, () => ({
        recent: new RecentRequests(),
        client: hash32(query.key),
        shapeHash: 0,
        shape: '',
        length: 0,
        start: time,
        last: time,
        undigested: 0,
        awaiting: undefined,
        digests: [],
        digestCount: 0,
        evidence: [],
        alerted: false,
      }));
      if (!run.recent.see(query.request)) {
        // A wrapper such as `generate(prompt)` is recorded when it returns, after the forward
        // passes it made: the text's digest comes with a later event of the request.
        if (input.digest !== undefined && query.request !== undefined && query.request === run.awaiting) lateDigest(run, input.digest);
        return;
      }
      const continues = run.length > 0 && input.shapeHash === run.shapeHash && time - run.last <= maxGapMs && !repeats(run, input.digest);
      if (!continues) startRun(run, query, input, time);
      run.length++;
      run.last = Math.max(run.last, time);
      run.awaiting = undefined;
      if (input.digest === undefined) {
        run.undigested++;
        run.awaiting = query.request;
      } else {
        run.digests[run.digestCount++ % RUN_DIGESTS] = input.digest;
      }
      remember(run.evidence, sequence);
      // Judged at every minRun-th request of the run, until it alerts: a scan of the population
      // costs populationSize steps, paid once per minRun requests.
      if (run.alerted || run.length % minRun !== 0) return;
      const { others, share } = judge(run, query);
      if (others < minPopulation || share > maxShapeShare) return;
      run.alerted = true;
      const seconds = (run.last - run.start) / 1000;
      // The newest request may still be waiting for its digest: the others vouch for the run.
      const distinct = run.digestCount > 0 && run.undigested === (run.awaiting === undefined ? 0 : 1);
      emit(
        makeAlert(SWEEP, {
          timestamp,
          severity: 'high',
          reason:
            `Client ${query.client}${query.service === undefined ? '' : ` of ${query.service}`} sent ${run.length} requests in a row in ${seconds} s, every input ${run.shape}` +
            `${distinct ? ' and each different' : ' (not all with digests: whether they differ is not known)'}; ` +
            `${(share * 100).toFixed(1)}% of the other clients' ${others} recent runs had inputs of that shape (threshold ${maxShapeShare * 100}%)`,
          evidence: [...run.evidence],
          fields: {
            ...clientFields(query),
            'mlx_audit.run.requests': run.length,
            'mlx_audit.seconds': seconds,
            'mlx_audit.input.shape': run.shape,
            'mlx_audit.input.distinct': distinct,
            'mlx_audit.population.runs': others,
            'mlx_audit.population.share': share,
          },
        }),
      );
    },
    state: () => ({ keys: clients.size + services.size, evicted: clients.evicted + services.evicted }),
  };
}

/** The digest of the run's newest request, come late: the run goes on, or ends if it repeats an input. */
function lateDigest(run: Run, digest: number): void {
  run.awaiting = undefined;
  if (repeats(run, digest)) {
    // The next request starts a new run.
    run.length = 0;
    return;
  }
  run.digests[run.digestCount++ % RUN_DIGESTS] = digest;
  run.undigested--;
}

/** Whether a digest is among the run's newest: the same input again ends the run. */
function repeats(run: Run, digest: number | undefined): boolean {
  if (digest === undefined) return false;
  const held = Math.min(run.digestCount, RUN_DIGESTS);
  for (let index = 0; index < held; index++) if (run.digests[index] === digest) return true;
  return false;
}
