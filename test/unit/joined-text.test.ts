import { describe, expect, it } from 'vitest';
import { JoinedDetail, JoinedText } from '../../sim/kernel/joined-text.ts';

describe('JoinedText', () => {
  it('joins two parts with its separator, the same text for the same pair', () => {
    const keys = new JoinedText(':');
    expect(keys.of('lease-client', 'holding')).toBe('lease-client:holding');
    expect(keys.of('lease-client', 'holding')).toBe('lease-client:holding');
    expect(keys.of('lease-client', 'idle')).toBe('lease-client:idle');
  });

  it('past its cap still joins every pair right, keeping none of the new ones', () => {
    const types = new JoinedText('.', 2);
    const requestTypes = Array.from({ length: 50 }, (_, i) => `req-${i}`);
    for (let round = 0; round < 2; round++) {
      for (const type of requestTypes) expect(types.of(type, 'response')).toBe(`${type}.response`);
    }
  });
});

describe('JoinedDetail', () => {
  it('gives the joined text as the detail', () => {
    expect(new JoinedDetail(' -> ').of('idle', 'acquiring').text()).toBe('idle -> acquiring');
  });
});
