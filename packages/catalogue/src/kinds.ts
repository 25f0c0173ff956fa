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
