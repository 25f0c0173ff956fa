import { readFileSync } from 'node:fs';
import { bindingOf, createMonitor, type Alert, type RuleOptions } from '@mlx-audit/monitor';
import type { AuditEvent } from '@mlx-audit/runtime';
import type { SealKey } from '@mlx-audit/runtime/trail';
import { severityWord } from '../severity.js';
import { Detection, parseSince, trailFiles } from '../trail-reading.js';
import { verifyInThread } from '../verify-thread/index.js';
import { BindingTally } from './bindings.js';
import { ClientTally } from './clients.js';
import { EvidenceWindow } from './evidence.js';
import { REPORT_LIMITS, type AlertRow, type ReportModel, type SeverityWord } from './model.js';
import { ModelLoadTable } from './model-loads.js';
import { readPlan, SiteTally } from './plan-comparison.js';
import { BucketedSeries, TimeAxis } from './time-axis.js';
import { verdictOf } from './verdict.js';

// `mlx-audit report`'s reading of a trail: one pass over its lines (the detections' pass: each
// line parsed once, given to the monitor and to the tallies here), the chain verified alongside
// on a thread of its own, and what a reviewer reads made from both. Memory is bounded by the caps
// of REPORT_LIMITS, never by the trail's length.

export interface ReportOptions {
  /** Leave out events before this time (ISO 8601, as `--since` takes it). */
  readonly since?: string;
  /** The trails are being written: their newest runs are not stopped yet (as `detect --live`). */
  readonly live?: boolean;
  /** An audit plan (`mlx-audit plan --json`) to compare the sites seen with. */
  readonly plan?: string;
  /** The detection rules' options (as `detect --config` reads them). */
  readonly rules?: RuleOptions;
  /** Initial seal keys (as `verify --key-file` reads them): the seals are checked, and the verdict says so. */
  readonly keys?: readonly SealKey[];
}

/** What keeps a report from being made: the input cannot be read, or an option is wrong. */
export class ReportInputError extends Error {}

