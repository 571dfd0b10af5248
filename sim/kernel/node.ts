/**
 * A simulated node: one address, one root xstate actor, its own clock, a
 * durable store that survives crashes, and the process faults that act on it.
 *
 * - crash: the actor is abandoned without running any more of its code (no
 *   exit actions: a crashed process gets no say), every timer and message in
 *   flight to it becomes stale, its volatile state is gone;
 * - restart: a fresh actor starts from the durable store;
 * - pause: the node is frozen; timers and messages that come due wait and run
 *   in their original order the moment it wakes, against a view of the world
 *   that is now stale.
 *
 * - exit: the model ends its own process (`io.exit(code)`); for the rest of
 *   the kernel it is a crash, and the node's restart policy decides what
 *   comes next (world.ts);
 * - stop: another model (a controller) stops the node through its io.
 *
 * Staleness is tracked by an incarnation number captured when work is
 * scheduled for the node and compared when it comes due. A node may get a
 * new address at each start after its first (a pod's IP): the id stays its
 * name in the trace, the address is what others must send to.
 */
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import type { Capacity } from './capacity.ts';
import type { ConnectionInfo, ConnectOptions } from './connections.ts';
import { errorMessage } from './error-message.ts';
import type { QueueEntry } from './event-queue.ts';
import type { Json, NodeId } from './faults.ts';
import { asXstateScheduler } from './guard.ts';
import type { Kernel } from './kernel.ts';
import type { IncomingRequest, Message, Reply, ResponseEvent, TimeoutEvent } from './messages.ts';
import { JoinedDetail, JoinedText } from './joined-text.ts';
import { libraryOf, type LibraryAnswer, type LibraryKeepalive } from './library.ts';
import { NodeClock } from './node-clock.ts';
import type { Rng } from './rng.ts';
import { chargePendingEvent, isBudgetStop, microstepInspector, nodeActing } from './step-budget.ts';

/** The detail of a state record, `from -> to`, made once per pair (see joined-text.ts). */
const STATE_RECORDS = new JoinedDetail(' -> ');

/** Whether a node runs, is down after a crash, or is frozen. */
export type NodeStatus = 'up' | 'down' | 'paused';

/** A store that survives crashes: what the process had written to disk. */
export class DurableStore {
  private readonly values = new Map<string, Json>();

  get<T extends Json = Json>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  set(key: string, value: Json): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }
}

/** Options of {@link NodeIO.request} and {@link NodeIO.requestOn}. */
export interface RequestOptions {
  /** No answer within this (the node's own clock) and `<type>.timeout` comes instead. */
  readonly timeoutMs: number;
  /**
   * Only a failure comes back to the actor: the timeout, or a response that
   * is not 2xx. A 2xx answer is in the trace and goes no further. For a
   * keepalive, a health ping, a heartbeat: the session library answers for
   * the process, and only a missed echo is news. Each answer the actor
   * does not take is one step of its interpreter saved, and no request id
   * to keep.
   */
  readonly onlyFailures?: boolean;
}

/** Options of {@link NodeIO.forward}. */
export interface ForwardOptions {
  readonly timeoutMs: number;
  /** What to send upstream; by default the request's own fields. */
  readonly message?: Message & { readonly [field: string]: unknown };
  /**
   * The reply the original caller gets, from the upstream answer: by default
   * the response as it came (status and body), or 504 "upstream request
   * timeout" when none came. Return `undefined` to reply yourself later
   * (the answer event carries the original request as `forwarded`).
   */
  readonly reply?: (answer: ResponseEvent | TimeoutEvent) => Reply | undefined;
}

/**
 * Everything a model may touch outside itself. A model reaches the world only
 * through this: its clock, the network, its disk, its random stream.
 */
