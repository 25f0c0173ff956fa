import type * as TS from 'typescript';
import { type JSONSchema, type TSESLint } from '@typescript-eslint/utils';
import { describeOrigin, enabledThreatModels, getTaintEngine, injectionPolicy, shorten, taintOptionsSchema, threatModelsSchema, type Finding, type TaintEngine, type TaintOptions } from '../taint/index.js';
import type { Sink } from '../logging/sinks.js';
import { fieldsPosition } from '../logging/style.js';
import { skipOuter } from '../util/syntax.js';
import { createRule, DOCS_BASE_URL } from '../util/create-rule.js';
import { reportMissingTypeInformation } from '../program/missing-type-information.js';
import { typedServices } from '../program/typed-services.js';
import { ts } from '../program/typescript.js';

export type Options = [Pick<TaintOptions, 'sources' | 'sinks' | 'sanitizers' | 'entries' | 'mlxPackages' | 'crossFileDepth' | 'threatModels' | 'modelOutput'>];
export type MessageId = 'interpolated' | 'concatenated' | 'formatted' | 'untrustedMessage' | 'moveToField' | 'missingTypeInformation';

const ADVICE = 'a line break in it can forge log entries: pass it as a structured field, or sanitize it';

/** What untrusted text is, in a report's words. */
const WORDS = { 'request-data': 'request data', 'user-input': 'input', 'model-output': 'model output' } as const;

export default createRule<Options, MessageId>({
  name: 'no-log-injection',
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow untrusted text in log message strings',
      requiresTypeChecking: true,
      recommended: 'recommended',
    },
    hasSuggestions: true,
    messages: {
      interpolated: `Untrusted {{source}} is interpolated into the message of \`{{sink}}\`{{through}}; ${ADVICE}.`,
      concatenated: `Untrusted {{source}} is concatenated into the message of \`{{sink}}\`{{through}}; ${ADVICE}.`,
      formatted: `Untrusted {{source}} is formatted into the message of \`{{sink}}\`{{through}}; ${ADVICE}.`,
      untrustedMessage: `The message of \`{{sink}}\`{{through}} is untrusted {{source}}; ${ADVICE}.`,
      moveToField: 'Move {{fields}} into a structured field.',
      missingTypeInformation: `no-log-injection needs type information to follow untrusted text: enable typed linting (parserOptions.projectService). See ${DOCS_BASE_URL}/no-log-injection.md.`,
    },
    defaultOptions: [{}],
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        // The shared schema is plain JSON schema; ESLint's type is a stricter union of the same.
        properties: {
          sources: { ...taintOptionsSchema.sources, description: 'Calls whose results are untrusted text.' },
          sinks: taintOptionsSchema.sinks,
          sanitizers: { ...taintOptionsSchema.sanitizers, description: 'Calls whose results are safe in a log message.' },
          entries: taintOptionsSchema.entries,
          mlxPackages: taintOptionsSchema.mlxPackages,
          crossFileDepth: taintOptionsSchema.crossFileDepth,
          threatModels: threatModelsSchema,
          modelOutput: { type: 'boolean', description: "Deprecated: the same as 'model-output' in threatModels, still accepted (both are read)." },
        } as Record<string, JSONSchema.JSONSchema4>,
      },
    ],
  },
  create(context, [options]) {
    const services = typedServices(context);
    if (services === undefined) return reportMissingTypeInformation(context);
    const program = services.program;
    const engine = getTaintEngine(ts, program, options, injectionPolicy(enabledThreatModels(options)));
    return {
      Program(node) {
        const sourceFile = services.esTreeNodeToTSNodeMap.get(node);
        // One report per log call: its first untrusted part.
        const byCall = new Map<TS.Node, Finding>();
        for (const finding of engine.findingsOf(sourceFile)) {
          const seen = byCall.get(finding.call);
          if (seen === undefined || finding.argument.getStart() < seen.argument.getStart()) byCall.set(finding.call, finding);
        }
        for (const finding of byCall.values()) report(finding, sourceFile.fileName);
      },
    };

    function report(finding: Finding, fileName: string): void {
      const { label } = finding;
      if (label.kind !== 'request-data' && label.kind !== 'user-input' && label.kind !== 'model-output') return;
      const suggestion = fieldSuggestion(engine, finding);
      context.report({
        loc: {
          start: context.sourceCode.getLocFromIndex(finding.call.getStart()),
          end: context.sourceCode.getLocFromIndex(finding.call.getEnd()),
        },
        messageId: messageIdOf(finding),
        data: {
          source: `${WORDS[label.kind]} (${describeOrigin(label, fileName)})`,
          sink: finding.sink,
          through: finding.through === undefined ? '' : `, which logs it with \`${finding.through}\``,
        },
        ...(suggestion === undefined ? {} : { suggest: [suggestion] }),
      });
    }
  },
});

