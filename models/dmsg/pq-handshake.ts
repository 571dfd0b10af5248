/**
 * The dmsg Noise handshake with a hybrid post-quantum share (3153, 3159).
 * The initiator offers an ML-KEM share beside the classical one; a
 * PQ-capable responder answers with its ciphertext and both derive a hybrid
 * key; otherwise the handshake settles for classical. The negotiation is
 * not authenticated: whoever sits on the path can strip the share.
 *
 * Bug flag `pqPolicy`, the initiator's answer to a classical-only result:
 * - `silent` (the incident): complete it, say nothing;
 * - `warn` (3153's minimum mitigation): complete it and emit a downgrade
 *   warning event, so it is observable;
 * - `require` (3159, `REQUIRE_PQ`): fail it, explicitly, at once.
 */
import { assign, setup } from 'xstate';
import type { IncomingRequest, NodeIO, ResponseEvent, TimeoutEvent } from 'chaos-testbed';

/** How often the initiator opens a session to each peer, and a handshake's deadline. Assumed: 10 s and 5 s. */
export const HANDSHAKE_EVERY_MS = 10_000;
export const HANDSHAKE_TIMEOUT_MS = 5_000;

export type PqPolicy = 'silent' | 'warn' | 'require';
export type HandshakeFlags = { readonly pqPolicy: PqPolicy };

/** One handshake as the initiator ended it. */
export interface HandshakeRecord {
  readonly peer: string;
  readonly atMs: number;
  readonly result: 'hybrid' | 'classical' | 'failed';
  readonly warned: boolean;
  /** The error the initiator surfaced, for `failed`. */
  readonly error: string | null;
}

interface InitiatorContext extends HandshakeFlags {
  readonly io: NodeIO;
  readonly path: string;
  readonly peers: readonly string[];
  readonly handshakes: readonly HandshakeRecord[];
}

type InitiatorEvent = ResponseEvent<'hello', { kem: string | null } | string> | TimeoutEvent<'hello'> | { readonly type: 'tick' };

export const pqInitiator = setup({
  types: {
    input: {} as HandshakeFlags & { io: NodeIO; path: string; peers: readonly string[] },
    context: {} as InitiatorContext,
    events: {} as InitiatorEvent,
  },
  delays: { EVERY: HANDSHAKE_EVERY_MS },
  actions: {
    open: ({ context }) => {
      for (const peer of context.peers) context.io.request(context.path, { type: 'hello', to: peer, x25519: 'e', kem: 'mlkem768-share' }, { timeoutMs: HANDSHAKE_TIMEOUT_MS });
    },
    finish: assign(({ context, event }) => {
      const e = event as ResponseEvent<'hello', { kem: string | null }> | TimeoutEvent<'hello'>;
      // The answer carries the request it answers, and so the peer it was for.
      const peer = e.request.to as string;
      const record = (result: HandshakeRecord['result'], warned: boolean, error: string | null): HandshakeRecord => ({ peer, atMs: context.io.nowMs(), result, warned, error });
      let done: HandshakeRecord;
      if (e.type === 'hello.timeout' || e.status !== 200) done = record('failed', false, 'handshake failed: no answer');
      else if (e.body.kem !== null) done = record('hybrid', false, null);
      else if (context.pqPolicy === 'require') {
        done = record('failed', false, `REQUIRE_PQ: ${peer} did not negotiate ML-KEM; refusing a classical-only session`);
        context.io.note(done.error!);
      } else {
        const warned = context.pqPolicy === 'warn';
        if (warned) context.io.note(`WARNING: PQ downgrade: session with ${peer} is classical-only (no ML-KEM share in its answer)`);
        done = record('classical', warned, null);
      }
      return { handshakes: [...context.handshakes, done] };
    }),
  },
}).createMachine({
  id: 'pq-initiator',
  context: ({ input }) => ({ ...input, handshakes: [] }),
  entry: 'open',
  on: { 'hello.response': { actions: 'finish' }, 'hello.timeout': { actions: 'finish' } },
  initial: 'waiting',
  states: { waiting: { after: { EVERY: { target: 'waiting', reenter: true, actions: 'open' } } } },
});

/** A responder: answers with an ML-KEM ciphertext when it is PQ-capable and was offered a share. */
export const pqResponder = setup({
  types: {
    input: {} as { io: NodeIO; pqCapable: boolean },
    context: {} as { io: NodeIO; pqCapable: boolean },
    events: {} as IncomingRequest<{ readonly type: 'hello'; readonly kem: string | null }>,
  },
}).createMachine({
  id: 'pq-responder',
  context: ({ input }) => input,
  on: {
    hello: { actions: ({ context, event }) => context.io.reply(event, { status: 200, body: { x25519: 'e', kem: context.pqCapable && event.kem !== null ? 'mlkem768-ciphertext' : null } }) },
  },
});

/**
 * The dmsg server both sessions cross: it forwards handshake messages. An
 * attacker holding it (the `mitm-strip` fault) removes the ML-KEM fields in
 * both directions; the classical handshake still completes, since the
 * negotiation is not authenticated.
 */
export const handshakePath = setup({
  types: {
    input: {} as { io: NodeIO },
    context: {} as { io: NodeIO; stripping: boolean },
    events: {} as IncomingRequest<{ readonly type: 'hello'; readonly to: string }> | ResponseEvent<'hello', Record<string, unknown>> | TimeoutEvent<'hello'> | { readonly type: 'mitm'; readonly on: boolean },
  },
}).createMachine({
  id: 'handshake-path',
  context: ({ input }) => ({ io: input.io, stripping: false }),
  on: {
    mitm: { actions: assign({ stripping: ({ event }) => (event as { on: boolean }).on }) },
    hello: {
      actions: ({ context, event }) => {
        const { from: _f, requestId: _r, ...message } = event as IncomingRequest<{ type: 'hello'; to: string; kem?: string | null }>;
        // The answer is relayed by hand below, so the attacker strips what is in force when it passes.
        context.io.forward(event as IncomingRequest, message.to, { timeoutMs: HANDSHAKE_TIMEOUT_MS, message: context.stripping ? { ...message, kem: null } : message, reply: () => undefined });
      },
    },
    'hello.response': {
      actions: ({ context, event }) => {
        const e = event as ResponseEvent<'hello', Record<string, unknown>>;
        context.io.reply(e.forwarded!, { status: e.status, body: (context.stripping ? { ...e.body, kem: null } : e.body) as never });
      },
    },
  },
});
