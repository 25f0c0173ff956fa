import type * as TS from 'typescript';

/** What a tainted value is, in the words a report uses. */
export const SOURCE_KINDS = {
  secret: 'Secret',
  'model-output': 'Model output',
  'model-input': 'Model input',
  'request-data': 'Request data',
  'raw-data': 'Raw tensor data',
  tensor: 'Tensor',
  'user-input': 'Untrusted input',
  metric: 'Metric',
} as const;

export type SourceKind = keyof typeof SOURCE_KINDS;

/** Kinds in report order: when a value carries several, the first names the leak. */
const PRIORITY = Object.keys(SOURCE_KINDS) as SourceKind[];

/** A value that must not reach a log, and where it came from. */
export interface SourceLabel {
  readonly type: 'source';
  readonly kind: SourceKind;
  /** The code the value comes from: `model.forward`, `apiKey`. */
  readonly what: string;
  /** Where: a report in another file names the file too. */
  readonly fileName: string;
  readonly line: number;
}

/** "Whatever the function's parameter `index` carries": resolved at each call site. */
export interface ParamLabel {
  readonly type: 'param';
  readonly index: number;
  /**
   * Computed from the parameter (`x.item()`, `mean(x)`) rather than the parameter or a part of
   * it: logging it does not log the argument itself, only what the function derived.
   */
  readonly derived: boolean;
  /**
   * Only this property of the parameter (`options.temperature`): the call site substitutes the
   * argument's property, so `{ maxTokens: req.body.n, temperature: 0 }` gives a clean temperature.
   */
  readonly property?: string;
}

export type Label = SourceLabel | ParamLabel;

/** A small set of labels; never mutated. */
export type Taint = readonly Label[];

export const CLEAN: Taint = [];

/** A source label for the value of `node`, described by `what` (defaults to the node's text). */
export function sourceLabel(kind: SourceKind, node: TS.Node, what?: string): SourceLabel {
  const sourceFile = node.getSourceFile();
  const line = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
  return { type: 'source', kind, what: what ?? shorten(node.getText(sourceFile)), fileName: sourceFile.fileName, line };
}

/** "`model.forward` at line 12", or "... at model.ts:12" seen from another file. */
export function describeOrigin(label: SourceLabel, fromFile: string): string {
  const where = label.fileName === fromFile ? `line ${label.line}` : `${label.fileName.slice(label.fileName.lastIndexOf('/') + 1)}:${label.line}`;
  return `\`${label.what}\` at ${where}`;
}

/** Code quoted in a message: one line, bounded. */
export function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 37)}...` : line;
}

// Parameter labels are interned, so that labels compare by identity.
const paramLabels: ParamLabel[] = [];
const derivedParamLabels: ParamLabel[] = [];
const propertyParamLabels = new Map<string, ParamLabel>();

export function paramLabel(index: number, derived = false, property?: string): ParamLabel {
  if (property !== undefined) {
    const key = `${index}${derived ? 'd' : 'w'}${property}`;
    let label = propertyParamLabels.get(key);
    if (label === undefined) propertyParamLabels.set(key, (label = { type: 'param', index, derived, property }));
    return label;
  }
  return derived ? (derivedParamLabels[index] ??= { type: 'param', index, derived }) : (paramLabels[index] ??= { type: 'param', index, derived });
}

/** The same taint after a computation: parameter labels become derived. */
export function derive(taint: Taint): Taint {
  return taint.some((label) => label.type === 'param' && !label.derived)
    ? taint.map((label) => (label.type === 'param' ? paramLabel(label.index, true, label.property) : label))
    : taint;
}

/**
 * The taint of `value[property]` where `value` carries `taint` as a whole: a parameter itself
 * becomes that property of the parameter. A value computed from a parameter, or already a
 * property of one, stays as it is (its parts are not known apart).
 */
export function propertyOfTaint(taint: Taint, property: string): Taint {
  return taint.some((label) => label.type === 'param' && !label.derived && label.property === undefined)
    ? taint.map((label) => (label.type === 'param' && !label.derived && label.property === undefined ? paramLabel(label.index, false, property) : label))
    : taint;
}

function sameLabel(a: Label, b: Label): boolean {
  if (a === b) return true;
  if (a.type !== 'source' || b.type !== 'source') return false;
  return a.kind === b.kind && a.line === b.line && a.what === b.what && a.fileName === b.fileName;
}

/**
 * Joins taints. One source label is kept per kind (the first, which names the leak), so a value
 * that passed through many computations stays small and still says what it carries.
 */
export function union(...taints: readonly Taint[]): Taint {
  const nonEmpty = taints.filter((taint) => taint.length > 0);
  if (nonEmpty.length === 0) return CLEAN;
  if (nonEmpty.length === 1) return nonEmpty[0] ?? CLEAN;
  const result: Label[] = [];
  for (const taint of nonEmpty) {
    for (const label of taint) {
      const kept = result.some((seen) => sameLabel(seen, label) || (seen.type === 'source' && label.type === 'source' && seen.kind === label.kind));
      if (!kept) result.push(label);
    }
  }
  return result;
}

/** The source labels only: what a value carries whoever called the function. */
export function concreteOf(taint: Taint): Taint {
  return taint.filter((label) => label.type === 'source');
}

/** What a metric's value is as well: a tensor (a loss), and its contents turned into numbers or text. */
const METRIC_FORMS: ReadonlySet<SourceKind> = new Set(['tensor', 'raw-data']);

/**
 * The label a report names: the most serious kind present. A value that carries a metric (a
 * loss, an accuracy) is not named a tensor or raw tensor data for it: those are the metric's own
 * type and contents (`loss`, `loss.item()`, `` `${loss}` ``). Anything else it carries (model
 * output, a secret) still names the leak; a tensor logged in the same argument as a metric
 * (`{ loss, weights }`) is not told apart from it.
 */
export function primarySource(taint: Taint): SourceLabel | undefined {
  const metric = taint.some((label) => label.type === 'source' && label.kind === 'metric');
  let best: SourceLabel | undefined;
  for (const label of taint) {
    if (label.type !== 'source' || (metric && METRIC_FORMS.has(label.kind))) continue;
    if (best === undefined || PRIORITY.indexOf(label.kind) < PRIORITY.indexOf(best.kind)) best = label;
  }
  return best;
}

