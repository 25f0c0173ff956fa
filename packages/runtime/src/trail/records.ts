import { toJsonLine } from '../escape.js';
import { ECS_VERSION, type EventDraft } from '../event.js';
import type { ChainPosition } from './chain.js';
import { TRAIL_ACTIONS } from './format.js';

// The file trail's own records, as canonical lines (the chain adds `trail.line` and `event.hash`).
// They name the stream, so a verifier knows which chain a line belongs to and where a file
// continues from; none of them holds a key.

const PID = process.pid;

/**
 * Why the file sink opened a file: its stream's first, after rotating, or after losing the
 * previous one; `rekeyed` opens no file but says, in the file, that a new seal key seals from here.
 */
export type OpenReason = 'start' | 'rotation' | 'reopen' | 'moved' | 'deleted' | 'rekeyed';

export interface OpenedFile {
  readonly stream: string;
  /** The process run (`mlx_audit.run` of the lifecycle records), to find the run's records in other sinks. */
  readonly run: string;
  /** How many files the stream opened before this one. */
  readonly index: number;
  readonly reason: OpenReason;
  readonly path: string;
  /** Where the stream's previous file now is, when it still is somewhere. */
  readonly previousFile: string | undefined;
  /** The stream's last line before this file (line 0 and the stream's seed for its first file). */
  readonly previous: ChainPosition;
  /** The key that seals this stream and the epoch of its next seal, when it is sealed. */
  readonly seal: { readonly keyId: string; readonly epoch: number } | undefined;
}

/** What tells the runtime's records apart (lifecycle.ts has the pipeline's, this file the file trail's). */
export interface RecordHead {
  readonly action: string;
  readonly category: 'file' | 'process';
  readonly type: string;
  readonly level?: 'info' | 'warn';
  /** Lifecycle records go through the pipeline, and take their place in `event.sequence`. */
  readonly sequence?: number;
  readonly serviceName?: string | undefined;
}

/** The ECS envelope of the runtime's own records, in the order of every event's (fields left undefined are left out). */
export function recordEnvelope(head: RecordHead): EventDraft {
  return {
    '@timestamp': new Date().toISOString(),
    'ecs.version': ECS_VERSION,
    'log.level': head.level ?? 'info',
    'event.kind': 'event',
    'event.category': [head.category],
    'event.type': [head.type],
    'event.action': head.action,
    'event.outcome': 'success',
    'event.sequence': head.sequence,
    'process.pid': PID,
    'service.name': head.serviceName,
  };
}

/**
 * A file record's line: its envelope with `fields` assigned after it. Assigned, not spread: an
 * object spread with these dotted keys costs V8 about 12 µs, and a seal record is made every
 * `everyLines` lines (BENCHMARKS.md, the trail section).
 */
function recordLine(action: string, fields: EventDraft): string {
  return toJsonLine(Object.assign(recordEnvelope({ action, category: 'file', type: 'info' }), fields));
}

export function fileOpenedLine(opened: OpenedFile): string {
  return recordLine(TRAIL_ACTIONS.fileOpened, {
    'mlx_audit.run': opened.run,
    'trail.stream': opened.stream,
    'trail.file.index': opened.index,
    'trail.file.reason': opened.reason,
    'trail.file.path': opened.path,
    'trail.previous.file': opened.previousFile,
    'trail.previous.line': opened.previous.line,
    'trail.previous.hash': opened.previous.head,
    'trail.seal.key_id': opened.seal?.keyId,
    'trail.seal.epoch': opened.seal?.epoch,
  });
}

/** Why a seal was made: its interval came, the file rotates, the process stops, the sink closes. */
export type SealReason = 'interval' | 'rotation' | 'exit' | 'close';

export interface Seal {
  readonly stream: string;
  readonly keyId: string;
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
  readonly head: string;
  readonly mac: string;
  readonly reason: SealReason;
}

export function sealLine(seal: Seal): string {
  return recordLine(TRAIL_ACTIONS.seal, {
    'trail.stream': seal.stream,
    'trail.seal.key_id': seal.keyId,
    'trail.seal.epoch': seal.epoch,
    'trail.seal.from': seal.from,
    'trail.seal.to': seal.to,
    'trail.seal.head': seal.head,
    'trail.seal.mac': seal.mac,
    'trail.seal.reason': seal.reason,
  });
}

/** The last record of a stream whose sink a new configuration dropped: its end was meant. */
export function fileClosedLine(stream: string): string {
  return recordLine(TRAIL_ACTIONS.fileClosed, { 'trail.stream': stream });
}
