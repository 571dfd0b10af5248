/**
 * Connections: ordered, reliable streams between two nodes, opened by a
 * model, as TCP gives them. What a model sees:
 *
 * - `io.connect(to)` returns a connection id at once. The acceptor's actor
 *   gets `connection.opened` (`incoming: true`) when the connect arrives,
 *   the initiator's when the answer comes back (`incoming: false`). A node
 *   accepts while it is up; a connect to a node that is down is refused.
 * - Messages and requests on a connection (`io.sendOn`, `io.requestOn`; the
 *   reply to a request that came on one goes back on it) arrive in the order
 *   they were sent, each exactly once. Writes made before the connection is
 *   open are held behind the connect (the "request sent behind a connect").
 * - `connection.closed` tells an end that its connection is gone, with
 *   `reason`: `closed` (the peer closed it, after everything it had sent),
 *   `reset` (the peer's process crashed, exited, was stopped or restarted,
 *   or this end wrote to a connection the peer no longer has), `refused`
 *   (nothing was accepting), `timeout` (the connect, or a segment, could not
 *   get through in time). Requests still waiting on a closed connection get
 *   their `<type>.timeout` at once, with reason `closed`.
 *
 * How the links act on them, as on TCP segments:
 * - A lost segment (a `drop` fault) is retransmitted after the
 *   retransmission timeout, doubling each time from RTO_MIN_MS (data) or
 *   SYN_RTO_MS (connect), up to RTO_MAX_MS; everything behind it waits
 *   (head-of-line blocking). `duplicate` never shows (TCP discards copies);
 *   `reorder` only delays (the stream puts segments back in order).
 * - A partition holds segments back the same way until it heals. If one
 *   cannot get through for `userTimeoutMs`, the sending end gives up
 *   (`timeout`); the other end learns nothing until it sends (a half-open
 *   connection), when its segment meets no connection and is answered with
 *   a reset.
 * - A crash sends a reset to every peer at once (the host closes the dead
 *   process's sockets); a reset is not retransmitted, so one lost in a
 *   partition leaves the peer half-open until it sends.
 *
 * Every segment transmission draws its four numbers from the link's stream,
 * like a datagram. Connections are kernel state, so a crash loses nothing
 * the real host would keep.
 */
import type { Kernel } from './kernel.ts';
import { detailText, type Detail } from './detail-hash.ts';
import type { Message } from './messages.ts';
import type { MessageRole, Network } from './network.ts';
import type { SimNode } from './node.ts';

/** Why a connection closed, as `connection.closed` says it. */
export type CloseReason = 'closed' | 'reset' | 'refused' | 'timeout';

/** The event an end gets when its connection opens. */
export interface ConnectionOpened {
  readonly type: 'connection.opened';
  readonly connection: string;
  /** The other end's address. */
  readonly peer: string;
  /** True at the end that accepted it. */
  readonly incoming: boolean;
}

/** The event an end gets when its connection is gone (never after its own `io.close`). */
export interface ConnectionClosed {
  readonly type: 'connection.closed';
  readonly connection: string;
  readonly peer: string;
  readonly reason: CloseReason;
}

/** Options of `io.connect`. */
export interface ConnectOptions {
  /** Give up on a connect not answered within this (default CONNECT_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Give up when a segment cannot get through for this long (TCP_USER_TIMEOUT; default USER_TIMEOUT_MS). */
  readonly userTimeoutMs?: number;
}

/** An open or opening connection of a node, as `io.connections()` lists it. */
export interface ConnectionInfo {
  readonly id: string;
  readonly peer: string;
  readonly incoming: boolean;
  /** False while the connect has not been answered. */
  readonly open: boolean;
}

/** Linux's `TCP_RTO_MIN` (include/net/tcp.h): the first retransmission of data after 200 ms. */
export const RTO_MIN_MS = 200;
/** Linux's `TCP_TIMEOUT_INIT` (RFC 6298 section 2.1): a connect is retransmitted after 1 s. */
export const SYN_RTO_MS = 1_000;
/** Linux's `TCP_RTO_MAX`: backoff stops doubling at 120 s. */
export const RTO_MAX_MS = 120_000;
/** tcp(7): `tcp_syn_retries` 6, "approximately 127 seconds" before a connect fails. */
export const CONNECT_TIMEOUT_MS = 127_000;
/** tcp(7): `tcp_retries2` 15, "a hypothetical timeout of 924.6 seconds". */
export const USER_TIMEOUT_MS = 924_600;

