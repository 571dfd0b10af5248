/**
 * The simulated network: latency per link, loss, duplication, delay,
 * reordering, partitions (both ways and one way), load that inflates latency,
 * and request/response with deadlines as a first-class pattern.
 *
 * Rules, in the order a message meets them:
 * 1. Every send draws exactly four numbers from its link's stream (latency,
 *    loss, duplication, jitter), whatever faults are active, so removing a
 *    fault from a plan does not reshuffle the draws of unrelated messages.
 * 2. A partition in force at send time drops the message; one that begins
 *    while the message is in flight drops it at delivery time.
 * 3. A message to a node that crashes or restarts before delivery is lost;
 *    one to a paused node waits until it wakes.
 * 4. A request reaching a node whose front end is failing (`http-error`) is
 *    answered with that status and never reaches the actor.
 * 5. A response that arrives after its request timed out is dropped.
 */
import type { Json, NodeId } from './faults.ts';
import type { Kernel } from './kernel.ts';
import { describeMessage, INJECTED_ERROR_BODY, type IncomingRequest, type Message, type Reply } from './messages.ts';
import type { NodeTask, SimNode, Transport } from './node.ts';
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
export interface ActiveLinkFault {
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

type MessageRole = 'message' | 'request' | 'response';

/** A directed link's settings and random stream, created on first use. */
interface LinkState {
  spec: LinkSpec;
  readonly stream: Rng;
}

export class Network implements Transport {
  /** Links by sender, then receiver: no string keys built per message. */
  private readonly links = new Map<NodeId, Map<NodeId, LinkState>>();
  private linkFaults: ActiveLinkFault[] = [];
  private nodeFaults: ActiveNodeFault[] = [];

  /**
   * @param onFaultEffect told each time an active fault changes what happens
   *   to a message, so a campaign can count faults that really fired
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly nodes: ReadonlyMap<NodeId, SimNode>,
    private readonly defaultLink: LinkSpec,
    private readonly onFaultEffect: (faultIndex: number) => void,
  ) {}

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

  /** Ends the fault with this plan index. */
  heal(faultIndex: number): void {
    this.linkFaults = this.linkFaults.filter((f) => f.faultIndex !== faultIndex);
    this.nodeFaults = this.nodeFaults.filter((f) => f.faultIndex !== faultIndex);
  }

  /** True if a partition in force cuts `from` → `to`. */
  isPartitioned(from: NodeId, to: NodeId): boolean {
    return this.partitionOf(from, to) !== undefined;
  }

  send(from: SimNode, to: NodeId, message: Message): void {
    this.transmit(from, to, message, 'message');
  }

  request(from: SimNode, to: NodeId, message: Message, timeoutMs: number): string {
    const requestId = `${from.id}:${++from.requestCounter}`;
    const timeout = from.schedule(from.clock.trueDelayMs(timeoutMs), {
      run: () => {
        from.pending.delete(requestId);
        this.kernel.record(from.id, 'timeout', to, `${message.type} ${requestId} after ${timeoutMs}ms`);
        from.deliver({ type: `${message.type}.timeout`, requestId, to });
      },
    });
    from.pending.set(requestId, { timeout });
    const withId: Message = { ...message, requestId } as Message;
    this.transmit(from, to, withId, 'request');
    return requestId;
  }

  reply(from: SimNode, request: IncomingRequest, reply: Reply): void {
    const response = { type: `${request.type}.response`, requestId: request.requestId, status: reply.status, body: reply.body ?? null };
    this.transmit(from, request.from, response, 'response');
  }

  private transmit(from: SimNode, to: NodeId, message: Message, role: MessageRole): void {
    const target = this.nodes.get(to);
    if (target === undefined) throw new Error(`${from.id} sent '${message.type}' to '${to}', which is no node of this scenario`);
    const description = describeMessage(message);
    this.kernel.record(from.id, 'send', to, description);

    const { spec: link, stream } = this.link(from.id, to);
    const baseLatencyMs = stream.int(link.latencyMs[0], link.latencyMs[1]);
    const lossRoll = stream.uint32();
    const duplicationRoll = stream.uint32();
    const jitterRoll = stream.uint32();

    const partition = this.partitionOf(from.id, to);
    if (partition !== undefined) {
      this.onFaultEffect(partition.faultIndex);
      this.kernel.record(from.id, 'drop', to, `${message.type}: partitioned`);
      return;
    }
    const lossFault = this.strongest('drop', from.id, to, link.loss);
    if (below(lossRoll, lossFault?.ratio ?? link.loss)) {
      if (lossFault !== undefined) this.onFaultEffect(lossFault.faultIndex);
      this.kernel.record(from.id, 'drop', to, `${message.type}: lost`);
      return;
    }
    const latencyMs = this.latencyMs(from.id, to, baseLatencyMs, jitterRoll);
    this.scheduleDelivery(from.id, target, message, description, role, latencyMs);
    const duplicationFault = this.strongest('duplicate', from.id, to, link.duplication);
    if (below(duplicationRoll, duplicationFault?.ratio ?? link.duplication)) {
      if (duplicationFault !== undefined) this.onFaultEffect(duplicationFault.faultIndex);
      // The copy trails the original by one base latency: no extra draw needed.
      this.scheduleDelivery(from.id, target, message, description, role, latencyMs + baseLatencyMs);
    }
  }

