// The `models` option of `configure()`, checked the way the other options are: any mistake is a
// TypeError naming it, thrown before anything changes.

/** `alert`: an unlisted model is loaded and an alert recorded; `enforce`: it is refused before MLX reads it. */
export type ModelMode = 'alert' | 'enforce';
export const MODEL_MODES: readonly ModelMode[] = ['alert', 'enforce'];

/** An allowed model: its SHA-256 (64 hex digits), with a name for the reader of the configuration. */
export type AllowedModel = string | { readonly sha256: string; readonly name?: string };

export interface ModelOptions {
  /** SHA-256 hashes of the model files that may be loaded. */
  readonly allow?: readonly AllowedModel[];
  /** A file of `sha256sum` lines (`<sha256>  <name>`) listing more. Default: `MLX_AUDIT_MODELS_MANIFEST`. */
  readonly manifest?: string;
  /** What an unlisted model gets. Default: `MLX_AUDIT_MODELS_MODE`, else `alert`. */
  readonly mode?: ModelMode;
}

export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const OPTION_NAMES: readonly string[] = ['allow', 'manifest', 'mode'];
const ENTRY_NAMES: readonly string[] = ['sha256', 'name'];

/** Throws a TypeError for the first mistake in a `models` option; `undefined` is no option. */
export function checkModelOptions(models: unknown): asserts models is ModelOptions | undefined {
  if (models === undefined) return;
  if (!isRecord(models)) throw new TypeError('mlx-audit: models must be an object: { allow?, manifest?, mode? }');
  const unknown = Object.keys(models).filter((name) => !OPTION_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`mlx-audit: unknown models option ${unknown.map((name) => `'${name.slice(0, 64)}'`).join(', ')}; the models options are ${OPTION_NAMES.join(', ')}`);
  const { allow, manifest, mode } = models;
  if (allow !== undefined) {
    if (!Array.isArray(allow)) throw new TypeError('mlx-audit: models.allow must be an array of SHA-256 hashes');
    allow.forEach((entry: unknown, index) => {
      checkAllowed(entry, index);
    });
  }
  if (manifest !== undefined && (typeof manifest !== 'string' || manifest.trim() === '')) throw new TypeError('mlx-audit: models.manifest must be the path of a file');
  if (mode !== undefined && !(MODEL_MODES as readonly unknown[]).includes(mode)) throw new TypeError(`mlx-audit: models.mode must be one of ${MODEL_MODES.join(', ')}`);
}

function checkAllowed(entry: unknown, index: number): void {
  const where = `mlx-audit: models.allow[${index}]`;
  if (typeof entry === 'string') {
    if (!SHA256_HEX.test(entry)) throw new TypeError(`${where} is not a SHA-256 (64 hex digits)`);
    return;
  }
  if (!isRecord(entry)) throw new TypeError(`${where} must be a SHA-256 or { sha256, name? }`);
  const unknown = Object.keys(entry).filter((name) => !ENTRY_NAMES.includes(name));
  if (unknown.length > 0) throw new TypeError(`${where} has unknown key ${unknown.map((name) => `'${name.slice(0, 64)}'`).join(', ')}; an entry is { sha256, name? }`);
  if (typeof entry.sha256 !== 'string' || !SHA256_HEX.test(entry.sha256)) throw new TypeError(`${where}.sha256 is not a SHA-256 (64 hex digits)`);
  if (entry.name !== undefined && typeof entry.name !== 'string') throw new TypeError(`${where}.name must be a string`);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The hashes of a checked `allow` option, in lower case. */
export function allowedHashes(allow: readonly AllowedModel[] | undefined): string[] {
  return (allow ?? []).map((entry) => (typeof entry === 'string' ? entry : entry.sha256).toLowerCase());
}
