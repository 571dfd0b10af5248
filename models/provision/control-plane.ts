/**
 * The control plane of one workspace: the provisioner with its three
 * recreate triggers (stall watchdog, auto-recovery, admin restart), the token
 * service's register handler, heartbeats, the canary that makes a workspace
 * show `online`, DNS for the current instance, and delegations (messages sent
 * to the workspace).
 *
 * A recreate flow: revoke every workspace token, snapshot the volume, start
 * terminating the current instance and wait until the cloud says it is
 * terminated, launch a new one, and when it runs point the record (and DNS)
 * at it. Flows are goroutines: with `singleFlightRecreate` off (the
 * incident), a second trigger starts a second flow; two flows waiting on the
 * same termination launch two instances within milliseconds of each other,
 * and each points DNS at its own.
 *
 * Bug flags (each a fix of the incident when on):
 * - `singleFlightRecreate`: a trigger while a flow runs joins it (a no-op);
 * - `bootstrapGate`: see tokens.ts;
 * - `distinctProcessed`: a delegation is `delivered` when the box takes it
 *   and `processed` when the agent posts its result, instead of `completed`
 *   on delivery;
 * - `surfaceRegisterErrors`: a failed register is kept on the record, and
 *   the workspace shows `degraded`, not `online`, unless its agent is
 *   heartbeating (see {@link shownStatus}).
 */
