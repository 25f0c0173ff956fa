import { describe, expect, it } from 'vitest';
import { checkedTypeScript } from '../src/util/typescript.js';

// Issue #13, point 1: with TypeScript 7 the plugin failed deep inside the rules; it says so when
// ESLint loads it, in one line with what to install.
describe('the TypeScript the plugin loads', () => {
  it('is refused outside 5.4 to 6.0, with one line naming what to install', () => {
    expect(() => checkedTypeScript({ version: '7.0.2' })).toThrow(/^mlx-audit: TypeScript 7\.0\.2 is not supported by mlx-audit, which needs >=5\.4 <6\.1 .*: install typescript@~6\.0$/);
    expect(() => checkedTypeScript(undefined)).toThrow(/install typescript@~6\.0$/);
  });

  it('is refused with an error whose stack is that line, which is what ESLint prints of it', () => {
    let thrown: unknown;
    try {
      checkedTypeScript({ version: '7.0.2' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).stack).toBe((thrown as Error).message);
    expect((thrown as Error).stack).not.toContain('\n');
  });

  it('is the module itself when supported', () => {
    const module = { version: '6.0.3' };
    expect(checkedTypeScript(module)).toBe(module);
  });
});
