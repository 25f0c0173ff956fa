import type { FunctionSpecifier } from '../program/specifiers.js';

/**
 * The runtime's audit helper, `auditEvent(action, fields)`: an event for
 * require-mlx-event-logging whatever else is configured. Known by its catalogue-style specifier,
 * never by loading the runtime.
 */
export const RUNTIME_EVENT_CALLS: readonly FunctionSpecifier[] = [{ module: '@mlx-audit/runtime', name: 'auditEvent' }];

/**
 * How many calls deep a function of the program is followed to find that it logs (or throws, or
 * runs an MLX call): one depth for every "does this code log" question of every rule.
 */
export const HELPER_DEPTH = 4;
