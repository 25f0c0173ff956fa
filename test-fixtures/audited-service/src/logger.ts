import { pino } from 'pino';

/**
 * The service's logger: JSON lines on stderr (stdout carries the program's result), written
 * synchronously so that nothing is lost when the process exits. The level comes from the
 * environment; nothing here turns debug logging on.
 */
export const logger = pino(
  { name: 'audited-service', level: process.env.LOG_LEVEL ?? 'info' },
  pino.destination({ dest: 2, sync: true }),
);

export type Logger = typeof logger;
