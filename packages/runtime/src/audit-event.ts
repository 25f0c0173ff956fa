import { ensureConfigured } from './configure.js';
import { currentCorrelation } from './context.js';
import { readProperty } from './describe.js';
import { captureError } from './errors.js';
import { reportOnce } from './internal-report.js';
import { admit, enqueue, hasSinks, nextSequence } from './pipeline.js';
import { AUDIT_KINDS } from './recorder.js';
import { summarize } from './summarize.js';
import { PendingPath, type Summary } from './summary.js';

/** What an application event says besides its action. */
export interface AuditEventFields {
  /** Default: `failure` when `error` is given, else `success`. */
  readonly outcome?: 'success' | 'failure' | 'unknown';
  /**
   * Where the model comes from, a path or a URL. A path appears as the `paths` policy allows
   * (`file.path`, `mlx.source`); a URL shows its host (`url.domain`) and, under the same policy,
   * its path, never its credentials, query or fragment.
   */
  readonly source?: string | URL;
  /** The MLX kind the event is about (`model-load`, `inference`...): `mlx.kind` and the ECS category. */
  readonly kind?: string;
  /** What was thrown: its class, and an Error's message with absolute paths reduced to basenames. */
  readonly error?: unknown;
  /** Further values (up to 16), each summarised as an MLX option is: numbers and booleans as they are, strings as their length, tensors as shape and dtype. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Actions and kinds are identifiers the code chooses (`model.load`), never text from outside. */
const IDENTIFIER = /^[A-Za-z0-9][\w.:#/-]{0,127}$/;
export const INVALID_ACTION = 'mlx-audit.invalid-action';
const MAX_DATA_KEYS = 16;
/** The scheme of URLs that name a local file: their path is a path like any other. */
const LOCAL_SCHEME = 'file:';

/**
 * Records an event of the application's own, such as the model load it just made, through the
 * same buffer, sinks and redaction as the events of instrumented calls. Like an instrumented
 * call, the first event configures the runtime from the environment if `configure()` has not run.
 * Never throws: a problem is reported once on stderr.
 */
export function auditEvent(action: string, fields: AuditEventFields = {}): void {
  try {
    ensureConfigured();
    if (!hasSinks()) return;
    const outcome = fields.outcome ?? (fields.error === undefined ? 'success' : 'failure');
    const kind = fields.kind !== undefined && IDENTIFIER.test(fields.kind) ? fields.kind : undefined;
    if (!admit(outcome === 'failure' || (kind !== undefined && AUDIT_KINDS.has(kind)))) return;
    if (!IDENTIFIER.test(action)) reportOnce('invalid-action', `auditEvent: an action must be an identifier (${IDENTIFIER.source}); logged as ${INVALID_ACTION}`);
    const source = fields.source === undefined ? undefined : sourceOf(fields.source);
    enqueue({
      action: IDENTIFIER.test(action) ? action : INVALID_ACTION,
      kind,
      sequence: nextSequence(),
      time: performance.now(),
      outcome,
      source: source?.path,
      sourceDomain: source?.domain,
      data: fields.data === undefined ? undefined : summarizeData(fields.data),
      error: fields.error === undefined ? undefined : captureError(fields.error),
      ...currentCorrelation(),
    });
  } catch (error) {
    reportOnce('audit-event', `auditEvent failed: ${String(error)}`);
  }
}

/** A path as it is; a URL reduced to where it points (scheme, host, path), `file:` URLs to their path. */
function sourceOf(source: string | URL): { path: PendingPath; domain: string | undefined } {
  const url = source instanceof URL ? source : parseUrl(source);
  if (url === undefined) return { path: new PendingPath(String(source)), domain: undefined };
  if (url.protocol === LOCAL_SCHEME) return { path: new PendingPath(decodeURIComponent(url.pathname)), domain: undefined };
  return { path: new PendingPath(`${url.protocol}//${url.host}${url.pathname}`), domain: url.hostname };
}

function parseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function summarizeData(data: Readonly<Record<string, unknown>>): Summary {
  const summary: Record<string, Summary> = {};
  for (const key of Object.keys(data).sort().slice(0, MAX_DATA_KEYS)) summary[key] = summarize(readProperty(data, key), 'option');
  return summary;
}
