/**
 * `tunnel/api-503-blip` (scenarios/tunnel/api-503-blip.scenario.ts,
 * models/tunnel/) as a plain harness: the authoritative DNS, the control
 * plane behind Envoy, the gateway and the CLI as async classes on
 * @sinonjs/fake-timers and network.ts, Envoy's blips (windows of errors,
 * one-shot errors for the next requests), control-plane crashes, slow
 * reconciles and revoked access drawn by fast-check, and the scenario's
 * invariants checked after every timer. Same timings (models/tunnel/timing.ts).
 *
 * Part of a benchmark's baseline: every `setTimeout` here is a fake clock's
 * (@sinonjs/fake-timers, `clock` and each host's), never a real timer.
 */
import { createClock } from '@sinonjs/fake-timers';
import fc from 'fast-check';
import {
  DIAL_TIMEOUT_MS,
  DNS_TTL_MS,
  HEARTBEAT_MS,
  MAX_CONSECUTIVE_POLL_ERRORS,
  POLL_MS,
  PUBLISH_DELAY_MS,
  REQUEST_TIMEOUT_MS,
  SETUP_MS,
  UNREACHABLE_BAIL_BOUND_MS,
  UPSTREAM_TIMEOUT_MS,
  VERIFY_PROBE_MS,
} from '../../../models/tunnel/timing.ts';
import { mulberry32 } from './random.ts';
import { type Answer, type App, type Host, Network, type Packet } from './network.ts';

const DURATION_MS = 180_000;
const WINDOW_MS = 20_000;
const SETUP_COMPLETES_WITHIN_MS = 60_000;
const HARD_ERROR_BAIL_MS = 100;
const HOSTNAME = 'talk-known-phk4r.datumproxy.net';
const ENVOY_ERROR_BODY = 'upstream connect error or disconnect/reset before headers';

export type TunnelFault =
  | { kind: 'http-error'; atMs: number; status: number; durationMs: number }
  | { kind: 'request-fault'; atMs: number; type: string | null; status: number; count: number }
  | { kind: 'crash'; atMs: number; downMs: number | null }
  | { kind: 'slow-reconcile'; atMs: number; durationMs: number }
  | { kind: 'revoke-access'; atMs: number };

const at = fc.integer({ min: 0, max: WINDOW_MS });
const status = fc.constantFrom(503, 502);

/** Up to three faults of the scenario's fault space. */
export const tunnelPlan: fc.Arbitrary<TunnelFault[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('http-error' as const), atMs: at, status, durationMs: fc.integer({ min: 200, max: 20_000 }) }),
    fc.record({ kind: fc.constant('request-fault' as const), atMs: at, type: fc.constantFrom(null, 'get-progress', 'create'), status, count: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('crash' as const), atMs: at, downMs: fc.oneof(fc.integer({ min: 1_000, max: 30_000 }), fc.constant(null)) }),
    fc.record({ kind: fc.constant('slow-reconcile' as const), atMs: at, durationMs: fc.integer({ min: 5_000, max: 60_000 }) }),
    fc.record({ kind: fc.constant('revoke-access' as const), atMs: at }),
  ),
  { maxLength: 3 },
);

type Reply = (status: number, body?: unknown) => void;
const statusOf = (a: Answer): number | null => (a === 'timeout' ? null : a.status);
const ok = (a: Answer) => (statusOf(a) ?? 0) >= 200 && (statusOf(a) ?? 0) < 300;
const hard = (a: Answer) => (statusOf(a) ?? 0) >= 400 && (statusOf(a) ?? 0) < 500;
const describe = (a: Answer) => (a === 'timeout' ? `no answer in ${REQUEST_TIMEOUT_MS} ms` : `HTTP ${a.status} ${JSON.stringify(a.body)}`);

class Dns implements App {
  private readonly records = new Map<string, string>();
  onRequest(request: Packet, reply: Reply): void {
    const body = request.body as { hostname: string; node?: string };
    if (request.type === 'publish') {
      this.records.set(body.hostname, body.node!);
      reply(200);
    } else if (request.type === 'resolve') {
      const node = this.records.get(body.hostname);
      if (node === undefined) reply(404, 'NXDOMAIN');
      else reply(200, { node });
    }
  }
}

class TunnelApi implements App {
  created = false;
  setupDoneAtMs: number | null = null;
  setupDone = false;
  listenNode: string | null = null;
  published: string | null = null;
  publishing: string | null = null;
  slowUntilMs = 0;
  revoked = false;
  refusedSetupAtMs: number | null = null;
  private setupTimer: { cancel(): void } | undefined;

