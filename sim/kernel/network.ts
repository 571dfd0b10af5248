/**
 * The simulated network: latency per link, loss, duplication, delay,
 * reordering, partitions (both ways and one way), load that inflates latency,
 * request/response with deadlines as a first-class pattern, and the front
 * end each node's requests meet. Connections (ordered streams) are in
 * connections.ts and travel the same links.
 *
 * Rules, in the order a message meets them:
 * 1. Every send draws exactly four numbers from its link's stream (latency,
 *    loss, duplication, jitter), whatever faults are active, so removing a
 *    fault from a plan does not reshuffle the draws of unrelated messages.
 * 2. A partition in force at send time drops the message; one that begins
 *    while the message is in flight drops it at delivery time. A link fault
 *    with `types` or `minBytes` acts only on the messages it names.
 * 3. A message to a node that crashes or restarts before delivery is lost;
 *    one to a paused node waits until it wakes; one to an address the node
 *    no longer has (it restarted under a new one) is lost.
 * 4. A request reaching a node meets its front end: an armed `request-fault`
 *    first (answered, lost, or its reply marked to be lost), then a failing
 *    front end (`http-error`) answering with its status.
 * 5. Then the node's capacity, if it declares one: the request (or message)
 *    waits for a worker and its service time (capacity.ts).
 * 6. A response that arrives after its request timed out is dropped.
 */
import type { Work } from './capacity.ts';
import { Connections, type ConnectOptions } from './connections.ts';
import { copyFields } from './copy-fields.ts';
import { JoinedText } from './joined-text.ts';
import { REQUEST_FAULT_DEFAULT_STATUS, type Json, type NodeId, type RequestFault } from './faults.ts';
import type { Kernel } from './kernel.ts';
import { filterMatches, isFiltered, type LinkFilter } from './link-filter.ts';
import { FORWARD_TIMEOUT_REPLY, INJECTED_ERROR_BODY, type IncomingRequest, type Message, type Reply, type ResponseEvent, type TimeoutEvent } from './messages.ts';
import type { NodeTask, PendingRequest, RequestRoute, SimNode, Transport } from './node.ts';
import { RequestFaults } from './request-faults.ts';
import type { Detail } from './trace.ts';
import { ratio, type Ratio, type Rng } from './rng.ts';

/** Properties of the link from one node to another. */
export interface LinkSpec {
  /** One-way latency is drawn uniformly from `[minMs, maxMs]`. */
  readonly latencyMs: readonly [number, number];
  /** Background loss, before any fault. */
  readonly loss: Ratio;
  /** Background duplication, before any fault. */
  readonly duplication: Ratio;
}

/**
 * Default link: 1–10 ms one way, a same-region datacenter path; no background
 * loss or duplication, so every loss in a run is a fault the plan names.
 */
export const DEFAULT_LINK: LinkSpec = {
  latencyMs: [1, 10],
  loss: ratio(0, 1),
  duplication: ratio(0, 1),
};

/** A link fault in force. `faultIndex` points into the plan, for accounting. */
export interface ActiveLinkFault extends LinkFilter {
  readonly faultIndex: number;
  readonly kind: 'partition' | 'drop' | 'duplicate' | 'delay' | 'reorder';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly oneWay: boolean;
  readonly ratio?: Ratio;
  readonly extraMs?: number;
  readonly jitterMs?: number;
}

/** A node fault in force: load inflating latency, or a failing front end. */
export interface ActiveNodeFault {
  readonly faultIndex: number;
  readonly kind: 'load' | 'http-error';
  readonly node: NodeId;
  readonly factorPct?: number;
  readonly status?: number;
}

export type MessageRole = 'message' | 'request' | 'response';

/** A directed link's settings and random stream, created on first use. */
interface LinkState {
  spec: LinkSpec;
  readonly stream: Rng;
}

/** What a link did to one packet: see {@link Network.pass}. */
export type Passage = 'delivered' | 'partitioned' | 'lost';

