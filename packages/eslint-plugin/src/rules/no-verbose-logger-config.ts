import type * as TS from 'typescript';
import { type TSESTree } from '@typescript-eslint/utils';
import { relative } from 'node:path';
import { getTaintEngine, type TaintEngine } from '../taint/index.js';
import { skipOuter } from '../taint/syntax.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { reportMissingTypeInformation } from '../util/missing-type-information.js';
import { typedServices } from '../util/typed-services.js';
import { ts } from '../util/typescript.js';
import { calledDeclaration } from '../util/called-declaration.js';

export type Options = [{ testFilePattern?: string }];
export type MessageId = 'verboseLevel' | 'verboseDebugNamespaces' | 'missingTypeInformation';

/** Levels below `info` per library: what records request payloads, prompts and tensors "for debugging". */
const VERBOSE_LEVELS: Readonly<Record<string, ReadonlySet<string | number>>> = {
  pino: new Set(['debug', 'trace']),
  winston: new Set(['verbose', 'debug', 'silly']),
  bunyan: new Set(['debug', 'trace', 20, 10]),
  log4js: new Set(['debug', 'trace', 'all', 'DEBUG', 'TRACE', 'ALL']),
  loglevel: new Set(['debug', 'trace', 'DEBUG', 'TRACE', 1, 0]),
  consola: new Set([4, 5, 999]),
};

/** Factories whose options object sets the level, by library. */
const FACTORIES: Readonly<Record<string, ReadonlySet<string>>> = {
  pino: new Set(['pino', 'default', 'child']),
  winston: new Set(['createLogger', 'configure', 'add']),
  bunyan: new Set(['createLogger', 'child']),
  consola: new Set(['createConsola', 'create']),
};

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
    const program = services.program;
    const engine = getTaintEngine(ts, program, {});
    const report = (node: TS.Node, library: string, level: string | number): void => {
      context.report({ node: services.tsNodeToESTreeNodeMap.get<TSESTree.Node>(node), messageId: 'verboseLevel', data: { library, level: String(level) } });
    };
    return {
      CallExpression(node) {
        const call = services.esTreeNodeToTSNodeMap.get(node);
        if (isConditional(call)) return;
        const library = libraryOf(engine, call);
        if (library === undefined) return;
        const method = calleeName(call);
        // `log.setLevel('debug')`, `log.enableAll()` (loglevel), `debug.enable('*')`.
        if (library === 'loglevel' && method === 'enableAll') report(call, library, 'trace');
        if (method === 'setLevel' || method === 'level') {
          const level = literal(call.arguments[0]);
          if (level !== undefined && VERBOSE_LEVELS[library]?.has(level) === true) report(call.arguments[0] ?? call, library, level);
        }
        if (library === 'debug' && method === 'enable') {
          const value = literal(call.arguments[0]);
          if (typeof value === 'string' && value.includes('*')) {
            context.report({ node: node.arguments[0] ?? node, messageId: 'verboseDebugNamespaces', data: { value } });
          }
        }
        if (method !== undefined && FACTORIES[library]?.has(method) === true) {
          for (const argument of call.arguments) {
            const level = levelProperty(argument);
            if (level !== undefined && VERBOSE_LEVELS[library]?.has(level.value) === true) report(level.node, library, level.value);
          }
        }
        // log4js.configure({ categories: { default: { level: 'debug' } } })
        if (library === 'log4js' && method === 'configure') {
          const visit = (current: TS.Node): void => {
            const level = ts.isObjectLiteralExpression(current) ? levelProperty(current) : undefined;
            if (level !== undefined && VERBOSE_LEVELS.log4js?.has(level.value) === true) report(level.node, library, level.value);
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
        const library = libraryOfType(engine, engine.checker.getTypeAtLocation(target.expression));
        if (library !== undefined && VERBOSE_LEVELS[library]?.has(value) === true) report(assignment.right, library, value);
      },
    };
  },
});

/** The logging library a call belongs to, by where the called function is declared. */
function libraryOf(engine: TaintEngine, call: TS.CallExpression): string | undefined {
  const declaration = calledDeclaration(ts, engine.checker, call);
  if (declaration === undefined) return undefined;
  const key = engine.matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
  return key in VERBOSE_LEVELS || key === 'debug' ? key : undefined;
}

function libraryOfType(engine: TaintEngine, type: TS.Type): string | undefined {
  const declaration = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
  if (declaration === undefined) return undefined;
  const key = engine.matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
  return key in VERBOSE_LEVELS ? key : undefined;
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
