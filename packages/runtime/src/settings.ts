import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** How a path argument appears in events. */
export type PathPolicy = 'full' | 'basename' | 'hash';
export const PATH_POLICIES: readonly PathPolicy[] = ['full', 'basename', 'hash'];

/**
 * What `error.message` shows: MLX's fixed text only (`mlx`, the default), or, where the operator
 * says the environment is trusted, the message itself with paths and URL secrets reduced.
 */
export type ErrorMessagePolicy = 'mlx' | 'trusted';
export const ERROR_MESSAGE_POLICIES: readonly ErrorMessagePolicy[] = ['mlx', 'trusted'];

/** An HMAC key shorter than this is refused: a short key can be found by trying keys. */
export const MIN_KEY_BYTES = 16;
/** `service.name` and the correlation ids are cut to this many characters. */
export const MAX_NAME_LENGTH = 128;

/** The redaction settings in force, read when calls are recorded and ids pseudonymised. */
export interface RedactionSettings {
  readonly key: KeyObject | null;
  readonly paths: PathPolicy;
  readonly errorMessages: ErrorMessagePolicy;
  readonly serviceName: string | undefined;
}

let current: RedactionSettings = { key: null, paths: 'full', errorMessages: 'mlx', serviceName: undefined };

export function redactionSettings(): RedactionSettings {
  return current;
}

export function setRedactionSettings(settings: RedactionSettings): void {
  current = settings;
}

/**
 * The key for `hmacKey` (a string is used as its UTF-8 bytes), or null for none (`null` or
 * empty). Throws a TypeError for anything else or a key shorter than 16 bytes.
 */
export function hmacKeyFrom(hmacKey: unknown): KeyObject | null {
  if (hmacKey === null || hmacKey === undefined) return null;
  if (typeof hmacKey !== 'string' && !(hmacKey instanceof Uint8Array)) throw new TypeError('mlx-audit: hmacKey must be a string, a Uint8Array or null');
  const bytes = typeof hmacKey === 'string' ? Buffer.from(hmacKey, 'utf8') : hmacKey;
  if (bytes.length === 0) return null;
  if (bytes.length < MIN_KEY_BYTES) throw new TypeError(`mlx-audit: hmacKey must be at least ${MIN_KEY_BYTES} bytes (use 32 random bytes: openssl rand -hex 32)`);
  return createSecretKey(bytes);
}

/**
 * HMAC-SHA256 of a string, first 16 hex digits: the same input gives the same digest under one
 * key, so events can be correlated, while without the key a digest cannot be tested against
 * guesses (an unkeyed hash of a short prompt or an IP address can).
 */
export function keyedDigest(key: KeyObject, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, 16);
}
