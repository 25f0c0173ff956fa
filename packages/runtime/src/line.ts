import type { Site } from './contract.js';
import { toJsonLine } from './escape.js';
import { buildCallEvent, durationOf, filePathOf, isoTime, lazinessOf, type CallRecord, type EventDraft } from './event.js';
import { arrayJson, stringJson, summaryJson, valueJson } from './json.js';
import type { RedactionSettings } from './settings.js';

// The JSON line of a call's event, written straight from the record. Most of an event is the
// same for every call of a site (action, code location, kind, callee, service name): that JSON
// is made once per site, outcome, phase and configuration, and only what changes is written per call,
// without building the event object first. The line is the one `toJsonLine(buildCallEvent(…))`
// gives, byte for byte (tests/line.test.ts checks it): this is the hot path of the line sinks
// (stderr, file), which never ask for the event object.

/** The keys of a call's event, in `buildCallEvent`'s order, by what varies. */
const HEAD_KEYS = ['ecs.version', 'log.level', 'event.kind', 'event.category', 'event.type', 'event.action', 'event.outcome'] as const;
const CORRELATION_KEYS = ['service.name', 'request.id', 'client.id', 'trace.id', 'span.id'] as const;
const SITE_KEYS = ['gen_ai.operation.name', 'gen_ai.provider.name', 'code.filepath', 'code.lineno', 'code.column', 'code.function', 'mlx.kind', 'mlx.phase', 'mlx.binding', 'mlx.callee'] as const;
const DATA_KEYS = [
  'mlx.receiver',
  'mlx.args',
  'mlx.result',
  'mlx.lazy',
  'file.path',
  'file.hash.sha256',
  'file.size',
  'mlx.files',
  'mlx.model.sha256',
  'mlx.model.load_sequence',
  'error.type',
  'error.code',
  'error.message',
  'mlx.error.message_length',
] as const;

/** Every key of a call's event, in order; a test holds `buildCallEvent` to it. */
export const CALL_EVENT_KEYS = ['@timestamp', ...HEAD_KEYS, 'event.duration', 'event.sequence', 'process.pid', ...CORRELATION_KEYS, ...SITE_KEYS, ...DATA_KEYS] as const;

interface SiteFragments {
  /** The configuration they were made under (`service.name` comes from it). */
  readonly settings: RedactionSettings;
  /** From the end of the timestamp to the duration's value: `","ecs.version":…,"event.duration":`. */
  readonly head: string;
  /** After the sequence's value: `,"process.pid":…` and `,"service.name":…` when there is one. */
  readonly process: string;
  /** After the correlation fields, up to the summaries: `,"gen_ai.operation.name":…,"mlx.callee":…`. */
  readonly middle: string;
}

/** A site's fragments by outcome and phase (a forward pass runs in a training scope or not): see `variantOf`. */
type SiteLines = (SiteFragments | undefined)[];

const fragmentsBySite = new WeakMap<Site, SiteLines>();

/** The index of a record's fragments among its site's: success or failure, in a training scope or not. */
function variantOf(record: CallRecord): number {
  return (record.failed ? 1 : 0) + (record.phase === 'training' ? 2 : 0);
}

/** `"key":value,…` of some fields of an event, escaped as in a line. */
function members(event: EventDraft, keys: readonly string[]): string {
  const picked: Record<string, unknown> = {};
  for (const key of keys) picked[key] = event[key];
  // `{…}\n` without its braces and newline.
  return toJsonLine(picked as EventDraft).slice(1, -2);
}

function fragmentsOf(record: CallRecord, settings: RedactionSettings): SiteFragments {
  const { site } = record;
  let lines = fragmentsBySite.get(site);
  if (lines === undefined) {
    lines = [undefined, undefined, undefined, undefined];
    fragmentsBySite.set(site, lines);
  }
  const variant = variantOf(record);
  const cached = lines[variant];
  if (cached?.settings === settings) return cached;
  // Made from the event itself, so they hold exactly what it holds.
  const event = buildCallEvent(record, settings);
  const fragments: SiteFragments = {
    settings,
    head: `",${members(event, HEAD_KEYS)},"event.duration":`,
    process: `,${members(event, ['process.pid', 'service.name'])}`,
    middle: `,${members(event, SITE_KEYS)}`,
  };
  lines[variant] = fragments;
  return fragments;
}

/** The line of a call's event, as `toJsonLine(buildCallEvent(record, settings))`. */
export function callEventLine(record: CallRecord, settings: RedactionSettings): string {
  const fragments = fragmentsOf(record, settings);
  // The timestamp is an ISO date and the two numbers integers: nothing to escape.
  let line = `{"@timestamp":"${isoTime(record.startTime)}${fragments.head}${String(durationOf(record))},"event.sequence":${String(record.sequence)}${fragments.process}`;
  // Correlation ids are set per request: rare, and unique, so not worth caching.
  if (record.requestId !== undefined) line += `,"request.id":${valueJson(record.requestId)}`;
  if (record.clientId !== undefined) line += `,"client.id":${valueJson(record.clientId)}`;
  if (record.traceId !== undefined) line += `,"trace.id":${valueJson(record.traceId)}`;
  if (record.spanId !== undefined) line += `,"span.id":${valueJson(record.spanId)}`;
  line += fragments.middle;
  const { receiver, args, result, error } = record;
  if (receiver !== undefined) line += `,"mlx.receiver":${summaryJson(receiver)}`;
  line += `,"mlx.args":${arrayJson(args)}`;
  if (result !== undefined) line += `,"mlx.result":${summaryJson(result)}`;
  const lazy = lazinessOf(record.site.kind, result);
  if (lazy !== undefined) line += `,"mlx.lazy":${String(lazy)}`;
  const path = filePathOf(record);
  if (path !== undefined) line += `,"file.path":${valueJson(path)}`;
  const { files, model } = record;
  if (files !== undefined) {
    if (files.sha256 !== undefined) line += `,"file.hash.sha256":${stringJson(files.sha256)}`;
    if (files.size !== undefined) line += `,"file.size":${String(files.size)}`;
    if (files.files !== undefined) line += `,"mlx.files":${valueJson(files.files)}`;
  }
  // A forward pass's model: its members made once per module and load (model-identity/).
  if (model !== undefined) line += model.json;
  if (error !== undefined) {
    line += `,"error.type":${stringJson(error.type)}`;
    if (error.code !== undefined) line += `,"error.code":${stringJson(error.code)}`;
    if (error.message !== undefined) line += `,"error.message":${valueJson(error.message)}`;
    if (error.length !== undefined) line += `,"mlx.error.message_length":${String(error.length)}`;
  }
  return `${line}}\n`;
}
