import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth, writes dates as ISO strings and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: new Date('2026-01-02T03:04:05.678Z') } })).toBe(
      '{"a":{"c":"2026-01-02T03:04:05.678Z","d":[3,{"z":1}]},"b":1}',
    );
  });

  it('is what JSON would store, so a hash survives a round trip through jsonb', () => {
    const value = { when: new Date('2026-05-05T00:00:00.000Z'), list: ['x', 2, null], nested: { b: true, a: 'é' } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});
