import { RuleTester } from '@typescript-eslint/rule-tester';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const FIXTURES = fileURLToPath(new URL('fixtures', import.meta.url));

/** A RuleTester with type information: cases are linted as `tests/fixtures/file.ts`. */
export function createRuleTesterWithTypes(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: FIXTURES,
      },
    },
  });
}
