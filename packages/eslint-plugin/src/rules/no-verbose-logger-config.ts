import type * as TS from 'typescript';
import { type TSESTree } from '@typescript-eslint/utils';
import { relative } from 'node:path';
import { loggerLibrary } from '../logging/libraries.js';
import { programServices, type ProgramServices } from '../program/services.js';
import { skipOuter } from '../util/syntax.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { reportMissingTypeInformation } from '../program/missing-type-information.js';
import { typedServices } from '../program/typed-services.js';
import { ts } from '../program/typescript.js';
import { calledDeclaration } from '../program/called-declaration.js';

export type Options = [{ testFilePattern?: string }];
export type MessageId = 'verboseLevel' | 'verboseDebugNamespaces' | 'missingTypeInformation';

const DEFAULT_TEST_FILES = '(^|/)(tests?|__tests__|spec)/|\\.(test|spec)\\.[cm]?[jt]sx?$';

export default createRule<Options, MessageId>({
  name: 'no-verbose-logger-config',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow configuring loggers unconditionally at debug or trace level outside tests',
      requiresTypeChecking: true,
      recommended: 'strict',
    },
    messages: {
      verboseLevel: '{{library}} is set to log at `{{level}}` unconditionally: verbose logs capture payloads, prompts and tensors. Take the level from configuration.',
      verboseDebugNamespaces: '`{{value}}` turns on every `debug` namespace unconditionally: verbose logs capture payloads, prompts and tensors. Take it from configuration.',
      missingTypeInformation: `no-verbose-logger-config needs type information to recognise loggers: enable typed linting (parserOptions.projectService). See ${DOCS_BASE_URL}/no-verbose-logger-config.md.`,
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          testFilePattern: {
            type: 'string',
            description: 'Regular expression for the paths of test files, where verbose levels are fine.',
          },
        },
      },
    ],
  },
  create(context, [options]) {
    // Tested against the path from the project root, so the folder the project lives in never matters.
    const testFiles = new RegExp(options.testFilePattern ?? DEFAULT_TEST_FILES);
    if (testFiles.test(relative(context.cwd, context.filename).replaceAll('\\', '/'))) return {};
    const services = typedServices(context);
    if (services === undefined) return reportMissingTypeInformation(context);
    const program = programServices(services.program);
    const report = (node: TS.Node, library: string, level: string | number): void => {
      context.report({ node: services.tsNodeToESTreeNodeMap.get<TSESTree.Node>(node), messageId: 'verboseLevel', data: { library, level: String(level) } });
    };
    return {
      CallExpression(node) {
        const call = services.esTreeNodeToTSNodeMap.get(node);
        if (isConditional(call)) return;
        const library = libraryOf(program, call);
        if (library === undefined) return;
        const method = calleeName(call);
        // `log.setLevel('debug')`, `log.enableAll()` (loglevel), `debug.enable('*')`.
        if (library === 'loglevel' && method === 'enableAll') report(call, library, 'trace');
        if (method === 'setLevel' || method === 'level') {
          const level = literal(call.arguments[0]);
          if (level !== undefined && isVerbose(library, level)) report(call.arguments[0] ?? call, library, level);
        }
        if (library === 'debug' && method === 'enable') {
          const value = literal(call.arguments[0]);
          if (typeof value === 'string' && value.includes('*')) {
            context.report({ node: node.arguments[0] ?? node, messageId: 'verboseDebugNamespaces', data: { value } });
          }
        }
        if (method !== undefined && loggerLibrary(library)?.factories?.has(method) === true) {
          for (const argument of call.arguments) {
            const level = levelProperty(argument);
            if (level !== undefined && isVerbose(library, level.value)) report(level.node, library, level.value);
          }
        }
        // log4js.configure({ categories: { default: { level: 'debug' } } })
        if (library === 'log4js' && method === 'configure') {
          const visit = (current: TS.Node): void => {
            const level = ts.isObjectLiteralExpression(current) ? levelProperty(current) : undefined;
            if (level !== undefined && isVerbose('log4js', level.value)) report(level.node, library, level.value);
            ts.forEachChild(current, visit);
          };
          call.arguments.forEach(visit);
        }
      },
      AssignmentExpression(node) {
        const assignment = services.esTreeNodeToTSNodeMap.get(node);
        if (!ts.isBinaryExpression(assignment) || isConditional(assignment)) return;
        const target = skipOuter(ts, assignment.left);
        const value = literal(assignment.right);
        if (!ts.isPropertyAccessExpression(target) || value === undefined) return;
        // `process.env.DEBUG = '*'`
        if (target.name.text === 'DEBUG' && ts.isPropertyAccessExpression(target.expression) && target.expression.getText() === 'process.env') {
          if (typeof value === 'string' && value.includes('*')) context.report({ node: node.right, messageId: 'verboseDebugNamespaces', data: { value } });
          return;
        }
        // `logger.level = 'debug'` on a logger of a known library.
        if (target.name.text !== 'level') return;
        const library = libraryOfType(program, program.checker.getTypeAtLocation(target.expression));
        if (library !== undefined && isVerbose(library, value)) report(assignment.right, library, value);
      },
    };
  },
});

/** The logging library a call belongs to, by where the called function is declared. */
function libraryOf(program: ProgramServices, call: TS.CallExpression): string | undefined {
  const declaration = calledDeclaration(ts, program.checker, call);
  if (declaration === undefined) return undefined;
  const key = program.matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
  const library = loggerLibrary(key);
  return library?.verboseLevels !== undefined || library?.namespaces === true ? key : undefined;
}

function libraryOfType(program: ProgramServices, type: TS.Type): string | undefined {
  const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
  if (declaration === undefined) return undefined;
  const key = program.matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
  return loggerLibrary(key)?.verboseLevels !== undefined ? key : undefined;
}

/** A level below `info` for the library (the logging table's `verboseLevels`). */
function isVerbose(library: string, level: string | number): boolean {
  return loggerLibrary(library)?.verboseLevels?.has(level) === true;
}

function calleeName(call: TS.CallExpression): string | undefined {
  const callee = skipOuter(ts, call.expression);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

/** A string or number written as such: a level read from configuration is not one. */
function literal(node: TS.Node | undefined): string | number | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  return undefined;
}

function levelProperty(node: TS.Node): { node: TS.Node; value: string | number } | undefined {
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  for (const property of node.properties) {
    if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === 'level') {
      const value = literal(property.initializer);
      return value === undefined ? undefined : { node: property.initializer, value };
    }
  }
  return undefined;
}

/** Inside an `if`, a conditional, a `switch` or a logical expression: configured, not unconditional. */
function isConditional(node: TS.Node): boolean {
  for (let current = node.parent; !ts.isSourceFile(current); current = current.parent) {
    if (ts.isIfStatement(current) || ts.isConditionalExpression(current) || ts.isSwitchStatement(current)) return true;
    if (ts.isBinaryExpression(current) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(current.operatorToken.kind)) return true;
  }
  return false;
}
