import type * as TS from 'typescript';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { describeOrigin, getTaintEngine, shorten, taintOptionsSchema, type Finding, type SourceKind, type TaintOptions } from '../taint/index.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { reportMissingTypeInformation } from '../program/missing-type-information.js';
import { typedServices } from '../program/typed-services.js';
import { ts } from '../program/typescript.js';

export type Options = [
  TaintOptions & {
    /** Report aggregate metrics (a loss, an accuracy over a batch) reaching a log, which are not by default. */
    readonly reportMetrics?: boolean;
  },
];

const MESSAGE_BY_KIND = {
  secret: 'secretReachesLog',
  'model-output': 'modelOutputReachesLog',
  'model-input': 'modelInputReachesLog',
  'request-data': 'requestDataReachesLog',
  'raw-data': 'rawDataReachesLog',
  tensor: 'tensorReachesLog',
  metric: 'metricReachesLog',
} as const satisfies Record<LeakKind, string>;

/** The kinds the leak policy labels (untrusted input is log injection's). */
type LeakKind = Exclude<SourceKind, 'user-input'>;

export type MessageId = (typeof MESSAGE_BY_KIND)[LeakKind] | 'missingTypeInformation' | 'logTensorSummary';

const REACHES = '{{value}}{{origin}} reaches `{{sink}}`{{through}}.';

export default createRule<Options, MessageId>({
  name: 'no-tainted-log',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow tensors, model inputs and outputs, request data and secrets reaching log calls',
      requiresTypeChecking: true,
      recommended: 'recommended',
    },
    hasSuggestions: true,
    messages: {
      secretReachesLog: `Secret ${REACHES}`,
      modelOutputReachesLog: `Model output ${REACHES}`,
      modelInputReachesLog: `Model input ${REACHES}`,
      requestDataReachesLog: `Request data ${REACHES}`,
      rawDataReachesLog: `Raw tensor data ${REACHES}`,
      tensorReachesLog: `Tensor ${REACHES}`,
      metricReachesLog: `Metric ${REACHES}`,
      logTensorSummary: 'Log the tensor’s shape and dtype instead of its contents.',
      missingTypeInformation: `no-tainted-log needs type information to follow values: enable typed linting (parserOptions.projectService). See ${DOCS_BASE_URL}/no-tainted-log.md.`,
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        // The shared schema is plain JSON schema; ESLint's type is a stricter union of the same.
        properties: {
          ...taintOptionsSchema,
          reportMetrics: {
            type: 'boolean',
            description: 'Report aggregate metrics (a loss, the value of valueAndGrad, an accuracy over a batch) reaching a log; by default they are not data.',
          },
        },
      },
    ],
  },
  create(context, [options]) {
    const services = typedServices(context);
    if (services === undefined) return reportMissingTypeInformation(context);
    const engine = getTaintEngine(ts, services.program, options);
    const isTensor = (type: TS.Type): boolean => engine.matcher.mlxIdOfType(type) === 'core.array';
    return {
      Program(node) {
        const sourceFile = services.esTreeNodeToTSNodeMap.get(node);
        for (const finding of engine.findingsOf(sourceFile)) report(finding, sourceFile.fileName);
      },
    };

    function report(finding: Finding, fileName: string): void {
      const { label } = finding;
      if (label.kind === 'user-input') return;
      // A loss or an accuracy over a batch is a number about the model, not anyone's data.
      if (label.kind === 'metric' && options.reportMetrics !== true) return;
      const argumentText = shorten(finding.argument.getText());
      const fromText = describeOrigin(label, fileName);
      const named = argumentText === label.what || argumentText.startsWith(`${label.what}(`);
      const origin = named ? '' : ` (from ${fromText})`;
      const suggestion = tensorSummarySuggestion(finding);
      context.report({
        loc: locOf(finding.argument),
        messageId: MESSAGE_BY_KIND[label.kind],
        data: {
          value: `\`${argumentText}\``,
          origin,
          sink: finding.sink,
          through: finding.through === undefined ? '' : `, which logs it with \`${finding.through}\``,
        },
        ...(suggestion === undefined ? {} : { suggest: [suggestion] }),
      });
    }

    function locOf(node: TS.Node): TSESTree.SourceLocation {
      return {
        start: context.sourceCode.getLocFromIndex(node.getStart()),
        end: context.sourceCode.getLocFromIndex(node.getEnd()),
      };
    }

    /** A tensor logged as such is replaced by its summary: shape and dtype, never contents. */
    function tensorSummarySuggestion(finding: Finding): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
      if (finding.label.kind !== 'tensor' && finding.label.kind !== 'model-output' && finding.label.kind !== 'model-input') return undefined;
      const argument = finding.argument;
      if (!isTensor(engine.checker.getTypeAtLocation(argument))) return undefined;
      const text = argument.getText();
      const operand = ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument) ? text : `(${text})`;
      return {
        messageId: 'logTensorSummary',
        fix: (fixer) => fixer.replaceTextRange([argument.getStart(), argument.getEnd()], `{ shape: ${operand}.shape, dtype: String(${operand}.dtype) }`),
      };
    }
  },
});

