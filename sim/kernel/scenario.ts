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
import type { CapacitySpec } from './capacity.ts';
import type { ConnectionInfo } from './connections.ts';
import type { FaultSpace } from './fault-space.ts';
import type { CustomFault, Fault, Json, NodeId } from './faults.ts';
import type { Invariant, WorldView } from './invariants.ts';
import type { LinkSpec } from './network.ts';
import type { NodeIO, NodeStatus } from './node.ts';
import { own } from './own.ts';
import type { Rng } from './rng.ts';
import { rememberDefiningFile } from './scenario-file.ts';
import type { TraceRecord } from './trace.ts';

/** `family/name`, for example `ownership/deleted-owner`. */
export type ScenarioId = `${string}/${string}`;

/** The bug flags of one variant, handed to the models through their input. */
export type BugFlags = Readonly<Record<string, FlagValue>>;

/** What one bug flag may be. */
export type FlagValue = boolean | number | string;

/**
 * The shape any flags type must have: every field a {@link FlagValue}. It is
 * written as a mapped type over `F` itself, so that an `interface` (which has
 * no index signature, and so is not a `Record<string, ...>`) qualifies too.
 */
export type FlagsShape<F> = { readonly [K in keyof F]: FlagValue };

/**
 * What the invariants get for nodes TypeScript could not infer from
 * `build`: it reads a scenario's properties in the order they are written,
 * and an unannotated function that needs the nodes (a custom fault's
 * `apply`) written before `build` leaves them `unknown`. Destructuring this
 * type fails with its one property's name as the message, where a plain
 * `unknown` would let the invariants' nodes silently become `any`.
 */
export interface NodesNotInferred {
  readonly 'nodes not inferred: write build before customFaults and invariants, or annotate apply': never;
}

/** `Nodes`, or {@link NodesNotInferred} when it is `unknown` (`any`, as registries hold scenarios, stays `any`). */
export type InferredNodes<Nodes> = 0 extends 1 & Nodes ? Nodes : unknown extends Nodes ? NodesNotInferred : Nodes;

