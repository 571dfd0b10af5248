/**
 * The cloud (EC2 and EBS): launches instances into box slots, terminates
 * them, and snapshots the workspace volume under a per-volume rate limit.
 *
 * Instance life: `pending` → `running` → `shutting-down` → `terminated`. A
 * box is powered on at launch and powered off the moment termination starts;
 * the control plane hears of `running` and `terminated` as state-change
 * notifications (EventBridge). The cloud itself never fails here except
 * through the kernel's `http-error` fault (an EC2 API 503 blip).
 */
import { enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO } from 'chaos-testbed';
import { BOOT_MS, INSTANCE_PENDING_MS, INSTANCE_TERMINATE_MS, SNAPSHOT_MS, SNAPSHOT_RATE_MS } from './timing.ts';

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated';

export interface Instance {
  readonly slot: string;
  readonly state: InstanceState;
  readonly launchedAtMs: number;
}

interface CloudContext {
  readonly io: NodeIO;
  readonly cp: string;
  readonly slots: readonly string[];
  readonly instances: Readonly<Record<string, Instance>>;
  readonly launched: number;
  readonly lastSnapshotAtMs: number | null;
  /** Snapshot requests waiting for their snapshot to complete, by snapshot id. */
  readonly snapshotting: Readonly<Record<string, IncomingRequest>>;
  /**
   * Instances launched before this time finish booting no earlier than it (a
   * `slow-boot` fault: a slow image pull until the fault heals).
   */
  readonly slowBootUntilMs: number;
}

type CloudEvent =
  | IncomingRequest<{ readonly type: 'run-instance' }>
  | IncomingRequest<{ readonly type: 'terminate-instance'; readonly instanceId: string }>
  | IncomingRequest<{ readonly type: 'create-snapshot' }>
  | IncomingRequest<{ readonly type: 'instance-status'; readonly instanceId: string }>
  | { readonly type: 'instance-running'; readonly instanceId: string }
  | { readonly type: 'instance-terminated'; readonly instanceId: string }
  | { readonly type: 'snapshot-completed'; readonly snapshotId: string }
  | { readonly type: 'slow-boot'; readonly durationMs: number };

/** Instances the workspace is paying for and that can serve: `pending` or `running`. */
export function liveInstances(instances: Readonly<Record<string, Instance>>): string[] {
  return Object.keys(instances).filter((id) => instances[id]!.state === 'pending' || instances[id]!.state === 'running');
}

/** A slot no unfinished instance occupies. */
function freeSlot(context: CloudContext): string | undefined {
  const busy = new Set(Object.values(context.instances).filter((i) => i.state !== 'terminated').map((i) => i.slot));
  return context.slots.find((slot) => !busy.has(slot));
}

export const cloud = setup({
  types: {
    input: {} as { io: NodeIO; cp: string; slots: readonly string[] },
    context: {} as CloudContext,
    events: {} as CloudEvent,
  },
}).createMachine({
  id: 'cloud',
  context: ({ input }) => ({ ...input, instances: {}, launched: 0, lastSnapshotAtMs: null, snapshotting: {}, slowBootUntilMs: 0 }),
  on: {
    'run-instance': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const slot = freeSlot(context);
        if (slot === undefined) {
          enqueue(() => context.io.reply(event, { status: 500, body: 'InsufficientInstanceCapacity' }));
          return;
        }
        const instanceId = `i-${String(context.launched + 1).padStart(4, '0')}`;
        const bootMs = Math.max(BOOT_MS, context.slowBootUntilMs - context.io.nowMs());
        enqueue.assign({
          launched: context.launched + 1,
          instances: { ...context.instances, [instanceId]: { slot, state: 'pending', launchedAtMs: context.io.nowMs() } },
        });
        enqueue(() => context.io.send(slot, { type: 'power-on', instanceId, bootMs }));
        enqueue(() => context.io.reply(event, { status: 200, body: { instanceId, slot } }));
        enqueue.raise({ type: 'instance-running', instanceId }, { delay: INSTANCE_PENDING_MS, id: `running-${instanceId}` });
      }),
    },
    'instance-running': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const instance = context.instances[event.instanceId]!;
        if (instance.state !== 'pending') return;
        enqueue.assign({ instances: { ...context.instances, [event.instanceId]: { ...instance, state: 'running' } } });
        enqueue(() => context.io.send(context.cp, { type: 'instance-state', instanceId: event.instanceId, state: 'running', slot: instance.slot }));
      }),
    },
    'terminate-instance': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const instance = context.instances[event.instanceId];
        if (instance === undefined) {
          enqueue(() => context.io.reply(event, { status: 400, body: 'InvalidInstanceID.NotFound' }));
          return;
        }
        if (instance.state === 'pending' || instance.state === 'running') {
          enqueue.assign({ instances: { ...context.instances, [event.instanceId]: { ...instance, state: 'shutting-down' } } });
          enqueue(() => context.io.send(instance.slot, { type: 'power-off', instanceId: event.instanceId }));
          enqueue.raise({ type: 'instance-terminated', instanceId: event.instanceId }, { delay: INSTANCE_TERMINATE_MS, id: `terminated-${event.instanceId}` });
        }
        const state = instance.state === 'pending' || instance.state === 'running' ? 'shutting-down' : instance.state;
        enqueue(() => context.io.reply(event, { status: 200, body: { state } }));
      }),
    },
    'instance-terminated': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const instance = context.instances[event.instanceId]!;
        enqueue.assign({ instances: { ...context.instances, [event.instanceId]: { ...instance, state: 'terminated' } } });
        enqueue(() => context.io.send(context.cp, { type: 'instance-state', instanceId: event.instanceId, state: 'terminated', slot: instance.slot }));
      }),
    },
    'instance-status': {
      actions: ({ context, event }) => context.io.reply(event, { status: 200, body: { state: context.instances[event.instanceId]?.state ?? 'terminated' } }),
    },
    'create-snapshot': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const nowMs = context.io.nowMs();
        if (context.lastSnapshotAtMs !== null && nowMs - context.lastSnapshotAtMs < SNAPSHOT_RATE_MS) {
          enqueue(() => context.io.reply(event, { status: 400, body: 'SnapshotCreationPerVolumeRateExceeded' }));
          return;
        }
        const snapshotId = `snap-${event.requestId}`;
        enqueue.assign({ lastSnapshotAtMs: nowMs, snapshotting: { ...context.snapshotting, [snapshotId]: event } });
        enqueue.raise({ type: 'snapshot-completed', snapshotId }, { delay: SNAPSHOT_MS, id: snapshotId });
      }),
    },
    'snapshot-completed': {
      actions: enqueueActions(({ context, event, enqueue }) => {
        const { [event.snapshotId]: request, ...rest } = context.snapshotting;
        enqueue.assign({ snapshotting: rest });
        enqueue(() => context.io.reply(request!, { status: 200, body: { snapshotId: event.snapshotId } }));
      }),
    },
    'slow-boot': { actions: enqueueActions(({ context, event, enqueue }) => enqueue.assign({ slowBootUntilMs: context.io.nowMs() + event.durationMs })) },
  },
});
