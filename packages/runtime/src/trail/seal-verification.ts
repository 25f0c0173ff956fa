import { isCount, type ChainedLine, type RuntimeRecord } from './chained-line.js';
import { evolveKey, HASH_HEX_LENGTH, isHex, sealMac } from './format.js';
import type { ProblemLog } from './problem-log.js';
import type { SealKey } from './seal-key.js';
import type { Stream } from './stream-state.js';

// Checks a stream's seals: each one's range and chain value against the lines before it, its key
// and epoch against the ones before it, and its MAC under the key of its epoch, derived forward
// from the initial key given. A stream's key changes only where an opened record names a new one;
// a key's epochs go on from where the trail last saw it, across streams.

export class SealVerifier {
  readonly #log: ProblemLog;
  readonly #keys = new Map<string, SealKey>();
  // The last key derived per key id, so consecutive epochs cost one HMAC each.
  readonly #derived = new Map<string, { epoch: number; key: Buffer }>();
  // Per key id: the last epoch of the last stream it sealed, and whether that stream stopped cleanly.
  #keyHistory = new Map<string, { lastEpoch: number; clean: boolean }>();
  #anySeal = false;
  #anyUnverifiedSeal = false;

  constructor(keys: readonly SealKey[], log: ProblemLog) {
    this.#log = log;
    for (const key of keys) this.#keys.set(key.keyId, key);
  }

  get keysGiven(): boolean {
    return this.#keys.size > 0;
  }

  /**
   * `verified`: every seal's MAC was checked under a key given; `unverified`: the trails have seals
   * but no key was given for them; `unsealed`: they have no seal.
   */
  get sealing(): 'verified' | 'unverified' | 'unsealed' {
    return !this.#anySeal ? 'unsealed' : this.#anyUnverifiedSeal ? 'unverified' : 'verified';
  }

  /** Keys' epochs are followed within a trail only. */
  startTrail(): void {
    this.#keyHistory = new Map();
  }

  /** An opened record names the key that seals the stream and the epoch of its next seal. */
  opened(stream: Stream, line: ChainedLine, record: RuntimeRecord): void {
    const keyId = record['trail.seal.key_id'];
    const epoch = record['trail.seal.epoch'];
    if (!isHex(keyId, 16) || !isCount(epoch)) return;
    if (stream.keyId !== undefined && keyId !== stream.keyId) {
      // The current key must seal this record before the new key counts (see `seal`).
      stream.pendingKey = { keyId, epoch };
      return;
    }
    this.expectKey(stream, keyId);
    if (!epochAsExpected(stream, epoch)) {
      this.#log.report('seal-epoch', line.at, `the file opens at key epoch ${epoch}, not ${describeExpected(stream)}: the stream was resealed with a later key`);
    }
    stream.nextEpoch = epoch;
    stream.epochFloor = undefined;
  }