export class Network implements Transport {
  /** Links by sender, then receiver: no string keys built per message. */
  private readonly links = new Map<NodeId, Map<NodeId, LinkState>>();
  private linkFaults: ActiveLinkFault[] = [];
  private nodeFaults: ActiveNodeFault[] = [];
  readonly requestFaults = new RequestFaults();
  /** Requests a `drop-reply` fault took, by `<server id> <request id>`, with the fault's plan index: their reply is lost. */
  private readonly lostReplies = new Map<string, number>();
  readonly connections: Connections;
  /** Set by {@link pass}: the latency of a delivered packet, its base draw, and the duplication decision. */
  passLatencyMs = 0;
  passBaseLatencyMs = 0;
  passDuplicate = false;
  /** Set by {@link pass} when a fault decided the packet's fate. */
  passFault: ActiveLinkFault | undefined;

  /**
   * @param addresses every address any incarnation of a node ever had (a
   *   node's id is its first), so a message to an old one is known as stale
   * @param onFaultEffect told each time an active fault changes what happens
   *   to a message, so a campaign can count faults that really fired;
   *   `effective` is false when what it did may still come to nothing a
   *   model sees (a request taken for a lost reply that is never sent, a
   *   reorder whose jitter came out 0)
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly addresses: ReadonlyMap<string, SimNode>,
    private readonly defaultLink: LinkSpec,
    private readonly onFaultEffect: (faultIndex: number, effective?: boolean) => void,
  ) {
    this.connections = new Connections(kernel, this);
  }

  /** Overrides the properties of the link `from` → `to`. */
  setLink(from: NodeId, to: NodeId, spec: Partial<LinkSpec>): void {
    const link = this.link(from, to);
    link.spec = { ...link.spec, ...spec };
  }

  addLinkFault(fault: ActiveLinkFault): void {
    this.linkFaults = [...this.linkFaults, fault];
  }

  addNodeFault(fault: ActiveNodeFault): void {
    this.nodeFaults = [...this.nodeFaults, fault];
  }

  armRequestFault(fault: RequestFault, faultIndex: number): void {
    this.requestFaults.arm({ faultIndex, node: fault.node, type: fault.type, mode: fault.mode, status: fault.status ?? REQUEST_FAULT_DEFAULT_STATUS, left: fault.count });
  }

  /** Ends the fault with this plan index. */
  heal(faultIndex: number): void {
    this.linkFaults = this.linkFaults.filter((f) => f.faultIndex !== faultIndex);
    this.nodeFaults = this.nodeFaults.filter((f) => f.faultIndex !== faultIndex);
  }

  /** True if a partition in force cuts `from` → `to` for every message (a filtered one does not). */
  isPartitioned(from: NodeId, to: NodeId): boolean {
    for (const f of this.linkFaults) if (f.kind === 'partition' && covers(f, from, to) && !isFiltered(f)) return true;
    return false;
  }

  /** The node at `address` (current or former), or `undefined` for an address nobody ever had. */
  resolve(address: string): SimNode | undefined {
    return this.addresses.get(address);
  }

  /** The node at `address`; an address nobody ever had is a scenario bug. */
  target(from: SimNode, address: string, what: string): SimNode {
    const target = this.addresses.get(address);
    if (target === undefined) throw new Error(`${from.id} sent '${what}' to '${address}', which is no node of this scenario`);
    return target;
  }

  send(from: SimNode, to: string, message: Message): void {
    refuseKernelFields(from, message);
    if (from.status === 'down') return;
    this.transmit(from, to, message, 'message');
  }

  request(from: SimNode, to: string, message: Message, timeoutMs: number, route?: RequestRoute): string {
    refuseKernelFields(from, message);
    const requestId = `${from.id}:${++from.requestCounter}`;
    // A process that has exited (in this very step) sends nothing and hears nothing.
    if (from.status === 'down') return requestId;
    const timeout = from.schedule(from.clock.trueDelayMs(timeoutMs), new RequestDeadline(this, from, requestId, to, message, timeoutMs));
    const pending: PendingRequest = route === undefined ? { timeout, to, message } : { timeout, to, message, ...route };
    from.pending.set(requestId, pending);
    const withId = copyFields(message);
    withId.requestId = requestId;
    const connection = route?.connection;
    if (connection === undefined) this.transmit(from, to, withId as unknown as Message, 'request');
    else this.connections.sendData(from, connection, withId as unknown as Message, 'request', requestId);
    return requestId;
  }

