import { types } from 'node:util';
import { AUDIT_KINDS } from './catalogue-tables.js';
import { ensureConfigured } from './configure.js';
import { currentCorrelation } from './context.js';
import { ownData } from './describe.js';
import { summarizeError } from './errors.js';
import { reportOnce } from './internal-report.js';
import { locate, pathSummary, shownPath } from './location.js';
import { admit, enqueue, hasSinks, nextSequence, recordBytes } from './pipeline.js';
import { redactionSettings, type RedactionSettings } from './settings.js';
import { summarize } from './summarize.js';
import type { Summary } from './summary.js';
import { describeThrown } from './describe-thrown.js';
import { RUNTIME_ACTION_PREFIX } from './trail/format.js';

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
  /**
   * Further values (up to 16, under identifier keys), each summarised as an MLX option is:
   * numbers and booleans as they are, strings as their length, tensors as shape and dtype.
   */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Actions and kinds are identifiers the code chooses (`model.load`), never text from outside. */
const IDENTIFIER = /^[A-Za-z0-9][\w.:#/-]{0,127}$/;
export const INVALID_ACTION = 'mlx-audit.invalid-action';
const MAX_DATA_KEYS = 16;
/** `mlx.data` keys are field names the code chooses; anything else may be text, and is left out. */
const DATA_KEY = /^[A-Za-z_][\w.-]{0,63}$/;

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
    const bytes = recordBytes(2 + MAX_DATA_KEYS);
    if (!admit(outcome === 'failure' || (kind !== undefined && AUDIT_KINDS.has(kind)), bytes)) return;
    if (!IDENTIFIER.test(action)) reportOnce('invalid-action', `auditEvent: an action must be an identifier (${IDENTIFIER.source}); logged as ${INVALID_ACTION}`);
    // The runtime's own records (a seal, `mlx-audit.stopped`) must not be forgeable by the application.
    const reserved = action.startsWith(RUNTIME_ACTION_PREFIX);
    if (reserved) reportOnce('reserved-action', `auditEvent: actions starting with ${RUNTIME_ACTION_PREFIX} are the runtime's own; logged as ${INVALID_ACTION}`);
    const settings = redactionSettings();
    const source = fields.source === undefined ? undefined : sourceOf(fields.source, settings);
    enqueue({
      action: IDENTIFIER.test(action) && !reserved ? action : INVALID_ACTION,
      kind,
      sequence: nextSequence(),
      time: performance.now(),
      outcome,
      source: source?.summary,
      sourceDomain: source?.domain,
      filePath: source?.filePath,
      data: fields.data === undefined ? undefined : summarizeData(fields.data, settings),
      error: fields.error === undefined ? undefined : summarizeError(fields.error, settings),
      identity: undefined,
      bytes,
      ...currentCorrelation(),
    });
  } catch (error) {
    reportOnce('audit-event', `auditEvent failed: ${describeThrown(error)}`);
  }
}

/**
 * The source as a path argument is summarised, whatever its spelling (`locate` reduces anything
 * with a scheme): a URL keeps scheme, host and path, and only a local one gives `file.path`.
 */
function sourceOf(source: string | URL, settings: RedactionSettings): { summary: Summary; domain: string | undefined; filePath: string | undefined } {
  // A URL's href is a built-in getter; anything else that is not a string says nothing of itself.
  const text = typeof source === 'string' ? source : !types.isProxy(source) && source instanceof URL ? source.href : 'unknown:';
  const location = locate(text);
  return {
    summary: pathSummary(text, settings),
    domain: location.domain,
    filePath: location.local ? shownPath(location.shown, settings) : undefined,
  };
}

function summarizeData(data: Readonly<Record<string, unknown>>, settings: RedactionSettings): Summary {
  const summary: Record<string, Summary> = {};
  if (types.isProxy(data)) return summary;
  const keys = Object.keys(data).sort();
  const fieldKeys = keys.filter((key) => DATA_KEY.test(key));
  if (fieldKeys.length < keys.length) reportOnce('data-key', `auditEvent: data keys must be field names (${DATA_KEY.source}); others are left out`);
  for (const key of fieldKeys.slice(0, MAX_DATA_KEYS)) summary[key] = summarize(ownData(data, key), 'option', settings);
  return summary;
}
