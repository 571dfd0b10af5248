import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import type { Fault } from 'chaos-testbed';
import { InputError } from '../../sim/kernel/plan-file.ts';
import { checkpointIndices, readReproFile, recordRepro, type ReproFile } from '../../sim/repro/repro-file.ts';
import { describeDivergence, replay } from '../../sim/repro/replay.ts';
import { filesUnder, sim, tempDir } from '../fixtures/cli.ts';

const plan = { faults: [{ kind: 'pause', atMs: 2001, node: 'client-a', durationMs: 14_058 } as Fault] };
const SEED = 3_987_756_694;
const dir = tempDir('sim-repro-');
const save = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const recorded = recordRepro(canary, 'buggy', SEED, plan);
/** Repros here name the canary only. */
const canaryOnly = async (id: string) => (id === canary.id ? canary : undefined);
const read = (path: string) => readReproFile(path, canaryOnly);

describe('repro files', () => {
  it('round-trip: save, load, replay, same hash and outcome', async () => {
    expect(recorded.expected.outcome).toMatchObject({ kind: 'safety-violation', invariant: 'single-holder' });
    const { repro, scenario } = await read(save('ok.repro.json', recorded));
    const replayed = replay(repro, scenario);
    expect(replayed.identical).toBe(true);
    expect(replayed.result.traceHash).toBe(recorded.expected.traceHash);
    expect(replayed.result.outcome).toEqual(recorded.expected.outcome);
  });

  it('detects a tampered plan and says where the trace diverged', async () => {
    const tampered: ReproFile = { ...recorded, plan: { faults: [{ ...plan.faults[0]!, atMs: 2500 } as Fault] } };
    const { repro, scenario } = await read(save('tampered.repro.json', tampered));
    const replayed = replay(repro, scenario);
    expect(replayed.identical).toBe(false);
    const line = describeDivergence(replayed.divergence!);
    expect(line).toMatch(/^trace diverged at record \d+: recorded t=\d+ms .*; replayed t=\d+ms /);
  });

  it('detects a tampered hash', async () => {
    const forged = { ...recorded, expected: { ...recorded.expected, traceHash: '0000000000000000' } };
    const { repro, scenario } = await read(save('forged.repro.json', forged));
    expect(replay(repro, scenario).identical).toBe(false);
  });

  it.each([
    ['not JSON', '{"format": ', /not valid JSON/],
    ['not a repro', { hello: 1 }, /not a repro file/],
    ['an unknown version', { ...recorded, version: 99 }, /repro version 99 is not supported \(this build reads version 1\)/],
    ['an unknown scenario', { ...recorded, scenario: 'nope/nope' }, /unknown scenario "nope\/nope"/],
    ['an unknown variant', { ...recorded, variant: 'half' }, /has no variant "half"/],
    ['a bad plan', { ...recorded, plan: { faults: [{ kind: 'pause', atMs: 1, node: 'ghost', durationMs: 1 }] } }, /'node' must name a node/],
    ['a bad hash', { ...recorded, expected: { ...recorded.expected, traceHash: 'xyz' } }, /traceHash \(16 hex digits\)/],
  ])('refuses %s with one line', async (_name, content, message) => {
    const path = save('bad.repro.json', content);
    await expect(read(path)).rejects.toThrow(InputError);
    await expect(read(path)).rejects.toThrow(message);
  });

  it('spreads checkpoints over long traces and keeps every record of short ones', () => {
    expect(checkpointIndices(5)).toEqual([0, 1, 2, 3, 4]);
    const long = checkpointIndices(100_000);
    expect(long.length).toBeLessThanOrEqual(513);
    expect(long[long.length - 1]).toBe(99_999);
  });
});

describe('sim --replay', () => {
  it('replays a repro exactly and exits with its outcome', () => {
    const { code, stdout } = sim('--replay', save('cli.repro.json', recorded));
    expect(code).toBe(1);
    expect(stdout).toContain(`replayed exactly: trace ${recorded.expected.traceHash}`);
  });

  it('exits 3 when the trace diverges', () => {
    const forged = { ...recorded, plan: { faults: [{ ...plan.faults[0]!, durationMs: 20_000 }] } };
    const { code, stdout } = sim('--replay', save('diverged.repro.json', forged));
    expect(code).toBe(3);
    expect(stdout).toContain('trace diverged');
  });

  it('exits 2 with one line for a corrupt file, writing nothing', () => {
    const before = filesUnder('test/regressions');
    const { code, stderr } = sim('replay', save('corrupt.repro.json', '{"format"'), '--emit-test');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(filesUnder('test/regressions')).toEqual(before);
  });

  it('emits a regression test that passes', () => {
    const name = `emitted-${process.pid}`;
    const path = save(`${name}.repro.json`, recorded);
    const { code, stdout } = sim('--replay', path, '--emit-test');
    expect(code).toBe(1);
    const testFile = `test/regressions/${name}.test.ts`;
    expect(stdout).toContain(`wrote ${testFile}`);
    try {
      expect(readFileSync(testFile, 'utf8')).toContain("import { testRepro } from 'chaos-testbed/vitest';");
      const vitest = sim.vitest(testFile);
      expect(vitest.code, vitest.stdout + vitest.stderr).toBe(0);
      expect(vitest.stdout).toMatch(/2 passed/);
    } finally {
      sim.remove(testFile, `test/regressions/${name}.repro.json`);
    }
  });
});
