import { describe, expect, it } from 'vitest';
import { always, eventuallyEach, violated, type Fault, type WorldView } from 'chaos-testbed';
import { at, runProbes } from '../fixtures/scenario.ts';

const faults: Fault[] = [
  { kind: 'partition', atMs: 1000, durationMs: 2000, from: 'a', to: 'b', oneWay: true },
  { kind: 'partition', atMs: 1000, durationMs: 2000, from: 'a', to: 'c', oneWay: false, types: ['only-this'] },
  { kind: 'crash', atMs: 1500, node: 'c', downMs: 1000 },
  { kind: 'request-fault', atMs: 500, node: 'b', mode: 'error', count: 1 },
  { kind: 'clock-jump', atMs: 1200, node: 'a', deltaMs: 10 },
];

describe('the world view of invariants', () => {
  it('shows node status, cut links and the faults in force', () => {
    const seen = new Map<number, string>();
    const look = (w: WorldView) => {
      seen.set(w.nowMs, [`c:${w.status('c')}`, `a->b:${w.isCut('a', 'b')}`, `b->a:${w.isCut('b', 'a')}`, `a->c:${w.isCut('a', 'c')}`, `active:${w.activeFaults.map((f) => f.kind).join(',')}`].join(' '));
      return true;
    };
    runProbes(['a', 'b', 'c'], (sim, p) => {
      for (const t of [600, 1300, 1600, 2000, 4000]) sim.at(t, () => p.a!.send({ type: 'tick' }));
      // The request the request fault takes, at t=3 s: it is spent from then on.
      at(sim, p.a!, 3000, (io) => void io.request('b', { type: 'get' }, { timeoutMs: 100 }));
    }, { plan: { faults }, invariants: () => [always('look', 'test', look)] });
    expect(seen.get(600)).toBe('c:up a->b:false b->a:false a->c:false active:request-fault');
    expect(seen.get(1300)).toBe('c:up a->b:true b->a:false a->c:false active:partition,partition,request-fault');
    expect(seen.get(1600)).toBe('c:down a->b:true b->a:false a->c:false active:partition,partition,crash,request-fault');
    expect(seen.get(4000)).toBe('c:up a->b:false b->a:false a->c:false active:');
  });
});

describe('eventuallyEach: liveness with a clock per subject', () => {
  /** b and c each become "ready" when told; the invariant wants a ready node within 1 s of it being up. */
  function readiness(readyAt: Record<string, readonly number[]>, plan: Fault[] = []) {
    return runProbes(['a', 'b', 'c'], (sim, p) => {
      for (const [node, times] of Object.entries(readyAt)) for (const t of times) sim.at(t, () => p[node]!.send({ type: 'ready' }));
    }, {
      plan: { faults: plan },
      durationMs: 20_000,
      invariants: (p) => [
        eventuallyEach('ready-when-up', 'test', 1000, {
          since: (w) => ['b', 'c'].filter((n) => w.status(n) === 'up'),
          check: (n) => p[n]!.snapshot()!.context.received.some((r) => r.type === 'ready') || violated(`${n} is up and not ready`),
        }),
      ],
    }).result.outcome;
  }

  it('holds when each subject gets there within its own bound', () => {
    expect(readiness({ b: [500], c: [900] })).toEqual({ kind: 'pass' });
  });

  it('fails at the deadline of the subject that does not, naming it, even with nothing else happening', () => {
    expect(readiness({ b: [500] })).toMatchObject({ kind: 'liveness-violation', invariant: 'ready-when-up', atMs: 1000, values: { subject: 'c', sinceMs: 0 } });
  });

  it('restarts a subject clock when its condition becomes true again', () => {
    // c restarts at t=5 s with a fresh actor (not ready): its clock starts again then, and it is due at t=6 s.
    const crash: Fault[] = [{ kind: 'crash', atMs: 4000, node: 'c', downMs: 1000 }];
    expect(readiness({ b: [500], c: [900] }, crash)).toMatchObject({ kind: 'liveness-violation', atMs: 6000, values: { subject: 'c', sinceMs: 5000 } });
    expect(readiness({ b: [500], c: [900, 5500] }, crash)).toEqual({ kind: 'pass' });
  });
});
