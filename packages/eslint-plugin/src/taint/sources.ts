import { targetSymbol } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { AnalysisContext } from './context.js';
import { CLEAN, shorten, sourceLabel, union, type Label, type Taint } from './labels.js';
import { isNodeTypes, skipOuter } from '../util/syntax.js';
import { deepTaint, type Value } from './value.js';

// What makes a value tainted by itself, whatever flowed into it: its name, its type, being
// `process.env`, or a tensor turned into text.

type NodeAnswers = WeakMap<AnalysisContext, WeakMap<TS.Node, Taint>>;
const typeAnswers: NodeAnswers = new WeakMap();
const typeAnswersBySymbol: NodeAnswers = new WeakMap();
const flowTypeAnswers: NodeAnswers = new WeakMap();

/**
 * An answer kept per analysis and node: a node's type labels do not change, and the analysis
 * evaluates most expressions twice or more (loop bodies, class members, summaries and the
 * walk of the file that holds them), making new labels each time.
 */
function keptPerNode(answers: NodeAnswers, context: AnalysisContext, node: TS.Node, compute: () => Taint): Taint {
  let byNode = answers.get(context);
  if (byNode === undefined) answers.set(context, (byNode = new WeakMap()));
  let taint = byNode.get(node);
  if (taint === undefined) byNode.set(node, (taint = compute()));
  return taint;
}

/**
 * A secret by its name (a string or object; `apiKeyLength: number` is not one), traced to
 * where the name is declared when it is a variable.
 */
export function nameLabels(context: AnalysisContext, node: TS.Node, name: string, declared?: TS.Node): Taint {
  if (!context.wants('secret') || !context.isSecretName(name)) return CLEAN;
  const type = context.checker.getTypeAtLocation(node);
  if (type.flags & (context.ts.TypeFlags.NumberLike | context.ts.TypeFlags.BooleanLike | context.ts.TypeFlags.Void | context.ts.TypeFlags.Undefined)) return CLEAN;
  return [sourceLabel('secret', declared ?? node, name)];
}

/** The name node of the property's declaration, in this program's sources. */
export function declaredName(context: AnalysisContext, node: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Node | undefined {
  const { ts } = context;
  const declaration = context.checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node.argumentExpression)?.valueDeclaration;
  if (declaration === undefined || declaration.getSourceFile().isDeclarationFile) return undefined;
  return ts.getNameOfDeclaration(declaration);
}

/**
 * Type labels that flow on with a value: a tensor, or a list of them. Objects that only hold
 * tensors in fields are left to their type at each use, so their other fields stay clean.
 */
export function flowTypeLabels(context: AnalysisContext, node: TS.Expression): Taint {
  if (!context.wants('tensor')) return CLEAN;
  return keptPerNode(flowTypeAnswers, context, node, () => computeFlowTypeLabels(context, node));
}

function computeFlowTypeLabels(context: AnalysisContext, node: TS.Expression): Taint {
  const type = context.checker.getTypeAtLocation(node);
  const matcher = context.matcher;
  const isTensor = (candidate: TS.Type): boolean => matcher.mlxIdOfType(candidate) === 'core.array';
  const parts = type.isUnion() ? type.types : [type];
  const tensorLike = parts.some(
    (part) =>
      isTensor(part) ||
      ((context.checker.isArrayType(part) || context.checker.isTupleType(part)) && context.checker.getTypeArguments(part as TS.TypeReference).some(isTensor)),
  );
  return tensorLike ? [sourceLabel('tensor', node)] : CLEAN;
}

/** What the type says: a tensor, an HTTP request, an object carrying a secret field. */
export function typeLabels(context: AnalysisContext, node: TS.Expression, symbol?: TS.Symbol): Taint {
  // A variable's symbol lets its declared type stand for the narrowed one: answers with and without
  // it are kept apart. Where it is given, it is the checker's symbol of `node`: the node decides.
  return keptPerNode(symbol === undefined ? typeAnswers : typeAnswersBySymbol, context, node, () => computeTypeLabels(context, node, symbol));
}

function computeTypeLabels(context: AnalysisContext, node: TS.Expression, symbol: TS.Symbol | undefined): Taint {
  const type = referenceType(context, node, symbol);
  const facts = context.types;
  const labels: Label[] = [];
  if (context.wants('tensor') && facts.holdsTensor(type)) labels.push(sourceLabel('tensor', node));
  if (facts.isRequest(type) || isRemoteBeforeNarrowing(context, node, symbol, type)) labels.push(sourceLabel('request-data', node));
  const secretField = context.wants('secret') ? facts.secretField(type) : undefined;
  if (secretField !== undefined) labels.push(sourceLabel('secret', node, `${shorten(node.getText())}.${secretField}`));
  return labels;
}

/**
 * A variable or property declared with a remote type that narrowing has hidden at this read: in
 * `if (typeof event.data === 'string')`, `event.data` is a `string`, and still a WebSocket message.
 */