type SegmentKind = 'syn' | 'syn-ack' | 'fin' | 'data';

interface Segment {
  readonly seq: number;
  readonly kind: SegmentKind;
  readonly message: Message | undefined;
  readonly role: MessageRole | undefined;
  readonly label: Detail;
  readonly firstSentMs: number;
  attempts: number;
}

/** One direction of a connection. */
class Stream {
  nextSeq = 0;
  nextDeliver = 0;
  /** Arrived segments waiting for an earlier one. */
  readonly held = new Map<number, Segment>();
}

class End {
  open = true;
  /** For the initiator: the connect has been answered. The acceptor is open from the start. */
  established: boolean;
  /** Requests this end made on the connection and still awaits. */
  readonly pending = new Set<string>();
  constructor(
    readonly node: SimNode,
    readonly incarnation: number,
    readonly address: string,
    readonly incoming: boolean,
  ) {
    this.established = incoming;
  }
  /** The process that opened this end still runs and has not closed it. */
  alive(): boolean {
    return this.open && this.hostHolds();
  }
  /**
   * The host still has the socket: the process that opened it runs. After a
   * graceful close the host keeps retransmitting what was written (and the
   * close itself); after a crash it does not.
   */
  hostHolds(): boolean {
    return this.node.incarnation === this.incarnation && this.node.status !== 'down';
  }
}

class Connection {
  /** Initiator → acceptor. */
  readonly forward = new Stream();
  /** Acceptor → initiator. */
  readonly backward = new Stream();
  acceptor: End | undefined;
  constructor(
    readonly id: string,
    readonly initiator: End,
    readonly acceptorNode: SimNode,
    /** The address the initiator dialed. */
    readonly acceptorAddress: string,
    readonly userTimeoutMs: number,
  ) {}
}

type Direction = 'forward' | 'backward';

export class Connections {
  private readonly byId = new Map<string, Connection>();
  /** Connections each node has an end in, by node id, in the order they were made. */
  private readonly byNode = new Map<string, Set<Connection>>();

  constructor(
    private readonly kernel: Kernel,
    private readonly network: Network,
  ) {}

  connect(from: SimNode, to: string, options: ConnectOptions): string {
    const id = `conn:${from.id}:${++from.connectionCounter}`;
    if (from.status === 'down') return id;
    const acceptorNode = this.network.target(from, to, 'connect');
    const conn = new Connection(id, new End(from, from.incarnation, from.address, false), acceptorNode, to, options.userTimeoutMs ?? USER_TIMEOUT_MS);
    this.byId.set(id, conn);
    this.register(from, conn);
    this.push(conn, 'forward', 'syn', undefined, undefined, `connect ${id}`);
    const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
    const connections = this;
    from.schedule(from.clock.trueDelayMs(timeoutMs), {
      run() {
        if (conn.initiator.open && !conn.initiator.established) connections.closeEnd(conn, conn.initiator, 'timeout', `connect not answered within ${timeoutMs}ms`);
      },
    });
    return id;
  }

  /** A message, request or response written on a connection by `from`. */
  sendData(from: SimNode, id: string, message: Message, role: MessageRole, requestId?: string): void {
    const conn = this.byId.get(id);
    const end = conn === undefined ? undefined : this.endOf(conn, from);
    if (conn === undefined || end === undefined || !end.alive()) {
      this.kernel.record(from.id, 'drop', conn === undefined ? '' : this.peerEndNode(conn, from).id, `${message.type}: connection ${id} is closed`);
      const network = this.network;
      if (requestId !== undefined) {
        from.schedule(0, {
          run() {
            network.failPending(from, requestId, `connection ${id} is closed`);
          },
        });
      }
      return;
    }
    if (requestId !== undefined) end.pending.add(requestId);
    this.push(conn, end === conn.initiator ? 'forward' : 'backward', 'data', message, role, this.kernel.trace.describe(message, ` on ${id}`));
  }

