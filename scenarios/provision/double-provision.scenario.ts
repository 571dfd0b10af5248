/**
 * provision/double-provision: two boxes fight one bootstrap mint.
 *
 * Source: shared/incidents/001_70d5dc357491298d.txt. A fresh workspace that
 * does not heartbeat in time trips the stall watchdog; the recreate path has
 * no per-workspace mutex, the watchdog (and auto-recovery, and an admin
 * restart) can overlap, and two instances are launched within a second. One
 * consumes the bootstrap mint, the other gets 401 and never retries; the
 * workspace shows online, takes messages, and processes none; delegations
 * report `completed` all the same.
 *
 * The explorer draws slow boots, heartbeat and register delays and drops,
 * partitions between the boxes and the control plane, runtime crashes, EC2
 * API blips and admin restarts. Nothing here schedules the race.
 *
 * Variants: `buggy` as the incident; `fixed` with its four fixes; and each
 * fix alone (`fix-single-flight`, `fix-bootstrap`, `fix-delegation-status`,
 * `fix-surface-errors`), to show which invariants each repairs.
 */
import { cloud, liveInstances } from '../../models/provision/cloud.ts';
import { controlPlane, shownStatus, type ControlPlaneFlags } from '../../models/provision/control-plane.ts';
import { delegationClient } from '../../models/provision/delegation-client.ts';
import { HEARTBEAT_MS, LIVENESS_BOUND_MS, ONLINE_WORKING_BOUND_MS, REGISTER_RECOVERY_BOUND_MS } from '../../models/provision/timing.ts';
import { isLive } from '../../models/provision/tokens.ts';
import { workspaceRuntime, type RuntimeFlags } from '../../models/provision/workspace-runtime.ts';
import { always, defineScenario, eventually, operatorAction, ratio, sometimes, violated, type NodeHandle } from 'chaos-testbed';

export type ProvisionFlags = ControlPlaneFlags & RuntimeFlags;

const BUGGY: ProvisionFlags = { singleFlightRecreate: false, bootstrapGate: 'first-register', retryRegister401: false, distinctProcessed: false, surfaceRegisterErrors: false };
const FIXED: ProvisionFlags = { singleFlightRecreate: true, bootstrapGate: 'reopens', retryRegister401: true, distinctProcessed: true, surfaceRegisterErrors: true };

export const PROVISION_VARIANTS = {
  buggy: BUGGY,
  fixed: FIXED,
  'fix-single-flight': { ...BUGGY, singleFlightRecreate: true },
  // The runtime half and the register-handler half of "register 401 must be retryable".
  'fix-bootstrap': { ...BUGGY, bootstrapGate: 'reopens', retryRegister401: true },
  'fix-delegation-status': { ...BUGGY, distinctProcessed: true },
  'fix-surface-errors': { ...BUGGY, surfaceRegisterErrors: true },
} as const satisfies Record<string, ProvisionFlags>;

/** EC2 slots a workspace's instances land in (a double provision and a recreate need three). */
const BOXES = ['box-1', 'box-2', 'box-3', 'box-4'] as const;
const BOX_LINKS = BOXES.map((box) => [box, 'cp'] as const);

type Runtime = NodeHandle<typeof workspaceRuntime>;

/**
 * The scenario. `checks`, when given, keeps only the invariants of those
 * names: the safety invariants trip first on every wedged run, so a test
 * that wants to see the liveness invariant bite switches them off.
 */
