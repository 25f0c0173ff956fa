import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { siteOfRow, siteRow, type SiteArgumentRole, type SiteDescriptor } from '../src/contract.js';
import { site, sites } from '../src/instrument.js';

// The transformer declares a file's sites from one table (`sites(file, rows)`): each row must give
// the very site `site(descriptor)` gives, whatever the descriptor holds — a callee named apart in
// CommonJS output, a training phase, both, neither.

const ROLES: readonly SiteArgumentRole[] = ['tensor', 'path', 'shape', 'option', 'spread', 'other'];

const descriptors: fc.Arbitrary<SiteDescriptor> = fc
  .record({
    id: fc.constantFrom('core.load', 'nn.Module#forward', 'core.array#astype', 'my.entry'),
    kind: fc.constantFrom('model-load', 'inference', 'tensor-operation', 'layer-composition'),
    mode: fc.constantFrom('event' as const, 'errors' as const),
    file: fc.string({ minLength: 1 }),
    line: fc.integer({ min: 1, max: 100_000 }),
    column: fc.integer({ min: 1, max: 1000 }),
    fn: fc.option(fc.string(), { nil: null }),
    callee: fc.string({ minLength: 1 }),
    emittedCallee: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    args: fc.array(fc.constantFrom(...ROLES), { maxLength: 4 }),
    receiver: fc.constantFrom('tensor' as const, 'module' as const, 'other' as const, null),
    phase: fc.constantFrom('training' as const, undefined),
  })
  .map((fields) => {
    // Absent, not undefined, as describeSite writes them.
    const { emittedCallee, phase, ...rest } = fields;
    return { ...rest, ...(emittedCallee === undefined ? {} : { emittedCallee }), ...(phase === undefined ? {} : { phase }) };
  });

/** A site without its channel object, for comparison (the channel is one per kind, compared apart). */
function fieldsOf(made: ReturnType<typeof site>): Record<string, unknown> {
  const { channel, ...rest } = made;
  return { ...rest, channel: channel === site({ id: 'x', kind: made.kind, mode: 'event', file: 'f', line: 1, column: 1, fn: null, callee: 'x', args: [], receiver: null }).channel };
}

describe('site tables', () => {
  it('a row gives back its descriptor, and sites() makes the sites site() makes', () => {
    fc.assert(
      fc.property(descriptors, (descriptor) => {
        expect(siteOfRow(descriptor.file, siteRow(descriptor))).toEqual({ ...descriptor, emittedCallee: descriptor.emittedCallee, phase: descriptor.phase });
        const [fromTable] = sites(descriptor.file, [siteRow(descriptor)]);
        expect(fromTable).toBeDefined();
        if (fromTable === undefined) return;
        expect(Object.isFrozen(fromTable) && Object.isFrozen(fromTable.args)).toBe(true);
        expect(fieldsOf(fromTable)).toEqual(fieldsOf(site(descriptor)));
      }),
      { numRuns: 500 },
    );
  });

  it('rows stop where nothing more is set: no trailing nulls, a null only before a phase', () => {
    const base: SiteDescriptor = { id: 'core.load', kind: 'model-load', mode: 'event', file: 'src/a.ts', line: 3, column: 5, fn: null, callee: 'mx.load', args: ['path'], receiver: null };
    expect(siteRow(base)).toHaveLength(9);
    expect(siteRow({ ...base, emittedCallee: 'mlx_1.core.load' })).toEqual([...siteRow(base), 'mlx_1.core.load']);
    expect(siteRow({ ...base, phase: 'training' })).toEqual([...siteRow(base), null, 'training']);
    expect(sites('src/a.ts', [])).toEqual([]);
  });
});