/** The fields an alert row shows, where the alert has them. */
const ALERT_FIELDS = ['service.name', 'client.id', 'mlx.binding', 'process.pid', 'mlx_audit.run', 'file.path', 'file.hash.sha256', 'url.domain', 'log.file.path'] as const;

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Reads the trails at `paths` (files or directories) and makes their report; rejects with a ReportInputError for input it cannot read. */
export async function buildReport(paths: readonly string[], options: ReportOptions = {}): Promise<ReportModel> {
  let since: number | undefined;
  if (options.since !== undefined) {
    since = parseSince(options.since);
    if (since === undefined) throw new ReportInputError(`--since takes an ISO 8601 time such as 2026-03-01T12:00:00Z, not '${options.since}'`);
  }
  const planned = options.plan === undefined ? undefined : await readPlan(options.plan).catch((error: unknown) => Promise.reject(new ReportInputError(messageOf(error))));
  const files = await trailFiles(paths);
  if (typeof files === 'string') throw new ReportInputError(files);
  const fileList = files.trails.flatMap((trail) => trail.files);
  const verification = verifyInThread({ files: fileList, live: options.live ?? false, keys: options.keys ?? [] });

  const tally = new ReportTally(planned !== undefined);
  const detection = new Detection(
    createMonitor(options.rules ?? {}),
    since,
    (alert) => {
      tally.addAlert(alert);
    },
    (event, file, line) => {
      tally.addEvent(event, file, line);
    },
  );
  for (const trail of files.trails) {
    for (const file of trail.files) {
      try {
        await detection.readFile(file);
      } catch (error) {
        throw new ReportInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? messageOf(error)}`);
      }
    }
    detection.endTrail(options.live ?? false);
  }
  const { verification: verified } = await verification;
  tally.endOfEvents();
  detection.end(verified.problems);

  const malformed = detection.malformed;
  return {
    generated: new Date().toISOString(),
    version: VERSION,
    input: {
      files: fileList,
      skipped: files.skipped,
      events: detection.events,
      ...(options.since === undefined ? {} : { since: options.since }),
      beforeSince: detection.beforeSince,
      malformed: malformed.lines,
      ...(malformed.lines > 0 ? { firstMalformed: malformed.first } : {}),
      ...tally.span(),
    },
    verdict: verdictOf(verified, tally.gaps, tally.alertsBySeverity),
    timeline: tally.timeline(),
    bindings: tally.bindings.stats(),
    loads: tally.loads.table(),
    clients: tally.clients.volume(),
    alerts: { rows: tally.alertRows, omitted: tally.alertsOmitted },
    evidence: tally.evidence.cited(),
    ...(planned === undefined || options.plan === undefined ? {} : { plan: tally.sites.compare(options.plan, planned) }),
  };
}

interface TimelineBucket {
  events: number;
  failures: number;
  alerts: number;
}

/** Everything counted as the events and alerts stream by. */
class ReportTally {
  readonly #axis = new TimeAxis(REPORT_LIMITS.buckets);
  readonly #timeline = new BucketedSeries<TimelineBucket>(this.#axis, () => ({ events: 0, failures: 0, alerts: 0 }), (into, from) => {
    into.events += from.events;
    into.failures += from.failures;
    into.alerts += from.alerts;
  });
  readonly bindings = new BindingTally(this.#axis);
  readonly clients = new ClientTally();
  readonly loads = new ModelLoadTable();
  readonly evidence = new EvidenceWindow();
  readonly sites = new SiteTally();
  readonly #comparePlan: boolean;
  readonly alertRows: AlertRow[] = [];
  alertsOmitted = 0;
  gaps = 0;
  readonly alertsBySeverity: Record<SeverityWord, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  #first = Number.POSITIVE_INFINITY;
  #last = Number.NEGATIVE_INFINITY;
  #firstText: string | undefined;
  #lastText: string | undefined;
  // The runtime stamps to the millisecond: consecutive events often share their @timestamp text.
  #lastStamp = '';
  #lastTime: number | undefined;
  // The process of the event being read: an alert raised on it cites sequences of that process
  // (most alerts do not name it). Undefined once every event was read.
  #currentPid: number | null | undefined;

  constructor(comparePlan: boolean) {
    this.#comparePlan = comparePlan;
  }

  addEvent(event: AuditEvent, file: string, line: number): void {
    const time = this.#timeOf(event['@timestamp']);
    const bucket = time === undefined ? undefined : this.#axis.place(time);
    const failed = event['event.outcome'] === 'failure';
    if (bucket !== undefined) {
      const slot = this.#timeline.at(bucket);
      slot.events++;
      if (failed) slot.failures++;
    }
    const pidValue = event['process.pid'];
    const pid = typeof pidValue === 'number' ? pidValue : null;
    this.#currentPid = pid;
    this.evidence.add(event, pid, file, line);
    // An MLX call, or a manual event with a kind (the monitor's notion of a binding).
    const binding = bindingOf(event);
    if (binding !== undefined) {
      const kind = event['mlx.kind'];
      const duration = event['event.duration'];
      this.bindings.add(binding, typeof kind === 'string' ? kind : undefined, failed, typeof duration === 'number' && duration >= 0 ? duration / 1e6 : undefined, bucket);
      if (kind === 'inference' && event['mlx.phase'] !== 'training') {
        const client = event['client.id'];
        this.clients.addInference(typeof client === 'string' ? client : undefined);
      }
      if (this.#comparePlan) this.sites.add(event);
    }
    const action = event['event.action'];
    if (typeof action === 'string') this.loads.add(event, action, binding, pid);
  }

  addAlert(alert: Alert): void {
    const word = severityWord(alert['event.severity']);
    if (word in this.alertsBySeverity) this.alertsBySeverity[word as SeverityWord]++;
    const time = this.#timeOf(alert['@timestamp']);
    if (time !== undefined) this.#timeline.at(this.#axis.place(time)).alerts++;
    const category = alert['rule.category'];
    if (category === 'auditing-gap' && alert['rule.id'] !== 'auditing-gap.chain') this.gaps++;
    const client = alert['client.id'];
    if (category === 'extraction' && typeof client === 'string') this.clients.addExtractionAlert(client, alert['rule.id']);
    if (this.alertRows.length >= REPORT_LIMITS.alerts) {
      this.alertsOmitted++;
      return;
    }
    const pid = alert['process.pid'];
    const cited = this.evidence.cite(typeof pid === 'number' ? pid : (this.#currentPid ?? null), alert['mlx_audit.evidence.sequences']);
    const fields: Record<string, string> = {};
    for (const field of ALERT_FIELDS) {
      const value = alert[field];
      if (value !== undefined && value !== null) fields[field] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    this.alertRows.push({
      id: `alert-${this.alertRows.length + 1}`,
      time: alert['@timestamp'],
      severity: word,
      rule: alert['rule.id'],
      ruleName: alert['rule.name'],
      category,
      reason: alert['event.reason'],
      fields,
      evidence: cited.resolved,
      evidenceUnresolved: cited.unresolved,
    });
  }

  /** Every event was read: the alerts from now on (the end of the input's) are raised on none. */
  endOfEvents(): void {
    this.#currentPid = undefined;
  }

  timeline(): ReportModel['timeline'] {
    const { start, count } = this.#axis.range();
    return {
      start,
      bucketMs: count === 0 ? 0 : this.#axis.width,
      events: this.#timeline.toArray((bucket) => bucket.events, 0),
      failures: this.#timeline.toArray((bucket) => bucket.failures, 0),
      alerts: this.#timeline.toArray((bucket) => bucket.alerts, 0),
    };
  }

  span(): { first?: string; last?: string } {
    return { ...(this.#firstText === undefined ? {} : { first: this.#firstText }), ...(this.#lastText === undefined ? {} : { last: this.#lastText }) };
  }

  #timeOf(stamp: unknown): number | undefined {
    if (typeof stamp !== 'string') return undefined;
    if (stamp !== this.#lastStamp) {
      const time = Date.parse(stamp);
      this.#lastStamp = stamp;
      this.#lastTime = Number.isFinite(time) ? time : undefined;
      if (this.#lastTime !== undefined) {
        if (this.#lastTime < this.#first) {
          this.#first = this.#lastTime;
          this.#firstText = stamp;
        }
        if (this.#lastTime > this.#last) {
          this.#last = this.#lastTime;
          this.#lastText = stamp;
        }
      }
    }
    return this.#lastTime;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
