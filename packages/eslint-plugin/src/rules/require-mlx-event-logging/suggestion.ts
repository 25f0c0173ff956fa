import { ASTUtils, TSESLint, TSESTree } from '@typescript-eslint/utils';
import type { Sink, SinkStyle } from '../../logging/sinks.js';
import { fieldsPosition, logCallText } from '../../logging/style.js';
import type { TriggerWording } from './triggers.js';

/** A logger variable seen logging in this file (`logger.error(...)`), and how its calls take fields. */
interface LoggerUse {
  readonly variable: TSESLint.Scope.Variable;
  readonly method: string;
  readonly style: SinkStyle;
}

/**
 * The suggested log event for a call without one: written with the best logger visible there
 * (the runtime's `auditEvent` if imported, a logger the file uses, else `console.info`), in that
 * logger's call style (logging/style.ts: the model no-log-injection's fixes use too).
 */
export class EventSuggester {
  private readonly loggers: LoggerUse[] = [];

  constructor(private readonly sourceCode: Readonly<TSESLint.SourceCode>) {}

  /** Notes the logger of a log call of this file (`logger.error(...)`), for the suggestions. */
  noteLogger(node: TSESTree.CallExpression, sink: Sink, hasInfo: boolean): void {
    const callee = node.callee;
    if (callee.type !== TSESTree.AST_NODE_TYPES.MemberExpression || callee.object.type !== TSESTree.AST_NODE_TYPES.Identifier || callee.property.type !== TSESTree.AST_NODE_TYPES.Identifier) return;
    // A logger whose fields have no place a suggestion can rely on (a record, raw text) is not offered.
    if (fieldsPosition(sink.style) === undefined) return;
    const variable = ASTUtils.findVariable(this.sourceCode.getScope(node), callee.object);
    // `console` is the fallback anyway; a variable without a declaration here is a global.
    if (variable === null || variable.defs.length === 0 || this.loggers.some((use) => use.variable === variable)) return;
    this.loggers.push({ variable, method: hasInfo ? 'info' : callee.property.name, style: sink.style });
  }

  suggest<MessageId extends string>(
    call: TSESTree.CallExpression,
    wording: TriggerWording,
    source: string | undefined,
    messageId: MessageId,
  ): TSESLint.SuggestionReportDescriptor<MessageId> | undefined {
    const placement = placementOf(call, this.sourceCode.lines);
    if (placement === undefined) return undefined;
    const outcome = placement.where === 'after' ? 'success' : 'unknown';
    const fields = [...(source === undefined ? [] : [`source: ${source}`]), `outcome: '${outcome}'`].join(', ');
    const logger = this.loggerAt(call);
    // The runtime's events are named by their action; a logger's by a message, the action a field.
    const text =
      logger.style === 'event'
        ? logCallText(logger.style, logger.name, `'${wording.event}'`, `{ ${fields} }`)
        : logCallText(logger.style, logger.name, `'${wording[placement.where]}'`, `{ event: '${wording.event}', ${fields} }`);
    if (text === undefined) return undefined;
    const { statement, indent } = placement;
    return {
      messageId,
      data: { event: wording.event, logger: logger.name, where: placement.where },
      fix: (fixer) => (placement.where === 'after' ? fixer.insertTextAfter(statement, `\n${indent}${text};`) : fixer.insertTextBefore(statement, `${text};\n${indent}`)),
    };
  }

  /** The best logger visible at a node: the runtime's `auditEvent` if imported, a logger the file uses, else `console`. */
  private loggerAt(node: TSESTree.Node): { name: string; style: SinkStyle } {
    const { sourceCode } = this;
    const scope = sourceCode.getScope(node);
    for (const statement of sourceCode.ast.body) {
      if (statement.type !== TSESTree.AST_NODE_TYPES.ImportDeclaration || statement.source.value !== '@mlx-audit/runtime') continue;
      for (const specifier of statement.specifiers) {
        if (specifier.type !== TSESTree.AST_NODE_TYPES.ImportSpecifier) continue;
        const imported = specifier.imported.type === TSESTree.AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
        if (imported !== 'auditEvent') continue;
        const variable = ASTUtils.findVariable(scope, specifier.local.name);
        if (variable?.defs[0]?.node === specifier) return { name: specifier.local.name, style: 'event' };
      }
    }
    for (const use of this.loggers) {
      if (ASTUtils.findVariable(scope, use.variable.name) !== use.variable) continue;
      const definition = use.variable.defs[0]?.name;
      const declaredBefore = definition !== undefined && definition.range[0] < node.range[0];
      if (declaredBefore || use.variable.scope.type === TSESLint.Scope.ScopeType.module || use.variable.scope.type === TSESLint.Scope.ScopeType.global) {
        return { name: `${use.variable.name}.${use.method}`, style: use.style };
      }
    }
    return { name: 'console.info', style: 'format' };
  }
}

/** Where a suggested log call goes: after the statement that makes the call, or before a `return`/`throw`. */
export function placementOf(call: TSESTree.CallExpression, lines: readonly string[]): { statement: TSESTree.Node; where: 'after' | 'before'; indent: string } | undefined {
  const { AST_NODE_TYPES } = TSESTree;
  let node: TSESTree.Node = call;
  for (;;) {
    const parent: TSESTree.Node = node.parent;
    // Under a condition the call may not run: an unconditional "done" event would be wrong.
    if (parent.type === AST_NODE_TYPES.ConditionalExpression && parent.test !== node) return undefined;
    if (parent.type === AST_NODE_TYPES.LogicalExpression && parent.right === node) return undefined;
    if (parent.type === AST_NODE_TYPES.ChainExpression || isFunction(parent)) return undefined;
    if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.Program || parent.type === AST_NODE_TYPES.StaticBlock || parent.type === AST_NODE_TYPES.SwitchCase) {
      if (parent.type === AST_NODE_TYPES.SwitchCase && parent.test === node) return undefined;
      break;
    }
    node = parent;
  }
  if (!node.type.endsWith('Statement') && !node.type.endsWith('Declaration')) return undefined;
  const where = node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement ? 'before' : 'after';
  const indent = /^\s*/.exec(lines[node.loc.start.line - 1] ?? '')?.[0] ?? '';
  return { statement: node, where, indent };
}

function isFunction(node: TSESTree.Node): boolean {
  return node.type === TSESTree.AST_NODE_TYPES.FunctionDeclaration || node.type === TSESTree.AST_NODE_TYPES.FunctionExpression || node.type === TSESTree.AST_NODE_TYPES.ArrowFunctionExpression;
}

/** A name, a property chain or a literal: repeating it in the log call evaluates nothing twice. */
export function isSideEffectFree(node: TSESTree.Node): boolean {
  switch (node.type) {
    case TSESTree.AST_NODE_TYPES.Identifier:
    case TSESTree.AST_NODE_TYPES.Literal:
    case TSESTree.AST_NODE_TYPES.ThisExpression:
      return true;
    case TSESTree.AST_NODE_TYPES.MemberExpression:
      return !node.computed && isSideEffectFree(node.object);
    case TSESTree.AST_NODE_TYPES.TemplateLiteral:
      return node.expressions.every(isSideEffectFree);
    default:
      return false;
  }
}
