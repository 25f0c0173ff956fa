import crypto, { createHash } from 'node:crypto';

// The trail's wire format, shared by the writers (file sink, process chain) and the verifier, so
// the two cannot drift apart. Every chained line ends with
//
//   ,"trail.line":<n>,"event.hash":"<64 hex>"}\n
//
// where the hash is SHA-256 over the previous line's hash (its 64 hex characters) followed by
// the line's bytes up to, not including, `,"event.hash":`. The suffix after the line number has a
// fixed size, so a reader finds it without parsing the line.

export const LINE_FIELD = 'trail.line';
export const HASH_FIELD = 'event.hash';
/** `,"event.hash":"` */
export const HASH_PREFIX = `,"${HASH_FIELD}":"`;
/** `,"trail.line":` */
export const LINE_PREFIX = `,"${LINE_FIELD}":`;
export const HASH_HEX_LENGTH = 64;
/** `,"event.hash":"<64 hex>"}` without the newline: what follows the hashed bytes of a line. */
export const SUFFIX_LENGTH = HASH_PREFIX.length + HASH_HEX_LENGTH + 2;

/** The runtime's own records (README, "Tamper evidence"); an application cannot use these actions. */
export const TRAIL_ACTIONS = {
  fileOpened: 'mlx-audit.file-opened',
  seal: 'mlx-audit.seal',
  fileClosed: 'mlx-audit.file-closed',
  started: 'mlx-audit.started',
  configured: 'mlx-audit.configured',
  stopped: 'mlx-audit.stopped',
} as const;
/** Actions starting with this are the runtime's: `auditEvent` refuses them, so no record can be forged through it. */
export const RUNTIME_ACTION_PREFIX = 'mlx-audit.';

// Domain separation: each use of SHA-256 and HMAC hashes a text no other use can produce.
const SEED_DOMAIN = 'mlx-audit-trail-v1\n';
const SEAL_DOMAIN = 'mlx-audit-seal-v1\n';
const EVOLVE_DOMAIN = 'mlx-audit-evolve-v1';
const KEY_ID_DOMAIN = 'mlx-audit-key-id-v1\n';

type OneShotHash = (algorithm: string, data: crypto.BinaryLike, outputEncoding: 'hex') => string;
type OneShotBytes = (algorithm: string, data: crypto.BinaryLike, outputEncoding: 'binary') => string;
// `crypto.hash` (Node ≥ 20.12) hashes in one call, about twice as fast as a Hash object for a line.
const oneShot = (crypto as { hash?: OneShotHash }).hash;
const oneShotBytes = (crypto as { hash?: OneShotBytes }).hash;
const DIGEST_BYTES = 32;

/** SHA-256 of bytes or of a string's UTF-8, as 64 lowercase hex characters. */
export const sha256Hex: (data: Uint8Array | string) => string =
  oneShot === undefined ? (data) => createHash('sha256').update(data).digest('hex') : (data) => oneShot('sha256', data, 'hex');

/** The chain value a stream starts from: nothing precedes its first line but its id. */
export function streamSeed(streamId: string): string {
  return sha256Hex(`${SEED_DOMAIN}${streamId}`);
}

/** A new stream's (or a process run's) id: 128 random bits, as 32 hex characters. */
export function newStreamId(): string {
  return crypto.randomBytes(16).toString('hex');
}

/** What a seal's MAC covers: the stream, the key's epoch, the lines and the chain value of the last. */
export interface SealedRange {
  readonly stream: string;
  readonly epoch: number;
  readonly from: number;
  readonly to: number;
  readonly head: string;
}

/**
 * The text a seal authenticates, newline-joined and domain-separated (as CloudTrail signs a
 * joined string): binding the epoch and the range means a seal holds for exactly those lines
 * under exactly that epoch's key (CVE-2023-31439: journald accepted tags of a later epoch).
 */
export function sealMessage(range: SealedRange): string {
  return `${SEAL_DOMAIN}${range.stream}\n${String(range.epoch)}\n${String(range.from)}\n${String(range.to)}\n${range.head}`;
}

export function sealMac(key: Uint8Array, range: SealedRange): string {
  return hmacSha256(key, sealMessage(range)).toString('hex');
}

/** The next epoch's key: one way, so a key taken from the host cannot give an earlier one. */
export function evolveKey(key: Uint8Array): Buffer {
  return hmacSha256(key, EVOLVE_DOMAIN);
}

const HMAC_BLOCK_BYTES = 64;
const INNER_PAD = 0x36;
const OUTER_PAD = 0x5c;
const sha256Bytes: (data: Uint8Array) => Buffer =
  oneShotBytes === undefined ? (data) => createHash('sha256').update(data).digest() : (data) => Buffer.from(oneShotBytes('sha256', data, 'binary'), 'latin1');

/**
 * HMAC-SHA256 (RFC 2104) built on the one-shot hash, equal to `createHmac('sha256', key)` (tested
 * against it). Why not createHmac: a seal comes after a thousand lines of hashing, when Node's
 * HMAC path (a key object and a MAC context fetched from OpenSSL per call) is out of the caches,
 * and then costs tens of microseconds; the one-shot hash is the chain's own, kept warm by it.
 */
export function hmacSha256(key: Uint8Array, message: string | Uint8Array): Buffer {
  const blockKey = Buffer.alloc(HMAC_BLOCK_BYTES);
  blockKey.set(key.length > HMAC_BLOCK_BYTES ? sha256Bytes(key) : key);
  const text = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  const inner = Buffer.allocUnsafe(HMAC_BLOCK_BYTES + text.length);
  const outer = Buffer.allocUnsafe(HMAC_BLOCK_BYTES + DIGEST_BYTES);
  for (let index = 0; index < HMAC_BLOCK_BYTES; index++) {
    const byte = blockKey[index] ?? 0;
    inner[index] = byte ^ INNER_PAD;
    outer[index] = byte ^ OUTER_PAD;
  }
  inner.set(text, HMAC_BLOCK_BYTES);
  outer.set(sha256Bytes(inner), HMAC_BLOCK_BYTES);
  const mac = sha256Bytes(outer);
  // The key's traces: what is left of it in these buffers could give it away.
  blockKey.fill(0);
  inner.fill(0, 0, HMAC_BLOCK_BYTES);
  outer.fill(0, 0, HMAC_BLOCK_BYTES);
  return mac;
}

/** Names an initial key without revealing it (16 hex characters), so a seal says which key made it. */
export function keyIdOf(initialKey: Uint8Array): string {
  return sha256Hex(Buffer.concat([Buffer.from(KEY_ID_DOMAIN), initialKey])).slice(0, 16);
}

export function isHex(text: unknown, length: number): text is string {
  return typeof text === 'string' && text.length === length && /^[0-9a-f]*$/.test(text);
}
