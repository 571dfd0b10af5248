/**
 * The headless tunnel CLI process, with its listen node. A restart is a new
 * process with a new listen node: the scenario gives the node a new address
 * at every start (`restart: { newAddress: true }`), and the heartbeat names
 * the current one.
 *
 * It heartbeats from the start (that is how DNS learns the node), creates the
 * tunnel, polls setup progress every POLL_MS through Envoy until ready, then
 * verifies: probes the public hostname through the gateway until it answers
 * 200 ("✓ proxy responding"). It serves the gateway's dials while it runs.
 *
 * Bug flags:
 * - `pollErrors`: `abort-first` (the incident: the first 503 kills the
 *   setup) or `bounded` (ride out up to 10 consecutive transient errors,
 *   ~7.5 s, then bail); a 4xx bails at once either way;
 * - `readiness` (detach mode): `window-exit-0` (the design as written: once
 *   the 10 s window passes, print the hostname and exit 0 even unverified)
 *   or `verify-or-75` (exit 0 only when verified; 75 when not in time).
 *
 * `exit` is what the user saw: the process's exit (foreground) or the
 * detaching parent's (detach; the daemon runs on).
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';
import { DETACH_WINDOW_MS, EXIT_NOT_READY, HEARTBEAT_MS, MAX_CONSECUTIVE_POLL_ERRORS, POLL_MS, REQUEST_TIMEOUT_MS, VERIFY_PROBE_MS } from './timing.ts';

export type CliFlags = {
  readonly pollErrors: 'abort-first' | 'bounded';
  readonly readiness: 'window-exit-0' | 'verify-or-75';
};

export interface CliExit {
  readonly code: number;
  readonly reason: string;
  readonly atMs: number;
  readonly printedHostname: boolean;
  /** Consecutive transient errors when it bailed (0 otherwise). */
  readonly consecutiveErrors: number;
}

interface CliContext extends CliFlags {
  readonly io: NodeIO;
  readonly api: string;
  readonly gateway: string;
  readonly hostname: string;
  readonly mode: 'foreground' | 'detach';
  readonly startedAtMs: number;
  /** When this process last sent a heartbeat. */
  readonly lastHeartbeatAtMs: number | null;
  readonly consecutiveErrors: number;
  readonly hardErrorAtMs: number | null;
  readonly verifiedAtMs: number | null;
  readonly exit: CliExit | null;
  /** Why the process (or the detached daemon) gave up, if it did; then it is gone. */
  readonly bail: CliExit | null;
}

type Answer<T extends string> = ResponseEvent<T, unknown> | TimeoutEvent<T>;
type CliEvent =
  | Answer<'create'>
  | Answer<'get-progress'>
  | Answer<'http-get'>
  | Answer<'heartbeat'>
  | IncomingRequest<{ readonly type: 'proxy' }>
  | { readonly type: 'detach-window' };

const statusOf = (event: CliEvent): number | null => ('status' in event ? event.status : null);
const describe = (event: CliEvent): string => (statusOf(event) === null ? `${event.type} (no answer in ${REQUEST_TIMEOUT_MS} ms)` : `HTTP ${statusOf(event)} ${JSON.stringify((event as ResponseEvent).body)}`);

