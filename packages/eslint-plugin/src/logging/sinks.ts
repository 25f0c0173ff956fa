import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { calledDeclaration } from '../program/called-declaration.js';
import { matchesSpecifier, matchesTypeSink, type FunctionSpecifier, type TypeSinkSpecifier } from '../program/specifiers.js';
import { isNodeTypes, isTypeScriptLib, shortCallee, skipOuter } from '../util/syntax.js';
import { RUNTIME_EVENT_CALLS } from './events.js';
import { CONSOLE_METHODS, LOG_METHODS, loggerLibrary, type SinkStyle } from './libraries.js';

export type { SinkStyle } from './libraries.js';

/** An extra log call a rule is configured with: a function, or methods of a type. */
export type SinkSpecifier = FunctionSpecifier | TypeSinkSpecifier;

/** A call that writes its arguments to a log. */
export interface Sink {
  /** How the report names it: `console.log`, `logger.info`. */
  readonly name: string;
  /** Arguments before this one are not logged (`console.assert`'s condition). */
  readonly firstLogged: number;
  readonly style: SinkStyle;
  /** Arguments beyond the format string's placeholders are appended to the message (`util.format`), not dropped (pino, winston). */
  readonly appendsExtra: boolean;
  /**
   * What it records is summarised and redacted before it is written (the runtime's `auditEvent`):
   * a log call for every "does this code log" question, but nothing that reaches it leaks.
   */
  readonly redacts?: boolean;
  /**
   * It writes to the program's standard output (`process.stdout.write`): a chat or generation
   * tool's output, not a log, unless a rule is told its stdout is shipped as logs. Every "does
   * this code log" question still counts it (a catch that writes the failure there is not
   * silent); only a leak needs the rule's `stdoutIsLog`.
   */
  readonly programOutput?: boolean;
}

/**
 * Finds log sinks by the declaration the call resolves to, so aliases (`const log = console.log`,
 * `const { info } = logger`) and child loggers are sinks too, and a user's `logger` object that is
 * no logger is not. The one notion of a log call: every rule asks it (the runtime's `auditEvent`
 * included, and the rule's configured `sinks`).
 */
export function sinkOfCall(
  ts: typeof TS,
  checker: TS.TypeChecker,
  matcher: CatalogueMatcher,
  extraSinks: readonly SinkSpecifier[],
  call: TS.CallExpression,
): Sink | undefined {
  const callee = skipOuter(ts, call.expression);
  const name = shortCallee(ts, callee);
  const stream = processOutputStream(ts, checker, matcher, callee);
  if (stream !== undefined) return { name, firstLogged: 0, style: 'text', appendsExtra: false, ...(stream === 'stdout' ? { programOutput: true } : {}) };
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
  const library = loggerLibrary(moduleKey);
  if (library !== undefined) {
    const { style, appendsExtra } = library;
    // pino's `logger.info` is a property of type LogFn; debug's logger is a callable Debugger.
    const method = member ?? (ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined);
    if (method !== undefined && LOG_METHODS.has(method)) return { name, firstLogged: 0, style, appendsExtra };
    if (ts.isCallSignatureDeclaration(declaration) && ts.isInterfaceDeclaration(owner) && /^(Debugger|LogFn|LogMethod|LeveledLogMethod)$/.test(owner.name.text)) {
      return { name, firstLogged: 0, style, appendsExtra };
    }
    return undefined;
  }
  // The runtime's events count as logging for every rule, whatever else is configured.
  if (RUNTIME_EVENT_CALLS.some((specifier) => matchesSpecifier(ts, matcher, declaration, specifier))) {
    return { name, firstLogged: 0, style: 'event', appendsExtra: true, redacts: true };
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

/** The stream of `process.stdout.write(…)` / `process.stderr.write(…)` on Node's global `process`. */
function processOutputStream(ts: typeof TS, checker: TS.TypeChecker, matcher: CatalogueMatcher, callee: TS.Expression): 'stdout' | 'stderr' | undefined {
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'write') return undefined;
  const stream = skipOuter(ts, callee.expression);
  if (!ts.isPropertyAccessExpression(stream) || (stream.name.text !== 'stdout' && stream.name.text !== 'stderr')) return undefined;
  const declaration = checker.getSymbolAtLocation(stream.name)?.declarations?.[0];
  return declaration !== undefined && matcher.moduleKeyOfFile(declaration.getSourceFile().fileName) === 'node' ? stream.name.text : undefined;
}

function memberName(ts: typeof TS, declaration: TS.Declaration): string | undefined {
  const name = ts.getNameOfDeclaration(declaration);
  return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined;
}

