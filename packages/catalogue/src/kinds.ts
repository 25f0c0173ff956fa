/**
 * What an MLX binding does, from the point of view of an audit: whether it reads a model from
 * somewhere, runs a request through it, turns tensor contents into JavaScript values, or only
 * reads metadata that is safe to log.
 */
export const BINDING_KINDS = {
  'model-load': 'Reads tensors or a model’s weights from a file or a weight list.',
  'model-save': 'Writes tensors or a model’s weights to a file.',
  inference: 'Runs a model’s forward pass on inputs (`Module#forward` called outside any `nn.Module` subclass).',
  'layer-composition':
    'A `forward` call written inside an `nn.Module` subclass: one layer of a model calling another, not a request. Assigned at the call site, never by an entry.',
  evaluation: 'Forces MLX’s lazy computation to run (`eval`, `asyncEval`).',
  transform: 'Wraps a function into a compiled, differentiated or vectorised one (`compile`, `grad`, `valueAndGrad`, `vmap`…).',
  'training-update': 'Changes model parameters or optimizer state from gradients (optimizers).',
  'tensor-creation': 'Makes a new tensor from JavaScript data, a shape, a range or a random generator.',
  'tensor-operation': 'Computes tensors from tensors; lazy, so it builds the graph without running it.',
  'data-extraction': 'Turns tensor contents into JavaScript values (`tolist`, `item`, `toString`); forces computation.',
  metadata: 'Reads shapes, dtypes, sizes or hyper-parameters: never tensor contents, safe to log.',
  'module-construction': 'Constructs an `nn` layer, a model, or an optimizer.',
  'module-state': 'Reads or changes a module’s parameters, children or mode (`parameters`, `update`, `freeze`, `train`…).',
  'runtime-config': 'Device, stream, memory and global switches (compile on/off, the random seed).',
  constant: 'A constant value exported by MLX: a dtype, a device type, a number.',
  utility: 'A helper that touches neither tensor contents nor models (tree helpers, type guards, name conversion).',
} as const satisfies Record<string, string>;

export type BindingKind = keyof typeof BINDING_KINDS;

/** Kinds an entry may declare; `layer-composition` only arises from where `forward` is called. */
export type EntryKind = Exclude<BindingKind, 'layer-composition'>;

export const ENTRY_KINDS = (Object.keys(BINDING_KINDS) as BindingKind[]).filter(
  (kind): kind is EntryKind => kind !== 'layer-composition',
);

/**
 * The role an argument plays in a binding call. The lint rules use it to decide what becomes a
 * model input; the transformer uses it to decide how the argument is summarised in an event.
 */
export const ARGUMENT_ROLES = {
  tensor: 'Tensor data: an `array`, a `ScalarOrArray`, or nested JavaScript numbers that become one.',
  weights: 'Named tensors: a weight map or a list of `[name, array]` pairs.',
  'path-or-weights': 'Either a file path or named tensors (`Module#loadWeights`).',
  path: 'A file-system path.',
  text: 'A free-text string (a prompt, a user input): never logged as is.',
  shape: 'A shape or a size: numbers that describe tensor dimensions.',
  axis: 'An axis or a list of axes.',
  dtype: 'A data type.',
  stream: 'A stream or a device.',
  callback: 'A function MLX calls or transforms.',
  module: 'An `nn.Module` instance.',
  option: 'A number, boolean or string that configures the call (a hyper-parameter, a flag, a mode).',
  other: 'Anything else (objects, metadata maps, indices).',
} as const satisfies Record<string, string>;

export type ArgumentRole = keyof typeof ARGUMENT_ROLES;

/**
 * What a kind means to each part of mlx-audit, in one table: every package reads its decisions
 * about a kind from here (the runtime, which imports no workspace package, is held to it by a test).
 */
export interface KindTraits {
  /**
   * What the result of a call carries, for the lint rules' data flow: nothing worth keeping out of
   * logs (`clean`), a model's output, tensor contents as JavaScript values (`raw-data`), or
   * whatever its receiver and arguments carried (`derived`).
   */
  readonly result: 'clean' | 'model-output' | 'raw-data' | 'derived';
  /** A forward pass: an inference, or one layer calling another; training when differentiated. */
  readonly forwardPass: boolean;
  /**
   * Whether `require-mlx-event-logging` asks for an audit event around a call: by default, only
   * when configured (its `kinds` option), or never.
   */
  readonly eventTrigger: 'default' | 'optional' | 'never';
  /** What the transformer instruments by default: an event per call, errors only, or nothing. */
  readonly defaultMode: 'event' | 'errors' | 'off';
  /** Every call is an audit record the runtime keeps even when its buffer is full. */
  readonly auditRecord: boolean;
}

const trait = (
  result: KindTraits['result'],
  defaultMode: KindTraits['defaultMode'],
  more: Partial<Pick<KindTraits, 'forwardPass' | 'eventTrigger' | 'auditRecord'>> = {},
): KindTraits => ({ result, defaultMode, forwardPass: false, eventTrigger: 'never', auditRecord: false, ...more });

export const KIND_TRAITS: Readonly<Record<BindingKind, KindTraits>> = {
  'model-load': trait('derived', 'event', { eventTrigger: 'default', auditRecord: true }),
  'model-save': trait('clean', 'event', { eventTrigger: 'optional', auditRecord: true }),
  inference: trait('model-output', 'event', { forwardPass: true, eventTrigger: 'default' }),
  'layer-composition': trait('model-output', 'errors', { forwardPass: true }),
  evaluation: trait('derived', 'event', { eventTrigger: 'optional' }),
  transform: trait('derived', 'event'),
  'training-update': trait('derived', 'errors'),
  'tensor-creation': trait('derived', 'errors'),
  'tensor-operation': trait('derived', 'errors'),
  'data-extraction': trait('raw-data', 'event'),
  metadata: trait('clean', 'off'),
  'module-construction': trait('derived', 'errors'),
  'module-state': trait('derived', 'errors'),
  'runtime-config': trait('clean', 'errors'),
  constant: trait('clean', 'off'),
  utility: trait('clean', 'off'),
};
