/**
 * The canary (scenarios/canary/lease.scenario.ts, models/canary/) as a plain
 * harness: a lease server and two clients as async classes with sleep
 * loops on @sinonjs/fake-timers, the network of network.ts, fault plans
 * from fast-check, and the same invariants checked after every timer. Same
 * timings (models/canary/lease-timing.ts), same fault space, same bug.
 */
import { createClock } from '@sinonjs/fake-timers';
import fc from 'fast-check';
import { LEASE_DURATION_MS, RENEW_DEADLINE_MS, REQUEST_TIMEOUT_MS, RETRY_PERIOD_MS } from '../../../models/canary/lease-timing.ts';
import { mulberry32 } from './random.ts';
import { type App, type Host, Network, type Packet } from './network.ts';

const DURATION_MS = 60_000;
const WINDOW_MS = 40_000;
const MAX_FAULT_MS = 2 * LEASE_DURATION_MS;
const CLIENTS = ['client-a', 'client-b'] as const;
const NODES = ['client-a', 'client-b', 'lease-server'] as const;
const LINKS: readonly (readonly [string, string])[] = [
  ['client-a', 'lease-server'],
  ['client-b', 'lease-server'],
  ['client-a', 'client-b'],
];

export type CanaryFault =
  | { kind: 'partition'; atMs: number; from: string; to: string; oneWay: boolean; durationMs: number }
  | { kind: 'delay'; atMs: number; from: string; to: string; oneWay: boolean; durationMs: number; extraMs: number }
  | { kind: 'drop' | 'duplicate'; atMs: number; from: string; to: string; oneWay: boolean; durationMs: number; ratio: number }
  | { kind: 'pause'; atMs: number; node: string; durationMs: number }
  | { kind: 'crash'; atMs: number; node: string; downMs: number };

const at = fc.integer({ min: 0, max: WINDOW_MS });
const duration = fc.integer({ min: 100, max: MAX_FAULT_MS });
const link = fc.record({ link: fc.constantFrom(...LINKS), direction: fc.constantFrom('both', 'forward', 'backward') }).map(({ link: [a, b], direction }) => ({
  from: direction === 'backward' ? b : a,
  to: direction === 'backward' ? a : b,
  oneWay: direction !== 'both',
}));

/** Up to four faults of the canary's fault space. */
export const canaryPlan: fc.Arbitrary<CanaryFault[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('partition' as const), atMs: at, link, durationMs: duration }).map(({ link: l, ...f }) => ({ ...f, ...l })),
    fc.record({ kind: fc.constant('delay' as const), atMs: at, link, durationMs: duration, extraMs: fc.integer({ min: 1, max: 2000 }) }).map(({ link: l, ...f }) => ({ ...f, ...l })),
    fc.record({ kind: fc.constant('drop' as const), atMs: at, link, durationMs: duration, ratio: fc.constantFrom(0.1, 0.5, 1) }).map(({ link: l, ...f }) => ({ ...f, ...l })),
    fc.record({ kind: fc.constant('duplicate' as const), atMs: at, link, durationMs: duration, ratio: fc.constant(0.5) }).map(({ link: l, ...f }) => ({ ...f, ...l })),
    fc.record({ kind: fc.constant('pause' as const), atMs: at, node: fc.constantFrom(...NODES), durationMs: duration }),
    fc.record({ kind: fc.constant('crash' as const), atMs: at, node: fc.constantFrom(...NODES), downMs: fc.integer({ min: 0, max: MAX_FAULT_MS }) }),
  ),
  { maxLength: 4 },
);

class LeaseServer implements App {
  private holder: string | null;
  private expiresAtMs: number;

  constructor(private readonly host: Host) {
    const saved = host.disk.get('lease') as { holder: string | null; expiresAtMs: number } | undefined;
    this.holder = saved?.holder ?? null;
    this.expiresAtMs = saved?.expiresAtMs ?? 0;
  }

  onRequest(request: Packet, reply: (status: number, body?: unknown) => void): void {
    if (request.type !== 'acquire') return;
    const nowMs = this.host.clock.now;
    if (this.holder === null || this.holder === request.from || nowMs >= this.expiresAtMs) {
      this.holder = request.from;
      this.expiresAtMs = nowMs + LEASE_DURATION_MS;
      this.host.disk.set('lease', { holder: this.holder, expiresAtMs: this.expiresAtMs });
      reply(200, { expiresAtMs: this.expiresAtMs });
    } else reply(409, { holder: this.holder });
  }
}

class LeaseClient implements App {
  /** The clients take no requests. */
  onMessage(): void {}
  state: 'idle' | 'acquiring' | 'holding' = 'idle';
  trustUntilMs = 0;
  private epoch = 0;
  private deadline: { cancel(): void } | undefined;

  constructor(
    private readonly host: Host,
    readonly stepDownOnDeadline: boolean,
  ) {}

