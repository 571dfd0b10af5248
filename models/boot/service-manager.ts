/**
 * The service manager (systemd) on the host, with the semantics the boot
 * incident needs:
 *
 * - At boot, a transaction of start jobs: the units `multi-user.target` wants,
 *   and everything they want or require. A transaction whose ordering has a
 *   cycle is repaired as systemd does: a job in the cycle that nothing
 *   requires is deleted ("Job X/start deleted to break ordering cycle").
 * - A start job waits while any unit it is ordered after (`After=` on it, or
 *   `Before=` on the other) still has a job waiting or starting. A unit
 *   ordered after a failed one starts anyway; one that `Requires=` a failed
 *   one fails ("dependency failed").
 * - A started job runs the unit's start command (the unit's own node) and
 *   fails when it has not finished within `TimeoutStartSec`: the command is
 *   killed ("start operation timed out").
 * - An operator reset (`systemctl stop X Y; reset-failed; start X Y`) stops the
 *   units and queues fresh start jobs for them.
 */
import { enqueueActions, setup } from 'xstate';
import type { Delivered, NodeIO } from 'chaos-testbed';
import { orderingEdges, TARGET_WANTS, waitCycle, type UnitSpec } from './units.ts';

/** Where a unit's start job is. `none`: no job in the transaction. */
export type JobState = 'none' | 'waiting' | 'starting' | 'active' | 'failed' | 'deleted';

export interface ServiceManagerInput {
  readonly io: NodeIO;
  readonly units: readonly UnitSpec[];
}

interface ServiceManagerContext extends ServiceManagerInput {
  readonly jobs: Readonly<Record<string, JobState>>;
}

type ServiceManagerEvent =
  | Delivered<{ readonly type: 'unit.active' }>
  | Delivered<{ readonly type: 'unit.failed'; readonly reason: string }>
  | { readonly type: 'job-timeout'; readonly unit: string }
  | { readonly type: 'operator-reset'; readonly units: readonly string[] };

/** The boot transaction: jobs for what the target pulls in, ordering cycles broken. */
export function bootTransaction(units: readonly UnitSpec[]): { jobs: Record<string, JobState>; deleted: string[] } {
  const byName = new Map(units.map((u) => [u.name, u]));
  const pulled = new Set<string>();
  const pull = (name: string): void => {
    const unit = byName.get(name);
    if (unit === undefined || pulled.has(name)) return;
    pulled.add(name);
    for (const dep of [...unit.wants, ...unit.requires]) pull(dep);
  };
  for (const name of TARGET_WANTS) pull(name);
  const jobs: Record<string, JobState> = Object.fromEntries(units.map((u) => [u.name, pulled.has(u.name) ? 'waiting' : 'none']));
  const deleted: string[] = [];
  for (;;) {
    const inTransaction = units.filter((u) => jobs[u.name] === 'waiting');
    const cycle = waitCycle(inTransaction, (us) => orderingEdges(us).filter((e) => jobs[e.to] === 'waiting'));
    if (cycle === null) break;
    const required = new Set(units.flatMap((u) => u.requires));
    const victim = cycle.map((e) => e.from).find((name) => !required.has(name)) ?? cycle[0]!.from;
    jobs[victim] = 'deleted';
    deleted.push(victim);
  }
  return { jobs, deleted };
}

/** The units `unit` is ordered after: its own `After=`, and units that are `Before=` it. */
function orderedAfter(units: readonly UnitSpec[], unit: UnitSpec): string[] {
  return [...unit.after, ...units.filter((u) => u.before.includes(unit.name)).map((u) => u.name)];
}

/** Jobs that can start now, and jobs that fail on a failed requirement. */
export function runnable(units: readonly UnitSpec[], jobs: Readonly<Record<string, JobState>>): { start: string[]; fail: string[] } {
  const pending = (name: string) => jobs[name] === 'waiting' || jobs[name] === 'starting';
  const start: string[] = [];
  const fail: string[] = [];
  for (const unit of units) {
    if (jobs[unit.name] !== 'waiting') continue;
    if (unit.requires.some((r) => jobs[r] === 'failed')) {
      fail.push(unit.name);
      continue;
    }
    if (!orderedAfter(units, unit).some(pending)) start.push(unit.name);
  }
  return { start, fail };
}

