import type { AuditEvent } from '@mlx-audit/runtime';
import { evidenceId } from './evidence.js';
import { REPORT_LIMITS, type Capped, type ModelLoadRow } from './model.js';

// Model loads as a table: each call of a `model-load` binding, with what the runtime's follow-up
// records say of it (`mlx-audit.model-hashed`: the file's hash; `mlx-audit.model-not-allowed`: not
// in the allow-list, or refused), linked by `mlx.load.sequence` in the same process. Whether a load
// was checked at all comes from the process's `mlx-audit.started`/`configured` record
// (`mlx_audit.models`: `none`, `alert` or `enforce`).

const HASHED = 'mlx-audit.model-hashed';
const NOT_ALLOWED = 'mlx-audit.model-not-allowed';
const CONFIGURATION = new Set(['mlx-audit.started', 'mlx-audit.configured']);

type MutableRow = { -readonly [K in keyof ModelLoadRow]: ModelLoadRow[K] };

export class ModelLoadTable {
  readonly #rows: MutableRow[] = [];
  /** The listed loads by `<pid>:<sequence>`, for their follow-ups. */
  readonly #bySequence = new Map<string, MutableRow>();
  /** The allow-list mode in force per process, from its last configuration record. */
  readonly #modelsMode = new Map<number | null, string>();
  #omitted = 0;

  /** An event of the trail, with its binding (`bindingOf`: undefined for the runtime's records). */
  add(event: AuditEvent, action: string, binding: string | undefined, pid: number | null): void {
    if (CONFIGURATION.has(action)) {
      const mode = event['mlx_audit.models'];
      if (typeof mode === 'string') this.#modelsMode.set(pid, mode);
      return;
    }
    if (action === HASHED || action === NOT_ALLOWED) {
      this.#followUp(event, action, pid);
      return;
    }
    if (binding === undefined || event['mlx.kind'] !== 'model-load') return;
    if (this.#rows.length >= REPORT_LIMITS.loads) {
      this.#omitted++;
      return;
    }
    const sequence = event['event.sequence'];
    const path = event['file.path'];
    const domain = event['url.domain'];
    const hash = event['file.hash.sha256'];
    const mode = this.#modelsMode.get(pid);
    const row: MutableRow = {
      time: typeof event['@timestamp'] === 'string' ? event['@timestamp'] : '',
      binding,
      source: typeof path === 'string' ? path : typeof domain === 'string' ? `remote: ${domain}` : null,
      sha256: typeof hash === 'string' ? hash : null,
      allowed: mode === undefined ? 'unknown' : mode === 'none' ? 'no-allow-list' : 'allowed',
      outcome: typeof event['event.outcome'] === 'string' ? event['event.outcome'] : 'unknown',
      pid,
      event: typeof sequence === 'number' ? evidenceId(pid, sequence) : '',
    };
    this.#rows.push(row);
    if (typeof sequence === 'number') this.#bySequence.set(`${pid}:${sequence}`, row);
  }

  #followUp(event: AuditEvent, action: string, pid: number | null): void {
    const load = event['mlx.load.sequence'];
    if (typeof load !== 'number') return;
    const row = this.#bySequence.get(`${pid}:${load}`);
    if (row === undefined) return;
    const hash = event['file.hash.sha256'];
    if (row.sha256 === null && typeof hash === 'string') row.sha256 = hash;
    if (action === NOT_ALLOWED) {
      const type = event['event.type'];
      row.allowed = Array.isArray(type) && type.includes('denied') ? 'refused' : 'not-allowed';
    }
  }

  table(): Capped<ModelLoadRow> {
    return { rows: this.#rows, omitted: this.#omitted };
  }
}
