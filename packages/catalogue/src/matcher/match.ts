import type * as TS from 'typescript';
import { MLX_CATALOGUE } from '../entries/index.js';
import type { ResolvedEntry } from '../entry.js';
import { KIND_TRAITS, type BindingKind } from '../kinds.js';
import type { ArgumentBinder } from './arguments.js';
import { classDeclarations, declarationsOfExpression, isFunctionOrMethod, receiverOf, skipOuterExpressions } from './declarations.js';
import type { MlxDeclarations } from './mlx-declarations.js';
import type { ResolveDeclaration } from './resolve.js';
import type { BindingMatch } from './types.js';

// Matching: a call, `new` or property read → the binding it reaches, with its arguments bound.

interface Hit {
  readonly member: string;
  readonly entry: ResolvedEntry;
  readonly declaration: TS.Declaration;
}

const IMPLICIT_ARRAY_MEMBERS = new Set(['toString', 'toLocaleString']);

/** What matching asks of the rest of the matcher. */
export interface MatchingServices {
  readonly resolveDeclaration: ResolveDeclaration;
  readonly mlx: MlxDeclarations;
  readonly binder: ArgumentBinder;
}

/** Resolves a call, `new` or property access (`.name` or `['name']`) to an MLX binding. */
export function createMatching(ts: typeof TS, checker: TS.TypeChecker, { resolveDeclaration, mlx, binder }: MatchingServices): (node: TS.Node) => BindingMatch | undefined {
  return (node) => {
    if (ts.isCallExpression(node)) return matchCall(node);
    if (ts.isNewExpression(node)) return matchNew(node);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return matchRead(node);
    return undefined;
  };

  function matchCall(call: TS.CallExpression): BindingMatch | undefined {
    const callee = skipOuterExpressions(ts, call.expression);
    if (callee.kind === ts.SyntaxKind.SuperKeyword) return matchSuperCall(call);
    const receiver = receiverOf(ts, callee);
    let signature: TS.Signature | undefined;
    const declarations = [...declarationsOfExpression(ts, checker, callee)];
    let hit = firstResolved(declarations);
    // A call of a function or method resolves to one of its declarations, which were just
    // looked at: only a value (a variable, a parameter, a property) can hide an MLX function,
    // and resolving the signature of every other call in the program costs the checker dearly.
    if (hit === undefined && !(declarations.length > 0 && declarations.every((declaration) => isFunctionOrMethod(ts, declaration)))) {
      // The callee is no name (`pick()(x)` where `pick` returns `mx.exp`): the signature's declaration decides.
      signature = checker.getResolvedSignature(call);
      const declaration = signature?.declaration;
      if (declaration !== undefined && !ts.isJSDocSignature(declaration)) hit = firstResolved([declaration]);
    }
    if (hit === undefined && receiver !== undefined) hit = implicitArrayMember(callee, receiver);
    if (hit === undefined) return undefined;
    return toMatch(hit, 'call', call, receiver, call.arguments, signature ?? checker.getResolvedSignature(call));
  }

  function matchNew(expression: TS.NewExpression): BindingMatch | undefined {
    const hit = firstResolved(classDeclarations(ts, checker, skipOuterExpressions(ts, expression.expression)));
    if (hit === undefined) return undefined;
    return toMatch(hit, 'construct', expression, undefined, expression.arguments ?? [], checker.getResolvedSignature(expression));
  }

  /** `super(...)` in a subclass constructs the base class: `nn.Module` for a user model. */
  function matchSuperCall(call: TS.CallExpression): BindingMatch | undefined {
    const classNode = ts.findAncestor(call, ts.isClassLike);
    const heritage = classNode?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    if (base === undefined) return undefined;
    const hit = firstResolved(classDeclarations(ts, checker, base));
    if (hit === undefined) return undefined;
    return toMatch(hit, 'construct', call, undefined, call.arguments, checker.getResolvedSignature(call));
  }

  function matchRead(access: TS.PropertyAccessExpression | TS.ElementAccessExpression): BindingMatch | undefined {
    const receiver = access.expression.kind === ts.SyntaxKind.SuperKeyword ? undefined : access.expression;
    let hit = firstResolved(declarationsOfExpression(ts, checker, access));
    if (hit === undefined && receiver !== undefined) hit = implicitArrayMember(access, receiver);
    if (hit === undefined) return undefined;
    return toMatch(hit, 'read', access, receiver, [], undefined);
  }

  function toMatch(
    hit: Hit,
    usage: BindingMatch['usage'],
    site: TS.Node,
    receiver: TS.Expression | undefined,
    args: readonly TS.Expression[],
    signature: TS.Signature | undefined,
  ): BindingMatch {
    return {
      id: hit.entry.id,
      member: hit.member,
      kind: usage === 'call' ? contextualKind(hit.entry, site) : hit.entry.kind,
      entry: hit.entry,
      usage,
      receiver,
      arguments: binder.bindArguments(args, signature, hit.entry),
      declaration: hit.declaration,
    };
  }

  function firstResolved(declarations: Iterable<TS.Declaration>): Hit | undefined {
    for (const declaration of declarations) {
      const result = resolveDeclaration(declaration);
      if (result !== undefined) return { ...result, declaration };
    }
    return undefined;
  }

  /** `array.toString()` is declared by `Object` but implemented by MLX: recognised by receiver type. */
  function implicitArrayMember(access: TS.Expression, receiver: TS.Expression): Hit | undefined {
    if (!ts.isPropertyAccessExpression(access) || !IMPLICIT_ARRAY_MEMBERS.has(access.name.text)) return undefined;
    const name = access.name.text;
    const receiverType = checker.getNonNullableType(checker.getTypeAtLocation(receiver));
    const parts = receiverType.isUnion() ? receiverType.types : [receiverType];
    if (!parts.some((part) => mlx.mlxIdOfType(part) === 'core.array')) return undefined;
    const id = `core.array#${name}`;
    const data = MLX_CATALOGUE[id];
    const symbol = checker.getSymbolAtLocation(access.name);
    const declaration = symbol?.declarations?.[0];
    if (data === undefined || declaration === undefined) return undefined;
    return { member: id, entry: { ...data, id, source: 'mlx' }, declaration };
  }

  /**
   * A forward pass (the entry kind `inference`, KIND_TRAITS' `forwardPass`) called inside an
   * `nn.Module` subclass is one layer calling another: `layer-composition`, not a request.
   */
  function contextualKind(entry: ResolvedEntry, site: TS.Node): BindingKind {
    if (!KIND_TRAITS[entry.kind].forwardPass) return entry.kind;
    const classNode = ts.findAncestor(site.parent, ts.isClassLike);
    return classNode !== undefined && mlx.isModuleType(checker.getTypeAtLocation(classNode)) ? 'layer-composition' : entry.kind;
  }
}
