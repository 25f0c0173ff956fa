import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** How a path argument appears in events. */
export type PathPolicy = 'full' | 'basename' | 'hash';

/** The redaction settings in force, read when events are rendered and ids pseudonymised. */
export interface RedactionSettings {
  readonly key: KeyObject | null;
  readonly paths: PathPolicy;
  readonly serviceName: string | undefined;
}

let current: RedactionSettings = { key: null, paths: 'full', serviceName: undefined };

export function redactionSettings(): RedactionSettings {
  return current;
}

export function setRedactionSettings(settings: {
  hmacKey: string | Uint8Array | null;
  paths: PathPolicy;
  serviceName: string | undefined;
}): void {
  const { hmacKey } = settings;
  const key = hmacKey === null || hmacKey.length === 0 ? null : createSecretKey(typeof hmacKey === 'string' ? Buffer.from(hmacKey, 'utf8') : hmacKey);
  current = { key, paths: settings.paths, serviceName: settings.serviceName };
}

/**
 * HMAC-SHA256 of a string, first 16 hex digits: the same input gives the same digest under one
 * key, so events can be correlated, while without the key a digest cannot be tested against
 * guesses (an unkeyed hash of a short prompt or an IP address can).
 */
export function keyedDigest(key: KeyObject, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, 16);
}