export interface NodeIO {
  /** The node's own address (its id, unless it restarts under new addresses). */
  readonly node: NodeId;
  /** The node's wall clock in ms (carries its skew and drift). */
  nowMs(): number;
  /**
   * Sends a one-way message; it may be delayed, lost or duplicated. Any
   * fields beside `type` travel with it (keep them JSON).
   */
  send<M extends Message>(to: NodeId, message: M): void;
  /**
   * Sends a request. Exactly one of `<type>.response` or `<type>.timeout`
   * comes back to this node's actor, unless the node crashes first (or it
   * was a 2xx response to a request made with `onlyFailures`).
   * @returns the request id, also found on the answer's `requestId`
   */
  request<M extends Message>(to: NodeId, message: M, options: RequestOptions): string;
  /**
   * Answers a request this node received (on the connection it came on, if
   * it came on one).
   */
  reply(request: IncomingRequest, reply: Reply): void;
  /**
   * Relays a request this node received to `to` and, when the answer comes,
   * answers the original caller with it (see {@link ForwardOptions.reply}):
   * no map of request ids to keep. The answer is also delivered to this
   * actor as usual, with `forwarded` set to the original request.
   * @returns the id of the upstream request
   */
  forward(request: IncomingRequest, to: NodeId, options: ForwardOptions): string;
  /**
   * Opens a connection to `to`: an ordered stream (see connections.ts). The
   * id comes back at once; `connection.opened` or `connection.closed`
   * follows. Writes made before it opens wait behind the connect.
   */
  connect(to: NodeId, options?: ConnectOptions): string;
  /** Sends a one-way message on a connection; it arrives in order, or not at all if the connection dies. */
  sendOn<M extends Message>(connection: string, message: M): void;
  /**
   * Sends a request on a connection; its answer comes back on it, and if the
   * connection closes first, `<type>.timeout` comes at once with reason `closed`.
   */
  requestOn<M extends Message>(connection: string, message: M, options: RequestOptions): string;
  /** Closes a connection after what was written on it; the peer gets `connection.closed` (reason `closed`). */
  close(connection: string): void;
  /** Closes every connection of this node. */
  closeAll(): void;
  /** This node's open and opening connections. */
  connections(): readonly ConnectionInfo[];
  /**
   * Ends this node's process with an exit code, now: for the rest of the
   * kernel it is a crash (volatile state, timers, requests and connections
   * gone). The node's restart policy decides whether it starts again.
   */
  exit(code: number): void;
  /** Starts another declared node that is down (a controller creating a pod), after this step. */
  startNode(id: NodeId): void;
  /** Stops another declared node (its process is killed), after this step. */
  stopNode(id: NodeId): void;
  /** What survives a crash. Write here what the real process would persist. */
  readonly durable: DurableStore;
  /** The node's own random stream (backoff jitter, choices). */
  readonly rng: Rng;
  /** Adds a line to the trace, for the narrative of a report. */
  note(detail: string): void;
}

/** A forwarded request's original and what to answer it. */
export interface Forwarding {
  readonly original: IncomingRequest;
  readonly reply?: ForwardOptions['reply'];
}

/** What a request carries besides its deadline, when it is more than a plain `io.request`. */
export interface RequestRoute {
  /** The connection it travels on (`io.requestOn`). */
  readonly connection?: string;
  /** The request it forwards (`io.forward`). */
  readonly forward?: Forwarding;
  /** A 2xx answer is not handed to the actor (see {@link RequestOptions.onlyFailures}). */
  readonly onlyFailures?: boolean;
}

/** `io.request` with `onlyFailures`: one route for all of them. */
const ONLY_FAILURES: RequestRoute = { onlyFailures: true };

/** A request this node sent and is still waiting on. */
export interface PendingRequest extends RequestRoute {
  readonly timeout: QueueEntry;
  /** The address it was sent to. */
  readonly to: NodeId;
  /** The message as the model sent it (the answer event carries it). */
  readonly message: Message;
}

/** How the node reaches the network; implemented by the network. */
export interface Transport {
  send(from: SimNode, to: NodeId, message: Message): void;
  request(from: SimNode, to: NodeId, message: Message, timeoutMs: number, route?: RequestRoute): string;
  reply(from: SimNode, request: IncomingRequest, reply: Reply): void;
  connect(from: SimNode, to: NodeId, options: ConnectOptions): string;
  sendOn(from: SimNode, connection: string, message: Message): void;
  requestOn(from: SimNode, connection: string, message: Message, timeoutMs: number, onlyFailures?: boolean): string;
  close(from: SimNode, connection: string): void;
  closeAll(from: SimNode): void;
  readonly connections: { list(node: SimNode): ConnectionInfo[] };
}

/** What the node tells the rest of the kernel. */
export interface NodeObserver {
  /** The node's actor threw: a model crash. */
  modelError(node: SimNode, error: unknown): void;
  /** The actor of `machineId` moved from state `from` to state `to` (`from` is empty at start). */
  stateChanged(node: SimNode, machineId: string, from: string, to: string): void;
  /** The node's process is going (crash, exit, stop), before its incarnation ends: its connections go with it. */
  stopping(node: SimNode): void;
  /** The node (re)starts under `address`. */
  addressed(node: SimNode, address: string): void;
  /** The process ended itself with `code` (it is down now). */
  exited(node: SimNode, code: number): void;
  /** A model asks to start or stop a declared node. */
  control(requester: SimNode, target: NodeId, action: 'start' | 'stop'): void;
}