  seal(stream: Stream, line: ChainedLine, record: RuntimeRecord, previousHead: string): void {
    const { 'trail.stream': id, 'trail.seal.key_id': keyId, 'trail.seal.epoch': epoch, 'trail.seal.from': from, 'trail.seal.to': to, 'trail.seal.head': head, 'trail.seal.mac': mac } = record;
    stream.lastWasSeal = true;
    this.#anySeal = true;
    if (!isHex(id, 32) || !isHex(keyId, 16) || !isCount(epoch) || !isCount(from) || !isCount(to) || !isHex(head, HASH_HEX_LENGTH) || !isHex(mac, HASH_HEX_LENGTH)) {
      this.#log.report('seal-invalid', line.at, 'a seal record without a valid stream, key id, epoch, range, head or MAC');
      return;
    }
    stream.seals++;
    let valid = true;
    // A stream's key changes only where an opened record says so (a new run, or a new key mid-run).
    if (stream.keyId === undefined) this.expectKey(stream, keyId);
    const ownKey = keyId === stream.keyId;
    if (!ownKey) {
      valid = false;
      this.#log.report('seal-invalid', line.at, `the seal was made with key ${keyId}, not with the stream's key ${String(stream.keyId)}`);
    }
    if (id !== stream.id && stream.id !== undefined) {
      valid = false;
      this.#log.report('seal-invalid', line.at, `the seal names stream ${id}, not this stream (${stream.id}): it was copied from another trail`);
    }
    if ((stream.rangeKnown && from !== stream.rangeEnd + 1) || to !== line.number - 1 || from > to) {
      valid = false;
      this.#log.report('seal-range', line.at, `the seal covers lines ${from} to ${to}; the lines it must cover are ${stream.rangeKnown ? String(stream.rangeEnd + 1) : 'those'} to ${line.number - 1}`);
    } else if (head !== previousHead) {
      valid = false;
      this.#log.report('seal-head', line.at, `the seal's chain value is not the one of line ${to}: lines up to it were rewritten`);
    }
    if (!epochAsExpected(stream, epoch)) {
      valid = false;
      this.#log.report(
        'seal-epoch',
        line.at,
        `the seal was made with the key of epoch ${epoch}, not ${describeExpected(stream)}: ${epoch > (stream.nextEpoch ?? stream.epochFloor ?? 0) ? 'a later key, taken from the host, resealed these lines' : 'an old key was used again'}`,
      );
    }
    // A MAC that could not be checked (no key given for it, already said) leaves the seal's structure to go by.
    const checked = ownKey ? this.checkMac(stream, line, { stream: id, epoch, from, to, head }, keyId, mac) : 'invalid';
    if (checked === 'invalid') valid = false;
    stream.firstEpoch ??= epoch;
    stream.nextEpoch = epoch + 1;
    stream.epochFloor = undefined;
    stream.rangeEnd = to;
    stream.rangeKnown = true;
    stream.firstUnsealed = undefined;
    if (valid && checked === 'verified') addRange(stream.sealedRanges, Math.max(from, stream.firstLine), to);
    const pending = stream.pendingKey;
    stream.pendingKey = undefined;
    if (valid && pending !== undefined) {
      this.expectKey(stream, pending.keyId);
      if (!epochAsExpected(stream, pending.epoch)) this.#log.report('seal-epoch', line.at, `the new key starts at epoch ${pending.epoch}, not ${describeExpected(stream)}`);
      stream.nextEpoch = pending.epoch;
      stream.epochFloor = undefined;
    }
  }

  /** The stream ended: the next stream its key seals goes on from the epoch it reached. */
  streamEnded(stream: Stream): void {
    if (stream.keyId !== undefined && stream.nextEpoch !== undefined) this.#keyHistory.set(stream.keyId, { lastEpoch: stream.nextEpoch - 1, clean: stream.stopped });
  }

  /** The stream is sealed by `keyId` from here: its epochs continue from where that key was last seen. */
  private expectKey(stream: Stream, keyId: string): void {
    if (stream.keyId === keyId) return;
    if (stream.keyId !== undefined && stream.nextEpoch !== undefined) this.#keyHistory.set(stream.keyId, { lastEpoch: stream.nextEpoch - 1, clean: true });
    stream.keyId = keyId;
    stream.nextEpoch = undefined;
    stream.epochFloor = undefined;
    const history = this.#keyHistory.get(keyId);
    if (history === undefined) return;
    if (history.clean) stream.nextEpoch = history.lastEpoch + 1;
    else stream.epochFloor = history.lastEpoch;
  }

  /**
   * Whether the MAC verifies under the epoch's key: `verified` (or, when no key at all was given,
   * taken on its structure), `invalid`, or `unchecked` when the key given cannot check it.
   */
  private checkMac(stream: Stream, line: ChainedLine, range: { stream: string; epoch: number; from: number; to: number; head: string }, keyId: string, mac: string): 'verified' | 'invalid' | 'unchecked' {
    if (this.#keys.size === 0) {
      this.#anyUnverifiedSeal = true;
      return 'verified';
    }
    const key = this.keyOf(keyId, range.epoch);
    if (key === undefined) {
      this.#anyUnverifiedSeal = true;
      if (!stream.keyReported) {
        stream.keyReported = true;
        const given = this.#keys.get(keyId);
        this.#log.report(
          'seal-key',
          line.at,
          given === undefined ? `the seals of this stream were made with key ${keyId}, which was not given` : `the seal is of epoch ${range.epoch}, before the key given (epoch ${given.epoch}): give the initial key`,
        );
      }
      return 'unchecked';
    }
    if (sealMac(key, range) === mac) return 'verified';
    this.#log.report('seal-invalid', line.at, `the seal of lines ${range.from} to ${range.to} does not verify under the key of epoch ${range.epoch}`);
    return 'invalid';
  }

  /** The key of an epoch, derived forward from the key given (or the last one derived). */
  private keyOf(keyId: string, epoch: number): Buffer | undefined {
    const given = this.#keys.get(keyId);
    if (given === undefined || epoch < given.epoch) return undefined;
    let derived = this.#derived.get(keyId);
    if (derived === undefined || derived.epoch > epoch) derived = { epoch: given.epoch, key: given.key };
    while (derived.epoch < epoch) derived = { epoch: derived.epoch + 1, key: evolveKey(derived.key) };
    this.#derived.set(keyId, derived);
    return derived.key;
  }
}

function epochAsExpected(stream: Stream, epoch: number): boolean {
  if (stream.nextEpoch !== undefined) return epoch === stream.nextEpoch;
  return stream.epochFloor === undefined || epoch >= stream.epochFloor;
}

function describeExpected(stream: Stream): string {
  if (stream.nextEpoch !== undefined) return `epoch ${stream.nextEpoch}, the next one`;
  return `at least epoch ${stream.epochFloor ?? 0}`;
}

function addRange(ranges: { from: number; to: number }[], from: number, to: number): void {
  if (to < from) return;
  const last = ranges.at(-1);
  if (last !== undefined && last.to + 1 >= from) last.to = Math.max(last.to, to);
  else ranges.push({ from, to });
}
