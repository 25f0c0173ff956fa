import type { AuditEvent } from '@mlx-audit/runtime';
import { REPORT_LIMITS, type EvidenceEvent } from './model.js';

// The events an alert cites (`mlx_audit.evidence.sequences`, each an `event.sequence` of the
// alert's process) must be in the report to be linked, but the trail has streamed past them by the
// time the alert is raised. So the most recent events are kept, and an alert's evidence is looked
// up among them; a sequence cited from further back is listed by its number.

/** `ev-<pid>-<sequence>`: an event's anchor in the page, and how an alert names its evidence. */
export function evidenceId(pid: number | null, sequence: number): string {
  return `ev-${pid ?? 'x'}-${sequence}`;
}

/** The most events the report lists as evidence, whatever the alerts cite. */
const MAX_CITED = 5_000;

export class EvidenceWindow {
  // The last events, in a ring of columns (a slot is overwritten when the window is full: nothing
  // is allocated per event), and the slot of each by its sequence. Sequences of two processes may
  // meet in the map: a lookup checks the process, and one that lost its slot is "too far back".
  readonly #size = REPORT_LIMITS.evidenceWindow;
  readonly #time = new Array<unknown>(this.#size);
  readonly #action = new Array<unknown>(this.#size);
  readonly #outcome = new Array<unknown>(this.#size);
  readonly #binding = new Array<unknown>(this.#size);
  readonly #codeFile = new Array<unknown>(this.#size);
  readonly #codeLine = new Array<unknown>(this.#size);
  readonly #duration = new Array<unknown>(this.#size);
  readonly #pid = new Array<number | null>(this.#size);
  readonly #sequence = new Float64Array(this.#size).fill(-1);
  readonly #file = new Array<string>(this.#size);
  readonly #line = new Float64Array(this.#size);
  #next = 0;
  readonly #slots = new Map<number, number>();
  readonly #cited = new Map<string, EvidenceEvent>();

  /** Keeps the event (if it has a sequence) among the recent ones: its few fields, not the event. */
  add(event: AuditEvent, pid: number | null, file: string, line: number): void {
    const sequence = event['event.sequence'];
    if (typeof sequence !== 'number') return;
    const slot = this.#next;
    const evicted = this.#sequence[slot] ?? -1;
    if (evicted >= 0 && this.#slots.get(evicted) === slot) this.#slots.delete(evicted);
    this.#time[slot] = event['@timestamp'];
    this.#action[slot] = event['event.action'];
    this.#outcome[slot] = event['event.outcome'];
    this.#binding[slot] = event['mlx.binding'];
    this.#codeFile[slot] = event['code.filepath'];
    this.#codeLine[slot] = event['code.lineno'];
    this.#duration[slot] = event['event.duration'];
    this.#pid[slot] = pid;
    this.#sequence[slot] = sequence;
    this.#file[slot] = file;
    this.#line[slot] = line;
    this.#slots.set(sequence, slot);
    this.#next = slot + 1 === this.#size ? 0 : slot + 1;
  }

  /** The ids of the cited events still in reach (now kept for the report), and the sequences that are not. */
  cite(pid: number | null, sequences: readonly number[]): { readonly resolved: string[]; readonly unresolved: number[] } {
    const resolved: string[] = [];
    const unresolved: number[] = [];
    for (const sequence of sequences) {
      const id = evidenceId(pid, sequence);
      if (this.#cited.has(id)) {
        resolved.push(id);
        continue;
      }
      const slot = this.#slots.get(sequence);
      if (slot === undefined || this.#pid[slot] !== pid || this.#cited.size >= MAX_CITED) unresolved.push(sequence);
      else {
        this.#cited.set(id, this.#summaryOf(id, slot));
        resolved.push(id);
      }
    }
    return { resolved, unresolved };
  }

  #summaryOf(id: string, slot: number): EvidenceEvent {
    const codeFile = this.#codeFile[slot];
    const codeLine = this.#codeLine[slot];
    const binding = this.#binding[slot];
    const duration = this.#duration[slot];
    return {
      id,
      time: stringOr(this.#time[slot], ''),
      action: stringOr(this.#action[slot], ''),
      outcome: stringOr(this.#outcome[slot], ''),
      pid: this.#pid[slot] ?? null,
      sequence: this.#sequence[slot] ?? null,
      binding: typeof binding === 'string' ? binding : null,
      code: typeof codeFile === 'string' ? (typeof codeLine === 'number' ? `${codeFile}:${codeLine}` : codeFile) : null,
      at: `${this.#file[slot] ?? ''}:${this.#line[slot] ?? 0}`,
      durationMs: typeof duration === 'number' ? duration / 1e6 : null,
    };
  }

  /** The cited events, in the order of the trail. */
  cited(): EvidenceEvent[] {
    return [...this.#cited.values()].sort((a, b) => a.time.localeCompare(b.time) || (a.sequence ?? 0) - (b.sequence ?? 0));
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
