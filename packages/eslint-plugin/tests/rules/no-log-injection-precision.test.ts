import rule from '../../src/rules/no-log-injection.js';
import { createRuleTesterWithTypes } from '../rule-tester.js';

// Issue #15, value precision for log injection: a request's text resolved through
// `new Promise(...)` is followed; the elements of `Promise.all([...])` and of tuples are kept apart.
const ruleTester = createRuleTesterWithTypes();

const resolved = `
import type { Request } from 'express';
export async function handler(req: Request): Promise<void> {
  const name = await new Promise<string>((resolve) => resolve(String(req.query.name)));
  console.log(\`hello \${name}\`);
}
`;

const all = `
import type { Request } from 'express';
export async function handler(req: Request): Promise<void> {
  const [name, region] = await Promise.all([Promise.resolve(String(req.query.name)), Promise.resolve('eu')]);
  console.log(\`region \${region}\`);
  console.log(\`user \${name}\`);
}
`;

ruleTester.run('no-log-injection: value precision', rule, {
  valid: [
    {
      name: 'the clean element of a tuple beside request text',
      code: `
import type { Request } from 'express';
export function handler(req: Request): void {
  const pair = [String(req.query.name), 'fixed'] as const;
  const [, label] = pair;
  console.log(\`label \${label} \${pair[1]}\`);
}
`,
    },
    {
      name: 'then to the length of the request text',
      code: `
import type { Request } from 'express';
export async function handler(req: Request): Promise<void> {
  const size = await Promise.resolve(String(req.query.name)).then((text) => text.length);
  console.log('size ' + String(size));
}
`,
    },
  ],
  invalid: [
    {
      name: 'request text resolved through new Promise and awaited',
      code: resolved,
      errors: [
        {
          messageId: 'interpolated',
          line: 5,
          column: 3,
          suggestions: [{ messageId: 'moveToField', output: resolved.replace('console.log(`hello ${name}`)', "console.log('hello', { name })") }],
        },
      ],
    },
    {
      name: 'the request element of Promise.all is still reported, not its clean neighbour',
      code: all,
      errors: [
        {
          messageId: 'interpolated',
          line: 6,
          column: 3,
          suggestions: [{ messageId: 'moveToField', output: all.replace('console.log(`user ${name}`)', "console.log('user', { name })") }],
        },
      ],
    },
  ],
});
