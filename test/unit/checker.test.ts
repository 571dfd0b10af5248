import { describe, expect, it } from 'vitest';
import { InvariantChecker } from '../../sim/kernel/checker.ts';
import { always, eventually, sometimes, violated } from 'chaos-testbed';

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

  it('makes the text of a violation from its function only when it reports it', () => {
    const world = { nowMs: 0, lastHealMs: 0, status: () => 'up' as const, isCut: () => false, activeFaults: [] };
    let explained = 0;
    let registered = 0;
    const explain = () => {
      explained++;
      return `${registered} of 3 registered`;
    };
    const checker = new InvariantChecker([eventually('fleet-registered', 'why', 1_000, () => registered === 3 || violated(explain, { registered }))], world);
    // Pending for three steps: asked each time, explained never.
    for (let step = 0; step < 3; step++) expect(checker.afterStep()).toBeUndefined();
    expect(explained).toBe(0);
    registered = 2;
    world.nowMs = 1_000;
    expect(checker.atDeadline('fleet-registered', false)).toMatchObject({ kind: 'liveness-violation', detail: 'not true within 1000ms of the last fault healing: 2 of 3 registered', values: { registered: 2 } });
    expect(explained).toBe(1);
  });

  it('reports the text of a safety violation from its function, made once', () => {
    let explained = 0;
    const broken = violated(() => `explained ${++explained}`);
    const checker = new InvariantChecker([always('holds', 'why', () => broken)], { nowMs: 5, lastHealMs: 0, status: () => 'up', isCut: () => false, activeFaults: [] });
    expect(checker.afterStep()).toMatchObject({ kind: 'safety-violation', invariant: 'holds', atMs: 5, detail: 'explained 1' });
    expect(broken.detail).toBe('explained 1');
    expect(explained).toBe(1);
  });
});