export const tunnelCli = setup({
  types: {
    input: {} as CliFlags & { io: NodeIO; api: string; gateway: string; hostname: string; mode: 'foreground' | 'detach' },
    context: {} as CliContext,
    events: {} as CliEvent,
  },
  delays: { POLL: POLL_MS, PROBE: VERIFY_PROBE_MS, HEARTBEAT: HEARTBEAT_MS },
  guards: {
    ok: ({ event }) => (statusOf(event) ?? 0) >= 200 && (statusOf(event) ?? 0) < 300,
    ready: ({ event }) => statusOf(event) === 200 && (event as ResponseEvent<string, { ready: boolean }>).body.ready,
    hard: ({ event }) => (statusOf(event) ?? 0) >= 400 && (statusOf(event) ?? 0) < 500,
    giveUp: ({ context }) => context.pollErrors === 'abort-first' || context.consecutiveErrors + 1 >= MAX_CONSECUTIVE_POLL_ERRORS,
  },
  actions: {
    create: ({ context }) => void context.io.request(context.api, { type: 'create', hostname: context.hostname }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    poll: ({ context }) => void context.io.request(context.api, { type: 'get-progress', hostname: context.hostname }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    probe: ({ context }) => void context.io.request(context.gateway, { type: 'http-get', hostname: context.hostname }, { timeoutMs: REQUEST_TIMEOUT_MS }),
    heartbeat: enqueueActions(({ context, enqueue }) => {
      if (context.bail !== null) return;
      // The heartbeat says when its process started, so the control plane can tell a new process from an old one.
      enqueue(() => context.io.request(context.api, { type: 'heartbeat', node: context.io.node, startedAtMs: context.startedAtMs }, { timeoutMs: REQUEST_TIMEOUT_MS }));
      enqueue.assign({ lastHeartbeatAtMs: context.io.nowMs() });
    }),
    countError: assign(({ context, event }) => {
      context.io.note(`poll error ${context.consecutiveErrors + 1} (${describe(event)}); retrying`);
      return { consecutiveErrors: context.consecutiveErrors + 1 };
    }),
    resetErrors: assign({ consecutiveErrors: 0 }),
    bailTransient: assign(({ context, event }) => {
      const errors = context.consecutiveErrors + 1;
      const bail = { code: 1, reason: `setup failed after ${errors} consecutive errors: ${describe(event)}`, atMs: context.io.nowMs(), printedHostname: false, consecutiveErrors: errors };
      return { consecutiveErrors: errors, bail, exit: context.exit ?? bail };
    }),
    bailHard: assign(({ context, event }) => {
      const bail = { code: 1, reason: `setup failed: ${describe(event)}`, atMs: context.io.nowMs(), printedHostname: false, consecutiveErrors: 0 };
      return { hardErrorAtMs: context.io.nowMs(), bail, exit: context.exit ?? bail };
    }),
    verified: assign(({ context }) => {
      context.io.note(`✓ proxy responding (${context.io.nowMs() - context.startedAtMs} ms) [https://${context.hostname}]`);
      const parentExit = context.mode === 'detach' && context.exit === null;
      return {
        verifiedAtMs: context.io.nowMs(),
        exit: parentExit ? { code: 0, reason: 'ready', atMs: context.io.nowMs(), printedHostname: true, consecutiveErrors: 0 } : context.exit,
      };
    }),
    detachWindow: assign(({ context }) => {
      if (context.mode !== 'detach' || context.exit !== null) return {};
      const atMs = context.io.nowMs();
      if (context.readiness === 'window-exit-0') {
        return { exit: { code: 0, reason: `readiness not confirmed within ${DETACH_WINDOW_MS} ms; started anyway (see \`tunnel ps\`)`, atMs, printedHostname: true, consecutiveErrors: 0 } };
      }
      return { exit: { code: EXIT_NOT_READY, reason: `readiness not confirmed within ${DETACH_WINDOW_MS} ms`, atMs, printedHostname: false, consecutiveErrors: 0 } };
    }),
    serve: ({ context, event }) => event.type === 'proxy' && context.io.reply(event, { status: 200, body: 'hello from the origin' }),
  },
}).createMachine({
  id: 'cli',
  context: ({ input }) => ({
    ...input,
    startedAtMs: input.io.nowMs(),
    lastHeartbeatAtMs: null,
    consecutiveErrors: 0,
    hardErrorAtMs: null,
    verifiedAtMs: null,
    exit: null,
    bail: null,
  }),
  type: 'parallel',
  states: {
    main: {
      initial: 'setup',
      states: {
        setup: {
          entry: 'create',
          on: {
            'create.response': [
              { guard: 'ok', target: 'polling' },
              { guard: 'hard', target: 'exited', actions: 'bailHard' },
              { guard: 'giveUp', target: 'exited', actions: 'bailTransient' },
              { target: 'setupRetry', actions: 'countError' },
            ],
            'create.timeout': [{ guard: 'giveUp', target: 'exited', actions: 'bailTransient' }, { target: 'setupRetry', actions: 'countError' }],
          },
        },
        setupRetry: { after: { POLL: 'setup' } },
        polling: {
          initial: 'waiting',
          states: {
            waiting: { after: { POLL: 'polling' } },
            polling: {
              entry: 'poll',
              on: {
                'get-progress.response': [
                  { guard: 'ready', target: '#cli.main.verifying', actions: 'resetErrors' },
                  { guard: 'ok', target: 'waiting', actions: 'resetErrors' },
                  { guard: 'hard', target: '#cli.main.exited', actions: 'bailHard' },
                  { guard: 'giveUp', target: '#cli.main.exited', actions: 'bailTransient' },
                  { target: 'waiting', actions: 'countError' },
                ],
                'get-progress.timeout': [{ guard: 'giveUp', target: '#cli.main.exited', actions: 'bailTransient' }, { target: 'waiting', actions: 'countError' }],
              },
            },
          },
        },
        verifying: {
          initial: 'probing',
          states: {
            probing: {
              entry: 'probe',
              on: { 'http-get.response': [{ guard: 'ok', target: '#cli.main.serving', actions: 'verified' }, { target: 'waiting' }], 'http-get.timeout': 'waiting' },
            },
            waiting: { after: { PROBE: 'probing' } },
          },
        },
        serving: {},
        exited: {},
      },
    },
    listen: {
      initial: 'beating',
      states: {
        beating: { entry: 'heartbeat', after: { HEARTBEAT: { target: 'beating', reenter: true } } },
      },
    },
    detach: {
      initial: 'waiting',
      states: { waiting: { after: { [DETACH_WINDOW_MS]: { target: 'done', actions: 'detachWindow' } } }, done: {} },
    },
  },
  on: {
    // A process that bailed is gone: dials to it go unanswered.
    proxy: { guard: ({ context }) => context.bail === null, actions: 'serve' },
  },
});