function isRemoteBeforeNarrowing(context: AnalysisContext, node: TS.Expression, symbol: TS.Symbol | undefined, narrowed: TS.Type): boolean {
  const { ts, checker } = context;
  const declaredSymbol = symbol ?? (ts.isPropertyAccessExpression(node) ? checker.getSymbolAtLocation(node.name) : undefined);
  if (declaredSymbol === undefined || !(declaredSymbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Property)) || declaredSymbol.flags & ts.SymbolFlags.Alias) return false;
  const declared = checker.getTypeOfSymbol(declaredSymbol);
  return declared !== narrowed && declared.isUnion() && context.types.isRequest(declared);
}

/**
 * The type of a variable read: its declared type when narrowing cannot change what the labels
 * see (not a union, not `unknown` or `any`), else the narrowed type at the read. The declared
 * type is computed once per variable; the type at a read runs control-flow analysis at every
 * read, which was most of the checker time the rules cost.
 */
function referenceType(context: AnalysisContext, node: TS.Expression, symbol: TS.Symbol | undefined): TS.Type {
  const { ts, checker } = context;
  if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Variable && !(symbol.flags & ts.SymbolFlags.Alias)) {
    const declared = checker.getTypeOfSymbol(symbol);
    if (!(declared.flags & (ts.TypeFlags.Union | ts.TypeFlags.Unknown | ts.TypeFlags.Any))) return declared;
  }
  return checker.getTypeAtLocation(node);
}

export function isProcessEnv(context: AnalysisContext, node: TS.Expression): boolean {
  return isProcessMember(context, node, 'env');
}

/**
 * The local threat model's sources: `process.argv` (`commandargs`), `process.stdin` (`stdin`) and
 * `process.env` as a whole or any variable of it (`environment`), each when the rule enables it.
 * What whoever runs the program gives it: untrusted text only when that person is not the one
 * the log is kept from (CodeQL keeps them out of its default threat model).
 */
export function userInputLabels(context: AnalysisContext, node: TS.Expression): Taint {
  if (!context.wants('user-input')) return CLEAN;
  const enabled = context.options.threatModels;
  const { ts } = context;
  const local =
    (enabled.includes('commandargs') && isProcessMember(context, node, 'argv')) ||
    (enabled.includes('stdin') && isProcessMember(context, node, 'stdin')) ||
    (enabled.includes('environment') &&
      (isProcessMember(context, node, 'env') || ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && isProcessEnv(context, skipOuter(ts, node.expression)))));
  return local ? [sourceLabel('user-input', node)] : CLEAN;
}

/** Node's file reads whose result is the file's contents (`readFileSync`, `readFile` of `fs/promises` and of a `FileHandle`, `createReadStream`). */
const FILE_READS = new Set(['readFile', 'readFileSync', 'createReadStream', 'readLines']);

/** A file read, for the `file` threat model: what is read from a file is untrusted text. */
export function fileReadLabels(context: AnalysisContext, call: TS.CallExpression, callable: TS.Declaration | undefined): Taint {
  if (!context.wants('user-input') || !context.options.threatModels.includes('file')) return CLEAN;
  const name = fileReadName(context.ts, callable);
  return name === undefined ? CLEAN : [sourceLabel('user-input', call, `${name}()`)];
}

/** The name of the Node `fs` function that `callable` declares, if it reads a file's contents. */
export function fileReadName(ts: typeof TS, callable: TS.Declaration | undefined): string | undefined {
  if (callable === undefined || !isNodeTypes(callable)) return undefined;
  const name = ts.getNameOfDeclaration(callable);
  if (name === undefined || !ts.isIdentifier(name) || !FILE_READS.has(name.text)) return undefined;
  return /\/fs(\/promises)?\.d\.ts$/.test(callable.getSourceFile().fileName) ? name.text : undefined;
}

/**
 * `process.<name>` by the declaration it reads (Node's `Process` interface), so
 * `import process from 'node:process'` and `import { argv } from 'node:process'` count too.
 */
function isProcessMember(context: AnalysisContext, node: TS.Expression, name: string): boolean {
  const { ts, checker } = context;
  const nameNode = ts.isPropertyAccessExpression(node) && node.name.text === name ? node.name : ts.isIdentifier(node) && node.text === name ? node : undefined;
  const declaration = nameNode === undefined ? undefined : targetSymbol(ts, checker, nameNode)?.declarations?.[0];
  return (
    declaration !== undefined &&
    isNodeTypes(declaration) &&
    ts.isPropertySignature(declaration) &&
    ts.isInterfaceDeclaration(declaration.parent) &&
    declaration.parent.name.text === 'Process'
  );
}

export function stringifiedValue(context: AnalysisContext, expression: TS.Expression, value: Value): Taint {
  const taint = deepTaint(value);
  if (!context.wants('raw-data') || context.matcher.mlxIdOfType(context.checker.getTypeAtLocation(expression)) !== 'core.array') return taint;
  return union([sourceLabel('raw-data', expression, `String(${shorten(expression.getText())})`)], taint);
}
