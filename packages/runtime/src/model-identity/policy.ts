import diagnosticsChannel from 'node:diagnostics_channel';
import { channelForKind } from '../channels.js';
import { reportOnce } from '../internal-report.js';
import { parseManifest, readManifest } from './manifest.js';
import { allowedHashes, type ModelMode, type ModelOptions } from './options.js';
import { problemOf } from './hash-file.js';

/** The allow-list in force: which model files may be loaded, and what an unlisted one gets. */
export interface ModelPolicy {
  readonly mode: ModelMode;
  /** SHA-256 hashes, lower case. */
  readonly allowed: ReadonlySet<string>;
  /**
   * Why the list may lack what the operator meant to list (the environment's manifest could not
   * be read): said in every alert, so the cause is in the trail, not only on stderr.
   */
  readonly problem: string | undefined;
}

/** What the `MLX_AUDIT_MODELS_*` variables say (environment.ts reads them). */
export interface ModelEnvironment {
  readonly manifest: string | undefined;
  readonly mode: ModelMode | undefined;
}

/**
 * The policy the option and the variables describe, or undefined when neither lists models (then
 * files are hashed, and nothing is checked). The option wins over its variable: `manifest` over
 * `MLX_AUDIT_MODELS_MANIFEST`, `mode` over `MLX_AUDIT_MODELS_MODE`; `allow` adds to the manifest.
 *
 * A mistake in the option throws a TypeError (configure() then changes nothing). A mistake in
 * the variables is reported on stderr and never lets more through: an unreadable manifest lists
 * nothing, a malformed line lists nothing, so in `enforce` mode those loads are refused. Refusing
 * is what the operator asked for where the list cannot be read; falling back to `alert` would let
 * anyone who can make the file unreadable (or a typo) turn enforcement off.
 */
export function modelPolicyFrom(options: ModelOptions | undefined, env: ModelEnvironment): ModelPolicy | undefined {
  const allowed = new Set(allowedHashes(options?.allow));
  const manifest = options?.manifest ?? env.manifest;
  const mode = options?.mode ?? env.mode;
  if (options?.allow === undefined && manifest === undefined && mode === undefined) return undefined;
  let problem: string | undefined;
  if (manifest !== undefined) {
    const fromOption = options?.manifest !== undefined;
    problem = addManifest(allowed, manifest, fromOption);
  } else if (options?.allow === undefined) {
    if (options?.mode !== undefined) throw new TypeError('mlx-audit: models.mode needs a list of models: models.allow or models.manifest (or MLX_AUDIT_MODELS_MANIFEST)');
    problem = 'MLX_AUDIT_MODELS_MODE is set but no model is listed (no MLX_AUDIT_MODELS_MANIFEST)';
    reportOnce('env:MLX_AUDIT_MODELS_MODE:no-list', `${problem}: every model load ${mode === 'enforce' ? 'is refused' : 'is an alert'}`);
  }
  return { mode: mode ?? 'alert', allowed, problem };
}

/** Adds the manifest's hashes; a problem with the environment's manifest is reported, and returned for the alerts. */
function addManifest(allowed: Set<string>, path: string, fromOption: boolean): string | undefined {
  let text: string;
  try {
    text = readManifest(path);
  } catch (error) {
    const cause = error instanceof RangeError ? error.message : problemOf(error).problem;
    if (fromOption) throw new TypeError(`mlx-audit: models.manifest could not be read (${cause})`, { cause: error });
    const problem = `the manifest MLX_AUDIT_MODELS_MANIFEST could not be read (${cause})`;
    reportOnce(`env:MLX_AUDIT_MODELS_MANIFEST:${cause}`, `${problem}; no model is listed, so every model load is an alert, or refused in enforce mode`);
    return problem;
  }
  const { hashes, malformed } = parseManifest(text);
  if (malformed.length > 0) {
    const lines = `line${malformed.length > 1 ? 's' : ''} ${malformed.slice(0, 8).join(', ')}${malformed.length > 8 ? ', …' : ''}`;
    if (fromOption) throw new TypeError(`mlx-audit: models.manifest: ${lines} not "<sha256>  <name>" as sha256sum writes it`);
    reportOnce(`env:MLX_AUDIT_MODELS_MANIFEST:malformed`, `MLX_AUDIT_MODELS_MANIFEST: ${lines} not "<sha256>  <name>"; left out (what they meant to list is not allowed)`);
  }
  for (const hash of hashes) allowed.add(hash);
  return undefined;
}

let current: ModelPolicy | undefined;

export function modelPolicy(): ModelPolicy | undefined {
  return current;
}

// In enforce mode, loads are checked even when no sink records: instrumented code calls the
// runtime only while a channel has subscribers, so this one keeps the model-load channel's on
// (a channel the runtime holds, see channels.ts).
const keepLoadsChecked = (): void => undefined;
let checkingWithoutSinks = false;

export function setModelPolicy(policy: ModelPolicy | undefined): void {
  current = policy;
  const enforce = policy?.mode === 'enforce';
  if (enforce === checkingWithoutSinks) return;
  checkingWithoutSinks = enforce;
  const start = channelForKind('model-load').start.name;
  if (enforce) diagnosticsChannel.subscribe(start, keepLoadsChecked);
  else diagnosticsChannel.unsubscribe(start, keepLoadsChecked);
}
