import { BINDING_KINDS, KIND_TRAITS, MLX_PACKAGE, parseUserEntries, type BindingKind, type KindTraits, type UserEntry } from '@mlx-audit/catalogue';

/** What a kind of binding publishes: an event per call, errors only, or nothing (not instrumented). */
export type KindMode = KindTraits['defaultMode'];

/** The plugin entry in `compilerOptions.plugins`: `{ "transform": "@mlx-audit/transformer", ... }`. */
export interface TransformerConfig {
  /** What each kind of binding publishes; unlisted kinds keep their defaults. */
  readonly kinds?: Partial<Record<BindingKind, KindMode>>;
  /** Your own MLX entry points (your `generate()` as inference): the catalogue's user entries. */
  readonly entries?: readonly UserEntry[];
  /** Packages that ship MLX's declarations besides `@frost-beta/mlx`. */
  readonly mlxPackages?: readonly string[];
  /** The folder `code.filepath` is relative to (default: the program's current directory). */
  readonly projectRoot?: string;
  /**
   * Report warnings (MLXA101) as compiler diagnostics. tsc exits 2 on any diagnostic, warnings
   * included, so this fails a build that has one; off, a warning never changes the exit status.
   */
  readonly warnings?: boolean;
}

/**
 * Defaults, the catalogue's `KIND_TRAITS[kind].defaultMode`: an audit trail of what matters (loads,
 * saves, requests, compute, extraction), errors only for the many small operations a forward pass
 * is made of, nothing for metadata reads.
 */
export const DEFAULT_KIND_MODES: Readonly<Record<BindingKind, KindMode>> = Object.fromEntries(
  (Object.keys(BINDING_KINDS) as BindingKind[]).map((kind) => [kind, KIND_TRAITS[kind].defaultMode]),
) as Record<BindingKind, KindMode>;

/** ts-patch's own keys in a plugin entry, not ours to validate. */
const PLUGIN_KEYS = new Set(['transform', 'import', 'after', 'afterDeclarations', 'type', 'isEsm', 'transformProgram', 'name', 'resolvePathAliases']);
const OPTION_KEYS = new Set(['kinds', 'entries', 'mlxPackages', 'projectRoot', 'warnings']);
const MODES = new Set<string>(['event', 'errors', 'off']);

export interface ResolvedConfig {
  readonly modes: Readonly<Record<BindingKind, KindMode>>;
  readonly entries: readonly UserEntry[];
  readonly mlxPackages: readonly string[];
  readonly projectRoot: string | undefined;
  readonly warnings: boolean;
}

/** Validates the plugin entry. Returns the problems found, each a full sentence, and a usable config. */
export function resolveConfig(raw: Readonly<Record<string, unknown>>): { config: ResolvedConfig; problems: string[] } {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!OPTION_KEYS.has(key) && !PLUGIN_KEYS.has(key)) problems.push(`Unknown option '${key}' (known: ${[...OPTION_KEYS].join(', ')}).`);
  }
  const modes: Record<BindingKind, KindMode> = { ...DEFAULT_KIND_MODES };
  const kinds = raw.kinds;
  if (kinds !== undefined) {
    if (typeof kinds !== 'object' || kinds === null || Array.isArray(kinds)) problems.push(`'kinds' must be an object of kind → 'event' | 'errors' | 'off'.`);
    else {
      for (const [kind, mode] of Object.entries(kinds)) {
        if (!(kind in BINDING_KINDS)) problems.push(`Unknown kind '${kind}' in 'kinds' (known: ${Object.keys(BINDING_KINDS).join(', ')}).`);
        else if (typeof mode !== 'string' || !MODES.has(mode)) problems.push(`'kinds.${kind}' must be 'event', 'errors' or 'off', not ${JSON.stringify(mode)}.`);
        else modes[kind as BindingKind] = mode as KindMode;
      }
    }
  }
  let entries: readonly UserEntry[] = [];
  try {
    entries = parseUserEntries(raw.entries ?? []);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const mlxPackages = raw.mlxPackages;
  const packages = Array.isArray(mlxPackages) && mlxPackages.every((name) => typeof name === 'string') ? (mlxPackages) : [];
  if (mlxPackages !== undefined && packages.length !== (mlxPackages as unknown[]).length) problems.push(`'mlxPackages' must be a list of package names.`);
  const projectRoot = raw.projectRoot;
  if (projectRoot !== undefined && typeof projectRoot !== 'string') problems.push(`'projectRoot' must be a path.`);
  const warnings = raw.warnings;
  if (warnings !== undefined && typeof warnings !== 'boolean') problems.push(`'warnings' must be true or false, not ${JSON.stringify(warnings)}.`);
  return {
    config: {
      modes,
      entries,
      mlxPackages: [MLX_PACKAGE, ...packages],
      projectRoot: typeof projectRoot === 'string' ? projectRoot : undefined,
      warnings: warnings === true,
    },
    problems,
  };
}
