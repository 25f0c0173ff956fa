import { TSESTree, type TSESLint } from '@typescript-eslint/utils';
import { HELPER_DEPTH } from '../../logging/events.js';
import type { Verdict } from './path-solver.js';

/** A call of a function of this file, as its caller's code path judged it. */
export interface CallPoint {
  readonly verdict: Verdict;
  /** The caller: the function (or Program) whose code path holds the call. */
  readonly caller: TSESTree.Node;
}

/**
 * Whether every run of a function goes through callers in this file that log around the call:
 * the function is not exported, every reference to it is a call, and each call is covered in its
 * caller (or, in turn, by that caller's callers), up to HELPER_DEPTH callers up.
 */
export class CallerJudge {
  constructor(
    private readonly sourceCode: Pick<TSESLint.SourceCode, 'getDeclaredVariables'>,
    private readonly callPoints: ReadonlyMap<TSESTree.CallExpression, CallPoint>,
  ) {}

  covers(fn: TSESTree.Node, depth = 0, visiting = new Set<TSESTree.Node>()): boolean {
    if (depth >= HELPER_DEPTH || visiting.has(fn)) return false;
    const variable = this.bindingOf(fn);
    if (variable === undefined) return false;
    const calls = variable.references.filter((reference) => !reference.init);
    if (calls.length === 0) return false;
    visiting.add(fn);
    const result = calls.every((reference) => {
      const parent = reference.identifier.parent;
      if (parent.type !== TSESTree.AST_NODE_TYPES.CallExpression || parent.callee !== reference.identifier) return false;
      const point = this.callPoints.get(parent);
      if (point === undefined) return false;
      return point.verdict === 'covered' || this.covers(point.caller, depth + 1, visiting);
    });
    visiting.delete(fn);
    return result;
  }

  /** The variable a function is bound to, when nothing outside this file can call it. */
  private bindingOf(fn: TSESTree.Node): TSESLint.Scope.Variable | undefined {
    const { AST_NODE_TYPES } = TSESTree;
    let declaration: TSESTree.Node = fn;
    if (fn.type === AST_NODE_TYPES.FunctionDeclaration) declaration = fn;
    else if ((fn.type === AST_NODE_TYPES.ArrowFunctionExpression || fn.type === AST_NODE_TYPES.FunctionExpression) && fn.parent.type === AST_NODE_TYPES.VariableDeclarator) {
      if (fn.parent.parent.kind !== 'const' || fn.parent.id.type !== AST_NODE_TYPES.Identifier) return undefined;
      declaration = fn.parent;
    } else return undefined;
    const exported = [declaration.parent, declaration.parent.parent].some(
      (ancestor) => ancestor?.type === AST_NODE_TYPES.ExportNamedDeclaration || ancestor?.type === AST_NODE_TYPES.ExportDefaultDeclaration,
    );
    if (exported) return undefined;
    return this.sourceCode.getDeclaredVariables(declaration).find((variable) => variable.defs.some((definition) => definition.node === declaration));
  }
}
