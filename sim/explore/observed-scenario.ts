/**
 * A scenario wrapped so that a run of it also tells a report two things the
 * trace cannot: which nodes the broken check read, and the scenario's
 * timeline facts (see `Scenario.timeline`) over time.
 *
 * Nothing in the kernel changes. `build` gets a builder whose `node()`
 * returns the kernel's handle wrapped: `snapshot()`, `status()` and
 * `localNowMs()` note the node's id while a check runs. Each invariant's
 * check is wrapped to start a fresh list of reads, so after the run the
 * broken invariant's last evaluation (the violating one: the run stops
 * there) says what it read. The facts are read by one extra `always`
 * invariant, first in the list, that never fails.
 *
 * The wrapped scenario runs exactly as the original: checks and facts only
 * read, and nothing here writes to the trace, so the trace hash is the same
 * (tested). It is meant for the one full-trace run of a finding, not for
 * campaigns, which would pay for the facts at every step.
 */
import type { AnyStateMachine } from 'xstate';
import type { NodeId } from '../kernel/faults.ts';
import { always, type Invariant } from '../kernel/invariants.ts';
import type { AnyScenario, NodeHandle, ScenarioBuilder } from '../kernel/scenario.ts';

/** One timeline fact's values, as they changed. */
export interface FactTrack {
  readonly node: NodeId;
  readonly name: string;
  /** Each change: from `atMs` on, the fact was `value` (`null`: no value). */
  readonly changes: readonly { readonly atMs: number; readonly value: string | null }[];
  /** Changes beyond {@link MAX_FACT_CHANGES}, not kept. */
  readonly dropped: number;
}

/** Changes kept per fact: a report draws at most about a thousand pixels of them. */
export const MAX_FACT_CHANGES = 5_000;

/** The name of the invariant that reads the facts; not a name a scenario can collide with usefully. */
const FACTS_INVARIANT = '(report: timeline facts)';

export interface ObservedScenario {
  readonly scenario: AnyScenario;
  /**
   * Nodes the named invariant read at its last evaluation, in order of
   * first read. A check that reads nothing itself (it judges a history
   * another check keeps) gets what every check read at their last
   * evaluations, in the order the checks are declared.
   */
  readsOf(invariant: string): readonly NodeId[];
  /** The scenario's timeline facts over the run. */
  facts(): readonly FactTrack[];
}

export function observeScenario(scenario: AnyScenario): ObservedScenario {
  let reading: Set<NodeId> | undefined;
  let lastReads = new Map<string, readonly NodeId[]>();
  let tracks: { node: NodeId; name: string; changes: { atMs: number; value: string | null }[]; dropped: number; last: string | null | undefined }[] = [];

  const watched = <M extends AnyStateMachine>(handle: NodeHandle<M>): NodeHandle<M> => {
    const read = <T>(value: () => T): T => (reading?.add(handle.id), value());
    return {
      id: handle.id,
      snapshot: () => read(() => handle.snapshot()),
      status: () => read(() => handle.status()),
      address: () => read(() => handle.address()),
      starts: () => read(() => handle.starts()),
      exitCode: () => read(() => handle.exitCode()),
      connections: () => read(() => handle.connections()),
      backlog: () => read(() => handle.backlog()),
      localNowMs: () => read(() => handle.localNowMs()),
      send: (event) => handle.send(event),
      start: () => handle.start(),
      crash: () => handle.crash(),
    };
  };

  const recording = <A extends unknown[], R>(name: string, check: (...args: A) => R) => (...args: A): R => {
    const reads = new Set<NodeId>();
    reading = reads;
    try {
      return check(...args);
    } finally {
      reading = undefined;
      lastReads.set(name, [...reads]);
    }
  };
  const recordingReads = (invariant: Invariant): Invariant =>
    invariant.kind === 'eventually-each' ? { ...invariant, check: recording(invariant.name, invariant.check) } : { ...invariant, check: recording(invariant.name, invariant.check) };

  const observed: AnyScenario = {
    ...scenario,
    build(sim: ScenarioBuilder, flags) {
      lastReads = new Map();
      tracks = (scenario.timeline ?? []).map((f) => ({ node: f.node, name: f.name, changes: [], dropped: 0, last: undefined }));
      const builder: ScenarioBuilder = {
        rng: sim.rng,
        node: (id, machine, input, options) => watched(sim.node(id, machine, input, options)),
        link: (from, to, spec) => sim.link(from, to, spec),
        at: (atMs, action) => sim.at(atMs, action),
      };
      return scenario.build(builder, flags);
    },
    invariants(nodes, flags) {
      const own = scenario.invariants(nodes, flags).map(recordingReads);
      const facts = scenario.timeline ?? [];
      if (facts.length === 0) return own;
      const readFacts = always(FACTS_INVARIANT, 'Reads the timeline facts for a report; never fails.', (world) => {
        facts.forEach((fact, i) => {
          const raw = fact.value(nodes);
          const value = raw === undefined ? null : String(raw);
          const track = tracks[i]!;
          if (value === track.last) return;
          track.last = value;
          if (track.changes.length < MAX_FACT_CHANGES) track.changes.push({ atMs: world.nowMs, value });
          else track.dropped++;
        });
        return true;
      });
      return [readFacts, ...own];
    },
  };

  return {
    scenario: observed,
    readsOf: (invariant) => {
      const own = lastReads.get(invariant) ?? [];
      return own.length > 0 ? own : [...new Set([...lastReads.values()].flat())];
    },
    facts: () => tracks.map(({ node, name, changes, dropped }) => ({ node, name, changes, dropped })),
  };
}