function messageIdOf(finding: Finding): MessageId {
  if (finding.position === 'format-argument') return 'formatted';
  const argument = skipOuter(ts, finding.argument);
  if (ts.isTemplateExpression(argument)) return 'interpolated';
  if (ts.isBinaryExpression(argument) && argument.operatorToken.kind === ts.SyntaxKind.PlusToken) return 'concatenated';
  return 'untrustedMessage';
}

/** A piece of a message: literal text, or an expression written into it. */
type Piece = { readonly text: string } | { readonly node: TS.Expression };

/**
 * `logger.info(`user ${name} signed in`)` → `logger.info({ name }, 'user signed in')`: the
 * untrusted parts of a template or concatenation become fields, the rest stays the message.
 * Offered where the logger's fields are unambiguous: pino and bunyan's first object, winston's
 * metadata after the message, and an object after the message for `util.format` loggers, whose
 * inspection escapes strings.
 */
function fieldSuggestion(engine: TaintEngine, finding: Finding): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
  if (finding.through !== undefined || finding.position !== 'message' || !ts.isCallExpression(finding.call)) return undefined;
  const call = finding.call;
  const message = finding.argument;
  const index = call.arguments.indexOf(message);
  if (index < 0) return undefined;
  const pieces = piecesOf(message);
  if (pieces === undefined) return undefined;
  const tainted = pieces.filter((piece): piece is { node: TS.Expression } => 'node' in piece && engine.isTaintedTextPart(piece.node));
  if (tainted.length === 0) return undefined;
  const sink = engine.sinkOf(call);
  if (sink === undefined) return undefined;
  const kept = pieces.filter((piece) => !('node' in piece) || !tainted.includes(piece));
  const text = messageText(kept);
  // Nothing of the message would be left: there is no wording to keep.
  if (/^['`]['`]$/.test(text)) return undefined;
  const fields = fieldsOf(tainted.map((piece) => piece.node));
  const edit = fieldEdit(sink, call, index, fields);
  if (edit === undefined) return undefined;
  const sourceFile = call.getSourceFile();
  return {
    messageId: 'moveToField',
    data: { fields: tainted.map((piece) => `\`${shorten(piece.node.getText(sourceFile))}\``).join(', ') },
    fix: (fixer) => [fixer.replaceTextRange([message.getStart(), message.getEnd()], text), ...edit(fixer)],
  };
}

/** The pieces of a template literal or a `+` chain of strings. */
function piecesOf(expression: TS.Expression): Piece[] | undefined {
  const node = skipOuter(ts, expression);
  if (ts.isTemplateExpression(node)) {
    const pieces: Piece[] = [{ text: node.head.text }];
    for (const span of node.templateSpans) pieces.push({ node: span.expression }, { text: span.literal.text });
    return pieces;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = piecesOf(node.left);
    if (left === undefined) return undefined;
    const right = skipOuter(ts, node.right);
    return [...left, ...(ts.isStringLiteralLike(right) ? [{ text: right.text }] : [{ node: node.right }])];
  }
  if (ts.isStringLiteralLike(node)) return [{ text: node.text }];
  return [{ node: expression }];
}

