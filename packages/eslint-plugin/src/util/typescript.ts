import { unsupportedTypeScript } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';

/**
 * The TypeScript module if it has the compiler API the rules use; otherwise one line saying which
 * version to install, thrown when ESLint loads the plugin (TypeScript 7 has no such API).
 */
export function checkedTypeScript(module: unknown): typeof TS {
  const unsupported = unsupportedTypeScript((module as { version?: unknown } | null)?.version);
  if (unsupported === undefined) return module as typeof TS;
  const error = new Error(`mlx-audit: ${unsupported}`);
  // ESLint prints a failing plugin's stack: the line is the whole story, so it is the whole stack.
  error.stack = error.message;
  throw error;
}
