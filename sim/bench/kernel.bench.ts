/**
 * `npm run bench:kernel`: the kernel's speed beside minimal baselines run in
 * the same process on the identical workload, so the ratios mean something
 * on any machine.
 *
 * 1. Timers: 1000 timers, each re-arming itself after a random 1–100 ms
 *    delay, until 5,000,000 events have run. Kernel: `Kernel.after` and the
 *    run loop's `nextEvent`. Baseline: a minimal inline binary heap.
 * 2. xstate: 1000 actors passing pings to each other, every delivery one
 *    transition. Kernel: a scenario run through `run()` with the simulated
 *    network (latency draws, fault checks, trace hashing, invariant checks).
 *    Baseline: the same machine on a bare heap clock with direct sends.
 *
 * Both sides draw delays from the same alea stream. Rounds alternate kernel
 * and baseline after a warm-up; rates are medians, ratios the median of the
 * per-round ratios. Targets: kernel >= 0.5, xstate >= 0.7. The last
 * line of stdout is one JSON document:
 * `{ "kernel": { eventsPerSec, baselineEventsPerSec, ratio }, "xstate": { transitionsPerSec, baselineTransitionsPerSec, ratio } }`.
 */
import { performance } from 'node:perf_hooks';
import seedrandom from 'seedrandom';
import { assign, createActor, setup, type AnyActorRef } from 'xstate';
import { Kernel } from '../kernel/kernel.ts';
import { defineScenario, run, type NodeIO } from '../index.ts';

const TIMERS = 1000;
const TIMER_EVENTS = Number(process.env.BENCH_TIMER_EVENTS ?? 5_000_000);
const ACTORS = 1000;
const TRANSITIONS = Number(process.env.BENCH_TRANSITIONS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SEED = 1;

// ---------- 1. timers ----------

function kernelTimers(): number {
  const kernel = new Kernel(SEED, 'hash');
  const next = seedrandom.alea(`${SEED}/bench`);
  let events = 0;
  const rearm = (): void => {
    kernel.after(1 + Math.floor(next() * 100), rearm);
  };
  for (let i = 0; i < TIMERS; i++) rearm();
  const start = performance.now();
  while (events < TIMER_EVENTS) {
    const entry = kernel.nextEvent(Number.POSITIVE_INFINITY)!;
    entry.run();
    events++;
  }
  return events / ((performance.now() - start) / 1000);
}

/** The smallest heap that does the job: (time, seq) order, no cancellation, no checks. */
class InlineHeap {
  private readonly items: { t: number; s: number; f: () => void }[] = [];
  private seq = 0;
  push(t: number, f: () => void): void {
    const items = this.items;
    const item = { t, s: this.seq++, f };
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (parent.t < t || (parent.t === t && parent.s < item.s)) break;
      items[i] = parent;
      i = p;
    }
    items[i] = item;
  }
  pop(): { t: number; s: number; f: () => void } | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (items[r]!.t < items[l]!.t || (items[r]!.t === items[l]!.t && items[r]!.s < items[l]!.s))) c = r;
      const child = items[c]!;
      if (last.t < child.t || (last.t === child.t && last.s < child.s)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}

function inlineTimers(): number {
  const heap = new InlineHeap();
  const next = seedrandom.alea(`${SEED}/bench`);
  let now = 0;
  let events = 0;
  const rearm = (): void => {
    heap.push(now + 1 + Math.floor(next() * 100), rearm);
  };
  for (let i = 0; i < TIMERS; i++) rearm();
  const start = performance.now();
  while (events < TIMER_EVENTS) {
    const item = heap.pop()!;
    now = item.t;
    item.f();
    events++;
  }
  return events / ((performance.now() - start) / 1000);
}

// ---------- 2. xstate actors ----------

/** Passes each ping on to the next actor in the ring. */
const relay = setup({
  types: {
    input: {} as { io: NodeIO; next: string },
    context: {} as { io: NodeIO; next: string; seen: number },
    events: {} as { type: 'ping' },
  },
}).createMachine({
  id: 'relay',
  context: ({ input }) => ({ ...input, seen: 0 }),
  entry: ({ context }) => context.io.send(context.next, { type: 'ping' }),
  on: {
    ping: {
      actions: [assign({ seen: ({ context }) => context.seen + 1 }), ({ context }) => context.io.send(context.next, { type: 'ping' })],
    },
  },
});

const nodeName = (i: number): string => `n${i}`;

const ring = defineScenario({
  id: 'bench/ring',
  title: 'bench ring',
  description: 'ACTORS relays passing pings around a ring',
  variants: { buggy: {}, fixed: {} },
  durationMs: 1_000_000_000,
  build(sim) {
    for (let i = 0; i < ACTORS; i++) sim.node(nodeName(i), relay, (io) => ({ io, next: nodeName((i + 1) % ACTORS) }));
    return {};
  },
  invariants: () => [],
});

function kernelActors(): number {
  const start = performance.now();
  // Every event is one delivery, hence one transition; the event budget stops the run.
  const result = run(ring, 'buggy', SEED, { faults: [] }, { maxEvents: TRANSITIONS + ACTORS });
  const transitions = result.events - ACTORS; // the first ACTORS events are the nodes starting
  return transitions / ((performance.now() - start) / 1000);
}

function bareActors(): number {
  const heap = new InlineHeap();
  const next = seedrandom.alea(`${SEED}/bench`);
  let now = 0;
  const actors = new Map<string, AnyActorRef>();
  const clock = {
    setTimeout: (fn: () => void, ms: number) => heap.push(now + ms, fn),
    clearTimeout: () => {},
  };
  const start = performance.now();
  for (let i = 0; i < ACTORS; i++) {
    const id = nodeName(i);
    const io = {
      node: id,
      nowMs: () => now,
      send: (to: string, message: { type: string }) => {
        heap.push(now + 1 + Math.floor(next() * 10), () => actors.get(to)!.send({ ...message, from: id }));
      },
    } as unknown as NodeIO;
    actors.set(id, createActor(relay, { input: { io, next: nodeName((i + 1) % ACTORS) }, clock }));
  }
  for (const actor of actors.values()) actor.start();
  let transitions = 0;
  while (transitions < TRANSITIONS) {
    const item = heap.pop()!;
    now = item.t;
    item.f();
    transitions++;
  }
  return transitions / ((performance.now() - start) / 1000);
}

// ---------- driver ----------

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Alternates measured and baseline rounds after a warm-up. The ratio is the
 * median of the per-round ratios: each pair ran back to back, so a slow
 * moment of the machine hits both sides of a pair alike.
 */
function alternate(label: string, measured: () => number, baseline: () => number): { value: number; base: number; ratio: number } {
  measured();
  baseline(); // warm-up: let the JIT settle on both paths
  const values: number[] = [];
  const bases: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    values.push(measured());
    bases.push(baseline());
    process.stderr.write(`${label} round ${round + 1}/${ROUNDS}: ${Math.round(values[round]!)} vs ${Math.round(bases[round]!)} per s\n`);
  }
  return { value: median(values), base: median(bases), ratio: median(values.map((v, i) => v / bases[i]!)) };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

const timers = alternate('timers', kernelTimers, inlineTimers);
const actors = alternate('xstate', kernelActors, bareActors);
process.stdout.write(
  JSON.stringify({
    kernel: { eventsPerSec: Math.round(timers.value), baselineEventsPerSec: Math.round(timers.base), ratio: round2(timers.ratio) },
    xstate: { transitionsPerSec: Math.round(actors.value), baselineTransitionsPerSec: Math.round(actors.base), ratio: round2(actors.ratio) },
  }) + '\n',
);
