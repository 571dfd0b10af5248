/**
 * Server capacity: a node (or some request types on it) serves at most
 * `concurrency` requests at once, each for its service time; the rest wait
 * in arrival order. Queueing, and the latency it adds, then emerge from the
 * load itself: "a busy API server answers slowly, so heartbeats time out, so
 * clients reconnect, so it gets busier" needs no hand-written queue.
 *
 * - A request (or one-way message) of a type a pool covers is handed to the
 *   actor when its service ends; the actor's own handling is instantaneous.
 *   Answers to the node's own requests and connection events bypass pools.
 * - The `load` fault on the node multiplies service times (as well as the
 *   latency of its messages), for work that starts while it is in force.
 * - `queueLimit`: a request arriving to a full queue is answered 503 by the
 *   front end at once (a one-way message is dropped).
 * - `timeout`: work not served within `afterMs` of its arrival is answered
 *   with `status` at that moment (Go's `http.Server.ReadTimeout`, nginx's
 *   `client_body_timeout`): it leaves the queue, or frees its worker if
 *   its service would end later.
 * - A crash or stop loses everything queued or in service.
 */
import type { Json } from './faults.ts';
import type { Kernel } from './kernel.ts';
import type { Reply } from './messages.ts';
import type { SimNode } from './node.ts';

/** One pool of workers, as a scenario declares it. */
export interface CapacitySpec {
  /** Requests served at once (`Infinity`: no limit, only the service time). */
  readonly concurrency: number;
  /**
   * Service time in ms: one figure for every type, or one per type (types
   * not listed bypass this pool).
   */
  readonly serviceMs: number | Readonly<Record<string, number>>;
  /** Most requests waiting; more are refused with 503. Default: no limit. */
  readonly queueLimit?: number;
  /** Work not served within `afterMs` of arriving is answered with `status` (and `body`). */
  readonly timeout?: { readonly afterMs: number; readonly status: number; readonly body?: Json };
}

/** What a pool does with one request or message. */
export interface Work {
  readonly type: string;
  /** Its service ended: hand it to the actor. */
  serve(): void;
  /** The front end answers it instead (`why` goes in the trace). */
  reject(reply: Reply, why: string): void;
  /** It was lost with the node (crash or stop). */
  lose(): void;
}

/** The answer to a request that found the queue full. */
const QUEUE_FULL_REPLY: Reply = { status: 503, body: 'server overloaded: queue full' };

interface Waiting {
  readonly work: Work;
  readonly arrivedMs: number;
  done: boolean;
}

class Pool {
  private busy = 0;
  private waiting: Waiting[] = [];
  private inService = new Set<Work>();

  constructor(
    private readonly spec: CapacitySpec,
    private readonly node: SimNode,
    private readonly kernel: Kernel,
    private readonly loadFactorPct: () => number,
  ) {}

  covers(type: string): boolean {
    return typeof this.spec.serviceMs === 'number' || Object.prototype.hasOwnProperty.call(this.spec.serviceMs, type);
  }

  admit(work: Work): void {
    const nowMs = this.kernel.nowMs;
    if (this.busy < this.spec.concurrency) return this.begin(work, nowMs);
    if (this.spec.queueLimit !== undefined && this.queued() >= this.spec.queueLimit) return work.reject(QUEUE_FULL_REPLY, `queue full (${this.spec.queueLimit} waiting)`);
    const entry: Waiting = { work, arrivedMs: nowMs, done: false };
    this.waiting.push(entry);
    const timeout = this.spec.timeout;
    if (timeout !== undefined) {
      this.node.schedule(timeout.afterMs, {
        run() {
          if (entry.done) return;
          entry.done = true;
          work.reject({ status: timeout.status, body: timeout.body ?? null }, `not served within ${timeout.afterMs}ms (waited in the queue)`);
        },
      });
    }
  }

  /** Work waiting or in service. */
  backlog(): number {
    return this.queued() + this.busy;
  }

