export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function parseLevel(value: string | undefined): LogLevel {
  return value !== undefined && value in SEVERITY ? (value as LogLevel) : 'info';
}

/**
 * A line-per-event logger writing to stderr, so that stdout stays free for the program's result.
 */
export function createLogger(name: string, bindings: LogFields = {}): Logger {
  const threshold = SEVERITY[parseLevel(process.env.LOG_LEVEL)];

  const write = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (SEVERITY[level] < threshold) return;
    const event = { time: new Date().toISOString(), level, logger: name, message, ...bindings, ...fields };
    process.stderr.write(`${JSON.stringify(event)}\n`);
  };

  return {
    debug: (message, fields) => {
      write('debug', message, fields);
    },
    info: (message, fields) => {
      write('info', message, fields);
    },
    warn: (message, fields) => {
      write('warn', message, fields);
    },
    error: (message, fields) => {
      write('error', message, fields);
    },
    child: (more) => createLogger(name, { ...bindings, ...more }),
  };
}
