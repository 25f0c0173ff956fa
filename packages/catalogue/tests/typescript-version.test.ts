import { describe, expect, it } from 'vitest';
import { unsupportedTypeScript } from '../src/typescript-version.js';

// Issue #13, point 1: TypeScript 7 (no JavaScript compiler API) made the plan crash with
// "ts.getParsedCommandLineOfConfigFile is not a function"; every entry point says it in one line.
describe('the supported TypeScript range', () => {
  it('accepts 5.4 to 6.0', () => {
    for (const version of ['5.4.5', '5.9.3', '6.0.3']) expect(unsupportedTypeScript(version)).toBeUndefined();
  });

  it('names what to install for anything else, in one line', () => {
    for (const version of ['7.0.2', '6.1.0', '5.3.3', '4.9.5', undefined, 42]) {
      const message = unsupportedTypeScript(version);
      expect(message).toMatch(/^TypeScript .* is not supported by mlx-audit, which needs >=5\.4 <6\.1 .*: install typescript@~6\.0$/);
      expect(message).not.toContain('\n');
    }
  });
});
