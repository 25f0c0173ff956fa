import { isObjectLike, readProperty } from '../describe.js';
import { loadedMlxCore } from '../loaded-mlx.js';

// MLX's own memory counters, asked only once the application has loaded MLX (the runtime never
// loads it, see loaded-mlx.ts). @frost-beta/mlx 0.0.7 has them in `core.metal` (getActiveMemory,
// getPeakMemory, getCacheMemory); later MLX releases moved them to the top level, where they are
// looked for first. Without Metal (Linux, a CPU build) they read 0, and a counter that reads 0 is
// left out of the record.

/** Bytes as MLX counts them; a counter absent, or reading 0, is undefined. */
export interface MlxMemory {
  readonly active: number | undefined;
  readonly peak: number | undefined;
  readonly cache: number | undefined;
}

type Counter = () => unknown;

interface Counters {
  readonly active: Counter | undefined;
  readonly peak: Counter | undefined;
  readonly cache: Counter | undefined;
}

const NONE: MlxMemory = { active: undefined, peak: undefined, cache: undefined };

let counters: Counters | undefined;

/** MLX's memory counters now; all undefined until the application has loaded MLX. */
export function mlxMemory(): MlxMemory {
  const found = mlxCounters();
  if (found === undefined) return NONE;
  return { active: bytes(found.active), peak: bytes(found.peak), cache: bytes(found.cache) };
}

function mlxCounters(): Counters | undefined {
  if (counters !== undefined) return counters;
  const core = loadedMlxCore();
  if (core === undefined) return undefined;
  const metal = readProperty(core, 'metal');
  const counter = (name: string): Counter | undefined => boundCounter(core, name) ?? (isObjectLike(metal) ? boundCounter(metal, name) : undefined);
  counters = { active: counter('getActiveMemory'), peak: counter('getPeakMemory'), cache: counter('getCacheMemory') };
  return counters;
}

function boundCounter(namespace: object, name: string): Counter | undefined {
  const read = readProperty(namespace, name);
  return typeof read === 'function' ? (): unknown => Reflect.apply(read, namespace, []) as unknown : undefined;
}

function bytes(counter: Counter | undefined): number | undefined {
  if (counter === undefined) return undefined;
  try {
    const value = counter();
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
