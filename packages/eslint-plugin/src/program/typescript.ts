import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { checkedTypeScript } from '../util/typescript.js';

/**
 * TypeScript, loaded as the CommonJS module it is. An ESM `import` of it would make Node scan its
 * 9 MB of source for export names (about half a second per ESLint process, and per worker under
 * `--concurrency`), although typescript-eslint has already required it: this is the same instance.
 */
export const ts: typeof TS = checkedTypeScript(createRequire(import.meta.url)('typescript'));
