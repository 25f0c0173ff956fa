import { DROPPED_ACTION, type JsonValue } from '@mlx-audit/runtime';
import { TRAIL_ACTIONS } from '@mlx-audit/runtime/trail';
import { makeAlert, originOf, type RuleIdentity } from '../alert.js';
import { count, isCount, positiveInteger, text } from '../fields.js';
import { KeyedState } from '../keyed-state.js';
import { STATELESS, type Observation, type Rule } from '../rule.js';
import { RunResolver } from '../runs.js';

// Auditing gaps: the trail says, in its own records, that it is incomplete — events it never got,
// a configuration that stopped recording, a run that never said it stopped — or it lacks the
// records that would let anyone tell (no chain, no lifecycle record). Each is an alert, never a
// refusal to read: an old or foreign trail is still read by every other rule.

export const DEFAULT_MAX_RUNS = 10_000;

export interface AuditingGapOptions {
  /** Runs (process runs, or processes without a run id) whose state is kept; the least recently seen go first. */
  readonly maxRuns?: number;
}

const CATEGORY = 'auditing-gap';

const SEQUENCE_GAP: RuleIdentity = {
  id: 'auditing-gap.sequence',
  name: 'Events missing from a run',
  description: 'event.sequence skips numbers within one process run: events were lost (a failed write, a cut) or deleted.',
  category: CATEGORY,
};

/** A gap in `event.sequence` within a run. */
export function sequenceGapRule(options: AuditingGapOptions = {}): Rule {
  const maxRuns = positiveInteger('maxRuns', options.maxRuns ?? DEFAULT_MAX_RUNS);
  const runs = new RunResolver(maxRuns);
  const highest = new KeyedState<string, { value: number }>(maxRuns);
  return {
    ...SEQUENCE_GAP,
    observe(observation, emit) {
      const { event, sequence, timestamp, action } = observation;
      const { key, run } = runs.runOf(observation);
      if (sequence === undefined) return;
      const seen = highest.obtain(key, () => ({ value: sequence }));
      const expected = seen.value + 1;
      // Out of order or repeated (two copies of one trail): nothing new is known to be missing.
      if (sequence <= seen.value) return;
      seen.value = sequence;
      // A configuration record starts what a sink added by it receives: the events before it went
      // to the other sinks, so a sink dropped and added again resumes with a gap by design.
      if (sequence === expected || action === TRAIL_ACTIONS.configured) return;
      const missing = sequence - expected;
      emit(
        makeAlert(SEQUENCE_GAP, {
          timestamp,
          severity: 'high',
          reason: `${missing} event(s) of run ${run ?? '(unnamed)'} are missing: event.sequence goes from ${expected - 1} to ${sequence}`,
          evidence: [expected - 1, sequence],
          fields: { ...originOf(event), 'mlx_audit.run': run, 'mlx_audit.gap.from': expected, 'mlx_audit.gap.to': sequence - 1, 'mlx_audit.gap.count': missing },
        }),
      );
    },
    state: () => ({ keys: highest.size + runs.size, evicted: highest.evicted }),
  };
}

const DROPPED: RuleIdentity = {
  id: 'auditing-gap.dropped',
  name: 'Events turned away by a full buffer',
  description: 'The runtime recorded a mlx-audit.dropped record: its buffer was full and routine events were never written.',
  category: CATEGORY,
};

/** Each `mlx-audit.dropped` record. */
export function droppedRule(): Rule {
  return {
    ...DROPPED,
    reads: { actions: [DROPPED_ACTION] },
    observe({ event, sequence, timestamp, action }, emit) {
      if (action !== DROPPED_ACTION) return;
      const dropped = count(event, 'count');
      emit(
        makeAlert(DROPPED, {
          timestamp,
          severity: 'medium',
          reason: `the runtime's buffer was full: ${dropped === undefined ? 'some' : String(dropped)} routine event(s) were turned away`,
          evidence: only(sequence),
          fields: { ...originOf(event), 'mlx_audit.dropped': dropped },
        }),
      );
    },
    state: () => STATELESS,
  };
}

const SINKS_OFF: RuleIdentity = {
  id: 'auditing-gap.sinks-off',
  name: 'Auditing turned off',
  description: 'A mlx-audit.configured record with no sink: from then on the process recorded nothing.',
  category: CATEGORY,
};

/** A configuration record that turned every sink off. */
export function sinksOffRule(): Rule {
  return {
    ...SINKS_OFF,
    reads: { actions: [TRAIL_ACTIONS.configured] },
    observe({ event, sequence, timestamp, action }, emit) {
      if (action !== TRAIL_ACTIONS.configured) return;
      const sinks = event['mlx_audit.sinks'];
      if (!Array.isArray(sinks) || sinks.length > 0) return;
      emit(
        makeAlert(SINKS_OFF, {
          timestamp,
          severity: 'high',
          reason: `run ${text(event, 'mlx_audit.run') ?? '(unnamed)'} was configured with no sink: it records nothing from here on`,
          evidence: only(sequence),
          fields: { ...originOf(event), 'mlx_audit.run': event['mlx_audit.run'] },
        }),
      );
    },
    state: () => STATELESS,
  };
}

