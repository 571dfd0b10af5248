/**
 * The plain harness's in-memory network: what a TypeScript engineer writes
 * for a test of a distributed system without this tool. Hosts with
 * handlers, one-way latency drawn per message (1-10 ms, the testbed's
 * default link), partitions (one way or both, checked at send and at
 * arrival), extra delay, loss and duplication windows, requests with a
 * timeout as promises, and hosts that crash (a new incarnation: the old
 * one's timers and answers go nowhere) and pause (timers and messages wait
 * for the wake). Time is @sinonjs/fake-timers' clock; nothing here knows of
 * the testbed.
 */
import type { Clock } from '@sinonjs/fake-timers';

export type { Clock };

/** A message on the wire. */
export interface Packet {
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly body: unknown;
  /** Set on requests and their responses. */
  readonly id?: number;
  readonly isResponse?: boolean;
  readonly status?: number;
}

/** What a request comes back with: a response, or the timeout. */
export type Answer = { readonly status: number; readonly body: unknown } | 'timeout';

/** What a host runs: an application that takes requests and one-way messages. */
export interface App {
  onRequest?(request: Packet, reply: (status: number, body?: unknown) => void): void;
  onMessage?(message: Packet): void;
}

interface LinkFault {
  readonly from: string;
  readonly to: string;
  readonly oneWay: boolean;
}

export class Host {
  up = true;
  paused = false;
  incarnation = 0;
  app: App | undefined;
  /** What survives a crash. */
  readonly disk = new Map<string, unknown>();
  private deferred: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly net: Network,
  ) {}

  get clock(): Clock {
    return this.net.clock;
  }

  /** A timer of this host: dropped if the host crashed meanwhile, held while it is paused. */
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const incarnation = this.incarnation;
    const handle = this.net.clock.setTimeout(() => this.run(incarnation, fn), ms);
    return { cancel: () => this.net.clock.clearTimeout(handle) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** Whether the code of this incarnation may go on. */
  alive(incarnation: number): boolean {
    return this.up && this.incarnation === incarnation;
  }

  run(incarnation: number, fn: () => void): void {
    if (!this.alive(incarnation)) return;
    if (this.paused) this.deferred.push(fn);
    else fn();
  }

  crash(): void {
    this.up = false;
    this.paused = false;
    this.incarnation++;
    this.deferred = [];
    this.app = undefined;
    this.net.forget(this.name);
  }

  pause(): void {
    if (this.up) this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    const due = this.deferred;
    this.deferred = [];
    for (const fn of due) fn();
  }

  request(to: string, type: string, body: unknown, timeoutMs: number): Promise<Answer> {
    return this.net.request(this, to, type, body, timeoutMs);
  }

  send(to: string, type: string, body: unknown): void {
    this.net.transmit({ from: this.name, to, type, body });
  }
}

export class Network {
  readonly hosts = new Map<string, Host>();
  private partitions: LinkFault[] = [];
  private delays: (LinkFault & { extraMs: number })[] = [];
  private drops: (LinkFault & { ratio: number })[] = [];
  private duplicates: (LinkFault & { ratio: number })[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { readonly host: string; readonly settle: (answer: Answer) => void }>();

  /** @param random a seeded uniform draw in [0, 1), for latency, loss and duplication */
  constructor(
    readonly clock: Clock,
    private readonly random: () => number,
  ) {}

  host(name: string): Host {
    const host = new Host(name, this);
    this.hosts.set(name, host);
    return host;
  }

  /** A partition for `durationMs` (then it heals). */
  partition(fault: LinkFault, durationMs: number): void {
    this.window(this.partitions, fault, durationMs, (list) => (this.partitions = list));
  }

  delay(fault: LinkFault & { extraMs: number }, durationMs: number): void {
    this.window(this.delays, fault, durationMs, (list) => (this.delays = list));
  }

  drop(fault: LinkFault & { ratio: number }, durationMs: number): void {
    this.window(this.drops, fault, durationMs, (list) => (this.drops = list));
  }

  duplicate(fault: LinkFault & { ratio: number }, durationMs: number): void {
    this.window(this.duplicates, fault, durationMs, (list) => (this.duplicates = list));
  }

  private window<F extends LinkFault>(list: F[], fault: F, durationMs: number, set: (list: F[]) => void): void {
    set([...list, fault]);
    this.clock.setTimeout(() => set(list.filter((f) => f !== fault)), durationMs);
  }

  request(from: Host, to: string, type: string, body: unknown, timeoutMs: number): Promise<Answer> {
    const id = this.nextId++;
    return new Promise<Answer>((resolve) => {
      const timer = from.setTimeout(() => {
        this.pending.delete(id);
        resolve('timeout');
      }, timeoutMs);
      this.pending.set(id, {
        host: from.name,
        settle: (answer) => {
          timer.cancel();
          this.pending.delete(id);
          resolve(answer);
        },
      });
      this.transmit({ from: from.name, to, type, body, id });
    });
  }

  /** A crashed host's requests get no answer (their timers are gone with it). */
  forget(host: string): void {
    for (const [id, p] of this.pending) if (p.host === host) this.pending.delete(id);
  }

  transmit(packet: Packet): void {
    const latencyMs = 1 + Math.floor(this.random() * 10);
    const lossRoll = this.random();
    const duplicateRoll = this.random();
    if (this.cut(this.partitions, packet)) return;
    const loss = Math.max(0, ...this.matching(this.drops, packet).map((f) => f.ratio));
    if (lossRoll < loss) return;
    const extraMs = Math.max(0, ...this.matching(this.delays, packet).map((f) => f.extraMs));
    this.clock.setTimeout(() => this.arrive(packet), latencyMs + extraMs);
    const duplication = Math.max(0, ...this.matching(this.duplicates, packet).map((f) => f.ratio));
    if (duplicateRoll < duplication) this.clock.setTimeout(() => this.arrive(packet), 2 * latencyMs + extraMs);
  }

  private arrive(packet: Packet): void {
    if (this.cut(this.partitions, packet)) return;
    const host = this.hosts.get(packet.to);
    if (host === undefined || !host.up) return;
    host.run(host.incarnation, () => this.handle(host, packet));
  }

  private handle(host: Host, packet: Packet): void {
    if (packet.isResponse) {
      this.pending.get(packet.id!)?.settle({ status: packet.status!, body: packet.body });
      return;
    }
    const app = host.app;
    if (app === undefined) return;
    if (packet.id === undefined) {
      app.onMessage?.(packet);
      return;
    }
    const incarnation = host.incarnation;
    app.onRequest?.(packet, (status, body) => {
      if (!host.alive(incarnation)) return;
      this.transmit({ from: host.name, to: packet.from, type: `${packet.type}.response`, body, id: packet.id, isResponse: true, status });
    });
  }

  private cut(faults: readonly LinkFault[], packet: Packet): boolean {
    return this.matching(faults, packet).length > 0;
  }

  private matching<F extends LinkFault>(faults: readonly F[], packet: Packet): F[] {
    return faults.filter((f) => (f.from === packet.from && f.to === packet.to) || (!f.oneWay && f.from === packet.to && f.to === packet.from));
  }
}
