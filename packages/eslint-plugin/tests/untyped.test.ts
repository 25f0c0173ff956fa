import { RuleTester } from '@typescript-eslint/rule-tester';
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/rules/index.js';
import { eslintPlugin, everyRule } from './lint.js';
import noLogInjection from '../src/rules/no-log-injection.js';
import noSilentMlxCatch from '../src/rules/no-silent-mlx-catch.js';
import noTaintedLog from '../src/rules/no-tainted-log.js';
import noVerboseLoggerConfig from '../src/rules/no-verbose-logger-config.js';
import requireMlxEventLogging from '../src/rules/require-mlx-event-logging.js';
import { FIXTURES } from './rule-tester.js';

// Without typed linting no rule can tell MLX or a logger by type: each says so once, and none
// crashes or stays silent. (tests/meta.test.ts checks that every rule of the index is here.)
const untyped = new RuleTester();
const code = `const password = 'p';\nconsole.log(password);\n`;
const errors = [{ messageId: 'missingTypeInformation' as const, line: 1, column: 1 }];

untyped.run('no-log-injection without type information', noLogInjection, { valid: [], invalid: [{ code, errors }] });
untyped.run('no-silent-mlx-catch without type information', noSilentMlxCatch, { valid: [], invalid: [{ code, errors }] });
untyped.run('no-tainted-log without type information', noTaintedLog, { valid: [], invalid: [{ code, errors }] });
untyped.run('no-verbose-logger-config without type information', noVerboseLoggerConfig, { valid: [], invalid: [{ code, errors }] });
untyped.run('require-mlx-event-logging without type information', requireMlxEventLogging, { valid: [], invalid: [{ code, errors }] });

describe('a JavaScript file parsed by espree (a preset spread over eslint.config.js)', () => {
  it('gets one missing-type-information report per rule, and ESLint keeps going', async () => {
    const eslint = new ESLint({
      // The project root is the fixtures folder: its files are no test files to no-verbose-logger-config.
      cwd: FIXTURES,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.js'], plugins: { 'mlx-audit': eslintPlugin }, rules: everyRule }],
    });
    const [result] = await eslint.lintText('export default [];\n', { filePath: join(FIXTURES, 'eslint.config.js') });
    expect(result?.messages.map((message) => [message.ruleId, message.messageId])).toEqual(
      Object.keys(rules).map((name) => [`mlx-audit/${name}`, 'missingTypeInformation']),
    );
  });
});