  private scheduleDelivery(fromId: NodeId, target: SimNode, message: Message, description: string, role: MessageRole, latencyMs: number): void {
    target.schedule(latencyMs, new Delivery(this, fromId, target, message, description, role));
  }

  /** A message reaches `target` (called by {@link Delivery}). */
  arrive(fromId: NodeId, target: SimNode, message: Message, description: string, role: MessageRole): void {
    const partition = this.partitionOf(fromId, target.id);
    if (partition !== undefined) {
      this.onFaultEffect(partition.faultIndex);
      this.kernel.record(fromId, 'drop', target.id, `${message.type}: partitioned in flight`);
      return;
    }
    if (role === 'request' && this.nodeFaults.length > 0) {
      const failing = this.nodeFaults.find((f) => f.kind === 'http-error' && f.node === target.id);
      if (failing !== undefined) {
        this.onFaultEffect(failing.faultIndex);
        const request = message as IncomingRequest;
        this.kernel.record(target.id, 'note', fromId, `front end answered ${message.type} with ${failing.status}`);
        const response = { type: `${message.type}.response`, requestId: request.requestId, status: failing.status!, body: INJECTED_ERROR_BODY as Json };
        this.transmit(target, fromId, response, 'response');
        return;
      }
    }
    if (role === 'response') {
      const requestId = (message as { requestId?: string }).requestId ?? '';
      const pending = target.pending.get(requestId);
      if (pending === undefined) {
        this.kernel.record(fromId, 'drop', target.id, `${message.type}: ${requestId} already timed out`);
        return;
      }
      this.kernel.cancel(pending.timeout);
      target.pending.delete(requestId);
    }
    this.kernel.record(target.id, 'deliver', fromId, description);
    const event: { type: string; from: NodeId } = { ...message, from: fromId };
    target.deliver(event);
  }

  /** A message whose target was down, or crashed or restarted while it was in flight. */
  dropStale(fromId: NodeId, target: SimNode, message: Message): void {
    this.kernel.record(fromId, 'drop', target.id, `${message.type}: ${target.id} was down or restarted`);
  }

  private latencyMs(from: NodeId, to: NodeId, baseMs: number, jitterRoll: number): number {
    let factorPct = 100;
    for (const f of this.nodeFaults) {
      if (f.kind === 'load' && (f.node === from || f.node === to) && f.factorPct! > factorPct) {
        factorPct = f.factorPct!;
        this.onFaultEffect(f.faultIndex);
      }
    }
    let extraMs = 0;
    let jitterMs = 0;
    for (const f of this.linkFaults) {
      if (!covers(f, from, to)) continue;
      if (f.kind === 'delay') {
        extraMs = Math.max(extraMs, f.extraMs!);
        this.onFaultEffect(f.faultIndex);
      } else if (f.kind === 'reorder') {
        jitterMs = Math.max(jitterMs, f.jitterMs!);
        this.onFaultEffect(f.faultIndex);
      }
    }
    const jitter = jitterMs === 0 ? 0 : jitterRoll % (jitterMs + 1);
    return Math.ceil((baseMs * factorPct) / 100) + extraMs + jitter;
  }

  /** The fault of `kind` in force on the link whose ratio beats the link's own and any other's. */
  private strongest(kind: 'drop' | 'duplicate', from: NodeId, to: NodeId, base: Ratio): ActiveLinkFault | undefined {
    let best: ActiveLinkFault | undefined;
    for (const f of this.linkFaults) {
      if (f.kind === kind && covers(f, from, to) && greater(f.ratio!, best?.ratio ?? base)) best = f;
    }
    return best;
  }

  private partitionOf(from: NodeId, to: NodeId): ActiveLinkFault | undefined {
    // A plain loop: this runs twice per message and must not allocate.
    for (const f of this.linkFaults) if (f.kind === 'partition' && covers(f, from, to)) return f;
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

/** A message on its way; a class rather than closures, since there is one per message. */
class Delivery implements NodeTask {
  constructor(
    private readonly network: Network,
    private readonly fromId: NodeId,
    private readonly target: SimNode,
    private readonly message: Message,
    private readonly description: string,
    private readonly role: MessageRole,
  ) {}
  run(): void {
    this.network.arrive(this.fromId, this.target, this.message, this.description, this.role);
  }
  stale(): void {
    this.network.dropStale(this.fromId, this.target, this.message);
  }
}