  constructor(private readonly host: Host) {}

  onRequest(request: Packet, reply: Reply): void {
    const now = this.host.clock.now;
    switch (request.type) {
      case 'create':
        if (this.revoked) return this.refuse(reply);
        if (this.created) return reply(200);
        this.created = true;
        this.scheduleSetupDone(Math.max(SETUP_MS, this.slowUntilMs - now));
        return reply(201);
      case 'get-progress':
        if (this.revoked) return this.refuse(reply);
        if (!this.created) return reply(404, 'tunnel not found');
        return reply(200, { ready: this.ready(), conditions: { Programmed: this.setupDone, IrohDNSPublished: this.listenNode !== null && this.published === this.listenNode } });
      case 'heartbeat':
        if (this.revoked) return reply(403, 'forbidden: the service account lost access to the tunnel');
        this.listenNode = (request.body as { node: string }).node;
        reply(200);
        this.host.setTimeout(() => void this.publishIfStale(), PUBLISH_DELAY_MS);
    }
  }

  ready(): boolean {
    return this.setupDone && this.listenNode !== null && this.published === this.listenNode;
  }

  slowReconcile(extraMs: number): void {
    const now = this.host.clock.now;
    this.slowUntilMs = Math.max(this.slowUntilMs, now + extraMs);
    if (!this.created || this.setupDone || this.setupDoneAtMs === null || this.setupDoneAtMs >= this.slowUntilMs) return;
    this.setupTimer?.cancel();
    this.scheduleSetupDone(this.slowUntilMs - now);
  }

  private scheduleSetupDone(delayMs: number): void {
    this.setupDoneAtMs = this.host.clock.now + delayMs;
    this.setupTimer = this.host.setTimeout(() => {
      this.setupDone = true;
      void this.publishIfStale();
    }, delayMs);
  }

  private refuse(reply: Reply): void {
    this.refusedSetupAtMs ??= this.host.clock.now;
    reply(403, 'forbidden: the service account lost access to the tunnel');
  }

  private async publishIfStale(): Promise<void> {
    if (!this.setupDone || this.listenNode === null || this.published === this.listenNode) return;
    const incarnation = this.host.incarnation;
    this.publishing = this.listenNode;
    const answer = await this.host.request('dns', 'publish', { hostname: HOSTNAME, node: this.publishing }, REQUEST_TIMEOUT_MS);
    if (!this.host.alive(incarnation)) return;
    if (statusOf(answer) === 200) this.published = this.publishing;
    // A newer node may have heartbeated meanwhile.
    await this.publishIfStale();
  }
}

/** Envoy's own blips: a window of errors, and one-shot errors for the next requests (of a type). */
interface EnvoyFaults {
  errors: { readonly status: number }[];
  oneShots: { readonly type: string | null; readonly status: number; left: number }[];
}

class Envoy implements App {
  constructor(
    private readonly host: Host,
    private readonly faults: EnvoyFaults,
  ) {}

  onRequest(request: Packet, reply: Reply): void {
    const oneShot = this.faults.oneShots.find((f) => f.left > 0 && (f.type === null || f.type === request.type));
    if (oneShot !== undefined) {
      oneShot.left--;
      return reply(oneShot.status, ENVOY_ERROR_BODY);
    }
    const failing = this.faults.errors[0];
    if (failing !== undefined) return reply(failing.status, ENVOY_ERROR_BODY);
    void this.forward(request, reply);
  }

  private async forward(request: Packet, reply: Reply): Promise<void> {
    const answer = await this.host.request('api', request.type, request.body, UPSTREAM_TIMEOUT_MS);
    if (answer === 'timeout') reply(503, ENVOY_ERROR_BODY);
    else reply(answer.status, answer.body);
  }
}

class Gateway implements App {
  private readonly cache = new Map<string, { readonly node: string | null; readonly expiresAtMs: number }>();

  constructor(
    private readonly host: Host,
    private readonly reResolveOnDialFailure: boolean,
  ) {}

  onRequest(request: Packet, reply: Reply): void {
    if (request.type === 'http-get') void this.get((request.body as { hostname: string }).hostname, reply);
  }

