import { types } from 'node:util';
import type { Sealing } from './file-trail.js';

// How configure() and the exit hooks reach a file sink's trail: through a symbol only the
// runtime's own sinks carry, so a sink that is application code (a Proxy included) is never
// asked, and nothing of it becomes public API.

export const TRAIL_CONTROL: unique symbol = Symbol('mlx-audit.trail-control');

export interface TrailControl {
  /** Seals with this key from now on (what is unsealed is first sealed with the previous one); undefined stops sealing. */
  setSealing(sealing: Sealing | undefined): void;
  /** The process stops: seal what is unsealed, and every later batch. Never throws. */
  finish(): void;
}

export interface TrailedSink {
  readonly [TRAIL_CONTROL]: TrailControl;
}

/** The trail control of one of the runtime's file sinks, or undefined for any other sink. */
export function trailControlOf(sink: unknown): TrailControl | undefined {
  if (typeof sink !== 'object' || sink === null || types.isProxy(sink)) return undefined;
  try {
    return (sink as Partial<TrailedSink>)[TRAIL_CONTROL];
  } catch {
    // A getter of the application's: not one of ours.
    return undefined;
  }
}
