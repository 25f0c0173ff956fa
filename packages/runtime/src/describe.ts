/**
 * Names what a value is without running its code: the class name comes from property
 * descriptors, so no getter, Proxy `get` trap or `toString` of the application's runs.
 */
export function constructorName(value: object): string {
  try {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (!isObjectLike(prototype)) return 'Object';
    const constructor: unknown = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
    if (typeof constructor !== 'function') return 'Object';
    const name: unknown = Object.getOwnPropertyDescriptor(constructor, 'name')?.value;
    return typeof name === 'string' && name !== '' ? name.slice(0, MAX_NAME_LENGTH) : 'anonymous';
  } catch {
    // A revoked Proxy or a throwing getPrototypeOf trap.
    return 'unknown';
  }
}

const MAX_NAME_LENGTH = 128;

/** Reads one property, treating a throwing getter as an absent value. */
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