  private async get(hostname: string, reply: Reply): Promise<void> {
    const incarnation = this.host.incarnation;
    for (let attempt = 1; ; attempt++) {
      let entry = this.cache.get(hostname);
      if (entry === undefined || entry.expiresAtMs <= this.host.clock.now) {
        const answer = await this.host.request('dns', 'resolve', { hostname }, DIAL_TIMEOUT_MS);
        if (!this.host.alive(incarnation)) return;
        if (answer === 'timeout') return reply(502, 'resolver timed out');
        entry = { node: ok(answer) ? (answer.body as { node: string }).node : null, expiresAtMs: this.host.clock.now + DNS_TTL_MS };
        this.cache.set(hostname, entry);
      }
      if (entry.node === null) return reply(404, `no tunnel for ${hostname} (NXDOMAIN)`);
      const dialed = await this.host.request(entry.node, 'proxy', { hostname }, DIAL_TIMEOUT_MS);
      if (!this.host.alive(incarnation)) return;
      if (ok(dialed)) return reply(200, 'proxied');
      if (this.reResolveOnDialFailure && attempt === 1) {
        this.cache.delete(hostname);
        continue;
      }
      return reply(502, `dial to ${entry.node} failed`);
    }
  }
}

interface Bail {
  readonly reason: string;
  readonly consecutiveErrors: number;
}

class TunnelCli implements App {
  consecutiveErrors = 0;
  hardErrorAtMs: number | null = null;
  verifiedAtMs: number | null = null;
  bail: Bail | null = null;

  constructor(
    private readonly host: Host,
    private readonly abortOnFirstError: boolean,
  ) {}

  start(): void {
    void this.setup();
    void this.heartbeat();
  }

  get inSetup(): boolean {
    return this.bail === null && this.verifiedAtMs === null;
  }

  onRequest(request: Packet, reply: Reply): void {
    // A process that bailed is gone: dials to it go unanswered.
    if (request.type === 'proxy' && this.bail === null) reply(200, 'hello from the origin');
  }

  /** Create the tunnel, poll its progress every POLL_MS until ready, then probe the public side until it answers. */
  private async setup(): Promise<void> {
    const incarnation = this.host.incarnation;
    const alive = () => this.host.alive(incarnation);
    for (;;) {
      const answer = await this.host.request('envoy', 'create', { hostname: HOSTNAME }, REQUEST_TIMEOUT_MS);
      if (!alive()) return;
      if (ok(answer)) break;
      if (!this.onError(answer)) return;
      await this.host.sleep(POLL_MS);
      if (!alive()) return;
    }
    for (;;) {
      await this.host.sleep(POLL_MS);
      if (!alive()) return;
      const answer = await this.host.request('envoy', 'get-progress', { hostname: HOSTNAME }, REQUEST_TIMEOUT_MS);
      if (!alive()) return;
      if (ok(answer)) {
        this.consecutiveErrors = 0;
        if (statusOf(answer) === 200 && (answer as { body: { ready: boolean } }).body.ready) break;
      } else if (!this.onError(answer)) return;
    }
    for (;;) {
      const answer = await this.host.request('gateway', 'http-get', { hostname: HOSTNAME }, REQUEST_TIMEOUT_MS);
      if (!alive()) return;
      if (ok(answer)) {
        this.verifiedAtMs = this.host.clock.now;
        return;
      }
      await this.host.sleep(VERIFY_PROBE_MS);
      if (!alive()) return;
    }
  }

  /** A failed setup call: bail (a 4xx, or out of patience), or count it and go on. Returns whether to go on. */
  private onError(answer: Answer): boolean {
    if (hard(answer)) {
      this.hardErrorAtMs = this.host.clock.now;
      this.bail = { reason: `setup failed: ${describe(answer)}`, consecutiveErrors: 0 };
      return false;
    }
    const errors = this.consecutiveErrors + 1;
    this.consecutiveErrors = errors;
    if (this.abortOnFirstError || errors >= MAX_CONSECUTIVE_POLL_ERRORS) {
      this.bail = { reason: `setup failed after ${errors} consecutive errors: ${describe(answer)}`, consecutiveErrors: errors };
      return false;
    }
    return true;
  }

  private async heartbeat(): Promise<void> {
    const incarnation = this.host.incarnation;
    for (;;) {
      if (this.bail === null) void this.host.request('envoy', 'heartbeat', { node: this.host.name }, REQUEST_TIMEOUT_MS);
      await this.host.sleep(HEARTBEAT_MS);
      if (!this.host.alive(incarnation)) return;
    }
  }
}

/** How a run ended: the invariant it broke, or null. */
export type TunnelVerdict = 'blip-does-not-abort' | 'unreachable-bails-fast' | 'hard-error-bails-at-once' | 'setup-completes' | null;