  /** Everything queued or in service is lost with the node. */
  reset(): void {
    for (const entry of this.waiting) if (!entry.done) entry.work.lose();
    for (const work of this.inService) work.lose();
    this.waiting = [];
    this.inService.clear();
    this.busy = 0;
  }

  private queued(): number {
    let n = 0;
    for (const entry of this.waiting) if (!entry.done) n++;
    return n;
  }

  private begin(work: Work, arrivedMs: number): void {
    this.busy++;
    this.inService.add(work);
    const baseMs = typeof this.spec.serviceMs === 'number' ? this.spec.serviceMs : this.spec.serviceMs[work.type]!;
    const serviceMs = Math.ceil((baseMs * this.loadFactorPct()) / 100);
    const timeout = this.spec.timeout;
    const untilDeadlineMs = timeout === undefined ? Number.POSITIVE_INFINITY : arrivedMs + timeout.afterMs - this.kernel.nowMs;
    // Tasks are the node's: a crash makes them stale, and `reset` has already counted the work as lost.
    // Tasks as methods, not arrows (see NodeTask).
    const pool = this;
    if (serviceMs <= untilDeadlineMs) {
      this.node.schedule(serviceMs, {
        run() {
          pool.end(work, () => work.serve());
        },
      });
    } else {
      this.node.schedule(untilDeadlineMs, {
        run() {
          pool.end(work, () => work.reject({ status: timeout!.status, body: timeout!.body ?? null }, `not served within ${timeout!.afterMs}ms (cut off in service)`));
        },
      });
    }
  }

  private end(work: Work, finish: () => void): void {
    this.busy--;
    this.inService.delete(work);
    finish();
    this.next();
  }

  private next(): void {
    while (this.busy < this.spec.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift()!;
      if (entry.done) continue;
      entry.done = true;
      this.begin(entry.work, entry.arrivedMs);
    }
  }
}

/** A node's pools; the first that covers a type serves it. */
export class Capacity {
  private readonly pools: Pool[];

  constructor(specs: readonly CapacitySpec[], node: SimNode, kernel: Kernel, loadFactorPct: () => number) {
    for (const spec of specs) checkSpec(spec, node.id);
    this.pools = specs.map((spec) => new Pool(spec, node, kernel, loadFactorPct));
  }

  /** Takes `work` into the pool that covers its type; false when none does (the caller delivers it at once). */
  admit(work: Work): boolean {
    const pool = this.pools.find((p) => p.covers(work.type));
    if (pool === undefined) return false;
    pool.admit(work);
    return true;
  }

  reset(): void {
    for (const pool of this.pools) pool.reset();
  }

  /** Work waiting or in service, over every pool. */
  backlog(): number {
    let n = 0;
    for (const pool of this.pools) n += pool.backlog();
    return n;
  }
}

function checkSpec(spec: CapacitySpec, node: string): void {
  const where = `node '${node}': capacity`;
  if (!(spec.concurrency === Number.POSITIVE_INFINITY || (Number.isSafeInteger(spec.concurrency) && spec.concurrency >= 1))) {
    throw new Error(`${where}: concurrency must be a whole number >= 1 (or Infinity), got ${spec.concurrency}`);
  }
  const times = typeof spec.serviceMs === 'number' ? [spec.serviceMs] : Object.values(spec.serviceMs);
  for (const ms of times) if (!(Number.isSafeInteger(ms) && ms >= 0)) throw new Error(`${where}: service times must be whole ms >= 0, got ${ms}`);
  if (spec.queueLimit !== undefined && !(Number.isSafeInteger(spec.queueLimit) && spec.queueLimit >= 0)) throw new Error(`${where}: queueLimit must be a whole number >= 0`);
  if (spec.timeout !== undefined && !(Number.isSafeInteger(spec.timeout.afterMs) && spec.timeout.afterMs >= 0)) throw new Error(`${where}: timeout.afterMs must be whole ms >= 0`);
}
