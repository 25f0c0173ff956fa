import { RuleTester } from '@typescript-eslint/rule-tester';
import noSilentMlxCatch from '../src/rules/no-silent-mlx-catch.js';
import noTaintedLog from '../src/rules/no-tainted-log.js';
import noVerboseLoggerConfig from '../src/rules/no-verbose-logger-config.js';
import './rule-tester.js';

// Without typed linting no rule can tell MLX or a logger by type: each says so once, and none
// crashes or stays silent. (tests/meta.test.ts checks that every rule of the index is here.)
const untyped = new RuleTester();
const code = `const password = 'p';\nconsole.log(password);\n`;
const errors = [{ messageId: 'missingTypeInformation' as const, line: 1, column: 1 }];

untyped.run('no-silent-mlx-catch without type information', noSilentMlxCatch, { valid: [], invalid: [{ code, errors }] });
untyped.run('no-tainted-log without type information', noTaintedLog, { valid: [], invalid: [{ code, errors }] });
untyped.run('no-verbose-logger-config without type information', noVerboseLoggerConfig, { valid: [], invalid: [{ code, errors }] });
