import { describe, expect, it } from 'vitest';
import { decideRegister, mint, revoke, type Token } from '../../models/provision/tokens.ts';
import { BOOT_MS } from '../../models/provision/timing.ts';
import scenario, { doubleProvisionScenario } from '../../scenarios/provision/double-provision.scenario.ts';
import { run, type FaultPlan } from 'chaos-testbed';

const never = () => false;
const register = (instanceId: string, presented: string | null, retired: (id: string) => boolean = never) => ({ instanceId, presented, retired, nextToken: 'tok-new' });

describe('register gate', () => {
  const oneLive: Token[] = [{ token: 'tok-1', instanceId: 'i-1', live: true }];

  it('first-register (the incident): only a token-less register with no live token mints', () => {
    expect(decideRegister([], register('i-1', null), 'first-register')).toEqual({ status: 200, token: 'tok-new', minted: true });
    // The race: the second box of a double provision presents nothing after the first took the mint.
    expect(decideRegister(oneLive, register('i-2', null), 'first-register')).toMatchObject({ status: 401 });
    // A box whose token the provisioner revoked presents it and is refused, though no live token exists.
    expect(decideRegister(revoke(oneLive), register('i-1', 'tok-1'), 'first-register')).toMatchObject({ status: 401, reason: 'presented token is revoked' });
    expect(decideRegister(oneLive, register('i-1', 'tok-1'), 'first-register')).toEqual({ status: 200, token: 'tok-1', minted: false });
  });

  it('reopens (the fix): a revoked or orphaned box bootstraps again unless another instance holds a live token', () => {
    expect(decideRegister(revoke(oneLive), register('i-1', 'tok-1'), 'reopens')).toMatchObject({ status: 200, minted: true });
    // Its own orphaned mint (the answer was lost) does not lock it out; the orphan is rotated away.
    expect(decideRegister(oneLive, register('i-1', null), 'reopens')).toMatchObject({ status: 200, minted: true });
    expect(mint(oneLive, 'i-1', 'tok-2')).toEqual([{ token: 'tok-1', instanceId: 'i-1', live: false }, { token: 'tok-2', instanceId: 'i-1', live: true }]);
    // A second box cannot take a working box's place.
    expect(decideRegister(oneLive, register('i-2', null), 'reopens')).toMatchObject({ status: 401 });
  });

  it('reopens: an instance being deprovisioned can neither bootstrap nor block its replacement', () => {
    const retiring = (id: string) => id === 'i-1';
    expect(decideRegister([], register('i-1', null, retiring), 'reopens')).toMatchObject({ status: 401, reason: 'instance is being deprovisioned' });
    expect(decideRegister(oneLive, register('i-2', null, retiring), 'reopens')).toMatchObject({ status: 200, minted: true });
  });
});

describe('double-provision: runs', () => {
  it('with no fault both variants provision one box that registers and serves', () => {
    for (const variant of ['buggy', 'fixed']) expect(run(scenario, variant, 1, { faults: [] }).outcome).toEqual({ kind: 'pass' });
  });

  // The incident's trigger: a fresh workspace whose first heartbeat does not
  // come in time (here booting is slow for the first 105 s, so the first boot
  // takes 85 s longer than usual). A hand-written plan for calibration only;
  // the explorer finds the race without it.
  const slowFirstBoot: FaultPlan = { faults: [{ kind: 'slow-boot', atMs: 0, durationMs: 105_000 }] };

  it('calibration: the stall watchdog fires again into the same termination and two instances launch within 1 s', () => {
    const result = run(scenario, 'buggy', 1, slowFirstBoot, { traceMode: 'full' });
    expect(result.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'single-instance' });
    const gapMs = result.outcome.kind === 'safety-violation' ? (result.outcome.values.launchGapMs as number) : NaN;
    expect(gapMs).toBeLessThanOrEqual(1_000);
    const notes = result.trace.filter((r) => r.node === 'cp' && r.kind === 'note').map((r) => r.detail);
    // The watchdog looks every 20 s and a recreate waits ~45 s for the old instance: it fires again meanwhile.
    expect(notes.filter((n) => n.startsWith('watchdog: recreate')).length).toBeGreaterThanOrEqual(2);
    const powerOns = result.trace.filter((r) => r.node === 'cloud' && r.kind === 'send' && r.detail.startsWith('power-on'));
    expect(powerOns.map((r) => r.atMs).slice(1)).toHaveLength(2);
  });

  it('calibration: past the race, DNS flaps between the two boxes; one takes the bootstrap mint, the other gets a 401 it never retries', () => {
    // Only the liveness invariant, so the run goes on past the two launches.
    const pastTheRace = doubleProvisionScenario({ checks: ['one-working-instance'] });
    const result = run(pastTheRace, 'buggy', 1, slowFirstBoot, { traceMode: 'full' });
    const dns = result.trace.filter((r) => r.node === 'cp' && r.detail.includes('DNS A record'));
    const [, first, second] = dns;
    expect(first!.detail).not.toBe(second!.detail);
    expect(second!.atMs - first!.atMs).toBeLessThanOrEqual(1_000);
    const notes = result.trace.filter((r) => r.kind === 'note').map((r) => r.detail);
    expect(notes.some((n) => /register i-\d+: HTTP 401 \(no token presented and the bootstrap mint is used\)/.test(n))).toBe(true);
    expect(notes.some((n) => n.startsWith('Register: HTTP 401 (client error, not retrying)'))).toBe(true);
    // The watchdog keeps cycling: the record ends on a box that gave up, while
    // the box holding the token runs on where DNS does not point.
    expect(result.outcome).toMatchObject({ kind: 'liveness-violation', invariant: 'one-working-instance' });
    const values = result.outcome.kind === 'liveness-violation' ? result.outcome.values : {};
    expect(values.live).toHaveLength(2);
    expect(values.box).toMatch(/gaveUp/);
    expect(run(scenario, 'fixed', 1, slowFirstBoot).outcome).toEqual({ kind: 'pass' });
  });
});

describe('double-provision: the slow-boot fault lasts as long as its effect', () => {
  it('an instance launched after the fault healed boots at the usual speed', () => {
    // Booting slow for the first 30 s; box-1 is down at t=0, so the first launch never boots and the watchdog recreates at ~100 s.
    const plan: FaultPlan = { faults: [{ kind: 'crash', node: 'box-1', atMs: 0, downMs: 1_000 }, { kind: 'slow-boot', atMs: 1, durationMs: 30_000 }] };
    const result = run(scenario, 'fixed', 1, plan, { traceMode: 'full' });
    expect(result.outcome).toEqual({ kind: 'pass' });
    const powerOns = result.trace.filter((r) => r.node === 'cloud' && r.kind === 'send' && r.detail.startsWith('power-on'));
    const late = powerOns.filter((r) => r.atMs > 30_001);
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) expect(JSON.parse(r.detail.slice('power-on '.length)).bootMs).toBe(BOOT_MS);
  });
});
