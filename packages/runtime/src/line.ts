import type { Site } from './contract.js';
import { neutralizeString, toJsonLine } from './escape.js';
import type { EventDraft } from './event.js';

// The JSON line of a call's event, serialised in pieces. Most of an event is the same for every
// call of a site (action, code location, kind, callee): that JSON is written once per site and
// outcome, and only the fields that change are serialised per call, instead of the whole event
// through one `JSON.stringify`. The line is the one `toJsonLine(event)` gives, byte for byte
// (tests/line.test.ts checks it): this is the hot path of every line sink (stderr, file).

/** The keys of a call's event, in `buildCallEvent`'s order, by what varies. */
const HEAD_KEYS = ['ecs.version', 'log.level', 'event.kind', 'event.category', 'event.type', 'event.action', 'event.outcome'] as const;
const CORRELATION_KEYS = ['service.name', 'request.id', 'client.id', 'trace.id', 'span.id'] as const;
const SITE_KEYS = ['gen_ai.operation.name', 'gen_ai.provider.name', 'code.filepath', 'code.lineno', 'code.column', 'code.function', 'mlx.kind', 'mlx.binding', 'mlx.callee'] as const;
const DATA_KEYS = ['mlx.receiver', 'mlx.args', 'mlx.result', 'mlx.lazy', 'file.path', 'error.type', 'error.message'] as const;

/** Every key of a call's event, in order; a test holds `buildCallEvent` to it. */
export const CALL_EVENT_KEYS = ['@timestamp', ...HEAD_KEYS, 'event.duration', 'event.sequence', 'process.pid', ...CORRELATION_KEYS, ...SITE_KEYS, ...DATA_KEYS] as const;

interface SiteFragments {
  /** From the end of the timestamp to the duration's value: `","ecs.version":…,"event.duration":`. */
  readonly head: string;
  /** After the correlation fields, up to the summaries: `,"gen_ai.operation.name":…,"mlx.callee":…`. */
  readonly middle: string;
}

const fragmentsBySite = new WeakMap<Site, Map<unknown, SiteFragments>>();

/** `"key":value,…` of some fields of an event, escaped as in a line. */
function members(event: EventDraft, keys: readonly string[]): string {
  const picked: Record<string, unknown> = {};
  for (const key of keys) picked[key] = event[key];
  // `{…}\n` without its braces and newline.
  return toJsonLine(picked as EventDraft).slice(1, -2);
}

function fragmentsOf(site: Site, event: EventDraft): SiteFragments {
  let byOutcome = fragmentsBySite.get(site);
  if (byOutcome === undefined) {
    byOutcome = new Map();
    fragmentsBySite.set(site, byOutcome);
  }
  const outcome = event['event.outcome'];
  let fragments = byOutcome.get(outcome);
  if (fragments === undefined) {
    fragments = { head: `",${members(event, HEAD_KEYS)},"event.duration":`, middle: `,${members(event, SITE_KEYS)}` };
    byOutcome.set(outcome, fragments);
  }
  return fragments;
}

function field(key: string, value: unknown): string {
  return value === undefined ? '' : `,"${key}":${neutralizeString(JSON.stringify(value))}`;
}

/** The line of a call's event (built by `buildCallEvent` for `site`), as `toJsonLine(event)`. */
export function callEventLine(site: Site, event: EventDraft): string {
  const fragments = fragmentsOf(site, event);
  // The timestamp is an ISO date and the three numbers integers: nothing to escape.
  const timestamp = event['@timestamp'] as string;
  const [duration, sequence, pid] = [event['event.duration'], event['event.sequence'], event['process.pid']] as [number, number, number];
  let line = `{"@timestamp":"${timestamp}${fragments.head}${String(duration)},"event.sequence":${String(sequence)},"process.pid":${String(pid)}`;
  for (const key of CORRELATION_KEYS) line += field(key, event[key]);
  line += fragments.middle;
  for (const key of DATA_KEYS) line += field(key, event[key]);
  return `${line}}\n`;
}
