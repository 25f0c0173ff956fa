import { remember, targetSymbol } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { isFunctionLike, type FunctionLike } from '../util/syntax.js';
import { calledDeclaration } from './called-declaration.js';

const byChecker = new WeakMap<TS.TypeChecker, WeakMap<TS.Node, FunctionLike | null> | null>();

/**
 * The body of the function a call runs, when the program has it: a declaration in a project
 * file (not a `.d.ts`, not a package). How every analysis follows a call into the program's
 * functions: the data flow, and the searches for a log call or a throw behind a helper.
 */
export function calleeBody(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
  // Every analysis asks it of every call, and the taint analyses of the same calls again (about five asks a call).
  const cache = remember(byChecker, checker, () => new WeakMap<TS.Node, FunctionLike | null>());
  return remember(cache, call, () => findCalleeBody(ts, checker, call));
}

function findCalleeBody(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
  const declaration = calledDeclaration(ts, checker, call);
  if (declaration === undefined) return undefined;
  const body = isFunctionLike(ts, declaration) && declaration.body !== undefined ? declaration : implementationOf(ts, checker, call);
  if (body === undefined) return undefined;
  const sourceFile = body.getSourceFile();
  if (sourceFile.isDeclarationFile || sourceFile.fileName.includes('/node_modules/')) return undefined;
  return body;
}

/**
 * A method declared by an interface has no body, but the object it is called on often comes
 * from code the program has: `const log = createLogger()` where `createLogger` returns an
 * object literal, or `new ConsoleLogger()`. Follows the receiver's `const` to that literal or
 * class and returns the method's implementation.
 */
function implementationOf(ts: typeof TS, checker: TS.TypeChecker, call: TS.CallExpression | TS.NewExpression): FunctionLike | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  const declaration = targetSymbol(ts, checker, callee.expression)?.valueDeclaration;
  if (declaration === undefined || !ts.isVariableDeclaration(declaration) || declaration.initializer === undefined) return undefined;
  return memberOfValue(ts, checker, declaration.initializer, name, 0);
}

function memberOfValue(ts: typeof TS, checker: TS.TypeChecker, expression: TS.Expression, name: string, depth: number): FunctionLike | undefined {
  if (depth > 3) return undefined;
  let node = expression;
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) node = node.expression;
  if (ts.isObjectLiteralExpression(node)) {
    for (const property of node.properties) {
      if (property.name === undefined || !ts.isIdentifier(property.name) || property.name.text !== name) continue;
      if (ts.isMethodDeclaration(property)) return property;
      if (ts.isPropertyAssignment(property) && (ts.isArrowFunction(property.initializer) || ts.isFunctionExpression(property.initializer))) return property.initializer;
    }
    return undefined;
  }
  if (ts.isNewExpression(node)) {
    const classDeclaration = checker.getSymbolAtLocation(node.expression)?.valueDeclaration;
    if (classDeclaration === undefined || !ts.isClassLike(classDeclaration)) return undefined;
    const member = classDeclaration.members.find((candidate) => ts.isMethodDeclaration(candidate) && ts.isIdentifier(candidate.name) && candidate.name.text === name);
    return member !== undefined && ts.isMethodDeclaration(member) ? member : undefined;
  }
  if (ts.isCallExpression(node)) {
    const factory = calledDeclaration(ts, checker, node);
    if (factory === undefined || !isFunctionLike(ts, factory) || factory.body === undefined) return undefined;
    if (!ts.isBlock(factory.body)) return memberOfValue(ts, checker, factory.body, name, depth + 1);
    let found: FunctionLike | undefined;
    const visit = (statement: TS.Node): void => {
      if (found !== undefined || (statement !== factory.body && isFunctionLike(ts, statement))) return;
      if (ts.isReturnStatement(statement) && statement.expression !== undefined) found = memberOfValue(ts, checker, statement.expression, name, depth + 1);
      else ts.forEachChild(statement, visit);
    };
    visit(factory.body);
    return found;
  }
  return undefined;
}