/** A typed handle on a node, returned by {@link ScenarioBuilder.node}. */
export interface NodeHandle<M extends AnyStateMachine = AnyStateMachine> {
  readonly id: NodeId;
  /** The actor's current snapshot, or `undefined` while the node is down. */
  snapshot(): SnapshotFrom<M> | undefined;
  /** Up, down (crashed, exited, stopped, or not started yet) or paused. */
  status(): NodeStatus;
  /** Where others reach the node now (its id, unless its restart policy gives new addresses). */
  address(): string;
  /** How many times the node has started. */
  starts(): number;
  /** The code of its last `io.exit` while it is down after one; `null` otherwise. */
  exitCode(): number | null;
  /** Its open and opening connections. */
  connections(): readonly ConnectionInfo[];
  /** Requests and messages waiting for its capacity or in service (0 without a capacity). */
  backlog(): number;
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

/** What a node's supervisor does when its process exits by itself (`io.exit`), as systemd's `Restart=`. */
export interface RestartPolicy {
  /** `never`; `always`; `on-failure`: only after a non-zero exit code. */
  readonly policy: 'never' | 'always' | 'on-failure';
  /** How long after the exit it starts again (`RestartSec=`). */
  readonly delayMs: number;
  /**
   * Every start after the first, whoever makes it (this policy, a crash
   * fault's restart, a controller), gets a new address `<id>@<n>`, as a pod
   * gets a new IP: messages to the old one are lost.
   */
  readonly newAddress?: boolean;
}

/** Options for {@link ScenarioBuilder.node}. */
export interface NodeOptions {
  /**
   * When the node boots, in true virtual ms; `null` leaves it down until a
   * workload step, a fault or another model (`io.startNode`) starts it.
   * Default 0.
   */
  readonly startAtMs?: number | null;
  /**
   * Service capacity: one pool of workers, or several (the first that covers
   * a request's type serves it). Queueing then emerges from load; see
   * capacity.ts.
   */
  readonly capacity?: CapacitySpec | readonly CapacitySpec[];
  /** What happens when the node's process exits by itself. Default: it stays down. */
  readonly restart?: RestartPolicy;
  /**
   * What the node's durable store holds before its first start: a warm
   * start, the disk of a node that has been part of an established system
   * (a joined member, a loaded cache), so a run begins from steady state.
   */
  readonly durable?: Readonly<Record<string, Json>>;
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
export interface Scenario<Flags extends FlagsShape<Flags> = BugFlags, Nodes = unknown> {
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
  invariants(nodes: NoInfer<InferredNodes<Nodes>>, flags: Flags): readonly Invariant[];
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
  /**
   * What a run of many scenarios (`chaos-testbed run` with no variant: the
   * incident library, a CI job) checks of each variant. By default `buggy`
   * must fail within 1000 runs and `fixed` must hold for 300; an entry here
   * replaces the default of its variant, and may name any other variant (a
   * fix option that is known to be insufficient, say).
   *
   * ```ts
   * expectations: { buggy: { expect: 'fails', runs: 300 }, 'fix-retry-only': { expect: 'fails' } },
   * ```
   */
  readonly expectations?: Readonly<Record<string, Expectation>>;
  /**
   * Facts kept in a model's context that a report's timeline draws as rows
   * of their own, under their node's row: a pod's `ready` flag, a breaker's
   * `half-open`. The trace records machine states, not context, so without
   * this such a fact never appears. Each is read after every step of the
   * finding's run (never in a campaign) and must only read, like a check.
   *
   * ```ts
   * timeline: [{ node: 'setup-node', name: 'breaker', value: ({ breaker }) => breaker.snapshot()?.context.state }],
   * ```
   */
  readonly timeline?: readonly TimelineFact<NoInfer<Nodes>>[];
  /**
   * How close a run came to the bug, as a number that grows toward it ("how
   * long the session has been expired", "how long both replicas have been
   * down at once"). Guided search (`--search guided`) keeps a plan whose run
   * reached a new highest value, and mutates it, so it can climb toward a
   * threshold that states and transitions alone do not show. Read after
   * every step of every campaign run, so keep it cheap; like a check, it must
   * only read. Optional: without it the search is guided by coverage alone.
   *
   * A measure that remembers something between steps is written as a
   * function of the run's nodes that returns the measure: it is called once
   * per run, so its memory starts fresh in every run (as `invariants`).
   *
   * ```ts
   * progress: { name: 'lease overdue (ms)', value: ({ a }) => a.snapshot()?.context.overdueMs },
   * progress: () => {
   *   let bothDownSinceMs: number | undefined;
   *   return {
   *     name: 'both replicas down (ms)',
   *     value: ({ a, b }, w) => {
   *       if (a.status() === 'up' || b.status() === 'up') bothDownSinceMs = undefined;
   *       else bothDownSinceMs ??= w.nowMs;
   *       return bothDownSinceMs === undefined ? 0 : w.nowMs - bothDownSinceMs;
   *     },
   *   };
   * },
   * ```
   */
  readonly progress?: ProgressMeasure<NoInfer<Nodes>> | ((nodes: NoInfer<InferredNodes<Nodes>>) => ProgressMeasure<NoInfer<Nodes>>);
}

/** See {@link Scenario.progress}. */
export interface ProgressMeasure<Nodes = unknown> {
  /** What the number is, with its unit: `session expired (ms)`. */
  readonly name: string;
  /**
   * The measure now; `undefined` when it has no value. A run's progress is
   * the highest value it took. Must be a finite number.
   */
  // A method, not a function property, for the same reason as TimelineFact.value.
  value(nodes: Nodes, world: WorldView): number | undefined;
}

/** See {@link Scenario.expectations}. */
export interface Expectation {
  /** `fails`: a campaign finds a violation (it stops at the first). `holds`: no run fails. */
  readonly expect: 'fails' | 'holds';
  /** The campaign's budget of runs: for `fails`, the most its bug may need. */
  readonly runs?: number;
}

/** Budgets when a scenario declares none (see {@link Scenario.expectations}). */
export const DEFAULT_EXPECTATIONS: Readonly<Record<'buggy' | 'fixed', Required<Expectation>>> = {
  // A buggy variant gets up to 1000 runs to show its bug (the library's need
  // tens); a fixed variant must hold for 300, enough to make a lucky pass
  // unlikely while a library of twenty scenarios stays in minutes.
  buggy: { expect: 'fails', runs: 1000 },
  fixed: { expect: 'holds', runs: 300 },
};

/** Every expectation of a scenario, its declared ones merged over the defaults, `buggy` and `fixed` first. */
export function expectationsOf(scenario: AnyScenario): { readonly variant: string; readonly expect: 'fails' | 'holds'; readonly runs: number }[] {
  const declared = scenario.expectations ?? {};
  const names = [...new Set(['buggy', 'fixed', ...Object.keys(declared)])];
  return names.map((variant) => {
    const own = Object.prototype.hasOwnProperty.call(declared, variant) ? declared[variant] : undefined;
    const fallback = variant === 'buggy' || variant === 'fixed' ? DEFAULT_EXPECTATIONS[variant] : undefined;
    const expect = own?.expect ?? fallback!.expect;
    return { variant, expect, runs: own?.runs ?? fallback?.runs ?? DEFAULT_EXPECTATIONS[expect === 'fails' ? 'buggy' : 'fixed'].runs };
  });
}

/** See {@link Scenario.timeline}. */
export interface TimelineFact<Nodes = unknown> {
  /** The node whose row the fact is drawn under. */
  readonly node: NodeId;
  /** What the fact is, as the row's name: `ready`, `breaker`. */
  readonly name: string;
  /** The fact now; `undefined` while it has no value (the node is down, say). */
  // A method, not a function property: a scenario whose build returns nothing usable (never) still fits AnyScenario.
  value(nodes: Nodes): string | number | boolean | undefined;
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
 *
 * Typing: `Flags` may be an `interface` or a type alias; `Nodes` is what
 * `build` returns. TypeScript reads the properties in the order they are
 * written, so write `build` before `customFaults` and `invariants`: a custom
 * fault's unannotated `apply` written before `build` gets `nodes: unknown`
 * and fails to type-check right there (annotate it, or move `build` up);
 * nothing ever silently becomes `any` (test/types/define-scenario.types.ts).
 */
export function defineScenario<Flags extends FlagsShape<Flags>, Nodes>(scenario: Scenario<Flags, Nodes>): Scenario<Flags, Nodes> {
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
  for (const [variant, expectation] of Object.entries(scenario.expectations ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(scenario.variants, variant)) throw new Error(`scenario ${scenario.id}: expectations name variant '${variant}', which it does not have`);
    if (expectation.expect !== 'fails' && expectation.expect !== 'holds') throw new Error(`scenario ${scenario.id}: expectation of '${variant}' must be 'fails' or 'holds'`);
    if (expectation.runs !== undefined && !(Number.isSafeInteger(expectation.runs) && expectation.runs >= 1)) {
      throw new Error(`scenario ${scenario.id}: expectation of '${variant}': runs must be a whole number >= 1`);
    }
  }
  rememberDefiningFile(scenario);
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

/** An event, or the event made from the fault's drawn fields (`(f) => ({ type: 'restart', box: f.box })`). */
export type FaultEventFrom = FaultEvent | ((fault: CustomFault) => FaultEvent);

/** A node id, or the node id made from the fault's drawn fields (`(f) => String(f.node)`). */
export type FaultTargetFrom = NodeId | ((fault: CustomFault) => NodeId);

function resolveEvent(event: FaultEventFrom, fault: CustomFault): FaultEvent {
  return typeof event === 'function' ? event(fault) : event;
}

function resolveTarget(target: FaultTargetFrom, fault: CustomFault): NodeId {
  return typeof target === 'function' ? target(fault) : target;
}

/**
 * A custom fault that is a window: `start` is sent to the node named
 * `target` when the fault begins and `end` when it heals (`durationMs`
 * later). It has no effect, and is not counted as fired, while the node is
 * down. The target and both events may be functions of the fault, to pass
 * its drawn fields on.
 *
 * ```ts
 * customFaults: { 'mitm-strip': windowFault('An attacker strips the ML-KEM share.', 'relay', { type: 'mitm', on: true }, { type: 'mitm', on: false }) },
 * faultSpace: { ..., custom: { 'mitm-strip': { fields: { durationMs: [1_000, 30_000] } } } },
 * // With a drawn field: custom: { 'load-spike': { fields: { factor: [2, 20], durationMs: [1_000, 60_000] } } }
 * 'load-spike': windowFault('The host is loaded.', 'relay', (f) => ({ type: 'load', factor: f.factor }), { type: 'load', factor: 1 }),
 * ```
 */
export function windowFault(about: string, target: FaultTargetFrom, start: FaultEventFrom, end: FaultEventFrom): CustomFaultHandler<unknown> {
  return {
    about,
    validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (how long the window lasts)"),
    apply: (f, _nodes, node) => {
      const handle = node(resolveTarget(target, f));
      if (handle.status() === 'down') return false;
      handle.send(resolveEvent(start, f) as never);
      return true;
    },
    heal: (f, _nodes, node) => node(resolveTarget(target, f)).send(resolveEvent(end, f) as never),
  };
}

/**
 * A custom fault that is one event sent to the node named `target` (an
 * operator's action: a restart from a console, access revoked). No effect
 * while the node is not up. The target and the event may be functions of
 * the fault, to pass its drawn fields on:
 * `operatorAction('An operator restarts one box.', (f) => String(f.box), { type: 'admin-restart' })`.
 */
export function operatorAction(about: string, target: FaultTargetFrom, event: FaultEventFrom): CustomFaultHandler<unknown> {
  return {
    about,
    validate: () => undefined,
    apply: (f, _nodes, node) => {
      const handle = node(resolveTarget(target, f));
      if (handle.status() !== 'up') return false;
      handle.send(resolveEvent(event, f) as never);
      return true;
    },
  };
}
