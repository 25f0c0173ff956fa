import { FORWARD_PASS_KINDS } from './catalogue-tables.js';
import type { AuditCallContext, Site } from './contract.js';

/**
 * How many calls of functions that a gradient transform returned are running (see `training`):
 * MLX's transformed functions are synchronous, so this is the depth of such calls on the stack.
 */
let trainingDepth = 0;

/**
 * `run()`, counted as a training scope while it runs (see `INSTRUMENT_FUNCTIONS.training`): a
 * forward pass recorded meanwhile is a training step. The count is restored however `run` ends,
 * so a throw inside the transformed function leaves no scope open.
 */
export function training<Result>(run: () => Result): Result {
  trainingDepth++;
  try {
    return run();
  } finally {
    trainingDepth--;
  }
}

/**
 * The context of one instrumented call. A class so every context has the same shape (one hidden
 * class for V8) and so the runtime's subscribers can tell its own contexts from anything else
 * published on a channel of the same name.
 */
export class CallContext implements AuditCallContext {
  result: unknown = undefined;
  error: unknown = undefined;
  failed = false;
  asynchronous = false;
  readonly startTime: number;
  readonly phase: 'training' | undefined;

  constructor(
    readonly site: Site,
    readonly self: unknown,
    readonly args: readonly unknown[],
    // Given when the call started before its context was needed (errors mode makes one late).
    startTime: number = performance.now(),
  ) {
    this.startTime = startTime;
    // Decided now, while the call runs: recording may come later (a promise's settlement, a batch).
    // Outside a training scope, one integer read.
    this.phase = site.phase ?? (trainingDepth > 0 && FORWARD_PASS_KINDS.has(site.kind) ? 'training' : undefined);
  }
}
