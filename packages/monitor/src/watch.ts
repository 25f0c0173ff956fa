import { neutralizeEvent, watchTrail, type AuditEvent } from '@mlx-audit/runtime';
import type { Alert } from './alert.js';
import type { Monitor } from './monitor.js';
import type { RuleState } from './rule.js';

// The rules in the process: the runtime hands each batch of the trail to the monitor after its
// sinks have had it (off every call's path), and writes the alerts back into the trail as its own
// records. The same events reach `mlx-audit detect` from the file, so both raise the same alerts.

export interface WatchOptions {
  /** Told of each alert, after the runtime has queued it for the trail. Its errors never reach the runtime. */
  readonly onAlert?: (alert: Alert) => void;
  /** Write the alerts into the trail (records with `event.action: mlx-audit.alert`). Default true. */
  readonly writeAlerts?: boolean;
}

export interface Watching {
  /** The monitor the trail goes through (its rules and their state). */
  readonly monitor: Monitor;
  /** Each rule's state: keys held and evicted. */
  state(): Record<string, RuleState>;
  /** Stops watching; the monitor keeps what it has seen. */
  stop(): void;
}

let warnedOnAlert = false;

/** Runs `monitor` over the trail as the runtime writes it. Watch from the start: rules only know what they have seen. */
export function watchWithMonitor(monitor: Monitor, options: WatchOptions = {}): Watching {
  const { onAlert, writeAlerts = true } = options;
  if (onAlert !== undefined && typeof onAlert !== 'function') throw new TypeError('onAlert must be a function');
  const stop = watchTrail((events) => {
    let raised: Alert[] | undefined;
    // The runtime's events as made: absent fields may be `undefined`, which every rule reads as
    // absent (fields.ts), so they go to the rules as they are, with no copy per event.
    for (const event of events as readonly AuditEvent[]) {
      const alerts = monitor.push(event);
      if (alerts.length > 0) (raised ??= []).push(...alerts);
    }
    if (raised === undefined) return undefined;
    // An alert quotes the events' strings (a file path), which are not yet neutralised: onAlert
    // gets them as a function sink gets an event (control and format characters written out as
    // \uXXXX), the trail gets them as they are, and its sinks neutralise them as they write, so
    // that the rules over the written trail raise these very alerts.
    if (onAlert !== undefined) for (const alert of raised) tell(onAlert, neutralizeEvent(alert) as Alert);
    return writeAlerts ? raised : undefined;
  });
  return { monitor, state: () => monitor.state(), stop };
}

function tell(onAlert: (alert: Alert) => void, alert: Alert): void {
  try {
    onAlert(alert);
  } catch (error) {
    // The alert is written all the same; the application's callback must not stop the watching.
    if (warnedOnAlert) return;
    warnedOnAlert = true;
    process.emitWarning(`onAlert threw (${error instanceof Error ? error.message : typeof error}); later errors are not reported`, { code: 'MLX_AUDIT_ON_ALERT' });
  }
}