  /** A request's deadline passed (called by {@link RequestDeadline}): unless answered meanwhile, it times out. */
  deadline(from: SimNode, requestId: string, to: string, message: Message, timeoutMs: number): void {
    const pending = from.pending.get(requestId);
    if (pending === undefined) return;
    from.pending.delete(requestId);
    this.kernel.record(from.id, 'timeout', to, `${message.type} ${requestId} after ${timeoutMs}ms`);
    this.settle(from, pending, this.timeoutEvent(requestId, pending, 'deadline'));
  }

  reply(from: SimNode, request: IncomingRequest, reply: Reply): void {
    if (from.status === 'down') return;
    const response = { type: ANSWER_TYPES.of(request.type, 'response'), requestId: request.requestId, status: reply.status, body: reply.body ?? null };
    if (this.lostReplies.size > 0) {
      const key = `${from.id} ${request.requestId}`;
      const faultIndex = this.lostReplies.get(key);
      if (faultIndex !== undefined) {
        this.lostReplies.delete(key);
        // The applied request's answer is lost now: the caller will never hear.
        this.onFaultEffect(faultIndex);
        this.kernel.record(from.id, 'drop', this.addresses.get(request.from)?.id ?? request.from, `${response.type}: reply lost (request fault ${faultIndex + 1})`);
        return;
      }
    }
    if (request.connection !== undefined) this.connections.sendData(from, request.connection, response, 'response');
    else this.transmit(from, request.from, response, 'response');
  }

  connect(from: SimNode, to: string, options: ConnectOptions): string {
    return this.connections.connect(from, to, options);
  }

  sendOn(from: SimNode, connection: string, message: Message): void {
    refuseKernelFields(from, message);
    if (from.status === 'down') return;
    this.connections.sendData(from, connection, message, 'message');
  }

  requestOn(from: SimNode, connection: string, message: Message, timeoutMs: number, onlyFailures = false): string {
    return this.request(from, this.connections.peerOf(from, connection) ?? '', message, timeoutMs, { connection, onlyFailures });
  }

  close(from: SimNode, connection: string): void {
    this.connections.close(from, connection);
  }

  closeAll(from: SimNode): void {
    this.connections.closeAll(from);
  }

  /**
   * The request `requestId` of `node` will get no answer: its connection
   * closed. It is answered with `<type>.timeout`, reason `closed`.
   */
  failPending(node: SimNode, requestId: string, why: string): void {
    const pending = node.pending.get(requestId);
    if (pending === undefined) return;
    this.kernel.cancel(pending.timeout);
    node.pending.delete(requestId);
    this.kernel.record(node.id, 'timeout', pending.to, `${pending.message.type} ${requestId}: ${why}`);
    this.settle(node, pending, this.timeoutEvent(requestId, pending, 'closed'));
  }

  private timeoutEvent(requestId: string, pending: PendingRequest, reason: TimeoutEvent['reason']): TimeoutEvent {
    const event: { -readonly [K in keyof TimeoutEvent]: TimeoutEvent[K] } = { type: ANSWER_TYPES.of(pending.message.type, 'timeout') as TimeoutEvent['type'], requestId, to: pending.to, reason, request: pending.message as TimeoutEvent['request'] };
    if (pending.connection !== undefined) event.connection = pending.connection;
    if (pending.forward !== undefined) event.forwarded = pending.forward.original;
    return event;
  }

  /** An answer for `node`'s request: a forwarded one is relayed to its caller first, then the actor hears it. */
  private settle(node: SimNode, pending: PendingRequest, answer: ResponseEvent | TimeoutEvent): void {
    const forward = pending.forward;
    if (forward !== undefined) {
      const relayed = forward.reply === undefined ? defaultRelay(answer) : forward.reply(answer);
      if (relayed !== undefined) this.reply(node, forward.original, relayed);
    }
    node.deliver(answer as unknown as { type: string });
  }

