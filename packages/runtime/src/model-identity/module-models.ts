import { valueJson } from '../json.js';
import type { ModelFields } from './fields.js';
import { isMlxModule } from './mlx-module.js';
import { eachTensor } from './weights-walk.js';

// Which weights each module was last loaded from, so that its forward passes name them. A module
// is keyed by object in a WeakMap (it is collected as usual): one lookup per forward pass. The
// arrays a load returns are keyed the same way, so weights that reach a module through
// `model.update(…)` or `model.loadWeights(entries)` rather than a path are still traced to their
// file; several files (a sharded model) give several sources.

/** One load: its event's sequence, and its one file's SHA-256 once known. */
export class ModelSource {
  constructor(
    readonly sequence: number,
    /** Set when the background hash arrives; stays undefined for a load of several files or none. */
    public sha256: string | undefined,
  ) {}
}

// A module's fields list this many loads at most, and a walk stops looking for loaded arrays
// after this many arrays that come from none (the weights of a training step, not of a file).
const MAX_SOURCES = 16;
const UNTRACED_TENSORS = 16;

/** A module's sources, and the fields its events carry, made again once every hash is known. */
class ModelReference {
  #fields: ModelFields;

  constructor(private readonly sources: readonly ModelSource[]) {
    this.#fields = fieldsOf(sources);
  }

  get fields(): ModelFields {
    if (this.#fields.sha256 === undefined && this.sources.every((source) => source.sha256 !== undefined)) this.#fields = fieldsOf(this.sources);
    return this.#fields;
  }
}

/** The fields of a module loaded from `sources` (exported for the line writer's test). */
export function fieldsOf(sources: readonly ModelSource[]): ModelFields {
  const [only] = sources.length === 1 ? sources : [];
  const known = sources.every((source) => source.sha256 !== undefined);
  const sha256 = !known ? undefined : only !== undefined ? only.sha256 : sources.flatMap((source) => source.sha256 ?? []);
  const loadSequence = only !== undefined ? only.sequence : sources.map((source) => source.sequence);
  const json = `${sha256 === undefined ? '' : `,"mlx.model.sha256":${valueJson(sha256)}`},"mlx.model.load_sequence":${valueJson(loadSequence)}`;
  return Object.freeze({ sha256, loadSequence, json });
}

const modules = new WeakMap<object, ModelReference>();
const loadedArrays = new WeakMap<object, ModelSource>();

/** The fields of the model a module was last loaded from, for its forward passes. */
export function modelOf(module: unknown): ModelFields | undefined {
  // A WeakMap finds nothing for a primitive, without throwing.
  return modules.get(module as object)?.fields;
}

/**
 * What a successful load returned: a module (`loadWeights` returns its receiver; a loader of the
 * application's may return a new one) is now loaded from `sources`; arrays come from `file`, the
 * load's own file, if it read one.
 */
export function noteLoadResult(result: unknown, self: unknown, sources: readonly ModelSource[], file: ModelSource | undefined): void {
  if (isMlxModule(result) || (result === self && typeof result === 'object' && result !== null)) {
    if (sources.length > 0) modules.set(result, new ModelReference(sources));
    return;
  }
  if (file === undefined) return;
  eachTensor(result, (tensor) => {
    loadedArrays.set(tensor, file);
    return true;
  });
}

/** The loads the arrays in `weights` came from, in load order; none for arrays no traced load returned. */
export function sourcesOf(weights: unknown): ModelSource[] {
  const found: ModelSource[] = [];
  let untraced = 0;
  eachTensor(weights, (tensor) => {
    const source = loadedArrays.get(tensor);
    if (source === undefined) return found.length > 0 || ++untraced < UNTRACED_TENSORS;
    if (!found.includes(source)) found.push(source);
    return found.length < MAX_SOURCES;
  });
  return found.sort((a, b) => a.sequence - b.sequence);
}

/** `module.update(weights)`: a module given arrays that loads returned is now loaded from those loads. */
export function noteWeightsInto(module: unknown, args: readonly unknown[]): void {
  if (typeof module !== 'object' || module === null) return;
  const sources = sourcesOf(args);
  if (sources.length > 0) modules.set(module, new ModelReference(sources));
}
