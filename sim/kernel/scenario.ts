/**
 * The scenario contract: what a scenario author writes.
 *
 * A scenario reads like the incident it reproduces: where it comes from, the
 * nodes and what they run (`build`), what must stay true (`invariants`), and
 * its variants, each a set of bug flags handed to the models (`buggy` as the
 * incident happened, `fixed` with every fix, and any others).
 *
 * ```ts
 * export default defineScenario({
 *   id: 'canary/lease',
 *   title: 'A lease holder that never steps down',
 *   description: '...',
 *   variants: { buggy: { stepDown: false }, fixed: { stepDown: true } },
 *   durationMs: 60_000,
 *   build(sim, flags) {
 *     const server = sim.node('server', leaseServer, (io) => ({ io }));
 *     const a = sim.node('client-a', leaseClient, (io) => ({ io, stepDown: flags.stepDown }));
 *     return { server, a };
 *   },
 *   invariants: ({ a }) => [always('single-holder', 'why it matters', (w) => ...)],
 * });
 * ```
 */
import type { AnyStateMachine, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';
import type { FaultSpace } from './fault-space.ts';
import type { CustomFault, Fault, NodeId } from './faults.ts';
import type { Invariant } from './invariants.ts';
import type { LinkSpec } from './network.ts';
import type { NodeIO, NodeStatus } from './node.ts';
import { own } from './own.ts';
import type { Rng } from './rng.ts';
import type { TraceRecord } from './trace.ts';

/** `family/name`, for example `ownership/deleted-owner`. */
export type ScenarioId = `${string}/${string}`;

/** The bug flags of one variant, handed to the models through their input. */
export type BugFlags = Readonly<Record<string, boolean | number | string>>;

/** A typed handle on a node, returned by {@link ScenarioBuilder.node}. */
export interface NodeHandle<M extends AnyStateMachine = AnyStateMachine> {
  readonly id: NodeId;
  /** The actor's current snapshot, or `undefined` while the node is down. */
  snapshot(): SnapshotFrom<M> | undefined;
  /** Up, down (crashed, or not started yet) or paused. */
  status(): NodeStatus;
  /** The node's wall-clock reading now (with its skew). */
  localNowMs(): number;
  /**
   * Sends an event straight to the node's actor, as an operator or a client
   * outside the simulated network would (workload steps, custom faults).
   * Ignored while the node is down; held while it is paused.
   */
  send(event: EventFromLogic<M>): void;
  /** Starts the node if it is down (a fresh actor from its durable store). */
  start(): void;
  /** Crashes the node if it is up or paused. */
  crash(): void;
}

/** Options for {@link ScenarioBuilder.node}. */
export interface NodeOptions {
  /**
   * When the node boots, in true virtual ms; `null` leaves it down until a
   * workload step or a fault starts it. Default 0.
   */
  readonly startAtMs?: number | null;
}

/** What `build` uses to lay out the system. */
export interface ScenarioBuilder {
  /**
   * Adds a node running `machine`. `input` builds the actor's input at every
   * (re)start; it receives the node's io, whose durable store holds what
   * survived earlier crashes.
   */
  node<M extends AnyStateMachine>(id: NodeId, machine: M, input: (io: NodeIO) => InputFrom<M>, options?: NodeOptions): NodeHandle<M>;
  /** Overrides the link `from` → `to` (latency, background loss, duplication). */
  link(from: NodeId, to: NodeId, spec: Partial<LinkSpec>): void;
  /** A workload step: runs `action` at true virtual time `atMs`. */
  at(atMs: number, action: () => void): void;
  /** The workload's own random stream. */
  readonly rng: Rng;
}

/** How a scenario applies a fault kind of its own. */
export interface CustomFaultHandler<Nodes> {
  /** One sentence on what the fault stands for in the incident. */
  readonly about: string;
  /**
   * Checks a fault's fields when a plan is loaded; returns what is wrong,
   * or `undefined` when the fault is well formed.
   */
  validate(fault: CustomFault): string | undefined;
  /**
   * Applies the fault. Returns whether it had an effect (an operator restart
   * of a workspace that does not exist has none), for campaign accounting.
   * `node` finds any node's handle by its id.
   */
  apply(fault: CustomFault, nodes: Nodes, node: (id: NodeId) => NodeHandle): boolean;
  /** Ends the fault's window, if `durationMs` gave it one. */
  heal?(fault: CustomFault, nodes: Nodes, node: (id: NodeId) => NodeHandle): void;
}

/** Where a scenario comes from. */
export interface ScenarioSource {
  /** The incident file, under `shared/incidents/`. */
  readonly incident: string;
  /** The figures from it that the scenario reproduces. */
  readonly figures: readonly string[];
}

/**
 * A scenario: an incident as a system, what may go wrong in it, and what must
 * stay true. `Flags` is the shape of one variant's bug flags; `Nodes` is what
 * `build` returns (typically the node handles), handed to `invariants` and to
 * custom fault handlers.
 */
export interface Scenario<Flags extends BugFlags = BugFlags, Nodes = unknown> {
  readonly id: ScenarioId;
  /** A title naming the incident. */
  readonly title: string;
  /** What the system is and what went wrong, in a few sentences. */
  readonly description: string;
  readonly source?: ScenarioSource;
  /** Variants by name; `buggy` and `fixed` are required. */
  readonly variants: { readonly buggy: Flags; readonly fixed: Flags } & Readonly<Record<string, Flags>>;
  /** How long a run lasts in true virtual ms (liveness deadlines may extend it). */
  readonly durationMs: number;
  /**
   * When the workload's own planned disruptions (a Connector replaced, a
   * migration) are over. Liveness is judged from the later of this and the
   * last fault's heal, so a planned outage is not blamed on the plan. Default 0.
   */
  readonly quietAfterMs?: number;
  /** Properties of every link unless `build` overrides one. */
  readonly link?: Partial<LinkSpec>;
  /** Lays out nodes, links and workload for one variant. */
  build(sim: ScenarioBuilder, flags: Flags): Nodes;
  /** What must hold, given what `build` returned. */
  invariants(nodes: Nodes, flags: Flags): readonly Invariant[];
  /** The scenario's own fault kinds, by `kind`. */
  readonly customFaults?: Readonly<Record<string, CustomFaultHandler<NoInfer<Nodes>>>>;
  /** What the explorer may do to the system: kinds, targets, window, magnitudes. */
  readonly faultSpace?: FaultSpace;
  /**
   * A figure over time that a report plots for the finding's variant and for
   * `fixed` under the same plan (reconnects per minute, say): trace records
   * that `counts` accepts, counted per `bucketMs` of virtual time.
   */
  readonly series?: ScenarioSeries;
}

/** See {@link Scenario.series}. */
export interface ScenarioSeries {
  readonly name: string;
  readonly bucketMs: number;
  readonly counts: (record: TraceRecord) => boolean;
}

/** A scenario of any flags and nodes, as registries hold them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyScenario = Scenario<any, any>;

/**
 * Declares a scenario, checking its shape at load time so a mistake is
 * reported once, clearly, rather than as a failure deep inside a run.
 */
export function defineScenario<Flags extends BugFlags, Nodes>(scenario: Scenario<Flags, Nodes>): Scenario<Flags, Nodes> {
  if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(scenario.id)) {
    throw new Error(`scenario id '${scenario.id}' must be family/name in lower-case letters, digits and dashes`);
  }
  if (!(scenario.durationMs > 0) || !Number.isInteger(scenario.durationMs)) {
    throw new Error(`scenario ${scenario.id}: durationMs must be a positive integer`);
  }
  for (const required of ['buggy', 'fixed']) {
    if (!Object.hasOwn(scenario.variants, required)) throw new Error(`scenario ${scenario.id}: variant '${required}' is required`);
  }
  for (const kind of Object.keys(scenario.customFaults ?? {})) {
    if (!FAULT_KIND_NAME.test(kind)) throw new Error(`scenario ${scenario.id}: fault kind '${kind}' must be lower-case letters, digits and dashes`);
  }
  for (const kind of Object.keys(scenario.faultSpace?.custom ?? {})) {
    if (own(scenario.customFaults, kind) === undefined) throw new Error(`scenario ${scenario.id}: fault kind '${kind}' is in the fault space but has no handler in customFaults`);
  }
  return scenario;
}

