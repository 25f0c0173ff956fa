import type { AuditCallContext, Site } from './contract.js';

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

  constructor(
    readonly site: Site,
    readonly self: unknown,
    readonly args: readonly unknown[],
    // Given when the call started before its context was needed (errors mode makes one late).
    startTime: number = performance.now(),
  ) {
    this.startTime = startTime;
  }
}
