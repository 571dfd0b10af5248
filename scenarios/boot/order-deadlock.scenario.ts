/**
 * boot/order-deadlock: a fresh boot deadlocks until TimeoutStartSec.
 *
 * Source: shared/incidents/004_8e1e402f9aa31c9b.txt (adversary finding A1).
 * `deploy-proxy` deploys Traefik, then its health gate polls
 * `ci.commoninternet.net` until it answers 200. That hostname is served by the
 * dashboard, which `deploy-dashboard` deploys, and `deploy-dashboard` is
 * `After=deploy-proxy`: systemd holds it until deploy-proxy's job finishes.
 * On a fresh boot the gate can never pass; deploy-proxy fails at
 * `TimeoutStartSec=900`, and only then does the dashboard start.
 *
 * The explorer draws boots with slow image pulls, transient 503s from the
 * front end, daemon restarts, reboots and operator resets; nothing here
 * schedules the deadlock (it needs no fault at all, which is the finding).
 *
 * Variants are the incident's fix options, each checked as written:
 * - `fix-health-url-ping`: the gate polls Traefik's own ping router;
 * - `fix-health-url-drone`: the gate polls the drone's hostname, which the
 *   incident itself suspects is circular too (deploy-drone is After= proxy);
 * - `fix-drop-after`: deploy-dashboard is no longer ordered after the proxy;
 * - `fix-wants-dashboard`: the proxy Wants= and is After= the dashboard,
 *   reversing the ordering (the dashboard's After= the proxy removed);
 * - `fix-wants-dashboard-additive`: the same lines added while the
 *   dashboard keeps After=deploy-proxy: an ordering cycle, which systemd
 *   breaks by deleting a start job;
 * - `fixed`: the ping gate and the dropped After= together.
 */
import { serviceManager, waitingFor } from '../../models/boot/service-manager.ts';
import { swarm } from '../../models/boot/swarm.ts';
import { traefik } from '../../models/boot/traefik.ts';
import { BOOT_BOUND_MS, TIMEOUT_START_MS } from '../../models/boot/timing.ts';
import { unitJob } from '../../models/boot/unit-job.ts';
import { describeCycle, unitsFor, waitCycle, type BootFlags } from '../../models/boot/units.ts';
import { defineScenario, eventually, sometimes, violated, type Json } from 'chaos-testbed';

const STACKS = ['proxy', 'dashboard', 'drone'] as const;

const DASHBOARD = 'ci.commoninternet.net';
const DRONE = 'drone.ci.commoninternet.net';
const TRAEFIK_PING = 'traefik.ci.commoninternet.net';

export const BOOT_VARIANTS = {
  buggy: { healthHost: DASHBOARD, dashboardAfterProxy: true, proxyAfterDashboard: false },
  fixed: { healthHost: TRAEFIK_PING, dashboardAfterProxy: false, proxyAfterDashboard: false },
  'fix-health-url-ping': { healthHost: TRAEFIK_PING, dashboardAfterProxy: true, proxyAfterDashboard: false },
  'fix-health-url-drone': { healthHost: DRONE, dashboardAfterProxy: true, proxyAfterDashboard: false },
  'fix-drop-after': { healthHost: DASHBOARD, dashboardAfterProxy: false, proxyAfterDashboard: false },
  'fix-wants-dashboard': { healthHost: DASHBOARD, dashboardAfterProxy: false, proxyAfterDashboard: true },
  'fix-wants-dashboard-additive': { healthHost: DASHBOARD, dashboardAfterProxy: true, proxyAfterDashboard: true },
} as const satisfies Record<string, BootFlags>;

