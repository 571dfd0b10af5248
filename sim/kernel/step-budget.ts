/**
 * Limits on what a single kernel event may do, which the per-instant event
 * counter of the run loop cannot see because the event never returns:
 *
 * - microsteps: a model that raises events to itself forever, or cycles
 *   through eventless (`always`) transitions, or two actors of one system
 *   that keep sending to each other, stays inside one `actor.send`. xstate
 *   reports each microstep to its inspection hook; the kernel counts them
 *   per kernel event and stops the run past the limit, naming the states
 *   it cycled through;
 * - pending events: a model that schedules timers (or sends messages) by
 *   the million fills the event queue until the process runs out of memory;
 *   the kernel refuses to queue past the limit.
 *
 * Either way the run ends as `budget-exceeded`, with the plan and the trace
 * so far intact. The limit is enforced by throwing a {@link BudgetStop} from
 * inside xstate (which catches it and stops the actor) or from the workload
 * step; the budget keeps the outcome, so the run ends with it even if a
 * parent machine handled its child's error.
 */
import type { InspectionEvent as XstateInspectionEvent } from 'xstate';
import type { BudgetExceeded } from './outcome.ts';

/**
 * Microsteps one kernel event may cause. The busiest event of the built-in
 * library takes 2 (measured over 30 runs of every scenario and variant, and
 * the 1,000-server fleet of `npm run bench:fleet`), so this leaves a margin
 * of thousands for models with long eventless chains, while a raise loop
 * reaches it in about 0.3 s and an eventless loop in about 0.1 s, holding a
 * few MB (xstate keeps every microstep of a step until it returns).
 */
export const DEFAULT_MAX_MICROSTEPS_PER_EVENT = 10_000;

/**
 * Events the queue may hold at once. The built-in library peaks at 403
 * (`dmsg/cold-start`), the 1,000-server fleet at 9,883; a pending xstate
 * timer holds about 800 bytes (xstate's scheduled-event record, the
 * kernel's entry and closures), so a timer explosion stops near 200 MB.
 */
export const DEFAULT_MAX_PENDING_EVENTS = 250_000;

/** How many of the last microsteps a livelock's detail is built from. */
const RECENT_MICROSTEPS = 24;

/** Thrown where a limit is hit; it unwinds xstate, which stops the actor. */
export class BudgetStop extends Error {
  override name = 'BudgetStop';
}

/** Whether a model's actor stopped on a {@link BudgetStop}; never throws (`instanceof` on a revoked proxy does). */
export function isBudgetStop(error: unknown): boolean {
  try {
    return error instanceof BudgetStop;
  } catch {
    return false;
  }
}

/** A microstep as the inspection hook reports it, reduced to what a detail names. */
interface Microstep {
  readonly node: string;
  readonly state: string;
  readonly event: string;
}

/** The limits of one run, and what it has used of them in the current event. */
export class StepBudget {
  /** Microsteps taken since the current kernel event began. */
  microsteps = 0;
  /** The node whose work the current event is (for a limit's detail), or the kernel's. */
  acting = 'sim';
  /** The limit that was hit, as the run's outcome. */
  exceeded: BudgetExceeded | undefined;
  private readonly recent: Microstep[] = [];

  constructor(
    readonly maxMicrosteps: number,
    readonly maxPendingEvents: number,
    private readonly nowMs: () => number,
  ) {}

  /** A new kernel event begins. */
  beginEvent(): void {
    this.microsteps = 0;
    this.acting = 'sim';
    if (this.recent.length > 0) this.recent.length = 0;
  }

  /** Counts a microstep; only the last few before the limit are kept for the detail. */
  microstep(node: string, state: () => string, event: string): void {
    const taken = ++this.microsteps;
    if (taken <= this.maxMicrosteps - RECENT_MICROSTEPS) return;
    this.recent.push({ node, state: state(), event });
    if (taken <= this.maxMicrosteps) return;
    throw this.stop({
      kind: 'budget-exceeded',
      reason: 'microsteps',
      atMs: this.nowMs(),
      detail: `more than ${this.maxMicrosteps} microsteps inside one step on ${node}: ${describeLoop(this.recent)}; a raise or eventless (always) loop that never settles`,
    });
  }

