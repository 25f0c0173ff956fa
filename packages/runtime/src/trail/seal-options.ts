import { reportOnce } from '../internal-report.js';
import type { AuditSink } from '../sinks/sink.js';
import { trailControlOf, type TrailControl } from './control.js';
import type { Sealing } from './file-trail.js';
import { loadSealState, type SealState } from './seal-key.js';

// The `seal` option and the MLX_AUDIT_SEAL_* variables. As for every option, a mistake in the
// option throws before anything changes (a TypeError for its shape, an Error for a key file that
// cannot be used); a mistake in the variables is reported on stderr and the trail stays chained but
// unsealed, which the report says: never unsealed without a word.

/** `configure({ seal })`: seal the file sink's trail with the key of a state file (made by `createSealKeys`). */
export interface SealOptions {
  /** The host's state file (mode 0600, in a directory only its owner can write). */
  readonly keyFile: string;
  /** Lines a seal covers at most (default 1000); seals are also made at rotation and at exit. */
  readonly everyLines?: number;
}

export const DEFAULT_SEAL_EVERY_LINES = 1000;
const SEAL_OPTION_NAMES: readonly string[] = ['keyFile', 'everyLines'];

/** `MLX_AUDIT_SEAL_KEY_FILE` and `MLX_AUDIT_SEAL_EVERY_LINES`, as environment.ts reads them. */
export interface SealEnvironment {
  readonly keyFile: string | undefined;
  readonly everyLines: number;
}

/** Checks the option's shape (a TypeError names what is wrong); its key file is read by `sealingFor`. */
export function checkSealOption(seal: unknown): void {
  if (seal === undefined || seal === null) return;
  if (typeof seal !== 'object' || Array.isArray(seal)) throw new TypeError('mlx-audit: seal must be an object ({ keyFile, everyLines? }) or null');
  const unknown = Object.keys(seal).filter((name) => !SEAL_OPTION_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`mlx-audit: unknown seal option ${unknown.map((name) => `'${name.slice(0, 64)}'`).join(', ')}; the seal options are ${SEAL_OPTION_NAMES.join(', ')}`);
  const { keyFile, everyLines } = seal as Readonly<Record<string, unknown>>;
  if (typeof keyFile !== 'string' || keyFile === '') throw new TypeError('mlx-audit: seal.keyFile must be the path of a seal state file (createSealKeys, mlx-audit keygen)');
  if (everyLines !== undefined && (typeof everyLines !== 'number' || !Number.isSafeInteger(everyLines) || everyLines < 1)) throw new TypeError('mlx-audit: seal.everyLines must be a positive integer');
}

/** The sealing a configuration asks for, and the file sinks it applies to. */
export interface SealPlan {
  readonly sealing: Sealing | undefined;
  readonly fileSinks: readonly TrailControl[];
}

/**
 * Reads the key the option (or, without it, the variable) names and checks that one file sink is
 * there to seal: one key state seals one trail, or its epochs would interleave. `null` turns
 * sealing off whatever the variable says.
 */
export function sealingFor(option: SealOptions | null | undefined, environment: SealEnvironment, sinks: readonly AuditSink[]): SealPlan {
  const fileSinks = sinks.map(trailControlOf).filter((control): control is TrailControl => control !== undefined);
  if (option === null) return { sealing: undefined, fileSinks };
  if (option !== undefined) {
    if (fileSinks.length !== 1) throw new TypeError(`mlx-audit: seal seals one file sink; the sinks hold ${fileSinks.length} (give each file sink its own process or key pair)`);
    return { sealing: { state: loadForOption(option.keyFile), everyLines: option.everyLines ?? environment.everyLines }, fileSinks };
  }
  if (environment.keyFile === undefined) return { sealing: undefined, fileSinks };
  if (fileSinks.length !== 1) {
    reportOnce('env:MLX_AUDIT_SEAL_KEY_FILE:sinks', `MLX_AUDIT_SEAL_KEY_FILE is set, but the sinks hold ${fileSinks.length} file sinks, not one: nothing is sealed`);
    return { sealing: undefined, fileSinks };
  }
  try {
    return { sealing: { state: loadSealState(environment.keyFile), everyLines: environment.everyLines }, fileSinks };
  } catch (error) {
    reportOnce(`env:MLX_AUDIT_SEAL_KEY_FILE:${environment.keyFile}`, `MLX_AUDIT_SEAL_KEY_FILE: ${messageOf(error)}; the file trail is chained but NOT sealed`);
    return { sealing: undefined, fileSinks };
  }
}

function loadForOption(keyFile: string): SealState {
  try {
    return loadSealState(keyFile);
  } catch (error) {
    throw new Error(`mlx-audit: seal.keyFile: ${messageOf(error)}`, { cause: error });
  }
}

/** The message of what reading a key file threw (it names the file and the problem, never the key). */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : 'the key file cannot be read';
}

/** Seals the configuration's file sinks with the plan's key (or stops sealing them). */
export function applySealing(plan: SealPlan): void {
  for (const control of plan.fileSinks) control.setSealing(plan.sealing);
}
