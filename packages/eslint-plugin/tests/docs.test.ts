import { readFileSync } from 'node:fs';
import type { JSONSchema } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { rules } from '../src/rules/index.js';
import { lintAsFixture } from './lint.js';

const RULES_DOCS = new URL('../../../rules-docs/', import.meta.url);

interface Example {
  readonly heading: string;
  readonly code: string;
}

/** The ```ts blocks of a page, with the ### heading they stand under. */
function examples(page: string): Example[] {
  const found: Example[] = [];
  let heading = '';
  const lines = page.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.startsWith('#')) heading = line;
    if (line === '```ts') {
      const end = lines.indexOf('```', index + 1);
      found.push({ heading, code: lines.slice(index + 1, end).join('\n') });
      index = end;
    }
  }
  return found;
}

for (const [name, rule] of Object.entries(rules)) {
  describe(`rules-docs/${name}.md`, () => {
    const page = readFileSync(new URL(`${name}.md`, RULES_DOCS), 'utf8');

    it('has the rule’s name and description', () => {
      expect(page.split('\n')[0]).toBe(`# ${name}`);
      expect(page).toContain(`> ${rule.meta.docs?.description ?? '(no description)'}.`);
      expect(rule.meta.docs?.url).toMatch(new RegExp(`/rules-docs/${name}\\.md$`));
    });

    it('documents every option under Options', () => {
      const options = page.slice(page.indexOf('## Options'), page.indexOf('## When Not To Use It'));
      const [optionSchema] = rule.meta.schema as readonly JSONSchema.JSONSchema4ObjectSchema[];
      const schema = optionSchema?.properties ?? {};
      expect(Object.keys(schema).length).toBeGreaterThan(0);
      for (const property of Object.keys(schema)) expect(options).toContain(`### \`${property}\``);
    });

    const blocks = examples(page);
    it('has incorrect and correct examples', () => {
      expect(blocks.filter((block) => block.heading.includes('Incorrect')).length).toBeGreaterThan(0);
      expect(blocks.filter((block) => block.heading.includes('Correct') && !block.heading.includes('Incorrect')).length).toBeGreaterThan(0);
    });
    blocks.forEach((block, index) => {
      const incorrect = block.heading.includes('Incorrect');
      it(`example ${index + 1} (${incorrect ? 'incorrect' : 'correct'}) ${incorrect ? 'is reported' : 'passes'}`, async () => {
        const messages = await lintAsFixture(block.code, name);
        expect(messages.filter((message) => message.fatal === true)).toEqual([]);
        if (incorrect) expect(messages.length).toBeGreaterThan(0);
        else expect(messages).toEqual([]);
      });
    });
  });
}
