import { RuleTester } from '@typescript-eslint/rule-tester';
import rule from '../../src/rules/no-tainted-log.js';
import '../rule-tester.js';

// Without typed linting the rule cannot follow values: it says so once, and does not crash.
const untyped = new RuleTester();
untyped.run('no-tainted-log without type information', rule, {
  valid: [],
  invalid: [
    {
      code: `const password = 'p';\nconsole.log(password);\n`,
      errors: [{ messageId: 'missingTypeInformation', line: 1, column: 1 }],
    },
  ],
});