  /** The address at the other end of `id`, from `from`'s side. */
  peerOf(from: SimNode, id: string): string | undefined {
    const conn = this.byId.get(id);
    if (conn === undefined) return undefined;
    return this.endOf(conn, from) === conn.initiator ? conn.acceptorAddress : conn.initiator.address;
  }

  close(from: SimNode, id: string): void {
    const conn = this.byId.get(id);
    const end = conn === undefined ? undefined : this.endOf(conn, from);
    if (conn === undefined || end === undefined || !end.alive()) return;
    this.kernel.record(from.id, 'note', this.peerEndNode(conn, from).id, `closes ${id}`);
    this.push(conn, end === conn.initiator ? 'forward' : 'backward', 'fin', undefined, undefined, `close ${id}`);
    this.closeEnd(conn, end, undefined, 'closed by this end');
  }

  closeAll(from: SimNode): void {
    for (const conn of [...(this.byNode.get(from.id) ?? [])]) this.close(from, conn.id);
  }

  /** The node's process is gone (crash, exit, stop, restart): every end it had is reset. */
  nodeStopped(node: SimNode): void {
    const conns = this.byNode.get(node.id);
    if (conns === undefined) return;
    this.byNode.delete(node.id);
    for (const conn of conns) {
      const end = this.endOf(conn, node);
      if (end === undefined || !end.open) continue;
      end.open = false;
      end.pending.clear();
      const other = end === conn.initiator ? conn.acceptor : conn.initiator;
      if (other === undefined || !other.open) this.byId.delete(conn.id);
      const peer = end === conn.initiator ? conn.acceptorNode : conn.initiator.node;
      this.reset(node, peer, conn, 'reset');
    }
  }

  /** The node's open and opening connections, oldest first. */
  list(node: SimNode): ConnectionInfo[] {
    const out: ConnectionInfo[] = [];
    for (const conn of this.byNode.get(node.id) ?? []) {
      const end = this.endOf(conn, node);
      if (end === undefined || !end.alive()) continue;
      out.push({ id: conn.id, peer: end === conn.initiator ? conn.acceptorAddress : conn.initiator.address, incoming: end.incoming, open: end.established });
    }
    return out;
  }

  private register(node: SimNode, conn: Connection): void {
    let set = this.byNode.get(node.id);
    if (set === undefined) {
      set = new Set();
      this.byNode.set(node.id, set);
    }
    set.add(conn);
  }

  /** `node`'s end of `conn` in its current incarnation, if it has one. */
  private endOf(conn: Connection, node: SimNode): End | undefined {
    if (conn.initiator.node === node && conn.initiator.incarnation === node.incarnation) return conn.initiator;
    if (conn.acceptor !== undefined && conn.acceptor.node === node && conn.acceptor.incarnation === node.incarnation) return conn.acceptor;
    return undefined;
  }

  private peerEndNode(conn: Connection, node: SimNode): SimNode {
    return conn.initiator.node === node ? conn.acceptorNode : conn.initiator.node;
  }

  /** Queues a segment on one direction of `conn` and sends it. */
  private push(conn: Connection, direction: Direction, kind: SegmentKind, message: Message | undefined, role: MessageRole | undefined, label: Detail): void {
    const stream = direction === 'forward' ? conn.forward : conn.backward;
    const segment: Segment = { seq: stream.nextSeq++, kind, message, role, label, firstSentMs: this.kernel.nowMs, attempts: 0 };
    const sender = this.sender(conn, direction);
    this.kernel.record(sender.node.id, 'send', this.receiverNode(conn, direction).id, label);
    this.transmit(conn, direction, segment);
  }

  private sender(conn: Connection, direction: Direction): End {
    return direction === 'forward' ? conn.initiator : conn.acceptor!;
  }

  private receiverNode(conn: Connection, direction: Direction): SimNode {
    return direction === 'forward' ? conn.acceptorNode : conn.initiator.node;
  }

