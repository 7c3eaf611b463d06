import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_RESPONSE_SCHEMAS,
  ConsciousMessageShapeSchema,
  HealthCheckShapeSchema,
  fastCheckOf,
} from '../../src/firecircle/contractSchemas.js';

// Values shaped like adapter results, and near misses of them.
const anything = fc.oneof(
  fc.anything(),
  fc.record({ content: fc.oneof(fc.record({ text: fc.anything() }), fc.anything()) }),
  fc.record({ content: fc.record({ text: fc.string() }), extra: fc.anything() }),
  fc.record(
    {
      isConnected: fc.oneof(fc.boolean(), fc.anything()),
      is_connected: fc.oneof(fc.boolean(), fc.constant(undefined), fc.anything()),
      connected: fc.oneof(fc.boolean(), fc.constant(undefined)),
    },
    { requiredKeys: [] },
  ),
);

describe('fast checks of the built-in contract schemas', () => {
  it.each([
    ['ConsciousMessageShapeSchema', ConsciousMessageShapeSchema],
    ['HealthCheckShapeSchema', HealthCheckShapeSchema],
  ])('%s: the fast check never accepts what zod rejects', (_name, schema) => {
    const check = fastCheckOf(schema)!;
    expect(check).toBeTypeOf('function');
    let accepted = 0;
    fc.assert(
      fc.property(anything, (value) => {
        if (!check(value)) return;
        accepted += 1;
        expect(schema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
    // The property is not vacuous: the generators reach accepted values.
    expect(accepted).toBeGreaterThan(50);
  });

  it('accepts the common results without zod, and leaves near misses to it', () => {
    const message = fastCheckOf(CONTRACT_RESPONSE_SCHEMAS.sendMessage!)!;
    expect(message({ content: { text: 'hi' }, metadata: {} })).toBe(true);
    expect(message({ content: { text: 1 } })).toBe(false);
    expect(message({ content: 'hi' })).toBe(false);
    expect(message(null)).toBe(false);
    const health = fastCheckOf(CONTRACT_RESPONSE_SCHEMAS.checkHealth!)!;
    expect(health({ isConnected: true })).toBe(true);
    expect(health({ connected: false, latencyMs: 3 })).toBe(true);
    expect(health({})).toBe(false);
    expect(health({ is_connected: 'yes' })).toBe(false);
  });
});
