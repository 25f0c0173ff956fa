import { createHook, executionAsyncResource } from 'node:async_hooks';
import { constants } from 'node:os';
import { setSynchronousDelivery } from './pipeline.js';

/**
 * The signals whose default is to end the process and that the runtime takes over, to flush
 * before dying of them. Not SIGQUIT: it asks for a core dump, typically of a process stuck in
 * synchronous code, which a JavaScript handler would wait for in vain. Not SIGUSR1: Node starts
 * its inspector on it.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
// Async resources that are microtasks, not work of the event loop: they run without the extra turn too.
const MICROTASK_TYPES = new Set(['PROMISE', 'TickObject', 'Microtask']);

let installed = false;
let flushOnExit: () => void = () => undefined;
/** How the process ends: with an exit code, or of a signal the runtime re-raises. */
export type ProcessEnd = { readonly exitCode: number } | { readonly signal: NodeJS.Signals };
// Called once the process is certain to end (its `exit`, or a signal the runtime re-raises): the
// run's last record, after which nothing is buffered any more.
let stopOnExit: (ending: ProcessEnd) => void = () => undefined;

/**
 * Flushes the buffer whenever the process is about to end, so the tail of the log survives:
 *
 * - `beforeExit` (the loop ran dry), then one more turn of the loop for a signal still unread
 *   (see `onBeforeExit`);
 * - `exit` (also after `process.exit()`), after which records are delivered as they come;
 * - `uncaughtExceptionMonitor`: flush before Node prints the error and exits; a monitor, unlike an
 *   `uncaughtException` listener, leaves Node's default behaviour in place;
 * - SIGINT, SIGTERM and SIGHUP (see `onSignal`).
 *
 * The listeners are prepended: the runtime flushes, and turns synchronous delivery on, before the
 * application's listeners run and record more.
 */
export function installExitHooks(flush: () => void, stop?: (ending: ProcessEnd) => void): void {
  flushOnExit = flush;
  if (stop !== undefined) stopOnExit = stop;
  if (installed) return;
  installed = true;
  process.prependListener('beforeExit', onBeforeExit);
  process.prependListener('exit', onExit);
  process.prependListener('uncaughtExceptionMonitor', () => {
    flushOnExit();
  });
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

/**
 * Listening to a signal replaces Node's default (terminate), so after flushing, re-raise it with
 * the default restored (removing the last listener restores it): `kill` delivers a signal to the
 * calling thread before it returns, so the process dies of it there, as it would have without the
 * runtime. If the application listens too, the signal is its business and the runtime only
 * flushes; the runtime's listener runs first, so an application's `once` listener still counts.
 */
function onSignal(signal: NodeJS.Signals): void {
  flushOnExit();
  if (process.listenerCount(signal) > 1) return;
  stopOnExit({ signal });
  process.removeListener(signal, onSignal);
  try {
    process.kill(process.pid, signal);
  } catch {
    // A platform that cannot send it (Windows has no SIGHUP to raise): the status a shell gives.
    process.exit(128 + constants.signals[signal]);
  }
}

function onExit(code: number): void {
  // The runtime's signal listeners could now only flush, which this does: from here a signal has
  // its default effect, as it would without the runtime.
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  stopWatching();
  // No turn of the loop is left: what the application's exit listeners record is delivered at once.
  setSynchronousDelivery(true);
  flushOnExit();
  stopOnExit({ exitCode: code });
}

// The turn of the loop added after `beforeExit` (see `onBeforeExit`); `watching` while no other
// callback has run since that `beforeExit`.
let extraTurn: NodeJS.Immediate | undefined;
let extraTurnDone = false;
let watching = false;
const microtasks = new Set<number>();
// Resources made since the loop ran dry: the application's new work, whatever `hasRef` says now.
const fresh = new Set<number>();
const watcher = createHook({
  init(asyncId, type) {
    if (MICROTASK_TYPES.has(type)) microtasks.add(asyncId);
    else fresh.add(asyncId);
  },
  before(asyncId) {
    if (microtasks.has(asyncId)) return;
    const resource = executionAsyncResource();
    if (resource === extraTurn || resource instanceof Promise) return;
    // An older unref'd timer or handle that fell due during the extra turn keeps no loop alive.
    if (!fresh.has(asyncId) && isUnref(resource)) return;
    // The loop had work of its own: the next beforeExit is one Node would emit anyway. Stopped at
    // once, so an application that goes on for hours does not run with an async hook.
    stopWatching();
  },
});

/**
 * The loop has run dry. Until it turns again nothing would drain a record, and a scheduled drain
 * would revive the loop and make Node emit `beforeExit` again (for ever, if the application's
 * listener records each time): records are delivered as they come until the next turn.
 *
 * A signal that arrived during the last turn (during a long synchronous call) is still unread:
 * Node reads signals only when the loop polls, and it would not poll again, so the process would
 * end normally, the signal lost. So the runtime adds one turn, whose poll hands the signal to
 * `onSignal`. Without it the loop would have ended here, so when that turn ran alone (an async hook
 * watches for any other callback) and the application has `beforeExit` listeners, the second
 * `beforeExit` ends the process, with `process.exit()`, before they are called again.
 */
function onBeforeExit(): void {
  const extraTurnAlone = extraTurnDone && watching;
  extraTurnDone = false;
  stopWatching();
  if (extraTurnAlone) {
    if (process.listenerCount('beforeExit') > 1) process.exit();
    return;
  }
  setSynchronousDelivery(true);
  flushOnExit();
  if (extraTurn !== undefined) clearImmediate(extraTurn);
  extraTurn = setImmediate(afterExtraTurn);
  if (SIGNALS.some(isOnlyListener)) {
    watching = true;
    watcher.enable();
  } else {
    // No signal of the runtime's to wait for: the turn only ends synchronous delivery, should the
    // application keep the loop going.
    extraTurn.unref();
  }
}

/** Reached only if the turn's poll found no signal for `onSignal`, which would have ended the process. */
function afterExtraTurn(): void {
  extraTurn = undefined;
  extraTurnDone = true;
  setSynchronousDelivery(false);
}

function stopWatching(): void {
  watching = false;
  watcher.disable();
  microtasks.clear();
  fresh.clear();
}

/** Whether `resource` is a timer or handle that does not keep the loop alive; an exception in an async hook would be fatal, so none escapes. */
function isUnref(resource: object): boolean {
  try {
    const { hasRef } = resource as { hasRef?: unknown };
    return typeof hasRef === 'function' && hasRef.call(resource) === false;
  } catch {
    return false;
  }
}

function isOnlyListener(signal: NodeJS.Signals): boolean {
  const listeners = process.listeners(signal);
  return listeners.length === 1 && listeners[0] === onSignal;
}
