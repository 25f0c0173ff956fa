// How the worker processes set up their loggers: one of each library the services use, configured
// from the environment, with the verbose settings a developer leaves behind.
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { createConsola } from 'consola';
import createDebug from 'debug';
import log4js from 'log4js';
import loglevel from 'loglevel';
import pino from 'pino';
import winston from 'winston';

const isProduction = process.env.NODE_ENV === 'production';

export const workerLogger = pino({ level: 'debug' }); // expect: no-verbose-logger-config -- a literal debug level, unconditionally
export const auditLogger = pino({ level: 'info', name: 'audit' }); // ok: no-verbose-logger-config -- info
export const jobLogger = pino({ level: isProduction ? 'info' : 'debug' }); // ok: no-verbose-logger-config -- chosen by a condition
export const queueLogger = workerLogger.child({ component: 'queue' }, { level: 'trace' }); // expect: no-verbose-logger-config -- a child logger at trace
export const cacheLogger = workerLogger.child({ component: 'cache' }, { level: process.env.CACHE_LOG_LEVEL ?? 'warn' }); // ok: no-verbose-logger-config -- from configuration

if (process.env.VERBOSE === '1') auditLogger.level = 'debug'; // ok: no-verbose-logger-config -- inside an if
jobLogger.level = 'trace'; // expect: no-verbose-logger-config -- unconditional assignment of a verbose level

export const winstonLogger = winston.createLogger({ level: 'silly', transports: [new winston.transports.Console()] }); // expect: no-verbose-logger-config -- winston at silly
export const httpLogger = winston.createLogger({ level: 'http', transports: [new winston.transports.Console()] }); // ok: no-verbose-logger-config -- http is below verbose in winston's levels
export const verboseLogger = winston.createLogger({ level: 'verbose', transports: [new winston.transports.Console()] }); // expect: no-verbose-logger-config -- winston at verbose

export const consola = createConsola({ level: 4 }); // expect: no-verbose-logger-config -- consola 4 is debug
export const quietConsola = createConsola({ level: 3 }); // ok: no-verbose-logger-config -- consola 3 is info

loglevel.setLevel('debug'); // expect: no-verbose-logger-config -- loglevel at debug
loglevel.getLogger('scheduler').setLevel('warn'); // ok: no-verbose-logger-config -- warn
loglevel.getLogger('metrics').enableAll(); // expect: no-verbose-logger-config -- enableAll turns trace on
loglevel.getLogger('tracing').setLevel(isProduction ? 'error' : 'trace'); // ok: no-verbose-logger-config -- conditional

log4js.configure({ appenders: { out: { type: 'stdout' } }, categories: { default: { appenders: ['out'], level: 'debug' } } }); // expect: no-verbose-logger-config -- log4js category at debug
export const log4jsLogger = log4js.getLogger('worker');

process.env.DEBUG = '*'; // expect: no-verbose-logger-config -- every debug namespace
if (!isProduction) process.env.DEBUG = 'mlx:*'; // ok: no-verbose-logger-config -- inside an if
createDebug.enable('worker:*'); // expect: no-verbose-logger-config -- a wildcard namespace
createDebug.enable('worker:queue'); // ok: no-verbose-logger-config -- one namespace, no wildcard
export const debugModel = createDebug('worker:model');

/** Our own telemetry client has levels too; it is not a logger of any library the rule knows. */
function configureTelemetry(options: { level: string; sampleRate: number }): { level: string; sampleRate: number } {
  return { ...options };
}
export const telemetry = configureTelemetry({ level: 'debug', sampleRate: 0.1 }); // ok: no-verbose-logger-config -- not a logger

export const otelLogger = logs.getLogger('worker');
otelLogger.emit({ severityNumber: SeverityNumber.INFO, body: 'worker started', attributes: { pid: process.pid } });