  private transmit(from: SimNode, to: string, message: Message, role: MessageRole): void {
    const target = this.target(from, to, message.type);
    const description = this.kernel.trace.describe(message);
    this.kernel.record(from.id, 'send', target.id, description);
    const passage = this.pass(from.id, target.id, message);
    if (passage === 'partitioned') {
      this.kernel.record(from.id, 'drop', target.id, `${message.type}: partitioned`);
      return;
    }
    if (passage === 'lost') {
      this.kernel.record(from.id, 'drop', target.id, `${message.type}: lost`);
      return;
    }
    const latencyMs = this.passLatencyMs;
    const fromAddress = from.address;
    this.scheduleDelivery(fromAddress, target, to, message, description, role, latencyMs);
    // The copy trails the original by one base latency: no extra draw needed.
    if (this.passDuplicate) this.scheduleDelivery(fromAddress, target, to, message, description, role, latencyMs + this.passBaseLatencyMs);
  }

  /**
   * What the link `from` → `to` does to one packet now (`message` is
   * `undefined` for a connection's control segment). It draws exactly four
   * numbers from the link's stream and counts the faults that decided. On
   * `delivered`, {@link passLatencyMs} and {@link passDuplicate} say how.
   */
  pass(from: NodeId, to: NodeId, message: Message | undefined): Passage {
    const { spec: link, stream } = this.link(from, to);
    const baseLatencyMs = stream.int(link.latencyMs[0], link.latencyMs[1]);
    const lossRoll = stream.uint32();
    const duplicationRoll = stream.uint32();
    const jitterRoll = stream.uint32();

    const partition = this.partitionOf(from, to, message);
    if (partition !== undefined) {
      this.onFaultEffect(partition.faultIndex);
      this.passFault = partition;
      return 'partitioned';
    }
    const lossFault = this.strongest('drop', from, to, link.loss, message);
    this.passFault = lossFault;
    if (below(lossRoll, lossFault?.ratio ?? link.loss)) {
      if (lossFault !== undefined) this.onFaultEffect(lossFault.faultIndex);
      return 'lost';
    }
    this.passBaseLatencyMs = baseLatencyMs;
    this.passLatencyMs = this.latencyMs(from, to, baseLatencyMs, jitterRoll, message);
    const duplicationFault = this.strongest('duplicate', from, to, link.duplication, message);
    this.passDuplicate = below(duplicationRoll, duplicationFault?.ratio ?? link.duplication);
    if (this.passDuplicate && duplicationFault !== undefined) this.onFaultEffect(duplicationFault.faultIndex);
    return 'delivered';
  }

  /** A partition that cuts `from` → `to` for `message` now (a packet in flight meets it on arrival). */
  cutInFlight(from: NodeId, to: NodeId, message: Message | undefined): ActiveLinkFault | undefined {
    const partition = this.partitionOf(from, to, message);
    if (partition !== undefined) this.onFaultEffect(partition.faultIndex);
    return partition;
  }

  private scheduleDelivery(fromAddress: string, target: SimNode, address: string, message: Message, description: Detail, role: MessageRole, latencyMs: number): void {
    target.schedule(latencyMs, new Delivery(this, fromAddress, target, address, message, description, role));
  }

  /** A message reaches `target` (called by {@link Delivery}). */
  arrive(fromAddress: string, target: SimNode, address: string, message: Message, description: Detail, role: MessageRole): void {
    const sender = this.addresses.get(fromAddress)!;
    const partition = this.cutInFlight(sender.id, target.id, message);
    if (partition !== undefined) {
      this.kernel.record(sender.id, 'drop', target.id, `${message.type}: partitioned in flight`);
      return;
    }
    if (address !== target.address) {
      this.kernel.record(sender.id, 'drop', target.id, `${message.type}: nothing listens at ${address} any more (${target.id} is at ${target.address})`);
      return;
    }
    this.frontEnd(target, sender.id, fromAddress, message, description, role, undefined);
  }

