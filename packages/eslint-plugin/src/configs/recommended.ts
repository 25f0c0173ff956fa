// THIS CODE WAS AUTOMATICALLY GENERATED from rule meta by `pnpm generate`: DO NOT EDIT.

/** The `recommended` preset's rules (typed linting required). */
export const recommendedRules = {
  'mlx-audit/no-log-injection': 'error',
  'mlx-audit/no-silent-mlx-catch': 'error',
  'mlx-audit/no-tainted-log': 'error',
  'mlx-audit/require-mlx-event-logging': 'error',
} as const;