export function doubleProvisionScenario(options: { readonly checks?: readonly string[] } = {}) {
  return defineScenario({
    id: 'provision/double-provision',
    title: 'Watchdog double-provision race: two boxes fight one bootstrap mint',
    description:
      'A fresh workspace that misses its first heartbeats trips the stall watchdog. Recreates are not single-flight, so ' +
      'overlapping triggers launch two instances within a second; one box takes the bootstrap token mint, the other gets ' +
      'a 401 it never retries. The workspace shows online, ingests messages and processes none, while delegations report completed.',
    source: {
      incident: '001_70d5dc357491298d.txt',
      figures: ['two instances for one workspace launched within 1 s', 'DNS A record flapping between them', 'register HTTP 401 treated as terminal', 'SnapshotCreationPerVolumeRateExceeded from the churn'],
    },
    variants: PROVISION_VARIANTS,
    // 15 minutes: the fault window, then the liveness phase and some steady state.
    durationMs: 900_000,
    faultSpace: {
      windowMs: [0, 300_000],
      maxFaults: 4,
      kinds: {
        // Heartbeat and register calls (and their answers) that are slow or lost.
        delay: { links: BOX_LINKS, extraMs: [1_000, 30_000], durationMs: [1_000, 120_000], oneWay: true },
        drop: { links: BOX_LINKS, ratios: [ratio(1, 2), ratio(1, 1)], durationMs: [1_000, 120_000], oneWay: true },
        partition: { links: BOX_LINKS, durationMs: [1_000, 120_000] },
        // The runtime container crashes and is restarted by docker.
        crash: { nodes: [...BOXES], downMs: [1_000, 60_000] },
        // An EC2 API blip.
        'http-error': { nodes: ['cloud'], statuses: [503], durationMs: [1_000, 30_000] },
      },
      custom: {
        'admin-restart': { fields: {} },
        'slow-boot': { fields: { durationMs: [10_000, 180_000] } },
      },
    },
    build(sim, flags) {
      // Boxes first, the control plane last: nodes start in declaration order,
      // and the control plane provisions the first instance as it starts.
      const boxes = BOXES.map((id) => sim.node(id, workspaceRuntime, (io) => ({ io, cp: 'cp', cloud: 'cloud', retryRegister401: flags.retryRegister401 })));
      const ec2 = sim.node('cloud', cloud, (io) => ({ io, cp: 'cp', slots: BOXES }));
      // The first message comes at a random point of the first two minutes.
      const firstAtMs = sim.rng.int(30_000, 150_000);
      const client = sim.node('client', delegationClient, (io) => ({ io, cp: 'cp', firstAtMs }));
      const cp = sim.node('cp', controlPlane, (io) => ({ io, cloud: 'cloud', ...flags }));
      return { boxes, ec2, client, cp };
    },
    customFaults: {
      'admin-restart': operatorAction('An operator restarts the workspace from the admin console (a recreate).', 'cp', { type: 'admin-restart' }),
      // Its heal is when its effect ends: it once meant "the next instance
      // launched boots durationMs slower", which slowed a launch minutes after
      // the fault had healed and refuted the fixed variant's liveness bound
      // (issue 20: a recreate launched at 145 s booted until 255 s).
      'slow-boot': {
        about: 'Booting is slow for durationMs (a slow image pull, a cold AMI): an instance launched meanwhile finishes booting no earlier than the fault ends.',
        validate: (f) => (typeof f.durationMs === 'number' && f.durationMs >= 0 ? undefined : "needs 'durationMs' (how long booting is slow)"),
        apply: (f, { ec2 }) => {
          ec2.send({ type: 'slow-boot', durationMs: f.durationMs as number });
          return true;
        },
      },
    },
    invariants: ({ boxes, ec2, client, cp }) => {
      const runtimeOn = (slot: string | null): Runtime | undefined => boxes.find((b) => b.id === slot);
      /** The box can process a message: registered, with a token the control plane accepts. */
      const canProcess = (box: Runtime | undefined): boolean => {
        const r = box?.snapshot();
        const c = cp.snapshot()?.context;
        return r !== undefined && c !== undefined && r.matches({ up: 'registered' }) && isLive(c.tokens, r.context.token);
      };
      const describeBox = (box: Runtime | undefined): string => {
        const r = box?.snapshot();
        if (box === undefined || r === undefined) return 'down';
        const state = JSON.stringify(r.value).replace(/["{}]/g, '').replace(/:/g, '.');
        return `${box.id} ${r.context.instanceId ?? '(no instance)'} ${state}, token ${r.context.token ?? 'none'}`;
      };

      let onlineBrokenSinceMs: number | null = null;
      let registersSeen = 0;
      const noTokenFailures = new Map<string, number>();
      let reportsSeen = 0;

      const invariants = [
        sometimes('recreated', 'A recreate that replaced the first instance is the path every race here lives on.', () => (ec2.snapshot()?.context.launched ?? 0) >= 2),
        sometimes('register-rejected', 'A register answered 401 is where the terminal-401 bug lives.', () => (cp.snapshot()?.context.registers ?? []).some((r) => r.status === 401)),
        always('single-instance', 'Two live instances for one workspace race for one bootstrap token and split its DNS; one of them is a box no one can reach.', () => {
          const instances = ec2.snapshot()?.context.instances ?? {};
          const live = liveInstances(instances);
          if (live.length <= 1) return true;
          const launched = live.map((id) => instances[id]!.launchedAtMs);
          const gapMs = Math.max(...launched) - Math.min(...launched);
          return violated(`${live.length} live instances for the workspace: ${live.map((id) => `${id} on ${instances[id]!.slot} (launched t=${instances[id]!.launchedAtMs} ms)`).join(', ')}; launched ${gapMs} ms apart`, {
            instances: live,
            launchGapMs: gapMs,
          });
        }),
        always('online-means-working', 'A workspace shown online that cannot process messages is a user chatting into a void.', () => {
          const c = cp.snapshot()?.context;
          if (c === undefined) return true;
          const nowMs = cp.localNowMs();
          const box = runtimeOn(c.record.slot);
          if (shownStatus(c, nowMs) !== 'online' || canProcess(box)) {
            onlineBrokenSinceMs = null;
            return true;
          }
          const sinceMs = (onlineBrokenSinceMs ??= nowMs);
          if (nowMs - sinceMs < ONLINE_WORKING_BOUND_MS) return true;
          return violated(`the workspace has shown online for ${nowMs - sinceMs} ms while its instance cannot process a message: ${describeBox(box)}`, {
            shownOnlineForMs: nowMs - sinceMs,
            box: describeBox(box),
          });
        }),
        always('no-permanent-401', 'A register refused while the workspace has no live token must be retried and succeed, or the box is wedged for good.', () => {
          const c = cp.snapshot()?.context;
          if (c === undefined) return true;
          for (; registersSeen < c.registers.length; registersSeen++) {
            const r = c.registers[registersSeen]!;
            if (r.status === 200) noTokenFailures.delete(r.instanceId);
            else if (r.liveTokensBefore === 0 && !noTokenFailures.has(r.instanceId)) noTokenFailures.set(r.instanceId, r.atMs);
          }
          const live = liveInstances(ec2.snapshot()?.context.instances ?? {});
          const nowMs = cp.localNowMs();
          for (const [instanceId, atMs] of noTokenFailures) {
            if (!live.includes(instanceId)) continue;
            if (nowMs - atMs > REGISTER_RECOVERY_BOUND_MS) {
              const box = boxes.find((b) => b.snapshot()?.context.instanceId === instanceId);
              return violated(`${instanceId} was refused (HTTP 401) at t=${atMs} ms while the workspace had no live token, and has not registered in the ${nowMs - atMs} ms since: ${describeBox(box)}`, {
                instance: instanceId,
                refusedAtMs: atMs,
                box: describeBox(box),
              });
            }
          }
          return true;
        }),
        always('delegation-status-honest', 'Operators and agents read completed as processed; a status that says so while no agent did the work misleads both.', () => {
          const reports = client.snapshot()?.context.reports ?? [];
          const processed = cp.snapshot()?.context.processed ?? [];
          for (; reportsSeen < reports.length; reportsSeen++) {
            const report = reports[reportsSeen]!;
            if ((report.status === 'completed' || report.status === 'processed') && !processed.includes(report.delegationId)) {
              return violated(`${report.delegationId} was reported '${report.status}' to its sender at t=${report.atMs} ms, but no agent processed it`, {
                delegation: report.delegationId,
                status: report.status,
              });
            }
          }
          return true;
        }),
        eventually('one-working-instance', 'After the faults stop the workspace must come back on its own: one instance, registered, heartbeating, processing.', LIVENESS_BOUND_MS, () => {
          const c = cp.snapshot()?.context;
          const live = liveInstances(ec2.snapshot()?.context.instances ?? {});
          if (c === undefined) return violated('the control plane is down');
          const box = runtimeOn(c.record.slot);
          const heartbeatFresh = c.record.lastHeartbeatMs !== null && cp.localNowMs() - c.record.lastHeartbeatMs <= 2 * HEARTBEAT_MS;
          if (live.length === 1 && live[0] === c.record.current && canProcess(box) && heartbeatFresh) return true;
          return violated(`live instances: ${live.join(', ') || 'none'}; record points at ${c.record.current ?? 'nothing'}; ${describeBox(box)}; last authenticated heartbeat at t=${c.record.lastHeartbeatMs ?? 'never'} ms`, {
            live,
            current: c.record.current,
            box: describeBox(box),
          });
        }),
      ];
      return options.checks === undefined ? invariants : invariants.filter((i) => i.kind === 'sometimes' || options.checks!.includes(i.name));
    },
  });
}

export default doubleProvisionScenario();