/** What a node runs: a machine and the input its actor starts with. */
export interface NodeProgram<M extends AnyStateMachine = AnyStateMachine> {
  readonly machine: M;
  /** Builds the actor's input; called at first start and at every restart. */
  readonly input: (io: NodeIO) => unknown;
}

/**
 * Work scheduled for a node: `run` when it comes due, `stale` if the node
 * crashed meanwhile. Write one as methods (`{ run() { ... } }`), not arrow
 * properties: tsx compiles with esbuild's keepNames, which names each arrow
 * of an object literal every time the literal is made (a property
 * definition per task, on paths that make one per message).
 */
export interface NodeTask {
  run(): void;
  stale?(): void;
}

/** A queue entry that belongs to a node incarnation; a class, so no closure per event. */
class NodeEntry implements QueueEntry {
  timeMs = 0;
  seq = 0;
  cancelled = false;
  queued = false;
  constructor(
    private readonly node: SimNode,
    readonly incarnation: number,
    readonly task: NodeTask,
  ) {}
  run(): void {
    this.node.fire(this);
  }
}

export class SimNode {
  status: NodeStatus = 'down';
  /** Bumped at every crash and start; work scheduled under an older one is stale. */
  incarnation = 0;
  readonly clock = new NodeClock();
  readonly durable = new DurableStore();
  readonly pending = new Map<string, PendingRequest>();
  /** Request and connection ids stay unique across restarts. */
  requestCounter = 0;
  connectionCounter = 0;
  /** Where others reach the node now: its id, or a new address per start (see {@link addressPerStart}). */
  address: string;
  /** How many times the node has started. */
  starts = 0;
  /** The code of the last `io.exit`, until the next start; `null` otherwise. */
  exitCode: number | null = null;
  /** Each start after the first gets the address `<id>@<starts>`. */
  addressPerStart = false;
  /** The node's service pools, if it declares a capacity. */
  capacity: Capacity | undefined;
  /** The requests its machine's libraries answer without the actor (see library.ts). */
  readonly libraryAnswers: ReadonlyMap<string, LibraryAnswer> | undefined;
  /** Its machine's library keepalive, if it declares one (see library.ts). */
  private readonly keepalive: LibraryKeepalive | undefined;
  /** The keepalive's period, as a node task (one per node: its entries carry the incarnation). */
  private readonly keepaliveTask: NodeTask;
  private actor: AnyActorRef | undefined;
  private deferred: QueueEntry[] = [];
  private stateKey = '';
  readonly io: NodeIO;

  constructor(
    private readonly kernel: Kernel,
    readonly id: NodeId,
    private readonly program: NodeProgram,
    private readonly transport: Transport,
    private readonly observer: NodeObserver,
    rng: Rng,
  ) {
    this.address = id;
    const library = libraryOf(program.machine);
    this.libraryAnswers = library?.answers;
    this.keepalive = library?.keepalive;
    const node = this;
    this.keepaliveTask = {
      run() {
        node.keepaliveTick();
      },
    };
    // Methods, not arrows, and none reads `this` (a model may destructure
    // `io`): tsx compiles with esbuild's keepNames, which wraps each arrow of
    // an object literal in a `__name()` call every time the literal is made,
    // here once per node per run; a method keeps its name without one.
    this.io = {
      get node() {
        return node.address;
      },
      nowMs() {
        return node.clock.read(kernel.nowMs);
      },
      send(to, message) {
        transport.send(node, to, message);
      },
      request(to, message, options) {
        return transport.request(node, to, message, options.timeoutMs, options.onlyFailures === true ? ONLY_FAILURES : undefined);
      },
      reply(request, reply) {
        transport.reply(node, request, reply);
      },
      forward(request, to, options) {
        const { from: _from, requestId: _requestId, connection: _connection, ...fields } = request;
        const forwarding: Forwarding = options.reply === undefined ? { original: request } : { original: request, reply: options.reply };
        return transport.request(node, to, options.message ?? (fields as Message), options.timeoutMs, { forward: forwarding });
      },
      connect(to, options = {}) {
        return transport.connect(node, to, options);
      },
      sendOn(connection, message) {
        transport.sendOn(node, connection, message);
      },
      requestOn(connection, message, options) {
        return transport.requestOn(node, connection, message, options.timeoutMs, options.onlyFailures === true);
      },
      close(connection) {
        transport.close(node, connection);
      },
      closeAll() {
        transport.closeAll(node);
      },
      connections() {
        return transport.connections.list(node);
      },
      exit(code) {
        node.exit(code);
      },
      startNode(target) {
        observer.control(node, target, 'start');
      },
      stopNode(target) {
        observer.control(node, target, 'stop');
      },
      durable: this.durable,
      rng,
      // A model may pass anything; the trace holds strings only.
      note(detail) {
        kernel.record(id, 'note', '', typeof detail === 'string' ? detail : errorMessage(detail));
      },
    };
  }

