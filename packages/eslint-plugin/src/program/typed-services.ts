import type { ParserServicesWithTypeInformation, TSESLint } from '@typescript-eslint/utils';

/**
 * The parser services of typed linting, or undefined without them: a file outside every project,
 * or one parsed by another parser (a preset spread over `eslint.config.js` reaches JavaScript
 * parsed by espree). `ESLintUtils.getParserServices` throws there, which stops ESLint as a whole;
 * the rules report that they need type information instead.
 */
export function typedServices(context: Readonly<TSESLint.RuleContext<string, readonly unknown[]>>): ParserServicesWithTypeInformation | undefined {
  const services = context.sourceCode.parserServices;
  if (services?.program == null || services.esTreeNodeToTSNodeMap === undefined) return undefined;
  return services as ParserServicesWithTypeInformation;
}
