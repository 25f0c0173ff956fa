// THIS CODE WAS AUTOMATICALLY GENERATED from rule meta by `pnpm generate`: DO NOT EDIT.

/** The `strict` preset's rules (typed linting required). */
export const strictRules = {
  'mlx-audit/no-log-injection': 'error',
  'mlx-audit/no-silent-mlx-catch': 'error',
  'mlx-audit/no-tainted-log': 'error',
  'mlx-audit/no-verbose-logger-config': 'error',
  'mlx-audit/require-mlx-event-logging': 'error',
} as const;