/** What each waiting job waits for, for reports: `deploy-dashboard waits for deploy-proxy (After=)`. */
export function waitingFor(units: readonly UnitSpec[], jobs: Readonly<Record<string, JobState>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const unit of units) {
    if (jobs[unit.name] !== 'waiting') continue;
    out[unit.name] = orderedAfter(units, unit).filter((d) => jobs[d] === 'waiting' || jobs[d] === 'starting');
  }
  return out;
}

const settled = (jobs: Readonly<Record<string, JobState>>) => Object.values(jobs).every((j) => j !== 'waiting' && j !== 'starting');

export const serviceManager = setup({
  types: { input: {} as ServiceManagerInput, context: {} as ServiceManagerContext, events: {} as ServiceManagerEvent },
  guards: { allSettled: ({ context }) => settled(context.jobs) },
  actions: {
    /** A unit's start command reported back: its job is over, its timeout cancelled. */
    finishJob: enqueueActions(({ context, event, enqueue }, params: { state: 'active' | 'failed' }) => {
      if (event.type !== 'unit.active' && event.type !== 'unit.failed') return;
      enqueue.cancel(`timeout:${event.from}`);
      enqueue.assign({ jobs: { ...context.jobs, [event.from]: params.state } });
      if (event.type === 'unit.failed') enqueue(() => context.io.note(`${event.from}: ${event.reason}`));
    }),
    /** Starts what can start, fails what must fail, until nothing changes. */
    dispatch: enqueueActions(({ context, enqueue }) => {
      const jobs = { ...context.jobs };
      for (;;) {
        const { start, fail } = runnable(context.units, jobs);
        if (start.length === 0 && fail.length === 0) break;
        for (const name of fail) {
          jobs[name] = 'failed';
          enqueue(() => context.io.note(`${name}: dependency failed`));
        }
        for (const name of start) {
          jobs[name] = 'starting';
          const unit = context.units.find((u) => u.name === name)!;
          enqueue(() => context.io.send(name, { type: 'start' }));
          enqueue.raise({ type: 'job-timeout', unit: name }, { id: `timeout:${name}`, delay: unit.timeoutStartMs });
        }
      }
      enqueue.assign({ jobs });
    }),
  },
}).createMachine({
  id: 'service-manager',
  context: ({ input }) => {
    const { jobs, deleted } = bootTransaction(input.units);
    for (const name of deleted) input.io.note(`ordering cycle: job ${name}/start deleted to break it`);
    return { ...input, jobs };
  },
  initial: 'booting',
  on: {
    'unit.active': { target: '.booting', actions: [{ type: 'finishJob', params: { state: 'active' } }, 'dispatch'] },
    'unit.failed': { target: '.booting', actions: [{ type: 'finishJob', params: { state: 'failed' } }, 'dispatch'] },
    'job-timeout': {
      target: '.booting',
      actions: [
        enqueueActions(({ context, event, enqueue }) => {
          if (context.jobs[event.unit] !== 'starting') return;
          enqueue(() => context.io.note(`${event.unit}: start operation timed out; terminating`));
          enqueue(() => context.io.send(event.unit, { type: 'kill' }));
          enqueue.assign({ jobs: { ...context.jobs, [event.unit]: 'failed' } });
        }),
        'dispatch',
      ],
    },
    'operator-reset': {
      target: '.booting',
      actions: [
        enqueueActions(({ context, event, enqueue }) => {
          const jobs = { ...context.jobs };
          for (const name of event.units) {
            enqueue.cancel(`timeout:${name}`);
            enqueue(() => context.io.send(name, { type: 'stop' }));
            jobs[name] = 'waiting';
          }
          enqueue(() => context.io.note(`operator: systemctl stop, reset-failed and start ${event.units.join(' ')}`));
          enqueue.assign({ jobs });
        }),
        'dispatch',
      ],
    },
  },
  states: {
    booting: {
      entry: 'dispatch',
      always: { guard: 'allSettled', target: 'settled' },
    },
    settled: {},
  },
});