import { assign, enqueueActions, setup } from 'xstate';
import { answeredOk, type Delivered, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import type { InstanceState } from './cloud.ts';
import { decideRegister, isLive, liveTokens, mint, revoke, type BootstrapGate, type Token } from './tokens.ts';
import {
  AUTO_RECOVERY_FAILED_CANARIES,
  AUTO_RECOVERY_GRACE_MS,
  CANARY_MS,
  CLOUD_TIMEOUT_MS,
  ONLINE_FRESH_MS,
  REQUEST_TIMEOUT_MS,
  STALL_WINDOW_MS,
  WATCHDOG_TICK_MS,
} from './timing.ts';

export type ControlPlaneFlags = {
  readonly singleFlightRecreate: boolean;
  readonly bootstrapGate: BootstrapGate;
  readonly distinctProcessed: boolean;
  readonly surfaceRegisterErrors: boolean;
};

export type RecreateTrigger = 'create' | 'watchdog' | 'auto-recovery' | 'admin-restart';

interface Flow {
  readonly id: string;
  readonly trigger: RecreateTrigger;
  readonly step: 'snapshot' | 'terminate' | 'terminating' | 'launch' | 'starting';
  /** The instance being replaced. */
  readonly old: string | null;
  /** The instance launched. */
  readonly instance: string | null;
}

export interface WorkspaceRecord {
  /** The instance the record (and DNS) points at. */
  readonly current: string | null;
  /** Its box slot: the DNS A record. */
  readonly slot: string | null;
  readonly launchedAtMs: number;
  readonly lastHeartbeatMs: number | null;
  readonly lastCanaryOkMs: number | null;
  readonly failedCanaries: number;
  readonly lastRegisterError: string | null;
}

export type DelegationStatus = 'sent' | 'completed' | 'delivered' | 'processed' | 'failed';

/** One answer of the register handler, kept for the audit log. */
export interface RegisterRecord {
  readonly atMs: number;
  readonly instanceId: string;
  readonly status: number;
  /** Live tokens of the workspace when the register came in. */
  readonly liveTokensBefore: number;
}

type Awaiting = { readonly kind: 'flow'; readonly flowId: string } | { readonly kind: 'canary' } | { readonly kind: 'deliver'; readonly delegationId: string };

interface ControlPlaneState {
  readonly record: WorkspaceRecord;
  readonly tokens: readonly Token[];
  readonly minted: number;
  readonly flows: Readonly<Record<string, Flow>>;
  readonly flowCount: number;
  readonly awaiting: Readonly<Record<string, Awaiting>>;
  /** What the cloud's notifications have said of each instance. */
  readonly instanceStates: Readonly<Record<string, InstanceState>>;
  readonly delegations: Readonly<Record<string, DelegationStatus>>;
  /** Delegations whose result an authenticated agent posted. */
  readonly processed: readonly string[];
  readonly registers: readonly RegisterRecord[];
}

interface ControlPlaneContext extends ControlPlaneState, ControlPlaneFlags {
  readonly io: NodeIO;
  readonly cloud: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<ControlPlaneContext> & {
  record: Mutable<WorkspaceRecord>;
  flows: Record<string, Flow>;
  awaiting: Record<string, Awaiting>;
  instanceStates: Record<string, InstanceState>;
  delegations: Record<string, DelegationStatus>;
};

type Credentials = { readonly instanceId: string; readonly token: string | null };
type ControlPlaneEvent =
  | IncomingRequest<{ readonly type: 'register' } & Credentials>
  | IncomingRequest<{ readonly type: 'heartbeat' } & Credentials>
  | IncomingRequest<{ readonly type: 'result'; readonly delegationId: string } & Credentials>
  | IncomingRequest<{ readonly type: 'delegate'; readonly delegationId: string }>
  | IncomingRequest<{ readonly type: 'delegation-status'; readonly delegationId: string }>
  | Delivered<{ readonly type: 'instance-state'; readonly instanceId: string; readonly state: InstanceState; readonly slot: string }>
  | ResponseEvent<'create-snapshot' | 'terminate-instance' | 'canary' | 'deliver'>
  | ResponseEvent<'run-instance', { instanceId: string; slot: string } | string>
  | TimeoutEvent<'create-snapshot' | 'terminate-instance' | 'run-instance' | 'canary' | 'deliver'>
  | { readonly type: 'admin-restart' };

/**
 * What the workspace list shows for the workspace now (on the control
 * plane's clock). The incident's record knows only the canary, which the
 * ingress answers whether or not the agent works. With
 * `surfaceRegisterErrors` the record also carries the agent's side: it shows
 * `degraded` (with the last register error) unless an authenticated
 * heartbeat is fresh.
 */
export function shownStatus(context: ControlPlaneState & ControlPlaneFlags, nowMs: number): 'online' | 'degraded' | 'offline' {
  const { lastCanaryOkMs, lastHeartbeatMs } = context.record;
  if (lastCanaryOkMs === null || nowMs - lastCanaryOkMs > ONLINE_FRESH_MS) return 'offline';
  if (!context.surfaceRegisterErrors) return 'online';
  return lastHeartbeatMs !== null && nowMs - lastHeartbeatMs <= ONLINE_FRESH_MS ? 'online' : 'degraded';
}

function draftOf(context: ControlPlaneContext): Draft {
  return {
    ...context,
    record: { ...context.record },
    tokens: context.tokens,
    flows: { ...context.flows },
    awaiting: { ...context.awaiting },
    instanceStates: { ...context.instanceStates },
    delegations: { ...context.delegations },
  };
}

/** The context after `edit` has changed a copy of it in place. */
function edited(context: ControlPlaneContext, edit: (d: Draft) => void): Draft {
  const d = draftOf(context);
  edit(d);
  return d;
}

// ---- recreate flows -------------------------------------------------------

function startRecreate(d: Draft, trigger: RecreateTrigger): void {
  const running = Object.values(d.flows);
  if (d.singleFlightRecreate && running.length > 0) {
    d.io.note(`${trigger}: recreate already in flight (${running[0]!.id}); joining it`);
    return;
  }
  const id = `flow-${d.flowCount + 1}`;
  d.flowCount++;
  d.tokens = revoke(d.tokens);
  if (d.record.current === null) {
    d.io.note(`${trigger}: provision (${id})`);
    launch(d, { id, trigger, step: 'launch', old: null, instance: null });
    return;
  }
  d.io.note(`${trigger}: recreate ${id}: deprovision ${d.record.current}, provision a new instance; all workspace tokens revoked`);
  const requestId = d.io.request(d.cloud, { type: 'create-snapshot' }, { timeoutMs: CLOUD_TIMEOUT_MS });
  d.awaiting[requestId] = { kind: 'flow', flowId: id };
  d.flows[id] = { id, trigger, step: 'snapshot', old: null, instance: null };
}

function terminateCurrent(d: Draft, flow: Flow): void {
  const old = d.record.current;
  const state = old === null ? 'terminated' : d.instanceStates[old];
  if (old === null || state === 'terminated') return launch(d, { ...flow, old });
  if (state === 'shutting-down') {
    d.flows[flow.id] = { ...flow, step: 'terminating', old };
    return;
  }
  const requestId = d.io.request(d.cloud, { type: 'terminate-instance', instanceId: old }, { timeoutMs: REQUEST_TIMEOUT_MS });
  d.awaiting[requestId] = { kind: 'flow', flowId: flow.id };
  d.flows[flow.id] = { ...flow, step: 'terminate', old };
}

function launch(d: Draft, flow: Flow): void {
  const requestId = d.io.request(d.cloud, { type: 'run-instance' }, { timeoutMs: REQUEST_TIMEOUT_MS });
  d.awaiting[requestId] = { kind: 'flow', flowId: flow.id };
  d.flows[flow.id] = { ...flow, step: 'launch' };
}

function abort(d: Draft, flow: Flow, why: string): void {
  d.io.note(`recreate ${flow.id} (${flow.trigger}) failed at ${flow.step}: ${why}`);
  delete d.flows[flow.id];
}

/** A cloud answer for a flow's current step. */
function flowAnswer(d: Draft, flow: Flow, event: ResponseEvent | TimeoutEvent): void {
  const ok = answeredOk(event);
  if (!ok) return abort(d, flow, event.type.endsWith('.timeout') ? 'timed out' : `HTTP ${(event as ResponseEvent).status} ${JSON.stringify((event as ResponseEvent).body)}`);
  if (flow.step === 'snapshot') return terminateCurrent(d, flow);
  if (flow.step === 'terminate') {
    d.tokens = revoke(d.tokens, flow.old!);
    d.instanceStates[flow.old!] = 'shutting-down';
    d.flows[flow.id] = { ...flow, step: 'terminating' };
    return;
  }
  if (flow.step === 'launch') {
    const { instanceId, slot } = (event as ResponseEvent<'run-instance', { instanceId: string; slot: string }>).body;
    d.io.note(`${flow.id}: provisioned ${instanceId} on ${slot}`);
    d.instanceStates[instanceId] = 'pending';
    d.flows[flow.id] = { ...flow, step: 'starting', instance: instanceId };
  }
}

function instanceChanged(d: Draft, instanceId: string, state: InstanceState, slot: string): void {
  d.instanceStates[instanceId] = state;
  for (const flow of Object.values(d.flows)) {
    if (state === 'terminated' && flow.step === 'terminating' && flow.old === instanceId) launch(d, flow);
    if (state === 'running' && flow.step === 'starting' && flow.instance === instanceId) {
      d.io.note(`${flow.id}: DNS A record → ${instanceId} (${slot})`);
      d.record = { ...d.record, current: instanceId, slot, launchedAtMs: d.io.nowMs(), lastCanaryOkMs: null, failedCanaries: 0 };
      delete d.flows[flow.id];
    }
  }
}

// ---- the machine ----------------------------------------------------------

/** The requests the control plane makes. */
const REQUESTS = ['create-snapshot', 'terminate-instance', 'run-instance', 'canary', 'deliver'] as const;

export const controlPlane = setup({
  types: {
    input: {} as ControlPlaneFlags & { io: NodeIO; cloud: string },
    context: {} as ControlPlaneContext,
    events: {} as ControlPlaneEvent,
  },
  delays: { WATCHDOG_TICK: WATCHDOG_TICK_MS, CANARY: CANARY_MS },
  actions: {
    create: assign(({ context }) => edited(context, (d) => startRecreate(d, 'create'))),
    adminRestart: assign(({ context }) => edited(context, (d) => startRecreate(d, 'admin-restart'))),
    watchdog: assign(({ context }) => edited(context, watchdogTick)),
    canary: assign(({ context }) => edited(context, sendCanary)),
    answer: assign(({ context, event }) => edited(context, (d) => answered(d, event as ResponseEvent | TimeoutEvent))),
    instanceState: assign(({ context, event }) => edited(context, (d) => event.type === 'instance-state' && instanceChanged(d, event.instanceId, event.state, event.slot))),
    register: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'register') return;
      const nowMs = context.io.nowMs();
      const retired = (id: string) => context.instanceStates[id] === 'shutting-down' || context.instanceStates[id] === 'terminated';
      const request = { instanceId: event.instanceId, presented: event.token, retired, nextToken: `tok-${context.minted + 1}` };
      const decision = decideRegister(context.tokens, request, context.bootstrapGate);
      const entry: RegisterRecord = { atMs: nowMs, instanceId: event.instanceId, status: decision.status, liveTokensBefore: liveTokens(context.tokens).length };
      const registers = [...context.registers, entry];
      if (decision.status === 200) {
        if (decision.minted) enqueue(() => context.io.note(`register ${event.instanceId}: bootstrap mint ${decision.token}`));
        enqueue.assign({
          registers,
          tokens: decision.minted ? mint(context.tokens, event.instanceId, decision.token) : context.tokens,
          minted: context.minted + (decision.minted ? 1 : 0),
          record: context.surfaceRegisterErrors ? { ...context.record, lastRegisterError: null } : context.record,
        });
        enqueue(() => context.io.reply(event, { status: 200, body: { token: decision.token } }));
        return;
      }
      const error = `register ${event.instanceId}: HTTP 401 (${decision.reason})`;
      enqueue(() => context.io.note(error));
      enqueue.assign({ registers, record: context.surfaceRegisterErrors ? { ...context.record, lastRegisterError: error } : context.record });
      enqueue(() => context.io.reply(event, { status: 401, body: decision.reason }));
    }),
    heartbeat: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'heartbeat') return;
      const ok = isLive(context.tokens, event.token);
      if (ok) enqueue.assign({ record: { ...context.record, lastHeartbeatMs: context.io.nowMs() } });
      enqueue(() => context.io.reply(event, { status: ok ? 200 : 401 }));
    }),
    result: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'result') return;
      const ok = isLive(context.tokens, event.token);
      if (ok && !context.processed.includes(event.delegationId)) {
        enqueue.assign({
          processed: [...context.processed, event.delegationId],
          delegations: context.distinctProcessed ? { ...context.delegations, [event.delegationId]: 'processed' } : context.delegations,
        });
      }
      enqueue(() => context.io.reply(event, { status: ok ? 200 : 401 }));
    }),
    delegate: assign(({ context, event }) => edited(context, (d) => event.type === 'delegate' && delegate(d, event))),
    delegationStatus: ({ context, event }) => {
      if (event.type === 'delegation-status') context.io.reply(event, { status: 200, body: { status: context.delegations[event.delegationId] ?? 'failed' } });
    },
  },
}).createMachine({
  id: 'control-plane',
  context: ({ input }) => ({
    ...input,
    record: { current: null, slot: null, launchedAtMs: 0, lastHeartbeatMs: null, lastCanaryOkMs: null, failedCanaries: 0, lastRegisterError: null },
    tokens: [],
    minted: 0,
    flows: {},
    flowCount: 0,
    awaiting: {},
    instanceStates: {},
    delegations: {},
    processed: [],
    registers: [],
  }),
  entry: 'create',
  on: {
    register: { actions: 'register' },
    heartbeat: { actions: 'heartbeat' },
    result: { actions: 'result' },
    delegate: { actions: 'delegate' },
    'delegation-status': { actions: 'delegationStatus' },
    'instance-state': { actions: 'instanceState' },
    'admin-restart': { actions: 'adminRestart' },
    // Every answer to a request of ours goes through one handler, matched by request id.
    ...Object.fromEntries(REQUESTS.flatMap((type) => [`${type}.response`, `${type}.timeout`]).map((answer) => [answer, { actions: 'answer' as const }])),
  },
  type: 'parallel',
  states: {
    watchdog: { initial: 'waiting', states: { waiting: { after: { WATCHDOG_TICK: { target: 'waiting', reenter: true, actions: 'watchdog' } } } } },
    canary: { initial: 'waiting', states: { waiting: { after: { CANARY: { target: 'waiting', reenter: true, actions: 'canary' } } } } },
  },
});