/** The scenario, with the boot bound and start timeout as parameters (tests stretch them). */
export function orderDeadlockScenario(options: { bootBoundMs?: number; timeoutStartMs?: number } = {}) {
  const bootBoundMs = options.bootBoundMs ?? BOOT_BOUND_MS;
  const timeoutStartMs = options.timeoutStartMs ?? TIMEOUT_START_MS;
  return defineScenario({
    id: 'boot/order-deadlock',
    title: 'Fresh boot deadlocks: a health gate waits on a unit ordered after it',
    description:
      'deploy-proxy deploys Traefik and then polls a hostname until it answers 200; the hostname is served by the ' +
      'dashboard, which deploy-dashboard deploys only after deploy-proxy has finished (After=). A fresh boot waits ' +
      'until TimeoutStartSec (900 s) fails deploy-proxy.',
    source: { incident: '004_8e1e402f9aa31c9b.txt', figures: ['TimeoutStartSec=900 (15 min)', 'three fix options, each checked'] },
    variants: BOOT_VARIANTS,
    // Long enough to see deploy-proxy's 900 s timeout in a trace.
    durationMs: timeoutStartMs + 60_000,
    faultSpace: {
      windowMs: [0, 60_000],
      maxFaults: 4,
      kinds: {
        // A front end that answers 503 for a while: transient health-check failures.
        'http-error': { nodes: ['traefik'], statuses: [503], durationMs: [1_000, 60_000] },
        // The docker daemon restarts; deployed stacks come back after their start latency.
        restart: { nodes: ['swarm'] },
      },
      custom: {
        'slow-start': { fields: { stack: { oneOf: [...STACKS] }, durationMs: [1_000, 120_000] } },
        'reset-units': { fields: {} },
        reboot: { fields: {} },
      },
    },
    build(sim, flags) {
      const units = unitsFor(flags, timeoutStartMs);
      // Nodes boot at t=0 in declaration order; the manager comes last, so the
      // processes it starts are there to hear it.
      const front = sim.node('traefik', traefik, (io) => ({ io }));
      const docker = sim.node('swarm', swarm, (io) => ({ io, traefik: 'traefik' }));
      const jobs = units.map((unit) => sim.node(unit.name, unitJob, (io) => ({ io, unit, manager: 'systemd', swarm: 'swarm', traefik: 'traefik' })));
      const manager = sim.node('systemd', serviceManager, (io) => ({ io, units }));
      // Everything here is on one host: the manager drives its units over
      // local IPC, and the units talk to the docker socket. Both are reliable
      // and in order; a fixed latency keeps a stop and the start after it (or
      // a `stack rm` and the `stack deploy` after it) in order.
      const local: [string, string][] = [['swarm', 'traefik'], ...units.flatMap((u): [string, string][] => [['systemd', u.name], [u.name, 'swarm']])];
      for (const [a, b] of local) {
        sim.link(a, b, { latencyMs: [1, 1] });
        sim.link(b, a, { latencyMs: [1, 1] });
      }
      return { manager, jobs, docker, front, units };
    },
    customFaults: {
      'slow-start': {
        about: 'An image pull that hangs: the stack cannot start until the window ends.',
        validate: (f) => (STACKS.includes(f.stack as never) && typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'stack' (proxy, dashboard, drone) and 'durationMs'"),
        apply: (f, { docker }) => {
          if (docker.status() === 'down') return false;
          docker.send({ type: 'stall', stack: f.stack as string, untilMs: docker.localNowMs() + (f.durationMs as number) });
          return true;
        },
      },
      'reset-units': {
        about: "The incident's controlled repro: systemctl stop, reset-failed and start of deploy-dashboard and deploy-proxy.",
        validate: () => undefined,
        apply: (_f, { manager }) => {
          if (manager.status() !== 'up') return false;
          manager.send({ type: 'operator-reset', units: ['deploy-dashboard', 'deploy-proxy'] });
          return true;
        },
      },
      reboot: {
        about: 'The host reboots: the service manager and every unit start from scratch (swarm state survives).',
        validate: () => undefined,
        apply: (_f, { manager, jobs }) => {
          // Everything on the host goes down; it comes back in boot order, the
          // manager last (as at t=0), so the units are there to hear it.
          for (const node of [manager, ...jobs]) node.crash();
          for (const node of [...jobs, manager]) node.start();
          return true;
        },
      },
    },
    invariants: ({ manager, jobs, units }) => [
      sometimes(
        'gate-waited-then-passed',
        'The health gate having to wait for its URL (and then passing) is the path the deadlock lives on; a search that never gets there is blind.',
        () => jobs.some((j) => j.snapshot()?.matches('active') === true && j.snapshot()!.context.failedProbes > 0),
      ),
      eventually(
        'boot-completes',
        'A fresh boot that leaves a unit activating for 15 minutes takes the host out of service; every unit must be active well before TimeoutStartSec.',
        bootBoundMs,
        () => {
          const states: Record<string, Json> = Object.fromEntries(jobs.map((j) => [j.id, describeUnit(j.snapshot())]));
          if (jobs.every((j) => j.snapshot()?.matches('active') === true)) return true;
          const cycle = waitCycle(units);
          const managerJobs = manager.snapshot()?.context.jobs ?? {};
          const waits = Object.entries(waitingFor(units, managerJobs)).filter(([, deps]) => deps.length > 0).map(([u, deps]) => `${u} waits for ${deps.join(', ')} (After=)`);
          const parts = [...Object.entries(states).map(([u, s]) => `${u} ${s}`), ...waits];
          if (cycle !== null) parts.push(`wait cycle: ${describeCycle(cycle)}`);
          return violated(parts.join('; '), { units: states, waitCycle: cycle === null ? null : describeCycle(cycle) });
        },
      ),
    ],
  });
}

/** A unit job's state for people: `activating (health gate: 34 failed probes)`. */
function describeUnit(snapshot: { value: unknown; context: { failedProbes: number } } | undefined): string {
  if (snapshot === undefined) return 'down';
  const value = typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value as object)[0]!;
  const probes = snapshot.context.failedProbes;
  return value === 'activating' && probes > 0 ? `activating (health gate: ${probes} failed probes)` : value;
}

export default orderDeadlockScenario();
