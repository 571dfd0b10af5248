/**
 * What a component's libraries do by themselves, without its actor: a
 * session library pings its peers and echoes theirs, an HTTP server answers
 * its health check. A model declares it beside its machine
 * ({@link withLibrary}); the kernel does it on the node's queue and in its
 * incarnation, and the actor hears only what the library would tell the
 * application (a keepalive that failed).
 *
 * Why a kernel primitive: in a real process the application never sees its
 * session library's pings, and a model that sent and answered them in its
 * actor paid an interpreter step for each. In `dmsg/registration-timeout`
 * they were more than half the steps the relay servers' actors took.
 */
import type { AnyStateMachine, ContextFrom } from 'xstate';
import type { IncomingRequest, Message, Reply } from './messages.ts';

/**
 * How a component's library answers one request type: from the request and
 * the actor's context as it is now, the reply, or `undefined` for none (the
 * caller's request times out, as it would if the actor stayed silent). It
 * reads the context and must not change it: it is not a step of the actor.
 */
export type LibraryAnswer<Context = unknown> = (request: IncomingRequest, context: Context) => Reply | undefined;

/**
 * A library's keepalive: every `everyMs` on the node's clock, counted from
 * the actor's start, it sends `message` as a request to each peer `peers`
 * lists then. A 2xx answer goes no further (as with `onlyFailures`); a
 * timeout after `timeoutMs` or any other answer reaches the actor as
 * `<type>.timeout` or `<type>.response`, as if the actor had sent it.
 */
export interface LibraryKeepalive<Context = unknown> {
  /** The request it sends (`type` and any fields). */
  readonly message: Message;
  /** Its period, in the node's ms, from the start of the actor. */
  readonly everyMs: number;
  /** How long each ping may go unanswered before it fails. */
  readonly timeoutMs: number;
  /** Whom it pings now, from the actor's context (the peers of the sessions it holds). */
  readonly peers: (context: Context) => Iterable<string>;
}

/** What a component's libraries do without its actor; see {@link withLibrary}. */
export interface Library<Context = unknown> {
  /** The requests it answers, by type. */
  readonly answers?: Readonly<Record<string, LibraryAnswer<Context>>>;
  /** Its keepalive pings. */
  readonly keepalive?: LibraryKeepalive<Context>;
}

/** A library as the kernel uses it: answers looked up by type. */
export interface NodeLibrary {
  readonly answers: ReadonlyMap<string, LibraryAnswer> | undefined;
  readonly keepalive: LibraryKeepalive | undefined;
}

/**
 * The declared library of each machine definition: a machine is the model,
 * so it holds for every node that runs it, and keyed by the definition
 * (`machine.config`) it holds too for the machines `provide()` makes from it,
 * which share that definition and only swap implementations.
 */
const declared = new WeakMap<object, NodeLibrary>();

/**
 * Declares what `machine`'s own libraries do without its actor, as a
 * session library pings its peers and echoes their pings.
 *
 * - `answers`: a request of one of these types (sent with `io.request` or
 *   `io.requestOn`) that reaches a node running the machine, after the
 *   node's capacity if it has one, is answered with what the answer returns
 *   for it and the actor's current context. The actor never hears it. A
 *   one-way message of the same type still goes to the actor, and so does
 *   everything while the actor has stopped on an error (nothing answers
 *   then).
 * - `keepalive`: see {@link LibraryKeepalive}. It stops with the node's
 *   incarnation (a crash or restart) and waits out a pause, as the actor's
 *   own timers do.
 *
 * Neither costs an interpreter step. The trace shows what the network
 * carried, as if the actor had sent and answered at once. The library
 * belongs to the machine's definition: a machine made from it with
 * `provide()` (other guards for a variant, say) has it too.
 *
 * @returns `machine` itself, so a model can export the result
 *
 * @example
 * export const server = withLibrary(setup({ ... }).createMachine({ ... }), {
 *   // The session library echoes pings on sessions this incarnation holds, and pings the peers it dialled.
 *   answers: { ping: (request, context) => (context.inbound.includes(request.from) ? { status: 200 } : undefined) },
 *   keepalive: { message: { type: 'ping' }, everyMs: 10_000, timeoutMs: 18_000, peers: (context) => context.sessions },
 * });
 */
export function withLibrary<M extends AnyStateMachine>(machine: M, library: Library<ContextFrom<M>>): M {
  const named = `withLibrary: machine '${machine.id}'`;
  if (declared.has(machine.config)) throw new Error(`${named} already has its library (declared on it or on the machine it was provided from); declare it in one call`);
  const answers = new Map<string, LibraryAnswer>();
  for (const [type, answer] of Object.entries(library.answers ?? {})) {
    if (typeof answer !== 'function') throw new Error(`${named}: the answer to '${type}' must be a function of (request, context), got ${typeof answer}`);
    answers.set(type, answer as LibraryAnswer);
  }
  const keepalive = library.keepalive as LibraryKeepalive | undefined;
  if (keepalive !== undefined) checkKeepalive(named, keepalive);
  declared.set(machine.config, { answers: answers.size > 0 ? answers : undefined, keepalive });
  return machine;
}

function checkKeepalive(named: string, keepalive: LibraryKeepalive): void {
  if (typeof keepalive.message?.type !== 'string' || keepalive.message.type === '') throw new Error(`${named}: keepalive.message needs a 'type'`);
  for (const field of ['everyMs', 'timeoutMs'] as const) {
    const ms = keepalive[field];
    if (!(Number.isSafeInteger(ms) && ms > 0)) throw new Error(`${named}: keepalive.${field} must be whole ms > 0, got ${String(ms)}`);
  }
  if (typeof keepalive.peers !== 'function') throw new Error(`${named}: keepalive.peers must be a function of the context`);
}

/** The library declared for `machine`, or `undefined` (most machines do everything in their actor). */
export function libraryOf(machine: AnyStateMachine): NodeLibrary | undefined {
  return declared.get(machine.config);
}