// ---- loops and answers ---------------------------------------------------

/** No authenticated heartbeat for the stall window (or no instance at all, after a failed provision): recreate. */
function watchdogTick(d: Draft): void {
  const since = Math.max(d.record.lastHeartbeatMs ?? -Infinity, d.record.launchedAtMs);
  if (d.io.nowMs() - since > STALL_WINDOW_MS) startRecreate(d, 'watchdog');
}

function sendCanary(d: Draft): void {
  if (d.record.slot === null) return;
  d.awaiting[d.io.request(d.record.slot, { type: 'canary' }, { timeoutMs: REQUEST_TIMEOUT_MS })] = { kind: 'canary' };
}

/** An answer (or a timeout) to a request the control plane made. */
function answered(d: Draft, e: ResponseEvent | TimeoutEvent): void {
  const waiting = d.awaiting[e.requestId];
  if (waiting === undefined) return;
  delete d.awaiting[e.requestId];
  const ok = answeredOk(e);
  if (waiting.kind === 'flow') {
    const flow = d.flows[waiting.flowId];
    if (flow !== undefined) flowAnswer(d, flow, e);
  } else if (waiting.kind === 'canary') {
    if (ok) d.record = { ...d.record, lastCanaryOkMs: d.io.nowMs(), failedCanaries: 0 };
    else canaryFailed(d);
  } else {
    const before = d.delegations[waiting.delegationId];
    d.delegations[waiting.delegationId] = !ok ? 'failed' : !d.distinctProcessed ? 'completed' : before === 'processed' ? 'processed' : 'delivered';
  }
}

/** A message for the workspace: hand it to the box DNS points at. */
function delegate(d: Draft, event: IncomingRequest<{ readonly type: 'delegate'; readonly delegationId: string }>): void {
  d.io.reply(event, { status: 202 });
  if (d.record.slot === null) {
    d.delegations[event.delegationId] = 'failed';
    return;
  }
  d.delegations[event.delegationId] = 'sent';
  const requestId = d.io.request(d.record.slot, { type: 'deliver', delegationId: event.delegationId }, { timeoutMs: REQUEST_TIMEOUT_MS });
  d.awaiting[requestId] = { kind: 'deliver', delegationId: event.delegationId };
}

function canaryFailed(d: Draft): void {
  const failed = d.record.failedCanaries + 1;
  d.record = { ...d.record, failedCanaries: failed };
  if (failed >= AUTO_RECOVERY_FAILED_CANARIES && d.io.nowMs() - d.record.launchedAtMs >= AUTO_RECOVERY_GRACE_MS) {
    d.record = { ...d.record, failedCanaries: 0 };
    startRecreate(d, 'auto-recovery');
  }
}
