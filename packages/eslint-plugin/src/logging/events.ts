import type { FunctionSpecifier } from '../program/specifiers.js';

/**
 * The runtime's audit helper, `auditEvent(action, fields)`: a log call for every rule whatever
 * else is configured (an event for require-mlx-event-logging, logging for no-silent-mlx-catch);
 * it redacts what it records, so the taint rules report nothing that reaches it. Known by its
 * specifier, never by loading the runtime.
 */
export const RUNTIME_EVENT_CALLS: readonly FunctionSpecifier[] = [{ module: '@mlx-audit/runtime', name: 'auditEvent' }];

/**
 * How many calls deep a function of the program is followed to find that it logs (or throws, or
 * runs an MLX call): one depth for every "does this code log" question of every rule.
 */
export const HELPER_DEPTH = 4;