  /**
   * A message handed over at `target` (by the link, or in order by a
   * connection): a request meets the front end's faults, then the node's
   * capacity; a response is matched to its request.
   */
  frontEnd(target: SimNode, senderId: NodeId, fromAddress: string, message: Message, description: Detail, role: MessageRole, connection: string | undefined): void {
    if (role === 'request') {
      const request = message as IncomingRequest;
      if (this.requestFaults.armedFor(target.id)) {
        const taken = this.requestFaults.take(target.id, message.type);
        if (taken !== undefined) {
          // A lost reply is effective only once the reply it loses is sent (see reply()).
          this.onFaultEffect(taken.faultIndex, taken.mode !== 'drop-reply');
          // Plan faults are numbered from 1, as plan-file errors number them.
          const by = `request fault ${taken.faultIndex + 1}`;
          if (taken.mode === 'drop-request') {
            this.kernel.record(senderId, 'drop', target.id, `${message.type}: lost before arriving (${by})`);
            return;
          }
          if (taken.mode === 'error') {
            this.kernel.record(target.id, 'note', senderId, `front end answered ${message.type} with ${taken.status} (${by})`);
            this.reply(target, incoming(request, fromAddress, connection), { status: taken.status, body: INJECTED_ERROR_BODY });
            return;
          }
          this.kernel.record(target.id, 'note', senderId, `${message.type} ${request.requestId}: its reply will be lost (${by})`);
          this.lostReplies.set(`${target.id} ${request.requestId}`, taken.faultIndex);
        }
      }
      if (this.nodeFaults.length > 0) {
        const failing = this.nodeFaults.find((f) => f.kind === 'http-error' && f.node === target.id);
        if (failing !== undefined) {
          this.onFaultEffect(failing.faultIndex);
          this.kernel.record(target.id, 'note', senderId, `front end answered ${message.type} with ${failing.status}`);
          const response = { type: ANSWER_TYPES.of(message.type, 'response'), requestId: request.requestId, status: failing.status!, body: INJECTED_ERROR_BODY as Json };
          if (connection !== undefined) this.connections.sendData(target, connection, response, 'response');
          else this.transmit(target, fromAddress, response, 'response');
          return;
        }
      }
    }
    if (role === 'response') {
      this.answer(target, senderId, fromAddress, message, description, connection);
      return;
    }
    const capacity = target.capacity;
    if (capacity !== undefined && capacity.admit(this.work(target, senderId, fromAddress, message, description, role, connection))) return;
    this.hand(target, senderId, fromAddress, message, description, connection);
  }

  /** A request or message waiting for the node's capacity. */
  private work(target: SimNode, senderId: NodeId, fromAddress: string, message: Message, description: Detail, role: MessageRole, connection: string | undefined): Work {
    const network = this;
    // Methods, not arrows, as for a NodeTask: one literal per queued request.
    return {
      type: message.type,
      serve() {
        network.hand(target, senderId, fromAddress, message, description, connection);
      },
      reject(reply, why) {
        network.kernel.record(target.id, 'note', senderId, `front end answered ${message.type} with ${reply.status}: ${why}`);
        if (role === 'request') network.reply(target, incoming(message as IncomingRequest, fromAddress, connection), reply);
      },
      lose() {
        network.kernel.record(senderId, 'drop', target.id, `${message.type}: lost with ${target.id}'s queue`);
      },
    };
  }

  /** The actor gets the message. */
  private hand(target: SimNode, senderId: NodeId, fromAddress: string, message: Message, description: Detail, connection: string | undefined): void {
    this.kernel.record(target.id, 'deliver', senderId, description);
    const event = incoming(message as IncomingRequest, fromAddress, connection);
    // A request its machine's library answers (a keepalive ping) stops here; one-way messages have no requestId.
    if (target.libraryAnswers !== undefined && event.requestId !== undefined && target.answerInLibrary(event)) return;
    target.deliver(event as unknown as { type: string });
  }

