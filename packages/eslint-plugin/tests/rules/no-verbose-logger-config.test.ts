import rule from '../../src/rules/no-verbose-logger-config.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

const ruleTester = createRuleTesterWithTypes();

ruleTester.run('no-verbose-logger-config', rule, {
  valid: [
    {
      name: 'levels from configuration',
      code: `
import pino from 'pino';
import winston from 'winston';
export const a = pino({ level: process.env.LOG_LEVEL ?? 'info' });
export const b = winston.createLogger({ level: 'info' });
`,
    },
    {
      name: 'a verbose level chosen by a condition',
      code: `
import pino from 'pino';
const verbose = process.argv.includes('--verbose');
export const logger = pino({ level: verbose ? 'debug' : 'info' });
if (process.env.NODE_ENV === 'development') logger.level = 'trace';
`,
    },
    {
      name: 'test files may log verbosely (the fixture file counts as one under this pattern)',
      code: `
import pino from 'pino';
export const logger = pino({ level: 'trace' });
`,
      options: [{ testFilePattern: '(^|/)file\\.ts$' }],
    },
    {
      name: 'an object of yours with a level field is no logger',
      code: `
const settings = { level: 'debug' };
settings.level = 'trace';
export { settings };
`,
    },
    {
      name: 'DEBUG set to named namespaces only',
      code: `
process.env.DEBUG = 'app:http';
`,
    },
  ],
  invalid: [
    {
      name: 'pino at debug',
      code: `
import pino from 'pino';
export const logger = pino({ level: 'debug' });
`,
      errors: [{ messageId: 'verboseLevel', line: 3, column: 37 }],
    },
    {
      name: 'a pino logger level assigned',
      code: `
import pino from 'pino';
export const logger = pino();
logger.level = 'trace';
`,
      errors: [{ messageId: 'verboseLevel', line: 4, column: 16 }],
    },
    {
      name: 'winston at silly, bunyan at trace',
      code: `
import winston from 'winston';
import bunyan from 'bunyan';
export const a = winston.createLogger({ level: 'silly' });
export const b = bunyan.createLogger({ name: 'app', level: 'trace' });
`,
      errors: [
        { messageId: 'verboseLevel', line: 4, column: 48 },
        { messageId: 'verboseLevel', line: 5, column: 60 },
      ],
    },
    {
      name: 'log4js categories at debug',
      code: `
import log4js from 'log4js';
log4js.configure({ appenders: { out: { type: 'stdout' } }, categories: { default: { appenders: ['out'], level: 'debug' } } });
`,
      errors: [{ messageId: 'verboseLevel', line: 3, column: 112 }],
    },
    {
      name: 'loglevel set to trace or everything enabled',
      code: `
import log from 'loglevel';
log.setLevel('trace');
log.enableAll();
`,
      errors: [
        { messageId: 'verboseLevel', line: 3, column: 14 },
        { messageId: 'verboseLevel', line: 4, column: 1 },
      ],
    },
    {
      name: 'DEBUG=* in code',
      code: `
import debug from 'debug';
process.env.DEBUG = '*';
debug.enable('app:*');
`,
      errors: [
        { messageId: 'verboseDebugNamespaces', line: 3, column: 21 },
        { messageId: 'verboseDebugNamespaces', line: 4, column: 14 },
      ],
    },
  ],
});