  /** The node's wall-clock reading now. */
  localNowMs(): number {
    return this.clock.localNowMs(this.kernel.nowMs);
  }

  /** The running actor's snapshot, or `undefined` while the node is down. */
  snapshot(): unknown {
    return this.status === 'down' ? undefined : this.actor?.getSnapshot();
  }

  /** Starts a fresh actor from the durable store. */
  start(): void {
    nodeActing(this.id);
    this.incarnation++;
    this.status = 'up';
    this.stateKey = '';
    this.starts++;
    this.exitCode = null;
    if (this.addressPerStart && this.starts > 1) this.address = `${this.id}@${this.starts}`;
    this.observer.addressed(this, this.address);
    this.kernel.record(this.id, 'start', '', this.address === this.id ? `incarnation ${this.incarnation}` : `incarnation ${this.incarnation} at ${this.address}`);
    const node = this;
    const actor = createActor(this.program.machine, {
      input: this.program.input(this.io),
      inspect: microstepInspector(this.id, stateKey),
      // xstate's clock interface, implemented on the kernel's queue in the
      // node's virtual time: no real timer is involved (so `setTimeout` here is
      // a name xstate asks for, not Node's). Methods rather than arrows, as in
      // `io` above.
      clock: {
        setTimeout(fn: () => void, localDelayMs: number) {
          return node.schedule(node.clock.trueDelayMs(localDelayMs), { run: fn });
        },
        clearTimeout(entry: QueueEntry) {
          node.kernel.cancel(entry);
        },
      },
    });
    this.actor = actor;
    stampDelayedEventsWithVirtualTime(actor);
    const incarnation = this.incarnation;
    const machineId = this.program.machine.id;
    actor.subscribe({
      next(snapshot: { value: unknown }) {
        if (incarnation !== node.incarnation) return;
        const value = snapshot.value;
        const key = typeof value === 'string' ? value : stateKey(value);
        if (key === node.stateKey) return;
        const from = node.stateKey;
        node.stateKey = key;
        node.kernel.record(node.id, 'state', '', from === '' ? key : STATE_RECORDS.of(from, key));
        node.observer.stateChanged(node, machineId, from, key);
      },
      // A budget stop is the run's outcome already (see step-budget.ts), not the model's error.
      error(error: unknown) {
        if (!isBudgetStop(error)) node.observer.modelError(node, error);
      },
    });
    actor.start();
    if (this.keepalive !== undefined && this.status === 'up' && this.incarnation === incarnation) this.armKeepalive(this.keepalive);
  }

  /** Stops the node at once; nothing of its actor runs again. */
  crash(detail = 'volatile state lost'): void {
    if (this.status === 'down') return;
    this.observer.stopping(this);
    this.capacity?.reset();
    this.status = 'down';
    this.incarnation++;
    this.actor = undefined;
    this.deferred = [];
    for (const request of this.pending.values()) this.kernel.cancel(request.timeout);
    this.pending.clear();
    this.kernel.record(this.id, 'crash', '', detail);
  }

  /**
   * The model ends its own process. Whatever its current step still does
   * afterwards goes nowhere (a down node sends nothing).
   */
  exit(code: number): void {
    if (this.status === 'down') return;
    this.crash(`exited with code ${code}`);
    this.exitCode = code;
    this.observer.exited(this, code);
  }

  /** Freezes the node; {@link resume} wakes it. */
  pause(): void {
    if (this.status !== 'up') return;
    this.status = 'paused';
    this.kernel.record(this.id, 'pause', '', 'frozen');
  }

  /** Timers and messages that came due while the node was paused and wait for its wake. */
  deferredCount(): number {
    return this.deferred.length;
  }

  /** Wakes a paused node; what came due meanwhile runs now, in order. */
  resume(): void {
    if (this.status !== 'paused') return;
    this.status = 'up';
    const due = this.deferred;
    this.deferred = [];
    this.kernel.record(this.id, 'resume', '', `${due.length} deferred events`);
    for (const entry of due) this.kernel.queue.requeue(entry, this.kernel.nowMs);
  }

