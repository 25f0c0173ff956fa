import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketRing } from '../src/bucket-ring.js';
import { timeOf } from '../src/fields.js';
import { KeyedState } from '../src/keyed-state.js';
import { RECENT_REQUESTS, RecentRequests } from '../src/rules/extraction/queries.js';

// The monitor's streaming parts against their plain definitions: the running window sums against
// the sum of the window's buckets, the digit-by-digit @timestamp against Date.parse, the state's
// recency list and a client's recent requests against lists kept in least-recently-seen order.

describe('BucketRing', () => {
  it('keeps the running sums of its named windows equal to the sums of their buckets, calls late and early included', () => {
    const call = fc.record({ time: fc.integer({ min: 0, max: 4_000 }), failed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 300 }), fc.integer({ min: 1, max: 5 }), (calls, short) => {
        const tracked = new BucketRing(10, 40, [short, 40]);
        const summed = new BucketRing(10, 40);
        // Mostly forward in time, as trails are, with some calls late by up to the ring and beyond.
        let time = 0;
        for (const { time: step, failed } of calls) {
          time = step % 7 === 0 ? Math.max(0, time - step / 4) : time + (step % 50);
          tracked.add(time, failed);
          summed.add(time, failed);
          expect(tracked.totals(short)).toEqual(summed.totals(short));
          expect(tracked.totals(40)).toEqual(summed.totals(40));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a window longer than the ring', () => {
    expect(() => new BucketRing(10, 5, [6])).toThrow(TypeError);
  });
});

describe('timeOf', () => {
  it('reads a @timestamp as Date.parse does, in the runtime\'s form and any other', () => {
    const stamp = fc.oneof(
      fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
      // Near misses of the canonical form: every character replaced by any other.
      fc.tuple(fc.date({ noInvalidDate: true, min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z') }), fc.nat(23), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })).map(([date, at, char]) => {
        const text = date.toISOString();
        return text.slice(0, at) + char + text.slice(at + 1);
      }),
      fc.string(),
    );
    fc.assert(
      fc.property(fc.array(stamp, { minLength: 1, maxLength: 20 }), (stamps) => {
        for (const text of stamps) {
          const expected = Date.parse(text);
          expect(timeOf({ '@timestamp': text })).toBe(Number.isFinite(expected) ? expected : undefined);
        }
      }),
      { numRuns: 500 },
    );
    for (const text of ['2026-03-01T12:60:00.000Z', '2026-01-01T24:30:00.000Z', '2026-01-01T24:00:00.000Z', '2026-02-31T10:00:00.000Z', '+02026-01-01T00:00:00.000Z']) {
      const expected = Date.parse(text);
      expect(timeOf({ '@timestamp': text })).toBe(Number.isFinite(expected) ? expected : undefined);
    }
    expect(timeOf({ '@timestamp': 1_700_000_000_000 })).toBeUndefined();
  });
});

describe('KeyedState', () => {
  it('evicts the least recently seen key, whichever way keys were seen', () => {
    const operations = fc.array(fc.tuple(fc.constantFrom('obtain', 'set', 'peek'), fc.integer({ min: 0, max: 6 })), { maxLength: 200 });
    fc.assert(
      fc.property(operations, (steps) => {
        const state = new KeyedState<number, number>(3);
        const order: number[] = [];
        const values = new Map<number, number>();
        steps.forEach(([operation, key], index) => {
          if (operation === 'peek') {
            expect(state.peek(key)).toBe(values.get(key));
            return;
          }
          const at = order.indexOf(key);
          if (at >= 0) order.splice(at, 1);
          else if (order.length === 3) {
            const forgotten = order.shift();
            if (forgotten !== undefined) values.delete(forgotten);
          }
          order.push(key);
          if (operation === 'set') {
            values.set(key, index);
            state.set(key, index);
          } else {
            if (!values.has(key)) values.set(key, index);
            expect(state.obtain(key, () => index)).toBe(values.get(key));
          }
        });
        expect([...state.values()]).toEqual(order.map((key) => values.get(key)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('RecentRequests', () => {
  it('says a request is new exactly when it is not among the 64 most recently active, as a list kept in that order says', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 4 })), { maxLength: 600 }), (requests) => {
        const recent = new RecentRequests();
        const order: number[] = [];
        for (const request of requests) {
          const at = order.indexOf(request);
          if (at >= 0) order.splice(at, 1);
          else if (order.length === RECENT_REQUESTS) order.shift();
          order.push(request);
          expect(recent.see(request)).toBe(at < 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
