import noLogInjection from './no-log-injection.js';
import noSilentMlxCatch from './no-silent-mlx-catch.js';
import noTaintedLog from './no-tainted-log.js';
import noVerboseLoggerConfig from './no-verbose-logger-config.js';
import requireMlxEventLogging from './require-mlx-event-logging.js';

export const rules = {
  'no-log-injection': noLogInjection,
  'no-silent-mlx-catch': noSilentMlxCatch,
  'no-tainted-log': noTaintedLog,
  'no-verbose-logger-config': noVerboseLoggerConfig,
  'require-mlx-event-logging': requireMlxEventLogging,
};
