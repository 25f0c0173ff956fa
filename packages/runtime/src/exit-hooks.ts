let installed = false;
let flushOnExit: () => void = () => undefined;

/**
 * Flushes the buffer whenever the process is about to end, so the tail of the log survives:
 *
 * - `beforeExit` (the loop ran dry) and `exit` (also after `process.exit()`): drain synchronously;
 * - `uncaughtExceptionMonitor`: flush before Node prints the error and exits; a monitor, unlike an
 *   `uncaughtException` listener, leaves Node's default behaviour in place;
 * - SIGINT and SIGTERM, only where the application has no handler of its own (see `onSignal`).
 *
 * SIGKILL, a native crash or an abort lose what is still buffered; the drain runs on the next
 * turn of the event loop, so that is at most one turn's events.
 */
export function installExitHooks(flush: () => void): void {
  flushOnExit = flush;
  if (installed) return;
  installed = true;
  process.on('beforeExit', () => {
    flushOnExit();
  });
  process.on('exit', () => {
    flushOnExit();
  });
  process.on('uncaughtExceptionMonitor', () => {
    flushOnExit();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    if (process.listenerCount(signal) === 0) process.on(signal, onSignal);
  }
}

/**
 * Listening to a signal replaces Node's default (terminate), so after flushing, re-raise it with
 * the default restored: the process dies of the signal, as it would have without the runtime.
 * If the application added its own handler since, the signal is the application's business and
 * the runtime only flushes.
 */
function onSignal(signal: NodeJS.Signals): void {
  flushOnExit();
  if (process.listenerCount(signal) > 1) return;
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}