/** One run of the system under `faults`, with `seed` for the network's draws. */
export async function runTunnel(variant: 'buggy' | 'fixed', faults: readonly TunnelFault[], seed: number): Promise<TunnelVerdict> {
  const clock = createClock(0);
  const net = new Network(clock, mulberry32(seed));
  const envoyFaults: EnvoyFaults = { errors: [], oneShots: [] };
  const dnsHost = net.host('dns');
  const apiHost = net.host('api');
  const envoyHost = net.host('envoy');
  const gatewayHost = net.host('gateway');
  const cliHost = net.host('tunnel');
  dnsHost.app = new Dns();
  const startApi = () => {
    apiHost.up = true;
    apiHost.app = new TunnelApi(apiHost);
  };
  startApi();
  envoyHost.app = new Envoy(envoyHost, envoyFaults);
  gatewayHost.app = new Gateway(gatewayHost, variant === 'fixed');
  const cli = new TunnelCli(cliHost, variant === 'buggy');
  cliHost.app = cli;
  cli.start();
  const api = () => (apiHost.up ? (apiHost.app as TunnelApi) : undefined);

  let lastHealMs = 0;
  for (const fault of faults) {
    const healMs =
      fault.kind === 'crash' ? (fault.downMs === null ? Number.POSITIVE_INFINITY : fault.atMs + fault.downMs) : fault.atMs + ('durationMs' in fault ? fault.durationMs : 0);
    lastHealMs = Math.max(lastHealMs, healMs);
    clock.setTimeout(() => {
      switch (fault.kind) {
        case 'http-error': {
          const window = { status: fault.status };
          envoyFaults.errors.push(window);
          clock.setTimeout(() => envoyFaults.errors.splice(envoyFaults.errors.indexOf(window), 1), fault.durationMs);
          return;
        }
        case 'request-fault':
          envoyFaults.oneShots.push({ type: fault.type, status: fault.status, left: fault.count });
          return;
        case 'crash':
          if (!apiHost.up) return;
          apiHost.crash();
          if (fault.downMs !== null) clock.setTimeout(() => apiHost.up || startApi(), fault.downMs);
          return;
        case 'slow-reconcile':
          // An operator's action reaches the control plane after this step, if it runs.
          if (apiHost.up) apiHost.setTimeout(() => api()?.slowReconcile(fault.durationMs), 0);
          return;
        case 'revoke-access':
          if (apiHost.up) apiHost.setTimeout(() => void (api()!.revoked = true), 0);
      }
    }, fault.atMs);
  }

  const deadlineMs = lastHealMs + SETUP_COMPLETES_WITHIN_MS;
  const completed = () => cli.verifiedAtMs !== null || (cli.bail !== null && (cli.bail.consecutiveErrors >= MAX_CONSECUTIVE_POLL_ERRORS || cli.hardErrorAtMs !== null));
  let done = false;
  let verdict: TunnelVerdict = null;
  let completedOnce = false;
  let mostErrors = 0;
  let rodeOutErrors = false;
  let unreachableSinceMs: number | null = null;
  if (Number.isFinite(deadlineMs)) {
    clock.setTimeout(() => {
      if (!completedOnce && !completed()) verdict = 'setup-completes';
    }, deadlineMs);
  }
  clock.setTimeout(() => (done = true), Number.isFinite(deadlineMs) ? Math.max(DURATION_MS, deadlineMs) : DURATION_MS);
  while (!done && verdict === null) {
    await clock.nextAsync();
    const now = clock.now;
    mostErrors = Math.max(mostErrors, cli.consecutiveErrors);
    rodeOutErrors ||= mostErrors > 0 && cli.verifiedAtMs !== null;
    const bail = cli.bail;
    if (bail !== null && bail.consecutiveErrors > 0 && bail.consecutiveErrors < MAX_CONSECUTIVE_POLL_ERRORS) return 'blip-does-not-abort';
    if (apiHost.up || !cli.inSetup) unreachableSinceMs = null;
    else if (now - (unreachableSinceMs ??= now) > UNREACHABLE_BAIL_BOUND_MS) return 'unreachable-bails-fast';
    const refusedAtMs = api()?.refusedSetupAtMs ?? null;
    if (refusedAtMs !== null && cli.inSetup && now - refusedAtMs > HARD_ERROR_BAIL_MS) return 'hard-error-bails-at-once';
    if (now >= lastHealMs && !completedOnce) completedOnce = completed();
  }
  return verdict;
}
