import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createMonitor, SEVERITY, type Alert, type Monitor } from '@mlx-audit/monitor';
import type { AuditEvent } from '@mlx-audit/runtime';
import { findTrails } from '@mlx-audit/runtime/trail';
import { firstSentence, parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit detect`: the detection rules of `@mlx-audit/monitor` over trail files. The rules are
// the monitor's and the file order is the runtime's (`findTrails`); this file reads the lines, one
// at a time, and is the command line: arguments, the alerts for people or for machines, the exit code.

const USAGE = `mlx-audit detect <files or directories>... [--json] [--since T]
    Runs the monitor's rules (auditing gaps, error spikes) over audit trails, rotated files
    included, oldest first, line by line: one line per alert (time, severity, rule, reason, key
    fields), then a summary. A line that is not a JSON object is skipped and counted on stderr.
    --json      one alert per line, the event the monitor makes (as in the process); nothing else on stdout
    --since T   leave out events whose @timestamp is earlier than T (ISO 8601: 2026-03-01, or
                2026-03-01T12:00:00Z with Z or an offset); events without a readable @timestamp are kept
    Exit 0 no alert, 1 alerts, 2 cannot read (bad arguments, a missing or unreadable file).`;

/** A date, or a date and time with `Z` or an offset: what `--since` takes, never the local time zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** The fields an alert line shows, where the alert has them. */
const KEY_FIELDS = ['service.name', 'mlx.binding', 'process.pid', 'mlx_audit.run', 'file.path', 'file.hash.sha256', 'url.domain'] as const;

export const detectCommand: Command = {
  name: 'detect',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, since: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no trail given: name its files or its directory');
    let since: number | undefined;
    if (values.since !== undefined) {
      since = ISO_TIME.test(values.since) ? Date.parse(values.since) : Number.NaN;
      if (!Number.isFinite(since)) return usageError(this, `--since takes an ISO 8601 time such as 2026-03-01T12:00:00Z, not '${values.since}'`);
    }
    const files = await trailFiles(positionals);
    if (typeof files === 'string') return cannotRead(files);

    const report = values.json ? (alert: Alert) => `${JSON.stringify(alert)}\n` : forPeople;
    const tally = new Tally();
    const detection = new Detection(createMonitor(), since, (alert) => {
      tally.add(alert);
      process.stdout.write(report(alert));
    });
    for (const file of files.files) {
      try {
        await detection.readFile(file);
      } catch (error) {
        return cannotRead(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? firstSentence(error)}`);
      }
    }
    detection.end();
    if (!values.json) process.stdout.write(`${tally.summary()}: ${detection.summary(files.files.length)}\n`);
    for (const note of [...files.skipped, ...detection.notes()]) process.stderr.write(`mlx-audit detect: ${note}\n`);
    return tally.alerts > 0 ? 1 : 0;
  },
};

function cannotRead(message: string): number {
  process.stderr.write(`mlx-audit detect: ${message}\n`);
  return 2;
}

/** The files to read, in the runtime's order (trail by trail, rotated files oldest first), or why they cannot be read. */
async function trailFiles(paths: readonly string[]): Promise<{ files: string[]; skipped: string[] } | string> {
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
  return { files, skipped: found.skipped.map(({ file, reason }) => `skipped ${file}: ${reason}`) };
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

  constructor(monitor: Monitor, since: number | undefined, emit: (alert: Alert) => void) {
    this.#monitor = monitor;
    this.#since = since;
    this.#emit = emit;
  }

  /** Streams one file's lines (constant memory, a line at a time); rejects if the file cannot be read. */
  async readFile(file: string): Promise<void> {
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      const event = parseEvent(text);
      if (event === undefined) {
        if (this.#malformed++ === 0) this.#firstMalformed = `${file}:${line}`;
        continue;
      }
      if (this.#since !== undefined) {
        const time = typeof event['@timestamp'] === 'string' ? Date.parse(event['@timestamp']) : Number.NaN;
        if (!Number.isFinite(time)) this.#untimed++;
        else if (time < this.#since) {
          this.#beforeSince++;
          continue;
        }
      }
      this.#events++;
      for (const alert of this.#monitor.push(event)) this.#emit(alert);
    }
  }

  /** The end of the input: the alerts only the whole of it shows (a run without its stopped record). */
  end(): void {
    for (const alert of this.#monitor.end()) this.#emit(alert);
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
