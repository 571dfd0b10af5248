import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../sim/kernel/checker.ts';
import { always, sometimes } from 'chaos-testbed';

describe('invariant checker', () => {
  it('counts a sometimes-goal reached on the very step a safety property breaks', () => {
    let downgraded = false;
    const checker = new InvariantChecker(
      [sometimes('downgrade-attempted', 'why', () => downgraded), always('no-silent-downgrade', 'why', () => !downgraded)],
      { nowMs: 0, lastHealMs: 0, status: () => 'up', isCut: () => false, activeFaults: [] },
    );
    expect(checker.afterStep()).toBeUndefined();
    expect(checker.reached).toEqual([]);
    downgraded = true;
    expect(checker.afterStep()).toMatchObject({ kind: 'safety-violation', invariant: 'no-silent-downgrade' });
    expect(checker.reached).toEqual(['downgrade-attempted']);
  });
});