/** The message without the moved parts: a string literal, or a template when other expressions stay. */
function messageText(pieces: readonly Piece[]): string {
  const template = pieces.some((piece) => 'node' in piece);
  let text = '';
  for (const piece of pieces) {
    if ('node' in piece) text += `\${${piece.node.getText()}}`;
    else text += template ? piece.text.replace(/[`\\]|\$\{/g, (match) => `\\${match}`) : piece.text;
  }
  // The words that introduced a moved value lose it: `for user: ` → `for user`.
  text = text.replace(/\s{2,}/g, ' ').replace(/\s+([,.;!?])/g, '$1').replace(/[\s:=,-]+$/, '').trim();
  return template ? `\`${text}\`` : `'${text.replace(/[\\']/g, (match) => `\\${match}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

interface Field {
  readonly key: string;
  /** `{ name }` or `name: req.query.name`. */
  readonly text: string;
}

function fieldsOf(nodes: readonly TS.Expression[]): Field[] {
  const used = new Set<string>();
  return nodes.map((node) => {
    const base = fieldName(node);
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}${String(n)}`;
    used.add(key);
    const valueText = node.getText();
    return { key, text: valueText === key ? key : `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}: ${valueText}` };
  });
}

/** A field name from the expression: `req.query.name` → `name`, `req.get('user-agent')` → `userAgent`. */
function fieldName(expression: TS.Expression): string {
  const node = skipOuter(ts, expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node)) return ts.isStringLiteralLike(node.argumentExpression) ? camelCase(node.argumentExpression.text) : fieldName(node.expression);
  if (ts.isCallExpression(node)) {
    // `req.get('user-agent')` names it; `String(q)` and `line.trim()` are their operand.
    const [first] = node.arguments;
    if (first !== undefined && ts.isStringLiteralLike(first)) return camelCase(first.text);
    const callee = skipOuter(ts, node.expression);
    if (ts.isPropertyAccessExpression(callee)) return fieldName(callee.expression);
    if (first !== undefined && !ts.isSpreadElement(first)) return fieldName(first);
  }
  return 'value';
}

function camelCase(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const name = words.map((word, index) => (index === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())).join('');
  return /^[A-Za-z_$]/.test(name) ? name : 'value';
}

type Edit = (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];

/** Where the fields go for this logger (logging/style.ts says where its fields are), or undefined when that is not clear-cut. */
function fieldEdit(sink: Sink, call: TS.CallExpression, messageIndex: number, fields: readonly Field[]): Edit | undefined {
  const args = call.arguments;
  const message = args[messageIndex];
  if (message === undefined) return undefined;
  const object = `{ ${fields.map((field) => field.text).join(', ')} }`;
  switch (fieldsPosition(sink.style)) {
    case 'before-message': {
      const before = messageIndex > 0 ? objectLiteral(args[messageIndex - 1]) : undefined;
      if (before !== undefined) return (fixer) => [addProperties(fixer, before, fields)];
      return messageIndex === sink.firstLogged ? (fixer) => [fixer.insertTextBeforeRange([message.getStart(), message.getStart()], `${object}, `)] : undefined;
    }
    case 'after-message': {
      // Any argument after the message would be taken for a placeholder's or metadata's.
      if (messageIndex === args.length - 1) return (fixer) => [fixer.insertTextAfterRange([message.getEnd(), message.getEnd()], `, ${object}`)];
      const after = objectLiteral(args[messageIndex + 1]);
      // Only metadata objects merge (winston's): under `util.format` a second object is another argument.
      if (sink.style === 'fields-after' && after !== undefined && messageIndex + 1 === args.length - 1) return (fixer) => [addProperties(fixer, after, fields)];
      return undefined;
    }
    case undefined:
      return undefined;
  }
}

function objectLiteral(node: TS.Expression | undefined): TS.ObjectLiteralExpression | undefined {
  const inner = node === undefined ? undefined : skipOuter(ts, node);
  return inner !== undefined && ts.isObjectLiteralExpression(inner) ? inner : undefined;
}

function addProperties(fixer: TSESLint.RuleFixer, object: TS.ObjectLiteralExpression, fields: readonly Field[]): TSESLint.RuleFix {
  const added = fields.map((field) => field.text).join(', ');
  const last = object.properties.at(-1);
  if (last === undefined) return fixer.replaceTextRange([object.getStart(), object.getEnd()], `{ ${added} }`);
  return fixer.insertTextAfterRange([last.getEnd(), last.getEnd()], `, ${added}`);
}
