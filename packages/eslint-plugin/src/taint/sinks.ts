import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import type { FunctionSpecifier, TypeSinkSpecifier } from './options.js';
import { matchesSpecifier, matchesTypeSink } from './specifiers.js';
import { isNodeTypes, isTypeScriptLib, shortCallee, skipOuter } from './syntax.js';
import { calledDeclaration } from '../util/called-declaration.js';

/**
 * How a log call turns its arguments into a line, which decides where a log message string is
 * and where structured fields are (for log injection):
 * - `format`: `util.format` style (console, debug, log4js…): string arguments are written as they
 *   are, the first one may hold `%s` placeholders; objects are inspected, their strings escaped.
 * - `fields-first`: pino and bunyan: an optional object of fields, then a message and its arguments.
 * - `fields-after`: winston: a message (after the level, for `log`), then metadata objects.
 * - `record`: the OpenTelemetry logs API: one record whose `body` is the message.
 * - `text`: the argument is the text written (`process.stdout.write`).
 */
export type SinkStyle = 'format' | 'fields-first' | 'fields-after' | 'record' | 'text';

/** A call that writes its arguments to a log. */
export interface Sink {
  /** How the report names it: `console.log`, `logger.info`. */
  readonly name: string;
  /** Arguments before this one are not logged (`console.assert`'s condition). */
  readonly firstLogged: number;
  readonly style: SinkStyle;
  /** Arguments beyond the format string's placeholders are appended to the message (`util.format`), not dropped (pino, winston). */
  readonly appendsExtra: boolean;
}

/** Loggers that take structured fields, by package. */
const STYLE_BY_PACKAGE: Readonly<Record<string, SinkStyle>> = {
  pino: 'fields-first',
  bunyan: 'fields-first',
  winston: 'fields-after',
  '@opentelemetry/api-logs': 'record',
};

/** Loggers that drop arguments no placeholder asks for. */
const DROPS_EXTRA = new Set(['pino', 'winston']);

/** Packages whose loggers are recognised by the declarations of their methods (and `@types/…`). */
const LOGGER_PACKAGES = new Set(['pino', 'winston', 'bunyan', 'log4js', 'loglevel', 'consola', 'debug', '@opentelemetry/api-logs', 'npmlog', 'signale']);

/** Methods of those loggers that write (not `child`, `level` or `createLogger`). */
const LOG_METHODS = new Set([
  'trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'log', 'silly', 'verbose', 'http', 'notice',
  'crit', 'critical', 'alert', 'emerg', 'emergency', 'success', 'fail', 'ready', 'start', 'box', 'emit', 'mark',
]);

/** `console` methods that print their arguments. */
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed', 'timeLog', 'assert', 'count', 'time', 'timeEnd']);

/**
 * Finds log sinks by the declaration the call resolves to, so aliases (`const log = console.log`,
 * `const { info } = logger`) and child loggers are sinks too, and a user's `logger` object that is
 * no logger is not.
 */
export function sinkOfCall(
  ts: typeof TS,
  checker: TS.TypeChecker,
  matcher: CatalogueMatcher,
  extraSinks: readonly (FunctionSpecifier | TypeSinkSpecifier)[],
  call: TS.CallExpression,
): Sink | undefined {
  const callee = skipOuter(ts, call.expression);
  const name = shortCallee(ts, callee);
  if (isProcessOutputWrite(ts, checker, matcher, callee)) return { name, firstLogged: 0, style: 'text', appendsExtra: false };
  const declaration = calledDeclaration(ts, checker, call);
  if (declaration === undefined) return undefined;
  const owner = declaration.parent;
  const moduleKey = matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
  const member = memberName(ts, declaration);

  if ((isNodeTypes(declaration) || isTypeScriptLib(declaration)) && (ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)) && owner.name?.text === 'Console') {
    return member !== undefined && CONSOLE_METHODS.has(member) ? { name, firstLogged: member === 'assert' ? 1 : 0, style: 'format', appendsExtra: true } : undefined;
  }
  // `util.debuglog('x')` returns a DebugLogger; calling it logs.
  if (moduleKey === 'node') {
    const named = ts.findAncestor(declaration, (node): node is TS.InterfaceDeclaration | TS.TypeAliasDeclaration => ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node));
    if (named !== undefined && /^DebugLogger(Function)?$/.test(named.name.text)) return { name, firstLogged: 0, style: 'format', appendsExtra: true };
  }
  if (LOGGER_PACKAGES.has(moduleKey)) {
    const style = STYLE_BY_PACKAGE[moduleKey] ?? 'format';
    const appendsExtra = !DROPS_EXTRA.has(moduleKey);
    // pino's `logger.info` is a property of type LogFn; debug's logger is a callable Debugger.
    const method = member ?? (ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined);
    if (method !== undefined && LOG_METHODS.has(method)) return { name, firstLogged: 0, style, appendsExtra };
    if (ts.isCallSignatureDeclaration(declaration) && ts.isInterfaceDeclaration(owner) && /^(Debugger|LogFn|LogMethod|LeveledLogMethod)$/.test(owner.name.text)) {
      return { name, firstLogged: 0, style, appendsExtra };
    }
    return undefined;
  }
  for (const specifier of extraSinks) {
    if ('type' in specifier) {
      if (ts.isPropertyAccessExpression(callee) && matchesTypeSink(ts, matcher, checker.getTypeAtLocation(callee.expression), callee.name.text, specifier)) {
        return { name, firstLogged: 0, style: 'format', appendsExtra: true };
      }
    } else if (matchesSpecifier(ts, matcher, declaration, specifier)) return { name, firstLogged: 0, style: 'format', appendsExtra: true };
  }
  return undefined;
}

/** `process.stdout.write(…)` / `process.stderr.write(…)` on Node's global `process`. */
function isProcessOutputWrite(ts: typeof TS, checker: TS.TypeChecker, matcher: CatalogueMatcher, callee: TS.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'write') return false;
  const stream = skipOuter(ts, callee.expression);
  if (!ts.isPropertyAccessExpression(stream) || !['stdout', 'stderr'].includes(stream.name.text)) return false;
  const declaration = checker.getSymbolAtLocation(stream.name)?.declarations?.[0];
  return declaration !== undefined && matcher.moduleKeyOfFile(declaration.getSourceFile().fileName) === 'node';
}

function memberName(ts: typeof TS, declaration: TS.Declaration): string | undefined {
  const name = ts.getNameOfDeclaration(declaration);
  return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

