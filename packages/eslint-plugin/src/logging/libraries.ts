/**
 * How a log call turns its arguments into a line, which decides where a log message string is
 * and where structured fields are (for log injection, and for where a suggested event puts them):
 * - `format`: `util.format` style (console, debug, log4js…): string arguments are written as they
 *   are, the first one may hold `%s` placeholders; objects are inspected, their strings escaped.
 * - `fields-first`: pino and bunyan: an optional object of fields, then a message and its arguments.
 * - `fields-after`: winston: a message (after the level, for `log`), then metadata objects.
 * - `record`: the OpenTelemetry logs API: one record whose `body` is the message.
 * - `text`: the argument is the text written (`process.stdout.write`).
 * - `event`: the runtime's `auditEvent(action, fields)`: an identifier, then fields it summarises.
 */
export type SinkStyle = 'format' | 'fields-first' | 'fields-after' | 'record' | 'text' | 'event';

/** A logging library, by the package that declares its loggers. */
export interface LoggerLibrary {
  /** How its log methods take their arguments. */
  readonly style: SinkStyle;
  /** Arguments beyond the format string's placeholders are appended to the message (`util.format`), not dropped. */
  readonly appendsExtra: boolean;
  /** Levels below `info`: what records request payloads, prompts and tensors "for debugging" (no-verbose-logger-config). */
  readonly verboseLevels?: ReadonlySet<string | number>;
  /** Factories whose options object sets the level. */
  readonly factories?: ReadonlySet<string>;
  /** Turned on by namespace patterns (`debug.enable('*')`) rather than by a level. */
  readonly namespaces?: boolean;
}

/**
 * THE table of logging libraries: every rule recognises a logger by these packages (and their
 * `@types/…`). A library added here is a log sink for every rule; give it `verboseLevels` for
 * no-verbose-logger-config to check how it is configured.
 */
export const LOGGER_LIBRARIES: Readonly<Record<string, LoggerLibrary>> = {
  pino: { style: 'fields-first', appendsExtra: false, verboseLevels: new Set(['debug', 'trace']), factories: new Set(['pino', 'default', 'child']) },
  winston: {
    style: 'fields-after',
    appendsExtra: false,
    verboseLevels: new Set(['verbose', 'debug', 'silly']),
    factories: new Set(['createLogger', 'configure', 'add']),
  },
  bunyan: { style: 'fields-first', appendsExtra: true, verboseLevels: new Set(['debug', 'trace', 20, 10]), factories: new Set(['createLogger', 'child']) },
  log4js: { style: 'format', appendsExtra: true, verboseLevels: new Set(['debug', 'trace', 'all', 'DEBUG', 'TRACE', 'ALL']) },
  loglevel: { style: 'format', appendsExtra: true, verboseLevels: new Set(['debug', 'trace', 'DEBUG', 'TRACE', 1, 0]) },
  consola: { style: 'format', appendsExtra: true, verboseLevels: new Set([4, 5, 999]), factories: new Set(['createConsola', 'create']) },
  debug: { style: 'format', appendsExtra: true, namespaces: true },
  '@opentelemetry/api-logs': { style: 'record', appendsExtra: true },
  npmlog: { style: 'format', appendsExtra: true },
  signale: { style: 'format', appendsExtra: true },
};

/** The library a module key (a package name) is, if it is one of the table's. */
export function loggerLibrary(moduleKey: string): LoggerLibrary | undefined {
  return Object.hasOwn(LOGGER_LIBRARIES, moduleKey) ? LOGGER_LIBRARIES[moduleKey] : undefined;
}

/** Methods of those loggers that write (not `child`, `level` or `createLogger`). */
export const LOG_METHODS: ReadonlySet<string> = new Set([
  'trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'log', 'silly', 'verbose', 'http', 'notice',
  'crit', 'critical', 'alert', 'emerg', 'emergency', 'success', 'fail', 'ready', 'start', 'box', 'emit', 'mark',
]);

/** `console` methods that print their arguments. */
export const CONSOLE_METHODS: ReadonlySet<string> = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'dirxml', 'table', 'group', 'groupCollapsed', 'timeLog', 'assert', 'count', 'time', 'timeEnd']);