  private transmit(conn: Connection, direction: Direction, segment: Segment): void {
    const sender = this.sender(conn, direction);
    const receiver = this.receiverNode(conn, direction);
    const passage = this.network.pass(sender.node.id, receiver.id, segment.message);
    if (passage === 'delivered') {
      this.kernel.after(this.network.passLatencyMs, () => this.arrive(conn, direction, segment));
      return;
    }
    this.retransmitLater(conn, direction, segment, passage);
  }

  /** A lost or cut segment: try again after the backoff, or give the connection up. */
  private retransmitLater(conn: Connection, direction: Direction, segment: Segment, why: string): void {
    const sender = this.sender(conn, direction);
    const receiver = this.receiverNode(conn, direction);
    const firstMs = segment.kind === 'syn' || segment.kind === 'syn-ack' ? SYN_RTO_MS : RTO_MIN_MS;
    const rtoMs = Math.min(RTO_MAX_MS, firstMs * 2 ** segment.attempts);
    const giveUpInMs = segment.firstSentMs + conn.userTimeoutMs - this.kernel.nowMs;
    if (rtoMs > giveUpInMs) {
      // The next try would come after the user timeout: the end gives up when it runs out.
      this.kernel.record(sender.node.id, 'drop', receiver.id, `${detailText(segment.label)}: ${why}; giving up in ${Math.max(0, giveUpInMs)}ms`);
      this.kernel.after(Math.max(0, giveUpInMs), () => {
        if (sender.alive()) this.closeEnd(conn, sender, 'timeout', `${detailText(segment.label)} could not get through for ${conn.userTimeoutMs}ms`);
      });
      return;
    }
    this.kernel.record(sender.node.id, 'drop', receiver.id, `${detailText(segment.label)}: ${why}, retransmitting in ${rtoMs}ms`);
    segment.attempts++;
    this.kernel.after(rtoMs, () => {
      if (sender.hostHolds()) this.transmit(conn, direction, segment);
    });
  }

  private arrive(conn: Connection, direction: Direction, segment: Segment): void {
    const sender = this.sender(conn, direction);
    const receiverNode = this.receiverNode(conn, direction);
    if (this.network.cutInFlight(sender.node.id, receiverNode.id, segment.message) !== undefined) {
      this.retransmitLater(conn, direction, segment, 'partitioned in flight');
      return;
    }
    if (segment.kind === 'syn' && conn.acceptor === undefined) {
      if (receiverNode.address !== conn.acceptorAddress) {
        // The address is gone (the node restarted under another): no host answers, the connect retries until it times out.
        this.retransmitLater(conn, direction, segment, `nothing at ${conn.acceptorAddress}`);
        return;
      }
      if (receiverNode.status === 'down') {
        this.reset(receiverNode, sender.node, conn, 'refused');
        return;
      }
      conn.acceptor = new End(receiverNode, receiverNode.incarnation, receiverNode.address, true);
      this.register(receiverNode, conn);
    }
    const receiver = direction === 'forward' ? conn.acceptor : conn.initiator;
    if (receiver !== undefined && !receiver.alive()) {
      // It reached a host whose process no longer has the connection: a reset answers.
      this.reset(receiverNode, sender.node, conn, 'reset');
      return;
    }
    const stream = direction === 'forward' ? conn.forward : conn.backward;
    stream.held.set(segment.seq, segment);
    if (receiver !== undefined) this.flush(conn, direction, stream, receiver);
  }

  /** Hands the receiver every segment that is next in order. */
  private flush(conn: Connection, direction: Direction, stream: Stream, receiver: End): void {
    for (let next = stream.held.get(stream.nextDeliver); next !== undefined; next = stream.held.get(stream.nextDeliver)) {
      stream.held.delete(stream.nextDeliver);
      stream.nextDeliver++;
      this.handOver(conn, direction, next, receiver);
      if (!receiver.open) return;
    }
  }

