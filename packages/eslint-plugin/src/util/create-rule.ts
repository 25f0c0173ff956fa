import { ESLintUtils } from '@typescript-eslint/utils';

export interface MlxAuditRuleDocs {
  /** Whether the rule needs typed linting (`parserOptions.projectService`). */
  requiresTypeChecking: boolean;
  /** The least preset the rule is in: `recommended` rules are in `strict` too; every rule is in `all`. */
  recommended?: 'recommended' | 'strict';
}

/** Rule pages live in the repository's `rules-docs/` folder. */
export const DOCS_BASE_URL = 'https://github.com/mlx-audit/mlx-audit/blob/main/rules-docs';

export const createRule = ESLintUtils.RuleCreator<MlxAuditRuleDocs>((name) => `${DOCS_BASE_URL}/${name}.md`);
