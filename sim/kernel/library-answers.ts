/**
 * Requests a component's libraries answer by themselves, without its actor:
 * a session library's keepalive pings, an HTTP server's health checks. A
 * model declares them beside its machine ({@link withLibraryAnswers}); the
 * network answers them where it would hand the request to the actor.
 *
 * Why a kernel primitive: in a real process the application never sees its
 * session library's pings, and a model that answered them in its actor paid
 * an interpreter step for each. They were a third of the events the relay
 * servers' actors took in `dmsg/registration-timeout`.
 */
import type { AnyStateMachine, ContextFrom } from 'xstate';
import type { IncomingRequest, Reply } from './messages.ts';

/**
 * How a component's library answers one request type: from the request and
 * the actor's context as it is now, the reply, or `undefined` for none (the
 * caller's request times out, as it would if the actor stayed silent). It
 * reads the context and must not change it: it is not a step of the actor.
 */
export type LibraryAnswer<Context = unknown> = (request: IncomingRequest, context: Context) => Reply | undefined;

/** A component's library answers, by request type. */
export type LibraryAnswers<Context = unknown> = Readonly<Record<string, LibraryAnswer<Context>>>;

/** The declared answers of each machine (a machine is the model, so they hold for every node that runs it). */
const declared = new WeakMap<AnyStateMachine, ReadonlyMap<string, LibraryAnswer>>();

/**
 * Declares the requests `machine`'s own libraries answer, as a session
 * library answers keepalive pings while the session is held. A request of
 * one of these types (sent with `io.request` or `io.requestOn`) that reaches
 * a node running the machine, after the node's capacity if it has one, is
 * answered with what the answer returns for it and the actor's current
 * context. The actor never hears it, and it costs no interpreter step. The
 * trace shows the request delivered and the reply sent, as if the actor had
 * replied at once. A one-way message of the same type still goes to the
 * actor, and so does everything while its actor has stopped on an error
 * (nothing answers then).
 *
 * @returns `machine` itself, so a model can export the result
 *
 * @example
 * export const server = withLibraryAnswers(setup({ ... }).createMachine({ ... }), {
 *   // The session library echoes pings on sessions this incarnation holds.
 *   ping: (request, context) => (context.sessions.includes(request.from) ? { status: 200 } : undefined),
 * });
 */
export function withLibraryAnswers<M extends AnyStateMachine>(machine: M, answers: LibraryAnswers<ContextFrom<M>>): M {
  if (declared.has(machine)) throw new Error(`withLibraryAnswers: machine '${machine.id}' already has its library answers; declare them all in one call`);
  const byType = new Map<string, LibraryAnswer>();
  for (const [type, answer] of Object.entries(answers)) {
    if (typeof answer !== 'function') throw new Error(`withLibraryAnswers: machine '${machine.id}': the answer to '${type}' must be a function of (request, context), got ${typeof answer}`);
    byType.set(type, answer as LibraryAnswer);
  }
  declared.set(machine, byType);
  return machine;
}

/** The answers declared for `machine`, or `undefined` (most machines answer everything in their actor). */
export function libraryAnswersOf(machine: AnyStateMachine): ReadonlyMap<string, LibraryAnswer> | undefined {
  return declared.get(machine);
}
