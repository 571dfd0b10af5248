import { describe, expect, it } from 'vitest';
import { NodeClock } from '../../sim/kernel/node-clock.ts';

describe('NodeClock', () => {
  it('reads true time until it is skewed', () => {
    const clock = new NodeClock();
    expect(clock.localNowMs(1234)).toBe(1234);
  });

  it('steps by a jump, backwards as well as forwards', () => {
    const clock = new NodeClock();
    clock.jump(5000);
    expect(clock.localNowMs(100)).toBe(5100);
    clock.jump(-7000);
    expect(clock.localNowMs(100)).toBe(-1900);
  });

  it('drifts from the moment drift starts, and keeps what it gained when drift stops', () => {
    const clock = new NodeClock();
    clock.setDrift(10_000, 100_000); // +10%: gains 100 ms per true second
    expect(clock.localNowMs(10_000)).toBe(10_000);
    expect(clock.localNowMs(20_000)).toBe(21_000);
    clock.setDrift(20_000, 0);
    expect(clock.localNowMs(30_000)).toBe(31_000);
  });

  it('runs timers faster on a fast clock, never before their local deadline', () => {
    const clock = new NodeClock();
    expect(clock.trueDelayMs(1000)).toBe(1000);
    clock.setDrift(0, 100_000);
    expect(clock.trueDelayMs(1100)).toBe(1000);
    expect(clock.trueDelayMs(1)).toBe(1);
  });
});
