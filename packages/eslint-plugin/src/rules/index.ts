import noTaintedLog from './no-tainted-log.js';

export const rules = {
  'no-tainted-log': noTaintedLog,
};
