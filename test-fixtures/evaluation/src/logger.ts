import pino from 'pino';

/** The services' logger: JSON lines on stdout, shipped by the platform. */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { service: 'mlx-services' } }); // ok: no-verbose-logger-config -- the level is read from configuration

/** Logs a failed operation with the error as a structured field. */
export function reportFailure(operation: string, error: unknown): void {
  logger.error({ operation, err: error }, 'operation failed');
}

/** Counts failures for the metrics endpoint; logs nothing. */
export const failureCounts = new Map<string, number>();

export function countFailure(operation: string): void {
  failureCounts.set(operation, (failureCounts.get(operation) ?? 0) + 1);
}

/** A one-line message to the service log (the message is written as given). */
export function logLine(message: string): void {
  logger.info(message);
}
