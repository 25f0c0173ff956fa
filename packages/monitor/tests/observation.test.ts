import type { AuditEvent, JsonValue } from '@mlx-audit/runtime';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindingOf, count, failed, observationOf, text } from '../src/fields.js';

// The monitor reads the fields most rules ask about once per event (`observationOf`), by their own
// names; the rules used to read them through the helpers of fields.ts. Whatever an event holds —
// a field absent, of another type, a runtime record — the observation says what the helpers say.

const FIELDS = ['event.action', 'mlx.kind', 'mlx.binding', 'event.outcome', 'event.sequence', 'process.pid', 'mlx_audit.run', 'service.name'] as const;

const anyValue: fc.Arbitrary<JsonValue | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('mlx-audit.started', 'nn.Module#forward', 'core.load', 'inference', 'model-load', 'success', 'failure', 'svc', ''),
  fc.string(),
  fc.integer({ min: -5, max: 2 ** 53 + 5 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
);

const events: fc.Arbitrary<AuditEvent> = fc
  .record(Object.fromEntries(FIELDS.map((field) => [field, anyValue])) as Record<(typeof FIELDS)[number], fc.Arbitrary<JsonValue | undefined>>, { requiredKeys: [] })
  .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as AuditEvent);

describe('observationOf', () => {
  it('reads each field as the helpers of fields.ts do', () => {
    fc.assert(
      fc.property(events, (event) => {
        const observation = observationOf(event, 1, 'stamp');
        expect(observation).toEqual({
          event,
          time: 1,
          timestamp: 'stamp',
          sequence: count(event, 'event.sequence'),
          action: text(event, 'event.action'),
          kind: text(event, 'mlx.kind'),
          binding: bindingOf(event),
          failed: failed(event),
          pid: count(event, 'process.pid'),
          run: text(event, 'mlx_audit.run'),
          service: text(event, 'service.name'),
        });
      }),
      { numRuns: 2000 },
    );
  });
});
