import type { ArgumentRole, EntryKind } from './kinds.js';

/** One binding of the MLX API, as the catalogue data states it. */
export interface CatalogueEntry {
  readonly kind: EntryKind;
  /**
   * Argument roles by parameter name, where the roles inferred from the declared parameter
   * types and names are wrong or not precise enough.
   */
  readonly roles?: Readonly<Record<string, ArgumentRole>>;
  /** How the run-time binding of `@frost-beta/mlx` 0.0.7 differs from its declaration. */
  readonly runtime?: string;
  /**
   * The member is implemented natively but not declared by MLX (the types inherit it from
   * `Object`), so the matcher recognises it by the receiver's type.
   */
  readonly implicit?: true;
  /**
   * A gradient transform: MLX differentiates the function it is given (`grad`, `valueAndGrad`,
   * `vjp`, `jvp`), so what that function runs is a training step, not inference. Gradient
   * checkpointing, `compile` and `vmap` run their function as it is and are not.
   */
  readonly differentiates?: true;
  /**
   * The binding's part in an aggregate metric (a training loss, an accuracy over a batch): a
   * number about a model or a batch, not a record of anyone's data, which the lint rules do not
   * report as data by default.
   * - `loss`: the result is a loss (`nn.losses.*`);
   * - `value-and-grad`: the function it returns gives `[value, gradients]`, whose value (the
   *   differentiated function's scalar, a loss) is a metric; the gradients are not;
   * - `reduction`: a reduction over axes (`mean`, `sum`): of a comparison, a rate or a count;
   * - `comparison`: an element-wise comparison (`equal`, `less`...): one answer per example, a
   *   metric only once reduced.
   */
  readonly metric?: MetricPart;
}

/** See `CatalogueEntry.metric`. */
export type MetricPart = 'loss' | 'value-and-grad' | 'reduction' | 'comparison';

/**
 * Entries keyed by binding id: `core.load`, `core.random.normal`, `core.array#tolist` (instance
 * member), `nn.ALiBi.createAlibiMatrix` (static member), `nn.Linear` (the class: constructing it).
 */
export type CatalogueEntries = Readonly<Record<string, CatalogueEntry>>;

/** An entry as the matcher hands it out: the data plus where it came from. */
export interface ResolvedEntry extends CatalogueEntry {
  readonly id: string;
  /** `mlx` for the built-in catalogue, `user` for entries from the configuration. */
  readonly source: 'mlx' | 'user';
}
