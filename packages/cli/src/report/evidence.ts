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

/** A recent event: the fields its summary needs, as read (the summary is made only if an alert cites it). */
interface RecentEvent {
  readonly time: unknown;
  readonly action: unknown;
  readonly outcome: unknown;
  readonly binding: unknown;
  readonly codeFile: unknown;
  readonly codeLine: unknown;
  readonly duration: unknown;
  readonly pid: number | null;
  readonly sequence: number;
  readonly file: string;
  readonly line: number;
}

export class EvidenceWindow {
  // A ring of the last events (a slot is overwritten when the window is full) and where each is,
  // by process and sequence (numbers as keys: no string made per event). Evicting the oldest from
  // a Map alone would cost a walk over the deleted entries at its head.
  readonly #ring: (RecentEvent | undefined)[] = new Array<RecentEvent | undefined>(REPORT_LIMITS.evidenceWindow);
  #next = 0;
  readonly #slots = new Map<number | null, Map<number, number>>();
  readonly #cited = new Map<string, EvidenceEvent>();

  /** Keeps the event (if it has a sequence) among the recent ones: its few fields, not the event. */
  add(event: AuditEvent, pid: number | null, file: string, line: number): void {
    const sequence = event['event.sequence'];
    if (typeof sequence !== 'number') return;
    const slot = this.#next;
    const evicted = this.#ring[slot];
    if (evicted !== undefined) {
      const slots = this.#slots.get(evicted.pid);
      if (slots?.get(evicted.sequence) === slot) slots.delete(evicted.sequence);
    }
    this.#ring[slot] = {
      time: event['@timestamp'],
      action: event['event.action'],
      outcome: event['event.outcome'],
      binding: event['mlx.binding'],
      codeFile: event['code.filepath'],
      codeLine: event['code.lineno'],
      duration: event['event.duration'],
      pid,
      sequence,
      file,
      line,
    };
    let slots = this.#slots.get(pid);
    if (slots === undefined) {
      slots = new Map();
      this.#slots.set(pid, slots);
    }
    slots.set(sequence, slot);
    this.#next = (slot + 1) % this.#ring.length;
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
      const slot = this.#slots.get(pid)?.get(sequence);
      const recent = slot === undefined ? undefined : this.#ring[slot];
      if (recent === undefined || this.#cited.size >= MAX_CITED) unresolved.push(sequence);
      else {
        this.#cited.set(id, summaryOf(id, recent));
        resolved.push(id);
      }
    }
    return { resolved, unresolved };
  }

  /** The cited events, in the order of the trail. */
  cited(): EvidenceEvent[] {
    return [...this.#cited.values()].sort((a, b) => a.time.localeCompare(b.time) || (a.sequence ?? 0) - (b.sequence ?? 0));
  }
}

function summaryOf(id: string, { time, action, outcome, binding, codeFile, codeLine, duration, pid, sequence, file, line }: RecentEvent): EvidenceEvent {
  return {
    id,
    time: stringOr(time, ''),
    action: stringOr(action, ''),
    outcome: stringOr(outcome, ''),
    pid,
    sequence,
    binding: typeof binding === 'string' ? binding : null,
    code: typeof codeFile === 'string' ? (typeof codeLine === 'number' ? `${codeFile}:${codeLine}` : codeFile) : null,
    at: `${file}:${line}`,
    durationMs: typeof duration === 'number' ? duration / 1e6 : null,
  };
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
