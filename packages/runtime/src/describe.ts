import { types } from 'node:util';

// Reading the application's objects without running their code: no getter, no Proxy trap, no
// `toString`. Everything here goes through property descriptors and Node's type checks, and
// stops at a Proxy (whose every operation is a trap) rather than looking through it.

const MAX_NAME_LENGTH = 128;
// Prototype chains are short; a cycle is impossible, but a pathological depth is not.
const MAX_CHAIN = 64;

/**
 * The class name of a value: the first data `constructor` up its prototype chain (Node's system
 * errors define it as a getter on their own prototype, so the walk goes past accessors), `Proxy`
 * for a Proxy, `Object` when there is none.
 */
export function constructorName(value: object): string {
  try {
    if (types.isProxy(value)) return 'Proxy';
    let prototype: unknown = Object.getPrototypeOf(value);
    for (let depth = 0; isObjectLike(prototype) && depth < MAX_CHAIN; depth++) {
      if (types.isProxy(prototype)) return 'Object';
      const constructor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
      if (typeof constructor === 'function') {
        if (types.isProxy(constructor)) return 'Object';
        const name: unknown = Object.getOwnPropertyDescriptor(constructor, 'name')?.value;
        return typeof name === 'string' && name !== '' ? name.slice(0, MAX_NAME_LENGTH) : 'anonymous';
      }
      prototype = Object.getPrototypeOf(prototype);
    }
    return 'Object';
  } catch {
    return 'unknown';
  }
}

/**
 * `value instanceof C` for `prototype === C.prototype`, without running a trap: `instanceof`
 * asks every Proxy up the chain for its prototype (and `Symbol.hasInstance` of the class).
 * `value` itself must not be a Proxy.
 */
export function inheritsFrom(value: object, prototype: object): boolean {
  let current: unknown = Object.getPrototypeOf(value);
  for (let depth = 0; isObjectLike(current) && depth < MAX_CHAIN; depth++) {
    if (current === prototype) return true;
    if (types.isProxy(current)) return false;
    current = Object.getPrototypeOf(current);
  }
  return false;
}

/** An own data property, never a getter's result; undefined for an accessor or a Proxy. */
export function ownData(value: object, key: PropertyKey): unknown {
  try {
    if (types.isProxy(value)) return undefined;
    return Object.getOwnPropertyDescriptor(value, key)?.value;
  } catch {
    return undefined;
  }
}

/** A data property found up the prototype chain, never a getter's result (nor a trap's). */
export function inheritedData(value: object, key: PropertyKey): unknown {
  try {
    let current: unknown = value;
    for (let depth = 0; isObjectLike(current) && depth < MAX_CHAIN; depth++) {
      if (types.isProxy(current)) return undefined;
      const descriptor = Object.getOwnPropertyDescriptor(current, key);
      if (descriptor !== undefined) return descriptor.value;
      current = Object.getPrototypeOf(current);
    }
    return undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads one property, treating a throwing getter as an absent value. Only for objects the
 * runtime trusts to be MLX's own (a module's exports, a native array's getters).
 */
export function readProperty(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

export function isObjectLike(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