/** How a custom fault kind is named, like the kernel's (`clock-jump`): never `__proto__` or `toString`. */
const FAULT_KIND_NAME = /^[a-z][a-z0-9-]*$/;

/** The names of a scenario's variants, `buggy` and `fixed` first. */
export function variantNames(scenario: AnyScenario): string[] {
  const rest = Object.keys(scenario.variants).filter((v) => v !== 'buggy' && v !== 'fixed');
  return ['buggy', 'fixed', ...rest];
}

/** A fault is one of the scenario's own kinds. */
export function isCustomFault(scenario: AnyScenario, fault: Fault): fault is CustomFault {
  return own(scenario.customFaults, fault.kind) !== undefined;
}

/** An event a helper sends: a `type` and any fields. */
export type FaultEvent = { readonly type: string } & Readonly<Record<string, unknown>>;

/**
 * A custom fault that is a window: `start` is sent to the node named
 * `target` when the fault begins and `end` when it heals (`durationMs`
 * later). It has no effect, and is not counted as fired, while the node is
 * down.
 *
 * ```ts
 * customFaults: { 'mitm-strip': windowFault('An attacker strips the ML-KEM share.', 'relay', { type: 'mitm', on: true }, { type: 'mitm', on: false }) },
 * faultSpace: { ..., custom: { 'mitm-strip': { fields: { durationMs: [1_000, 30_000] } } } },
 * ```
 */
export function windowFault(about: string, target: NodeId, start: FaultEvent, end: FaultEvent): CustomFaultHandler<unknown> {
  return {
    about,
    validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (how long the window lasts)"),
    apply: (_f, _nodes, node) => {
      const handle = node(target);
      if (handle.status() === 'down') return false;
      handle.send(start as never);
      return true;
    },
    heal: (_f, _nodes, node) => node(target).send(end as never),
  };
}

/**
 * A custom fault that is one event sent to the node named `target` (an
 * operator's action: a restart from a console, access revoked). No effect
 * while the node is not up.
 */
export function operatorAction(about: string, target: NodeId, event: FaultEvent): CustomFaultHandler<unknown> {
  return {
    about,
    validate: () => undefined,
    apply: (_f, _nodes, node) => {
      const handle = node(target);
      if (handle.status() !== 'up') return false;
      handle.send(event as never);
      return true;
    },
  };
}