  /** Acquires the lease every retry period; renews it while holding. Runs until the host crashes or the client steps down. */
  async cycle(): Promise<void> {
    const epoch = ++this.epoch;
    const incarnation = this.host.incarnation;
    const current = () => this.host.alive(incarnation) && this.epoch === epoch;
    for (;;) {
      this.state = 'idle';
      this.deadline?.cancel();
      await this.host.sleep(RETRY_PERIOD_MS);
      if (!current()) return;
      this.state = 'acquiring';
      let sentAtMs = this.host.clock.now;
      let answer = await this.host.request('lease-server', 'acquire', {}, REQUEST_TIMEOUT_MS);
      if (!current()) return;
      if (answer === 'timeout' || answer.status !== 200) continue;
      this.hold(sentAtMs);
      for (;;) {
        await this.host.sleep(RETRY_PERIOD_MS);
        if (!current()) return;
        sentAtMs = this.host.clock.now;
        answer = await this.host.request('lease-server', 'acquire', {}, REQUEST_TIMEOUT_MS);
        if (!current()) return;
        if (answer !== 'timeout' && answer.status === 200) this.hold(sentAtMs);
        else if (answer !== 'timeout' && answer.status === 409) break;
      }
    }
  }

  /** A grant: trusted until the renew deadline from when it was asked for; a fixed client steps down at that deadline. */
  private hold(sentAtMs: number): void {
    this.state = 'holding';
    this.trustUntilMs = sentAtMs + RENEW_DEADLINE_MS;
    this.deadline?.cancel();
    if (this.stepDownOnDeadline) this.deadline = this.host.setTimeout(() => void this.cycle(), RENEW_DEADLINE_MS);
  }

  actsAsHolder(): boolean {
    return this.state === 'holding' && (!this.stepDownOnDeadline || this.host.clock.now < this.trustUntilMs);
  }
}

/** How a run ended: the invariant it broke, or null. */
export type Verdict = 'single-holder' | 'someone-holds' | null;

/** One run of the canary under `faults`, with `seed` for the network's draws. */
export async function runCanary(variant: 'buggy' | 'fixed', faults: readonly CanaryFault[], seed: number): Promise<Verdict> {
  const clock = createClock(0);
  const net = new Network(clock, mulberry32(seed));
  const server = net.host('lease-server');
  const clients = CLIENTS.map((name) => net.host(name));
  const startServer = () => (server.app = new LeaseServer(server));
  const startClient = (host: Host) => {
    const client = new LeaseClient(host, variant === 'fixed');
    host.app = client;
    void client.cycle();
  };
  const start = (host: Host) => {
    host.up = true;
    if (host === server) startServer();
    else startClient(host);
  };
  startServer();
  clients.forEach(startClient);

  let lastHealMs = 0;
  for (const fault of faults) {
    const healMs = fault.atMs + (fault.kind === 'crash' ? fault.downMs : fault.durationMs);
    lastHealMs = Math.max(lastHealMs, healMs);
    clock.setTimeout(() => {
      switch (fault.kind) {
        case 'partition':
          return net.partition(fault, fault.durationMs);
        case 'delay':
          return net.delay(fault, fault.durationMs);
        case 'drop':
          return net.drop(fault, fault.durationMs);
        case 'duplicate':
          return net.duplicate(fault, fault.durationMs);
        case 'pause': {
          const host = net.hosts.get(fault.node)!;
          if (!host.up || host.paused) return;
          host.pause();
          clock.setTimeout(() => host.resume(), fault.durationMs);
          return;
        }
        case 'crash': {
          const host = net.hosts.get(fault.node)!;
          if (!host.up) return;
          host.crash();
          clock.setTimeout(() => host.up || start(host), fault.downMs);
        }
      }
    }, fault.atMs);
  }

  const holding = (host: Host) => host.up && host.app instanceof LeaseClient && host.app.state === 'holding';
  // The liveness phase: from the last heal, someone must hold the lease within a lease and a renew deadline.
  const deadlineMs = lastHealMs + LEASE_DURATION_MS + RENEW_DEADLINE_MS;
  let someoneHeld = false;
  let leaseMoved = false;
  let done = false;
  let verdict: Verdict = null;
  clock.setTimeout(() => {
    if (!someoneHeld && !clients.some(holding)) verdict = 'someone-holds';
  }, deadlineMs);
  clock.setTimeout(() => (done = true), Math.max(DURATION_MS, deadlineMs));
  while (!done && verdict === null) {
    await clock.nextAsync();
    const holders = clients.filter((c) => c.up && !c.paused && (c.app as LeaseClient).actsAsHolder());
    if (holders.length > 1) return 'single-holder';
    if (clock.now >= lastHealMs && !someoneHeld) someoneHeld = clients.some(holding);
    leaseMoved ||= holding(clients[1]!);
  }
  return verdict;
}
