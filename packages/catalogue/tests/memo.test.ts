import { describe, expect, it } from 'vitest';
import { remember } from '../src/memo.js';

describe('remember', () => {
  it('computes once per key, an undefined answer included', () => {
    const cache = new Map<string, number | null>();
    let calls = 0;
    const answer = (key: string): number | undefined => remember(cache, key, () => {
      calls++;
      return key === 'none' ? undefined : key.length;
    });
    expect([answer('abc'), answer('abc'), answer('none'), answer('none')]).toEqual([3, 3, undefined, undefined]);
    expect(calls).toBe(2);
  });
});
