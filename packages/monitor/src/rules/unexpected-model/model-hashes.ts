import type { AuditEvent } from '@mlx-audit/runtime';
import { text } from '../../fields.js';
import { KeyedState } from '../../keyed-state.js';
import { LoadLinks, type LoadLink } from './load-links.js';
import type { HashedFile, ModelRecord } from './model-record.js';
import { normalisedPath } from './options.js';
import { evidenceOf } from './shared.js';

// The hashes each model file was loaded with, per service: what the hash rules compare a load
// with. A file is its path (the load's, or for a load of several files, each file's own);
// the state of a path lives across processes, so a file swapped between two runs of a service
// shows at the next run's load.

/** Hashes remembered per file, the most recent: a file that goes back to one of them is no new hash. */
export const KNOWN_HASHES = 16;

interface FileHistory {
  last: string;
  /** The sequences of the records that gave `last`. */
  evidence: readonly number[];
  /** Most recent last. */
  readonly known: string[];
}

/** A hashed file of a load, with what its earlier loads said. */
export interface FileLoad {
  readonly file: HashedFile;
  /** Its path as an alert shows it: the file's own, else the load's (none under paths policy `hash`). */
  readonly path: string | undefined;
  /** Its hash at its last load, undefined at its first (the baseline). */
  readonly previous: string | undefined;
  /** Whether this hash is among those remembered for the file. */
  readonly known: boolean;
  /** How many hashes were remembered for the file before this load. */
  readonly knownCount: number;
  /** The sequences of the last load and of this one. */
  readonly evidence: readonly number[];
}

export interface HashedLoad {
  readonly link: LoadLink | undefined;
  readonly files: readonly FileLoad[];
}

export class ModelHashes {
  readonly #links: LoadLinks;
  readonly #files: KeyedState<string, FileHistory>;

  constructor(maxKeys: number) {
    this.#links = new LoadLinks(maxKeys);
    this.#files = new KeyedState(maxKeys);
  }

  /**
   * The hashed files of a successful load's record, each with its history, which then takes the
   * new hash. Undefined when the record has no hash, or when its load was judged already (the
   * runtime puts a load's hash on its event or on its follow-up; a trail with both counts it once).
   */
  observe(event: AuditEvent, record: ModelRecord, sequence: number | undefined): HashedLoad | undefined {
    if (record.kind === 'not-allowed' || record.failed) return undefined;
    // A load's event without a hash is linked all the same: under paths policy `hash` only it names the file.
    const link = this.#links.linkOf(event, record);
    if (record.files.length === 0 || link?.judged === true) return undefined;
    if (link !== undefined) link.judged = true;
    const loadKey = record.source?.key ?? link?.key;
    const service = text(event, 'service.name') ?? '';
    const evidence = evidenceOf([record.loadSequence, sequence]);
    const files: FileLoad[] = [];
    for (const file of record.files) {
      const key = fileKey(loadKey, file);
      const path = file.path ?? (file.member === undefined ? record.source?.shown : undefined);
      // A file nothing names (paths policy `hash` without a key) has no history, but a hash all the same.
      files.push(key === undefined ? { file, path, previous: undefined, known: false, knownCount: 0, evidence } : this.#remember(`${service}\n${key}`, file, path, evidence));
    }
    return { link, files };
  }

  #remember(key: string, file: HashedFile, path: string | undefined, evidence: readonly number[]): FileLoad {
    const history = this.#files.peek(key);
    const { sha256 } = file;
    const loaded: FileLoad = {
      file,
      path,
      previous: history?.last,
      known: history?.known.includes(sha256) ?? false,
      knownCount: history?.known.length ?? 0,
      evidence: evidenceOf([...(history?.evidence ?? []), ...evidence]),
    };
    if (history === undefined) {
      this.#files.set(key, { last: sha256, evidence, known: [sha256] });
      return loaded;
    }
    history.last = sha256;
    history.evidence = evidence;
    const at = history.known.indexOf(sha256);
    if (at >= 0) history.known.splice(at, 1);
    history.known.push(sha256);
    if (history.known.length > KNOWN_HASHES) history.known.shift();
    this.#files.set(key, history);
    return loaded;
  }

  get size(): number {
    return this.#links.size + this.#files.size;
  }

  get evicted(): number {
    return this.#links.evicted + this.#files.evicted;
  }
}

/**
 * The file's key: the load's key for its one file; for a file of several, its own absolute path,
 * else the load's key and the file's name or place (a load that names nothing cannot be followed).
 */
function fileKey(loadKey: string | undefined, file: HashedFile): string | undefined {
  const { member } = file;
  if (member === undefined) return loadKey;
  if (member.startsWith('/')) return normalisedPath(member);
  return loadKey === undefined ? undefined : `${loadKey}\n${member}`;
}