  /**
   * Schedules node work after `trueDelayMs`. It runs only if the node is in
   * the same incarnation then; if the node is paused it waits for the wake.
   * The task's `stale` runs instead when the node crashed or restarted meanwhile.
   */
  schedule(trueDelayMs: number, task: NodeTask): QueueEntry {
    chargePendingEvent(this.kernel.queue.size, this.id);
    return this.kernel.afterEntry(trueDelayMs, new NodeEntry(this, this.incarnation, task));
  }

  /** Runs a due entry of this node, defers it, or declares it stale. */
  fire(entry: NodeEntry): void {
    nodeActing(this.id);
    if (entry.incarnation !== this.incarnation) entry.task.stale?.();
    else if (this.status === 'up') entry.task.run();
    else if (this.status === 'paused') this.deferred.push(entry);
    else entry.task.stale?.();
  }

  /** Hands an event to the actor now (callers have checked the node is up). */
  deliver(event: { readonly type: string; readonly [field: string]: unknown }): void {
    this.actor?.send(event);
  }

  /**
   * Lets the machine's library answer `request` now, if it declares an
   * answer for its type and the actor runs (callers have checked the node
   * is up). Returns whether it did; if not, the actor is to hear it.
   */
  answerInLibrary(request: IncomingRequest): boolean {
    const answer = this.libraryAnswers?.get(request.type);
    if (answer === undefined) return false;
    const running = this.runningActor();
    if (running === undefined) return false;
    try {
      const reply = answer(request, running.context);
      if (reply !== undefined) this.transport.reply(this, request, reply);
    } catch (error) {
      this.libraryFailed(error);
    }
    return true;
  }

  private armKeepalive(keepalive: LibraryKeepalive): void {
    this.schedule(this.clock.trueDelayMs(keepalive.everyMs), this.keepaliveTask);
  }

  /** One period of the library's keepalive: armed again first, as a timer that re-arms itself before its work, then a ping to each peer. */
  private keepaliveTick(): void {
    const keepalive = this.keepalive!;
    const running = this.runningActor();
    if (running === undefined) return;
    this.armKeepalive(keepalive);
    try {
      for (const peer of keepalive.peers(running.context)) this.transport.request(this, peer, keepalive.message, keepalive.timeoutMs, ONLY_FAILURES);
    } catch (error) {
      this.libraryFailed(error);
    }
  }

  /** The actor's snapshot while it runs; `undefined` once it stopped (on an error: its library stops with it). */
  private runningActor(): { readonly context: unknown } | undefined {
    const snapshot = this.actor?.getSnapshot() as { readonly status: string; readonly context: unknown } | undefined;
    return snapshot?.status === 'active' ? snapshot : undefined;
  }

  /**
   * The library's code threw (the model's answer or peers function, or a
   * request to no node): a model crash, as if its actor had thrown. A
   * budget stop is the run's outcome already (see step-budget.ts).
   */
  private libraryFailed(error: unknown): void {
    if (!isBudgetStop(error)) this.observer.modelError(this, error);
  }
}

/**
 * xstate's scheduler stamps every delayed event with the wall clock; running
 * it inside {@link asXstateScheduler} lets the guard answer with virtual time.
 * The scheduler is looked up on the system at each call, so wrapping the
 * property covers every actor of the system.
 */
function stampDelayedEventsWithVirtualTime(actor: AnyActorRef): void {
  const scheduler = (actor.system as unknown as { scheduler?: { schedule: (...args: unknown[]) => void } }).scheduler;
  if (scheduler === undefined) throw new Error('xstate changed: actor.system.scheduler is gone; see sim/guard.ts');
  const schedule = scheduler.schedule;
  scheduler.schedule = (...args: unknown[]) => asXstateScheduler(() => schedule(...args));
}

/**
 * A state value as dotted paths: `holding.waiting`; parallel regions are
 * joined with `|` in definition order (`{ a: 'x', b: 'y' }` is `a.x|b.y`).
 */
export function stateKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  // Made at every snapshot of a compound state, so built from cached joins
  // (joined-text.ts) with no arrays: the same state gives the same string.
  const regions = value as Record<string, unknown>;
  let key: string | undefined;
  for (const region in regions) {
    if (!Object.hasOwn(regions, region)) continue;
    const sub = regions[region];
    const inner = stateKey(sub);
    const part = inner === '' || isEmptyObject(sub) ? region : STATE_PATHS.of(region, inner);
    key = key === undefined ? part : PARALLEL_REGIONS.of(key, part);
  }
  return key ?? '';
}

/** `region.child` and `a|b`, made once per pair (see joined-text.ts). */
const STATE_PATHS = new JoinedText('.');
const PARALLEL_REGIONS = new JoinedText('|');

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}
