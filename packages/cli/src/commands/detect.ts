import { access, constants } from 'node:fs/promises';
import { chainAlerts, createMonitor, SEVERITY, type Alert, type Monitor, type RuleOptions } from '@mlx-audit/monitor';
import { neutralizeEvent, toJsonLine, type AuditEvent } from '@mlx-audit/runtime';
import { findTrails, readLines, type TrailFiles } from '@mlx-audit/runtime/trail';
import { MonitorConfigError, readMonitorConfig } from '../monitor-config.js';
import { verifyInThread } from '../verify-thread/index.js';
import { firstSentence, parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit detect`: the detection rules of `@mlx-audit/monitor` over trail files. The rules are
// the monitor's and the file order is the runtime's (`findTrails`); this file reads the lines, one
// at a time, and is the command line: arguments, the alerts for people or for machines, the exit code.

const USAGE = `mlx-audit detect <files or directories>... [--json] [--since T] [--live] [--config F]
    Runs the monitor's rules over audit trails, rotated files included, oldest first, line by
    line, and verifies their hash chain: one line per alert (time, severity, rule, reason, key
    fields), then a summary. A line that is not a JSON object is skipped and counted on stderr.
    --json      one alert per line, the event the monitor makes (as in the process); nothing else on stdout
    --since T   leave out events whose @timestamp is earlier than T (ISO 8601: 2026-03-01, or
                2026-03-01T12:00:00Z with Z or an offset); events without a readable @timestamp are kept
                (the chain is verified whole)
    --live      the trails are being written (a running service): the newest run of each trail
                is not yet stopped, and its lines after the last seal are not yet sealed
    --config F  the rules' options, a JSON file ({ "burnRate": { "objective": 0.999 } }: the
                options watch() takes in the process); an unknown or invalid option is an error
    Exit 0 no alert, 1 alerts, 2 cannot read (bad arguments, a missing or unreadable file).`;

/** A date, or a date and time with `Z` or an offset: what `--since` takes, never the local time zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Whether the date part names a day of the calendar: Date.parse takes 2026-02-31 for 3 March. */
function realDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The fields an alert line shows, where the alert has them. */
const KEY_FIELDS = ['service.name', 'client.id', 'mlx.binding', 'process.pid', 'mlx_audit.run', 'file.path', 'file.hash.sha256', 'url.domain', 'log.file.path'] as const;

export const detectCommand: Command = {
  name: 'detect',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, since: { type: 'string' }, live: { type: 'boolean', default: false }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no trail given: name its files or its directory');
    let since: number | undefined;
    if (values.since !== undefined) {
      since = ISO_TIME.test(values.since) && realDate(values.since) ? Date.parse(values.since) : Number.NaN;
      if (!Number.isFinite(since)) return usageError(this, `--since takes an ISO 8601 time such as 2026-03-01T12:00:00Z, not '${values.since}'`);
    }
    let options: RuleOptions = {};
    if (values.config !== undefined) {
      try {
        options = await readMonitorConfig(values.config);
      } catch (error) {
        if (error instanceof MonitorConfigError) return usageError(this, error.message);
        throw error;
      }
    }
    const files = await trailFiles(positionals);
    if (typeof files === 'string') return cannotRead(files);
    // The chain is verified alongside, on a thread of its own: the verifier reads the files on its
    // own, in constant memory.
    const verification = verifyInThread({ files: files.trails.flatMap((trail) => trail.files), live: values.live });

    // An alert quotes the trail's strings (a file path may hold a control character): as JSON, the
    // runtime's line form escapes what JSON.stringify leaves raw; for people, each is written out.
    const report = values.json ? (alert: Alert) => toJsonLine(alert) : (alert: Alert) => forPeople(neutralizeEvent(alert) as Alert);
    const tally = new Tally();
    const detection = new Detection(createMonitor(options), since, (alert) => {
      tally.add(alert);
      process.stdout.write(report(alert));
    });
    for (const trail of files.trails) {
      for (const file of trail.files) {
        try {
          await detection.readFile(file);
        } catch (error) {
          return cannotRead(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? firstSentence(error)}`);
        }
      }
      detection.endTrail(values.live);
    }
    detection.end((await verification).verification.problems);
    if (!values.json) process.stdout.write(`${tally.summary()}: ${detection.summary(files.trails.reduce((sum, trail) => sum + trail.files.length, 0))}\n`);
    for (const note of [...files.skipped, ...detection.notes()]) process.stderr.write(`mlx-audit detect: ${note}\n`);
    return tally.alerts > 0 ? 1 : 0;
  },
};

function cannotRead(message: string): number {
  process.stderr.write(`mlx-audit detect: ${message}\n`);
  return 2;
}

/** The trails to read, in the runtime's order (trail by trail, rotated files oldest first), or why they cannot be read. */
async function trailFiles(paths: readonly string[]): Promise<{ trails: readonly TrailFiles[]; skipped: string[] } | string> {
  const found = await findTrails(paths);
  const [unreadable] = found.unreadable;
  if (unreadable !== undefined) return `cannot read ${unreadable.file}: ${unreadable.reason}`;
  const files = found.trails.flatMap((trail) => trail.files);
  if (files.length === 0) return `no trail file in ${paths.join(', ')}`;
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      return `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`;
    }
  }
  return { trails: found.trails, skipped: found.skipped.map(({ file, reason }) => `skipped ${file}: ${reason}`) };
}

