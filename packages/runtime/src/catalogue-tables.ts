import type { SiteArgumentRole, SiteKind } from './contract.js';

// What the runtime knows of the catalogue's kinds and roles, in tables keyed by them: a kind or a
// role added to the catalogue (@mlx-audit/catalogue, which the runtime does not import) fails to
// compile here, and tests/catalogue-agreement.test.ts holds these tables to the catalogue's.

/** The MLX package, as the catalogue's `MLX_PACKAGE` names it. */
export const MLX_PACKAGE = '@frost-beta/mlx';

/** What the runtime does with a call of a kind. */
interface KindHandling {
  /** ECS `event.category` and `event.type` (ECS allows these pairs for `api`, `file`, `configuration`). */
  readonly ecs: readonly [category: string, type: string];
  /** A forward pass: `gen_ai.operation.name` says `inference` (or `training`). The catalogue's `forwardPass`. */
  readonly forwardPass: boolean;
  /** Reads or writes a model's file: `file.path` is its first path argument. */
  readonly file: boolean;
  /** Every call is an audit record, kept even when the buffer is full. The catalogue's `auditRecord`. */
  readonly auditRecord: boolean;
  /** Runs MLX's lazy computation, so its duration measured compute: `mlx.lazy` is false. */
  readonly computes: boolean;
}

const handling = (category: string, type: string, more: Partial<Omit<KindHandling, 'ecs'>> = {}): KindHandling => ({
  ecs: [category, type],
  forwardPass: false,
  file: false,
  auditRecord: false,
  computes: false,
  ...more,
});

export const KIND_HANDLING: Readonly<Record<SiteKind, KindHandling>> = {
  'model-load': handling('file', 'access', { file: true, auditRecord: true }),
  'model-save': handling('file', 'creation', { file: true, auditRecord: true }),
  inference: handling('api', 'access', { forwardPass: true }),
  'layer-composition': handling('api', 'access', { forwardPass: true }),
  evaluation: handling('api', 'info', { computes: true }),
  transform: handling('api', 'creation'),
  'training-update': handling('api', 'change'),
  'tensor-creation': handling('api', 'creation'),
  'tensor-operation': handling('api', 'access'),
  'data-extraction': handling('api', 'access'),
  metadata: handling('api', 'info'),
  'module-construction': handling('api', 'creation'),
  'module-state': handling('api', 'change'),
  'runtime-config': handling('configuration', 'change'),
  constant: handling('api', 'info'),
  utility: handling('api', 'info'),
};

const kindsWith = (trait: 'forwardPass' | 'file' | 'auditRecord' | 'computes'): ReadonlySet<string> =>
  new Set((Object.keys(KIND_HANDLING) as SiteKind[]).filter((kind) => KIND_HANDLING[kind][trait]));

// Sets of plain strings: a site's kind comes from emitted code, and `auditEvent`'s from the application.
export const FORWARD_PASS_KINDS = kindsWith('forwardPass');
export const FILE_KINDS = kindsWith('file');
/** Kinds whose every call is an audit event, kept even when the buffer is full. */
export const AUDIT_KINDS = kindsWith('auditRecord');
export const COMPUTING_KINDS = kindsWith('computes');

/** ECS `event.category` and `event.type` of a kind; undefined for a kind this runtime does not know. */
export function ecsClassification(kind: string): readonly [category: string, type: string] | undefined {
  return (KIND_HANDLING as Readonly<Record<string, KindHandling | undefined>>)[kind]?.ecs;
}

/** The catalogue's roles; `spread` only marks a `...spread` argument at a call site. */
export type CatalogueRole = Exclude<SiteArgumentRole, 'spread'>;

/**
 * Whether a role's numbers and booleans describe the call rather than carry data (the catalogue's
 * `METADATA_ROLES`). The catalogue gives these roles to MLX's own parameters, and to a user
 * entry's only where its declaration says so.
 */
export const ROLE_IS_METADATA: Readonly<Record<CatalogueRole, boolean>> = {
  tensor: false,
  weights: false,
  'path-or-weights': false,
  path: false,
  text: false,
  shape: true,
  axis: true,
  dtype: true,
  stream: true,
  callback: false,
  module: false,
  option: true,
  other: false,
};

export const METADATA_ROLES: ReadonlySet<SiteArgumentRole> = new Set((Object.keys(ROLE_IS_METADATA) as CatalogueRole[]).filter((role) => ROLE_IS_METADATA[role]));

/**
 * Bindings that put weights into the module they are called on (the catalogue's
 * `nn.Module#update`, a `module-state` binding): arrays given to them that a load returned make
 * the module's forward passes name that load's file (model-identity/). A `model-load` call that
 * returns a module (`nn.Module#loadWeights` returns its receiver) is found by its kind and result.
 */
export const MODULE_WEIGHT_UPDATES: ReadonlySet<string> = new Set(['nn.Module#update']);
