import type { AuditSink } from './sink.js';

/** The part of a pino logger the sink calls (any logger with these two methods will do). */
export interface PinoLikeLogger {
  info(object: object): void;
  error(object: object): void;
}

/**
 * Hands each event to a pino logger, at `error` level for failures and `info` otherwise, so
 * pino's transports (files, Elasticsearch, Loki, Datadog) and `@elastic/ecs-pino-format` carry
 * them. The event's keys are already ECS; pino adds its own `level`, `time`, `pid`, `hostname`.
 */
export function pinoSink(logger: PinoLikeLogger): AuditSink {
  return {
    name: 'pino',
    write(batch) {
      for (const event of batch.events) {
        if (event['log.level'] === 'error') logger.error(event);
        else logger.info(event);
      }
    },
  };
}