/** Lines into the monitor, one at a time; what was read, left out and skipped is counted. */
class Detection {
  readonly #monitor: Monitor;
  readonly #since: number | undefined;
  readonly #emit: (alert: Alert) => void;
  #events = 0;
  #beforeSince = 0;
  #untimed = 0;
  #malformed = 0;
  #firstMalformed = '';
  // The run the trail being read named last (its newest stream's), and the runs still being
  // written in --live mode: one per trail.
  #lastRun: string | undefined;
  readonly #liveRuns = new Set<string>();

  constructor(monitor: Monitor, since: number | undefined, emit: (alert: Alert) => void) {
    this.#monitor = monitor;
    this.#since = since;
    this.#emit = emit;
  }

  /** Streams one file's lines (constant memory: a chunk at a time); rejects if the file cannot be read. */
  async readFile(file: string): Promise<void> {
    let line = 0;
    await readLines(file, (source, start, end) => {
      line++;
      const text = source.toString('utf8', start, end);
      if (text.trim() === '') return;
      const event = parseEvent(text);
      if (event === undefined) {
        if (this.#malformed++ === 0) this.#firstMalformed = `${file}:${line}`;
        return;
      }
      if (this.#since !== undefined) {
        const time = typeof event['@timestamp'] === 'string' ? Date.parse(event['@timestamp']) : Number.NaN;
        if (!Number.isFinite(time)) this.#untimed++;
        else if (time < this.#since) {
          this.#beforeSince++;
          return;
        }
      }
      this.#events++;
      if (typeof event['mlx_audit.run'] === 'string') this.#lastRun = event['mlx_audit.run'];
      for (const alert of this.#monitor.push(event)) this.#emit(alert);
    });
  }

  /** The end of a trail's files; with `live`, its newest run is still being written. */
  endTrail(live: boolean): void {
    if (live && this.#lastRun !== undefined) this.#liveRuns.add(this.#lastRun);
    this.#lastRun = undefined;
  }

  /**
   * The end of the input: the alerts only the whole of it shows (a run without its stopped
   * record, except the runs still being written), then what the verifier found in the chain.
   */
  end(problems: Parameters<typeof chainAlerts>[0]): void {
    for (const alert of this.#monitor.end()) {
      const run = alert['mlx_audit.run'];
      if (alert['rule.id'] === 'auditing-gap.not-stopped' && typeof run === 'string' && this.#liveRuns.has(run)) continue;
      this.#emit(alert);
    }
    for (const alert of chainAlerts(problems, this.#monitor.lastTimestamp)) this.#emit(alert);
  }

  summary(files: number): string {
    const parts = [`${plural(this.#events, 'event')} in ${plural(files, 'file')}`];
    if (this.#since !== undefined) parts.push(`${this.#beforeSince} before --since left out`);
    if (this.#untimed > 0) parts.push(`${plural(this.#untimed, 'event')} without a readable @timestamp kept`);
    return parts.join(', ');
  }

  /** What was skipped, for stderr. */
  notes(): string[] {
    return this.#malformed === 0 ? [] : [`skipped ${plural(this.#malformed, 'line')} that ${this.#malformed === 1 ? 'is' : 'are'} not a JSON object (the first at ${this.#firstMalformed})`];
  }
}

/** The event a line holds, or undefined for a line that is not a JSON object (damage, a torn write, another format). */
function parseEvent(text: string): AuditEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as AuditEvent) : undefined;
  } catch {
    return undefined;
  }
}

/** Alerts counted by severity word, for the summary and the exit code. */
class Tally {
  alerts = 0;
  readonly #bySeverity = new Map<string, number>();

  add(alert: Alert): void {
    this.alerts++;
    const word = severityWord(alert['event.severity']);
    this.#bySeverity.set(word, (this.#bySeverity.get(word) ?? 0) + 1);
  }

  summary(): string {
    if (this.alerts === 0) return 'no alert';
    const words = [...this.#bySeverity.entries()].sort(([a], [b]) => rank(b) - rank(a)).map(([word, n]) => `${n} ${word}`);
    return `${plural(this.alerts, 'alert')} (${words.join(', ')})`;
  }
}

/** One line: time, severity word, rule id, reason, then the key fields it carries. */
function forPeople(alert: Alert): string {
  const fields = KEY_FIELDS.flatMap((field) => {
    const value = alert[field];
    if (value === undefined || value === null) return [];
    const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    return [`${field}=${field === 'file.hash.sha256' && shown.length > 16 ? `${shown.slice(0, 12)}…` : shown}`];
  });
  return `${alert['@timestamp']} ${severityWord(alert['event.severity'])} ${alert['rule.id']}: ${alert['event.reason']}${fields.length > 0 ? ` [${fields.join(' ')}]` : ''}\n`;
}

/** `low`, `medium`, `high`, `critical` for the monitor's scale; the number for any other. */
function severityWord(severity: number): string {
  return Object.entries(SEVERITY).find(([, value]) => value === severity)?.[0] ?? String(severity);
}

function rank(word: string): number {
  return word in SEVERITY ? SEVERITY[word as keyof typeof SEVERITY] : Number(word);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