  private handOver(conn: Connection, direction: Direction, segment: Segment, receiver: End): void {
    const node = receiver.node;
    const senderId = this.sender(conn, direction).node.id;
    const peer = receiver === conn.initiator ? conn.acceptorAddress : conn.initiator.address;
    switch (segment.kind) {
      case 'syn':
        this.kernel.record(node.id, 'deliver', senderId, segment.label);
        this.event(receiver, { type: 'connection.opened', connection: conn.id, peer, incoming: true });
        this.push(conn, 'backward', 'syn-ack', undefined, undefined, `accept ${conn.id}`);
        return;
      case 'syn-ack':
        this.kernel.record(node.id, 'deliver', senderId, segment.label);
        receiver.established = true;
        this.event(receiver, { type: 'connection.opened', connection: conn.id, peer, incoming: false });
        return;
      case 'fin':
        this.kernel.record(node.id, 'deliver', senderId, segment.label);
        this.closeEnd(conn, receiver, 'closed', `${conn.id} closed by ${peer}`);
        return;
      case 'data': {
        const message = segment.message!;
        const role = segment.role!;
        const fromAddress = receiver === conn.initiator ? conn.acceptor!.address : conn.initiator.address;
        // Through the node's queue, so a paused node gets them in order when it wakes.
        const connections = this;
        node.schedule(0, {
          run() {
            // A reset that came in meanwhile discards what was not read yet.
            if (!receiver.open) return void connections.kernel.record(senderId, 'drop', node.id, `${detailText(segment.label)}: the connection was reset before it was read`);
            if (role === 'response') receiver.pending.delete((message as { requestId?: string }).requestId ?? '');
            connections.network.frontEnd(node, senderId, fromAddress, message, segment.label, role, conn.id);
          },
        });
      }
    }
  }

  /** Sends a reset from `fromNode`'s host to `toNode` for `conn`; it is not retransmitted. */
  private reset(fromNode: SimNode, toNode: SimNode, conn: Connection, reason: 'reset' | 'refused'): void {
    this.kernel.record(fromNode.id, 'send', toNode.id, `reset ${conn.id}`);
    const passage = this.network.pass(fromNode.id, toNode.id, undefined);
    if (passage !== 'delivered') {
      this.kernel.record(fromNode.id, 'drop', toNode.id, `reset ${conn.id}: ${passage}`);
      return;
    }
    this.kernel.after(this.network.passLatencyMs, () => {
      if (this.network.cutInFlight(fromNode.id, toNode.id, undefined) !== undefined) {
        this.kernel.record(fromNode.id, 'drop', toNode.id, `reset ${conn.id}: partitioned in flight`);
        return;
      }
      const end = this.endOf(conn, toNode);
      if (end === undefined || !end.alive()) return;
      this.kernel.record(toNode.id, 'deliver', fromNode.id, `reset ${conn.id}`);
      this.closeEnd(conn, end, reason, `${conn.id} ${reason === 'refused' ? 'refused' : 'reset'} by ${fromNode.id}`);
    });
  }

  /**
   * Closes one end: its waiting requests fail, and unless it closed itself
   * (`reason` undefined) its actor hears why.
   */
  private closeEnd(conn: Connection, end: End, reason: CloseReason | undefined, why: string): void {
    end.open = false;
    this.byNode.get(end.node.id)?.delete(conn);
    const other = end === conn.initiator ? conn.acceptor : conn.initiator;
    if (other === undefined || !other.open) this.byId.delete(conn.id);
    const pending = [...end.pending];
    end.pending.clear();
    const peer = end === conn.initiator ? conn.acceptorAddress : conn.initiator.address;
    const connections = this;
    end.node.schedule(0, {
      run() {
        for (const requestId of pending) connections.network.failPending(end.node, requestId, why);
        if (reason !== undefined) {
          connections.kernel.record(end.node.id, 'note', connections.peerEndNode(conn, end.node).id, `connection ${conn.id}: ${why}`);
          end.node.deliver({ type: 'connection.closed', connection: conn.id, peer, reason });
        }
      },
    });
  }

  private event(end: End, event: ConnectionOpened): void {
    end.node.schedule(0, {
      run() {
        end.node.deliver(event as unknown as { type: string });
      },
    });
  }
}