const NOT_STOPPED: RuleIdentity = {
  id: 'auditing-gap.not-stopped',
  name: 'A run without its stopped record',
  description: 'A process run named in the trail has no mlx-audit.stopped record by the end of the input: it crashed, was killed, or the trail was cut.',
  category: CATEGORY,
};

interface RunEnd {
  readonly run: string;
  stopped: boolean;
  timestamp: string;
  sequence: number | undefined;
  origin: Record<string, JsonValue | undefined>;
}

/** A run with no `mlx-audit.stopped` record at the end of the input. */
export function notStoppedRule(options: AuditingGapOptions = {}): Rule {
  const maxRuns = positiveInteger('maxRuns', options.maxRuns ?? DEFAULT_MAX_RUNS);
  const runs = new RunResolver(maxRuns);
  const ends = new KeyedState<string, RunEnd>(maxRuns);
  return {
    ...NOT_STOPPED,
    observe(observation) {
      const { event, sequence, timestamp, action, service, pid } = observation;
      const { key, run } = runs.runOf(observation);
      // Without a run id no lifecycle record was seen for this process: no-lifecycle says so.
      if (run === undefined) return;
      const end = ends.obtain(key, () => ({ run, stopped: false, timestamp, sequence, origin: originOf(event) }));
      end.timestamp = timestamp;
      end.sequence = sequence ?? end.sequence;
      // The file sink's opened record names the run but not the service: later events do.
      if (service !== undefined && service !== end.origin['service.name']) end.origin['service.name'] = service;
      if (pid !== undefined && pid !== end.origin['process.pid']) end.origin['process.pid'] = pid;
      // What the application's exit listeners record comes after the stopped record: it stays stopped.
      if (action === TRAIL_ACTIONS.stopped) end.stopped = true;
    },
    finish(_last, emit) {
      for (const end of ends.values()) {
        if (end.stopped) continue;
        emit(
          makeAlert(NOT_STOPPED, {
            timestamp: end.timestamp,
            severity: 'medium',
            reason: `run ${end.run} ends without ${TRAIL_ACTIONS.stopped}: the process crashed or was killed, or the trail was cut`,
            evidence: only(end.sequence),
            fields: { ...end.origin, 'mlx_audit.run': end.run },
          }),
        );
      }
    },
    state: () => ({ keys: ends.size + runs.size, evicted: ends.evicted }),
  };
}

const NO_CHAIN: RuleIdentity = {
  id: 'auditing-gap.no-chain',
  name: 'A trail without a chain',
  description: 'No event of the input carries trail.line and event.hash: whether lines were removed or changed cannot be told (a trail of an earlier version, or a sink that strips the fields).',
  category: CATEGORY,
};

const NO_LIFECYCLE: RuleIdentity = {
  id: 'auditing-gap.no-lifecycle',
  name: 'A trail without lifecycle records',
  description: 'No mlx-audit.started, configured or stopped record in the input: runs, their settings and their ends cannot be told (a trail of an earlier version, or a filtered export).',
  category: CATEGORY,
};

const LIFECYCLE_ACTIONS = new Set<string>([TRAIL_ACTIONS.started, TRAIL_ACTIONS.configured, TRAIL_ACTIONS.stopped]);

function chained({ event }: Observation): boolean {
  // Read by their own names: in the process no event carries a chain, and this is asked of each.
  if (!isCount(event['trail.line'])) return false;
  const hash = event['event.hash'];
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash);
}

/** An input none of whose events carries a chain, or a lifecycle record: said once, at its end. */
export function missingRecordsRules(): Rule[] {
  return [missingRecordRule(NO_CHAIN, chained, 'carries a chain (trail.line, event.hash)'), missingRecordRule(NO_LIFECYCLE, ({ action }) => LIFECYCLE_ACTIONS.has(action ?? ''), 'is a lifecycle record of the runtime')];
}

function missingRecordRule(identity: RuleIdentity, present: (observation: Observation) => boolean, what: string): Rule {
  let events = 0;
  let found = false;
  let first: number | undefined;
  return {
    ...identity,
    observe(observation) {
      events++;
      first ??= observation.sequence;
      if (!found && present(observation)) found = true;
    },
    finish(last, emit) {
      if (events === 0 || found) return;
      emit(
        makeAlert(identity, {
          timestamp: last,
          severity: 'low',
          reason: `none of the input's ${events} event(s) ${what}`,
          evidence: only(first),
          fields: { 'mlx_audit.events': events },
        }),
      );
    },
    state: () => STATELESS,
  };
}

/** Every auditing-gap rule. */
export function auditingGapRules(options: AuditingGapOptions = {}): Rule[] {
  return [sequenceGapRule(options), droppedRule(), sinksOffRule(), notStoppedRule(options), ...missingRecordsRules()];
}

/** The evidence of an alert raised by one event: its sequence number, when it has one. */
function only(sequence: number | undefined): number[] {
  return sequence === undefined ? [] : [sequence];
}
