import type { JsonValue } from '../summary.js';

// What model identity adds to events, as plain shapes: event.ts and line.ts write them, the rest
// of this folder makes them. Nothing here imports the event builders, so they can import this.

/**
 * What a model load's or save's event says of its files: `file.hash.sha256` and `file.size` when
 * its one path argument is a regular file, `mlx.files` for a directory or several paths.
 */
export interface FileIdentity {
  readonly sha256: string | undefined;
  readonly size: number | undefined;
  /** `{path?, sha256, size}` per file (or `{path?, error}`), then `{type: 'omitted', count}` past the cap. */
  readonly files: readonly JsonValue[] | undefined;
}

/** What a forward pass's event says of the weights its module was last loaded from. */
export interface ModelFields {
  /** `mlx.model.sha256`: one file's hash, or each file's in load order; absent until all are known. */
  readonly sha256: string | readonly string[] | undefined;
  /** `mlx.model.load_sequence`: the `event.sequence` of the load, or of each load in order. */
  readonly loadSequence: number | readonly number[];
  /**
   * The two members as the line writes them (`,"mlx.model.sha256":…,"mlx.model.load_sequence":…`):
   * shared by every forward pass of the module, so made once, not per event.
   */
  readonly json: string;
}

/** What the runtime's own model-identity events (hashed, not hashed, not allowed) add to a manual record. */
export interface IdentityEventFields {
  /** `event.kind: alert` rather than `event`. */
  readonly alert: boolean;
  readonly level: 'info' | 'warn' | 'error';
  /** `event.type`, in place of the kind's. */
  readonly type: readonly string[];
  /** `event.reason`: fixed text of the runtime's, never a path. */
  readonly reason: string | undefined;
  readonly file: FileIdentity | undefined;
  /** `mlx.load.sequence` or `mlx.save.sequence`: the event of the call this one is about. */
  readonly loadSequence: number | undefined;
  readonly saveSequence: number | undefined;
}
