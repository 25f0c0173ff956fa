// Test helpers: loggers that show everything while a test runs. Files under __tests__/ may be
// verbose (no-verbose-logger-config's testFilePattern).
import pino from 'pino';
import winston from 'winston';

export const testLogger = pino({ level: 'trace' }); // ok: no-verbose-logger-config -- a test file
export const testWinston = winston.createLogger({ level: 'debug', transports: [new winston.transports.Console()] }); // ok: no-verbose-logger-config -- a test file

process.env.DEBUG = '*'; // ok: no-verbose-logger-config -- a test file
