/**
 * A dmsg server process with its HTTP health endpoint, and the supervisor
 * that probes it (3154). The data plane (relaying) runs in a goroutine; the
 * health server answers `/health`.
 *
 * Bug flag `surfaceDataPlaneDeath`: in the incident the health server ran in
 * the foreground and the data plane in a goroutine, so when the data plane
 * died its error sat unread and /health kept answering 200: a dead server
 * that looks alive. The fix runs both as goroutines and returns the first
 * death: the process exits (`io.exit`), /health stops answering, the
 * supervisor restarts it.
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** The supervisor's probe period and deadline, and a restart's duration. Assumed: 5 s, 2 s, 1 s. */
export const HEALTH_PROBE_MS = 5_000;
export const HEALTH_TIMEOUT_MS = 2_000;
export const RESTART_MS = 1_000;

export type HealthFlags = { readonly surfaceDataPlaneDeath: boolean };

interface ServerContext extends HealthFlags {
  readonly io: NodeIO;
  readonly dataPlaneAlive: boolean;
  readonly dataPlaneDiedAtMs: number | null;
  /** The last /health answer of 200, when. */
  readonly lastHealthyAtMs: number | null;
}

type ServerEvent = IncomingRequest<{ readonly type: 'relay' | 'health' }> | { readonly type: 'data-plane-dies' };

export const healthServer = setup({
  types: {
    input: {} as HealthFlags & { io: NodeIO },
    context: {} as ServerContext,
    events: {} as ServerEvent,
  },
  actions: {
    relay: ({ context, event }) => void (context.dataPlaneAlive && context.io.reply(event as IncomingRequest, { status: 200 })),
    health: assign(({ context, event }) => {
      context.io.reply(event as IncomingRequest, { status: 200, body: 'healthy' });
      return { lastHealthyAtMs: context.io.nowMs() };
    }),
    die: assign(({ context }) => {
      context.io.note(`data plane died${context.surfaceDataPlaneDeath ? '; the process exits with its error' : ' (its error sits unread; /health still serves)'}`);
      return { dataPlaneAlive: false, dataPlaneDiedAtMs: context.io.nowMs() };
    }),
    exit: ({ context }) => context.io.exit(1),
  },
}).createMachine({
  id: 'health-server',
  context: ({ input }) => ({ ...input, dataPlaneAlive: true, dataPlaneDiedAtMs: null, lastHealthyAtMs: null }),
  on: {
    relay: { actions: 'relay' },
    health: { actions: 'health' },
    'data-plane-dies': [{ guard: ({ context }) => context.surfaceDataPlaneDeath, actions: ['die', 'exit'] }, { actions: 'die' }],
  },
});

/** The supervisor: probes /health and, when a probe fails, kills the server and starts it again RESTART_MS later. */
export const supervisor = setup({
  types: {
    input: {} as { io: NodeIO; server: string },
    context: {} as { io: NodeIO; server: string; restarts: number },
    events: {} as ResponseEvent<'health'> | TimeoutEvent<'health'>,
  },
  delays: { PROBE: HEALTH_PROBE_MS, RESTART: RESTART_MS },
  actions: {
    probe: ({ context }) => void context.io.request(context.server, { type: 'health' }, { timeoutMs: HEALTH_TIMEOUT_MS }),
    kill: assign(({ context }) => {
      context.io.note(`${context.server} unhealthy: restarting it`);
      context.io.stopNode(context.server);
      return { restarts: context.restarts + 1 };
    }),
    start: ({ context }) => context.io.startNode(context.server),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({ ...input, restarts: 0 }),
  initial: 'waiting',
  states: {
    waiting: { after: { PROBE: 'probing' } },
    probing: {
      entry: 'probe',
      on: {
        'health.response': [{ guard: ({ event }) => event.status === 200, target: 'waiting' }, { target: 'restarting', actions: 'kill' }],
        'health.timeout': { target: 'restarting', actions: 'kill' },
      },
    },
    restarting: { after: { RESTART: { target: 'waiting', actions: 'start' } } },
  },
});
