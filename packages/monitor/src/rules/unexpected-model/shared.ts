import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import { originOf } from '../../alert.js';
import { bindingOf } from '../../fields.js';
import type { LoadLink } from './load-links.js';
import type { ModelRecord } from './model-record.js';

// What every unexpected-model alert says of the load it is about.

export const CATEGORY = 'unexpected-model';
export const MINUTE = 60_000;

/** The load's origin and keys: service and process, the request's client, the binding, the load's sequence. */
export function loadFields(event: AuditEvent, record: ModelRecord, link: LoadLink | undefined): Record<string, JsonValue | undefined> {
  return {
    ...originOf(event),
    'client.id': event['client.id'],
    'mlx.binding': link?.binding ?? bindingOf(event),
    'mlx_audit.load.sequence': record.loadSequence,
  };
}

/** The sequences given, each once, oldest first. */
export function evidenceOf(sequences: Iterable<number | undefined>): number[] {
  return [...new Set([...sequences].filter((sequence) => sequence !== undefined))].sort((a, b) => a - b);
}

/** A hash as a sentence shows it: enough to tell two apart (the alert's fields hold it whole). */
export function shortHash(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

/** How a sentence names a load: its binding or action, and `loaded` or `tried to load`. */
export function loadVerb(binding: string | undefined, failed: boolean): string {
  return `${binding ?? 'a model load'} ${failed ? 'tried to load' : 'loaded'}`;
}
