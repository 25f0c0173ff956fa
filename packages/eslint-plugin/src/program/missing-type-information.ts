import type { TSESLint } from '@typescript-eslint/utils';

/**
 * The listener of a typed rule linting without type information: one report that says so,
 * instead of a crash or silence.
 */
export function reportMissingTypeInformation<MessageId extends string>(
  context: Readonly<TSESLint.RuleContext<MessageId | 'missingTypeInformation', readonly unknown[]>>,
): TSESLint.RuleListener {
  return {
    Program(node) {
      context.report({ node, messageId: 'missingTypeInformation' });
    },
  };
}
