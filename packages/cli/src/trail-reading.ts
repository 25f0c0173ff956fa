import { access, constants } from 'node:fs/promises';
import { chainAlerts, type Alert, type Monitor } from '@mlx-audit/monitor';
import type { AuditEvent } from '@mlx-audit/runtime';
import { findTrails, readLines, type TrailFiles } from '@mlx-audit/runtime/trail';
import { plural } from './words.js';

// Reading trail files for the commands that read events (`detect`, `report`): which files, in
// the runtime's order; `--since`; each line parsed once and handed to the monitor and to whoever
// else looks (the report's tallies), with what was left out and skipped counted.

/** A date, or a date and time with `Z` or an offset: what `--since` takes, never the local time zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** `--since`'s text as epoch milliseconds, or undefined when it is not an ISO 8601 time of the calendar. */
export function parseSince(text: string): number | undefined {
  if (!ISO_TIME.test(text) || !realDate(text)) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}

/** Whether the date part names a day of the calendar: Date.parse takes 2026-02-31 for 3 March. */
function realDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** The trails to read, in the runtime's order (trail by trail, rotated files oldest first), or why they cannot be read. */
export async function trailFiles(paths: readonly string[]): Promise<{ trails: readonly TrailFiles[]; skipped: { file: string; reason: string }[] } | string> {
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
  return { trails: found.trails, skipped: [...found.skipped] };
}

/** Sees each event read (after `--since`), with where it is in the trail: `file`, 1-based `line`. */
export type EventObserver = (event: AuditEvent, file: string, line: number) => void;

/** Lines into the monitor, one at a time; what was read, left out and skipped is counted. */
export class Detection {
  readonly #monitor: Monitor;
  readonly #since: number | undefined;
  readonly #emit: (alert: Alert) => void;
  readonly #observe: EventObserver | undefined;
  #events = 0;
  #beforeSince = 0;
  #untimed = 0;
  #malformed = 0;
  #firstMalformed = '';
  // The run the trail being read named last (its newest stream's), and the runs still being
  // written in --live mode: one per trail.
  #lastRun: string | undefined;
  readonly #liveRuns = new Set<string>();

  constructor(monitor: Monitor, since: number | undefined, emit: (alert: Alert) => void, observe?: EventObserver) {
    this.#monitor = monitor;
    this.#since = since;
    this.#emit = emit;
    this.#observe = observe;
  }

  get events(): number {
    return this.#events;
  }

  get beforeSince(): number {
    return this.#beforeSince;
  }

  get malformed(): { readonly lines: number; readonly first: string } {
    return { lines: this.#malformed, first: this.#firstMalformed };
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
      this.#observe?.(event, file, line);
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
export function parseEvent(text: string): AuditEvent | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as AuditEvent) : undefined;
  } catch {
    return undefined;
  }
}