  private answer(target: SimNode, senderId: NodeId, fromAddress: string, message: Message, description: Detail, connection: string | undefined): void {
    const requestId = (message as { requestId?: string }).requestId ?? '';
    const pending = target.pending.get(requestId);
    if (pending === undefined) {
      this.kernel.record(senderId, 'drop', target.id, `${message.type}: ${requestId} already timed out`);
      return;
    }
    this.kernel.cancel(pending.timeout);
    target.pending.delete(requestId);
    this.kernel.record(target.id, 'deliver', senderId, description);
    // A response is always the kernel's own four fields (see reply() and the front end): built as a literal, not copied.
    const { type, status, body } = message as ResponseEvent;
    if (pending.onlyFailures === true && status >= 200 && status < 300) return;
    const event: { -readonly [K in keyof ResponseEvent]: ResponseEvent[K] } = { type, requestId, status, body, from: fromAddress, request: pending.message as ResponseEvent['request'] };
    if (connection !== undefined) event.connection = connection;
    if (pending.forward !== undefined) event.forwarded = pending.forward.original;
    this.settle(target, pending, event);
  }

  /** A message whose target was down, or crashed or restarted while it was in flight. */
  dropStale(fromAddress: string, target: SimNode, message: Message): void {
    const sender = this.addresses.get(fromAddress)!;
    this.kernel.record(sender.id, 'drop', target.id, `${message.type}: ${target.id} was down or restarted`);
  }

  /**
   * The largest `load` factor in force on `node` (100 without one); each
   * fault that sets it counts as effective. Service times are scaled by it.
   */
  loadFactorPct(node: NodeId): number {
    let factorPct = 100;
    for (const f of this.nodeFaults) {
      if (f.kind === 'load' && f.node === node && f.factorPct! > factorPct) {
        factorPct = f.factorPct!;
        this.onFaultEffect(f.faultIndex);
      }
    }
    return factorPct;
  }

  private latencyMs(from: NodeId, to: NodeId, baseMs: number, jitterRoll: number, message: Message | undefined): number {
    let factorPct = 100;
    for (const f of this.nodeFaults) {
      if (f.kind === 'load' && (f.node === from || f.node === to) && f.factorPct! > factorPct) {
        factorPct = f.factorPct!;
        this.onFaultEffect(f.faultIndex);
      }
    }
    let extraMs = 0;
    let jitterMs = 0;
    let jitterFault = -1;
    for (const f of this.linkFaults) {
      if (!covers(f, from, to) || !filterMatches(f, message)) continue;
      if (f.kind === 'delay') {
        extraMs = Math.max(extraMs, f.extraMs!);
        this.onFaultEffect(f.faultIndex);
      } else if (f.kind === 'reorder') {
        if (f.jitterMs! > jitterMs) jitterFault = f.faultIndex;
        jitterMs = Math.max(jitterMs, f.jitterMs!);
        this.onFaultEffect(f.faultIndex, false);
      }
    }
    const jitter = jitterMs === 0 ? 0 : jitterRoll % (jitterMs + 1);
    if (jitter > 0) this.onFaultEffect(jitterFault);
    return Math.ceil((baseMs * factorPct) / 100) + extraMs + jitter;
  }

  /** The fault of `kind` in force on the link whose ratio beats the link's own and any other's. */
  private strongest(kind: 'drop' | 'duplicate', from: NodeId, to: NodeId, base: Ratio, message: Message | undefined): ActiveLinkFault | undefined {
    let best: ActiveLinkFault | undefined;
    for (const f of this.linkFaults) {
      if (f.kind === kind && covers(f, from, to) && greater(f.ratio!, best?.ratio ?? base) && filterMatches(f, message)) best = f;
    }
    return best;
  }

  private partitionOf(from: NodeId, to: NodeId, message: Message | undefined): ActiveLinkFault | undefined {
    // A plain loop: this runs twice per message and must not allocate.
    for (const f of this.linkFaults) if (f.kind === 'partition' && covers(f, from, to) && filterMatches(f, message)) return f;
    return undefined;
  }

