import { KIND_TRAITS, type BindingKind } from '@mlx-audit/catalogue';
import { TSESTree } from '@typescript-eslint/utils';

/** The MLX kinds a caller can ask to be logged: those whose traits make them an event trigger. */
export const TRIGGER_KINDS: readonly BindingKind[] = (Object.keys(KIND_TRAITS) as BindingKind[]).filter((kind) => KIND_TRAITS[kind].eventTrigger !== 'never');

/** The kinds asked for by default. */
export const DEFAULT_TRIGGER_KINDS: readonly BindingKind[] = TRIGGER_KINDS.filter((kind) => KIND_TRAITS[kind].eventTrigger === 'default');

/** How reports and suggested events name a kind of call. */
export interface TriggerWording {
  readonly label: string;
  readonly event: string;
  /** The message of an event logged after the call, and before it. */
  readonly after: string;
  readonly before: string;
}

const WORDING: Partial<Record<BindingKind, TriggerWording>> = {
  'model-load': { label: 'model load', event: 'model.load', after: 'model loaded', before: 'loading model' },
  inference: { label: 'inference', event: 'model.inference', after: 'inference done', before: 'running inference' },
  'model-save': { label: 'model save', event: 'model.save', after: 'model saved', before: 'saving model' },
  evaluation: { label: 'evaluation', event: 'model.evaluation', after: 'evaluation done', before: 'evaluating' },
};

/** The wording of a trigger kind; a kind the catalogue makes a trigger later gets words from its name. */
export function wordingOf(kind: BindingKind): TriggerWording {
  const label = kind.replaceAll('-', ' ');
  return WORDING[kind] ?? { label, event: `model.${kind}`, after: `${label} done`, before: `running ${label}` };
}

/** How reports name the function a code path belongs to. */
export function functionName(node: TSESTree.Node): string {
  const { AST_NODE_TYPES } = TSESTree;
  if (node.type === AST_NODE_TYPES.Program) return 'the module';
  if (node.type === AST_NODE_TYPES.FunctionDeclaration && node.id !== null) return `\`${node.id.name}\``;
  const parent = node.parent;
  if (parent.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return `\`${parent.id.name}\``;
  if ((parent.type === AST_NODE_TYPES.MethodDefinition || parent.type === AST_NODE_TYPES.Property) && parent.key.type === AST_NODE_TYPES.Identifier) return `\`${parent.key.name}\``;
  return 'this function';
}
