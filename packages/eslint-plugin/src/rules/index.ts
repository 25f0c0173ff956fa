import noSilentMlxCatch from './no-silent-mlx-catch.js';
import noTaintedLog from './no-tainted-log.js';
import noVerboseLoggerConfig from './no-verbose-logger-config.js';

export const rules = {
  'no-silent-mlx-catch': noSilentMlxCatch,
  'no-tainted-log': noTaintedLog,
  'no-verbose-logger-config': noVerboseLoggerConfig,
};