  private link(from: NodeId, to: NodeId): LinkState {
    let byReceiver = this.links.get(from);
    if (byReceiver === undefined) {
      byReceiver = new Map();
      this.links.set(from, byReceiver);
    }
    let link = byReceiver.get(to);
    if (link === undefined) {
      link = { spec: this.defaultLink, stream: this.kernel.rng.fork(`link/${from}->${to}`) };
      byReceiver.set(to, link);
    }
    return link;
  }
}

/**
 * `<type>.response` and `<type>.timeout`, made once per request type:
 * xstate builds a lookup key from an event's type at every step it takes,
 * and a type made afresh for every answer is a new string to flatten and
 * hash each time (0.5 % of a registration-timeout run's CPU, up to 8 % of a
 * canary run's: three alternating pairs of processes).
 * Request types are a model's few names; one that makes them up by the
 * thousand gets fresh strings past the cap.
 */
const ANSWER_TYPES = new JoinedText('.', 10_000);

/** A message as the receiving actor sees it (also a request the front end answers itself): its fields, `from`, and the connection it came on. */
function incoming(request: IncomingRequest, fromAddress: string, connection: string | undefined): IncomingRequest {
  const copy = copyFields(request);
  copy.from = fromAddress;
  if (connection !== undefined) copy.connection = connection;
  return copy as unknown as IncomingRequest;
}

/** What `io.forward` relays by default: the response as it came, or a 504 when none came. */
function defaultRelay(answer: ResponseEvent | TimeoutEvent): Reply {
  return 'status' in answer ? { status: answer.status, body: answer.body } : FORWARD_TIMEOUT_REPLY;
}

function covers(f: ActiveLinkFault, from: NodeId, to: NodeId): boolean {
  return (f.from === from && f.to === to) || (!f.oneWay && f.from === to && f.to === from);
}

/** True with probability `r` for a uniform 32-bit `roll` (exact integer comparison). */
function below(roll: number, r: Ratio): boolean {
  if (r.numerator === 0) return false;
  // roll / 2^32 < n / d  <=>  roll * d < n * 2^32; both sides stay below 2^53 for d < 2^21.
  return roll * r.denominator < r.numerator * 0x1_0000_0000;
}

function greater(a: Ratio, b: Ratio): boolean {
  return a.numerator * b.denominator > b.numerator * a.denominator;
}

/** A request's deadline; a class rather than a closure, since there is one per request. */
class RequestDeadline implements NodeTask {
  constructor(
    private readonly network: Network,
    private readonly from: SimNode,
    private readonly requestId: string,
    private readonly to: string,
    private readonly message: Message,
    private readonly timeoutMs: number,
  ) {}
  run(): void {
    this.network.deadline(this.from, this.requestId, this.to, this.message, this.timeoutMs);
  }
}

/** A message on its way; a class rather than closures, since there is one per message. */
class Delivery implements NodeTask {
  constructor(
    private readonly network: Network,
    private readonly fromAddress: string,
    private readonly target: SimNode,
    private readonly address: string,
    private readonly message: Message,
    private readonly description: Detail,
    private readonly role: MessageRole,
  ) {}
  run(): void {
    this.network.arrive(this.fromAddress, this.target, this.address, this.message, this.description, this.role);
  }
  stale(): void {
    this.network.dropStale(this.fromAddress, this.target, this.message);
  }
}

/**
 * A message field the kernel fills in on delivery. A model's own field of
 * that name would be taken for the kernel's: a request carrying its own
 * `connection` was answered on a kernel connection that does not exist, so
 * every reply was silently lost (ping-storm's session field, issue 20).
 * Refused loudly at the send instead.
 */
const KERNEL_FIELD = 'connection';

function refuseKernelFields(from: SimNode, message: Message): void {
  if (Object.prototype.hasOwnProperty.call(message, KERNEL_FIELD)) {
    throw new Error(`${from.id} sent '${message.type}' with a field '${KERNEL_FIELD}', which the kernel sets on delivery (the connection a message arrived on): rename the model's field`);
  }
}
