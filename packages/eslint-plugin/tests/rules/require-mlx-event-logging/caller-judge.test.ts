import parser from '@typescript-eslint/parser';
import { ESLintUtils, TSESTree } from '@typescript-eslint/utils';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { CallerJudge, type CallPoint } from '../../../src/rules/require-mlx-event-logging/caller-judge.js';

/**
 * What the judge says of each named function of `code`, where a call whose arguments hold the
 * comment `/* covered *\/` is covered in its caller and every other call of a name is not.
 */
function judged(code: string): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const rule = ESLintUtils.RuleCreator.withoutDocs({
    meta: { type: 'problem', messages: {}, schema: [], defaultOptions: [] },
    create(context) {
      const points = new Map<TSESTree.CallExpression, CallPoint>();
      const functions: TSESTree.FunctionDeclaration[] = [];
      const callers: TSESTree.Node[] = [];
      return {
        Program: (node) => void callers.push(node),
        FunctionDeclaration: (node) => {
          functions.push(node);
          callers.push(node);
        },
        'FunctionDeclaration:exit': () => void callers.pop(),
        CallExpression(node) {
          if (node.callee.type !== TSESTree.AST_NODE_TYPES.Identifier) return;
          const covered = context.sourceCode.getText(node).includes('/* covered */');
          points.set(node, { verdict: covered ? 'covered' : 'missingOnAllPaths', caller: callers.at(-1) ?? node });
        },
        'Program:exit'() {
          const judge = new CallerJudge(context.sourceCode, points);
          for (const fn of functions) if (fn.id !== null) results[fn.id.name] = judge.covers(fn);
        },
      };
    },
  });
  const messages = new Linter({ configType: 'flat' }).verify(code, [
    { files: ['**/*.ts'], languageOptions: { parser }, plugins: { test: { rules: { judge: rule as never } } }, rules: { 'test/judge': 'error' } },
  ], 'file.ts');
  expect(messages).toEqual([]);
  return results;
}

describe('the caller judge of require-mlx-event-logging', () => {
  it('covers a function whose every call is covered in its caller', () => {
    expect(judged(`function load() {}\nexport function a() { load(/* covered */); }\nexport function b() { load(/* covered */); }`)).toMatchObject({ load: true });
  });

  it('does not cover a function with one call left uncovered', () => {
    expect(judged(`function load() {}\nexport function a() { load(/* covered */); }\nexport function b() { load(); }`)).toMatchObject({ load: false });
  });

  it('does not cover an exported function, nor one passed around rather than called', () => {
    expect(judged(`export function load() {}\nexport function a() { load(/* covered */); }`)).toMatchObject({ load: false });
    expect(judged(`function load() {}\nexport function a() { load(/* covered */); return [load]; }`)).toMatchObject({ load: false });
  });

  it('follows callers up: a call covered by its caller’s callers', () => {
    expect(judged(`function load() {}\nfunction middle() { load(); }\nexport function top() { middle(/* covered */); }`)).toMatchObject({ load: true, middle: true });
  });

  it('stops at recursion and at the depth helpers are followed', () => {
    expect(judged(`function load() { load(); }`)).toMatchObject({ load: false });
    const chain = `function f0() {}\n${[1, 2, 3, 4, 5].map((n) => `function f${n}() { f${n - 1}(); }`).join('\n')}\nexport function top() { f5(/* covered */); }`;
    expect(judged(chain)).toMatchObject({ f5: true, f2: true, f1: false });
  });
});