  /** Refuses to queue one more event (for `node`) past the limit. */
  pending(queued: number, node: string): void {
    if (queued < this.maxPendingEvents) return;
    const whose = this.acting === node ? '' : ` (for ${node})`;
    throw this.stop({
      kind: 'budget-exceeded',
      reason: 'pending-events',
      atMs: this.nowMs(),
      detail: `${this.acting} tried to queue one more event${whose} while ${this.maxPendingEvents} were pending (timers and messages in flight): a timer or message explosion`,
    });
  }

  private stop(outcome: BudgetExceeded): BudgetStop {
    this.exceeded ??= outcome;
    return new BudgetStop(this.exceeded.detail);
  }
}

let current: StepBudget | undefined;

/** Runs `body` with `budget` in force (for the nodes of the run); restores the outer one after. */
export function withStepBudget<T>(budget: StepBudget, body: () => T): T {
  const outer = current;
  current = budget;
  try {
    return body();
  } finally {
    current = outer;
  }
}

/** Called by a node when its work begins to run (an event due, its actor starting). */
export function nodeActing(node: string): void {
  if (current !== undefined) current.acting = node;
}

/** Called by a node before it queues an event: throws {@link BudgetStop} past the limit. */
export function chargePendingEvent(queued: number, node: string): void {
  current?.pending(queued, node);
}

/** The inspection event fields the counter reads (xstate's `@xstate.microstep`). */
interface InspectionEvent {
  readonly type: string;
  readonly actorRef?: { readonly system?: unknown; readonly logic?: { readonly id?: unknown } };
  readonly snapshot?: { readonly value?: unknown };
  readonly event?: { readonly type?: unknown };
}

type InspectionSink = (event: InspectionEvent) => void;

interface InspectableSystem {
  _sendInspectionEvent?: InspectionSink;
  inspect?: (...args: unknown[]) => unknown;
}

/**
 * An `inspect` option for `createActor` that counts the microsteps of the
 * actor's whole system against the budget in force, named after `node`.
 *
 * xstate's public inspection copies every inspection event for every
 * observer, which costs 11-18% of a campaign's runs per second. So the
 * observer is used once, for the `@xstate.actor` event xstate sends when it
 * creates the system (before the initial microsteps, which may already
 * loop), to replace the system's internal `_sendInspectionEvent`, which
 * xstate looks up at each call, with a counter that copies nothing. If a
 * model inspects its own system (`self.system.inspect`), events are passed
 * on to it as before.
 */
export function microstepInspector(node: string, stateKey: (value: unknown) => string): { next(event: XstateInspectionEvent): void } {
  let hooked = false;
  return {
    next(event) {
      if (hooked) return;
      hooked = true;
      const system = (event as InspectionEvent).actorRef?.system as InspectableSystem | undefined;
      const send = system?._sendInspectionEvent;
      const inspect = system?.inspect;
      if (system === undefined || typeof send !== 'function' || typeof inspect !== 'function') {
        throw new Error('xstate changed: actor.system._sendInspectionEvent is gone; see sim/kernel/step-budget.ts');
      }
      let passOn = false;
      system.inspect = (...args: unknown[]) => {
        passOn = true;
        return Reflect.apply(inspect, system, args);
      };
      system._sendInspectionEvent = (inspected) => {
        if (inspected.type === '@xstate.microstep' && current !== undefined) {
          current.microstep(node, () => machineState(inspected, stateKey), String(inspected.event?.type));
        }
        if (passOn) send(inspected);
      };
    },
  };
}

/** `machine:state` of the actor that took a microstep (a child's machine differs from the node's). */
function machineState(event: InspectionEvent, stateKey: (value: unknown) => string): string {
  const machine = String(event.actorRef?.logic?.id ?? 'actor');
  const state = stateKey(event.snapshot?.value);
  return state === '' ? machine : `${machine}:${state}`;
}

/**
 * The loop in the last microsteps: the shortest cycle of (state, event)
 * that repeats over all of them, or else the last states seen.
 */
function describeLoop(recent: readonly Microstep[]): string {
  const steps = recent.map((step) => `${step.state} (${step.event})`);
  for (let period = 1; period <= steps.length / 2; period++) {
    if (steps.every((step, i) => i < period || step === steps[i - period])) {
      const cycle = steps.slice(steps.length - period);
      return `it cycled through ${[...cycle, cycle[0]].join(' -> ')}`;
    }
  }
  return `its last states were ${steps.slice(-8).join(' -> ')}`;
}
