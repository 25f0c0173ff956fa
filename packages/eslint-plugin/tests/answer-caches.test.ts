import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { LogCalls } from '../src/logging/log-calls.js';
import { calleeBody } from '../src/program/callee-body.js';
import { programServices } from '../src/program/services.js';
import { isConfigured } from '../src/program/specifiers.js';
import { enabledThreatModels, getTaintEngine, injectionPolicy } from '../src/taint/index.js';

// The answers kept per call and per engine are shared by every rule and file linted against a
// program: they must be kept apart where the rules' configurations differ.

const directory = realpathSync(mkdtempSync(join(tmpdir(), 'mlx-audit-caches-')));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const SOURCE = `
export function audit(message: string): void {}
export function other(message: string): void {}
audit('started');
other('started');
`;

function createProgram(): { program: ts.Program; calls: ts.CallExpression[] } {
  const file = join(directory, 'main.ts');
  writeFileSync(file, SOURCE);
  const program = ts.createProgram([file], { noEmit: true, module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 });
  const sourceFile = program.getSourceFile(file);
  if (sourceFile === undefined) throw new Error('main.ts is not in the program');
  const calls = sourceFile.statements.flatMap((statement) => (ts.isExpressionStatement(statement) && ts.isCallExpression(statement.expression) ? [statement.expression] : []));
  return { program, calls };
}

describe('answers kept per program', () => {
  const { program, calls } = createProgram();
  const [auditCall, otherCall] = calls;
  if (auditCall === undefined || otherCall === undefined) throw new Error('the calls are missing');
  const services = programServices(program, {}, ts);

  it('a call is a log call under the configuration that names it, and only there', () => {
    const plain = new LogCalls(services, []);
    const configured = new LogCalls(services, [{ name: 'audit' }]);
    for (let ask = 0; ask < 2; ask++) {
      expect(plain.sinkOf(auditCall)).toBeUndefined();
      expect(configured.sinkOf(auditCall)?.name).toBe('audit');
      expect(configured.sinkOf(otherCall)).toBeUndefined();
    }
    // A new instance with the same configuration reads the same answers.
    expect(new LogCalls(services, [{ name: 'audit' }]).sinkOf(auditCall)).toBe(configured.sinkOf(auditCall));
  });

  it('a declaration is configured for the list that names it, and not for another list', () => {
    const declaration = calleeBody(ts, services.checker, auditCall);
    expect(declaration).toBeDefined();
    if (declaration === undefined) return;
    const naming = [{ name: 'audit' }];
    const notNaming = [{ name: 'other' }];
    for (let ask = 0; ask < 2; ask++) {
      expect(isConfigured(ts, services.matcher, declaration, naming)).toBe(true);
      expect(isConfigured(ts, services.matcher, declaration, notNaming)).toBe(false);
      expect(isConfigured(ts, services.matcher, declaration, [])).toBe(false);
    }
  });

  it('the body a call runs is the same on every ask', () => {
    const first = calleeBody(ts, services.checker, otherCall);
    expect(first !== undefined && ts.isFunctionDeclaration(first) ? first.name?.text : undefined).toBe('other');
    expect(calleeBody(ts, services.checker, otherCall)).toBe(first);
  });

  it('one engine per policy and options as they resolve, however they were written', () => {
    const leak = getTaintEngine(ts, program, {});
    expect(getTaintEngine(ts, program, {})).toBe(leak);
    // The default depth, written out, is the same analysis.
    expect(getTaintEngine(ts, program, { crossFileDepth: 3 })).toBe(leak);
    expect(getTaintEngine(ts, program, { crossFileDepth: 1 })).not.toBe(leak);
    const injection = getTaintEngine(ts, program, {}, injectionPolicy(enabledThreatModels({})));
    expect(injection).not.toBe(leak);
    expect(getTaintEngine(ts, program, {}, injectionPolicy(enabledThreatModels({})))).toBe(injection);
    expect(getTaintEngine(ts, program, {}, injectionPolicy(enabledThreatModels({ threatModels: ['local'] })))).not.toBe(injection);
  });
});
