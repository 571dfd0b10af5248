import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, sim, tempDir } from '../fixtures/cli.ts';

const RUNS = '60';
/** A campaign's JSON without its wall-clock figures and file paths (which name each run's --out). */
const deterministicPart = (stdout: string) => {
  const { wallMs: _w, runsPerSec: _r, files: _f, repro: _p, report: _q, ...rest } = JSON.parse(stdout);
  return rest;
};

describe('sim campaigns', () => {
  const out = tempDir('sim-campaign-');
  const serial = sim('--scenario', 'canary/lease', '--runs', RUNS, '--json', '--out', out);

  it('prints one JSON document with what the campaign found and how hard it looked', () => {
    expect(serial.code).toBe(1);
    const doc = JSON.parse(serial.stdout);
    for (const key of [
      'scenario', 'variant', 'seed', 'runs', 'found', 'runsToFirstFailure', 'outcome', 'minimalPlan', 'planSize', 'oneMinimal',
      'traceHash', 'wallMs', 'simulatedMs', 'events', 'faultsFired', 'coverage', 'findings', 'repro', 'files', 'warnings',
    ]) {
      expect(doc).toHaveProperty(key);
    }
    expect(doc).toMatchObject({ scenario: 'canary/lease', variant: 'buggy', seed: 1, runs: 60, found: true, oneMinimal: true, search: 'guided' });
    expect(doc.planSize).toBe(doc.minimalPlan.faults.length);
    expect(doc.repro).toMatch(/repros\/canary__lease-buggy-[0-9a-f]{8}\.repro\.json$/);
    expect(doc.files).toContain(doc.repro);
  });

  it('writes a repro file per finding whose replay gives the reported hash', () => {
    const doc = JSON.parse(serial.stdout);
    expect(filesUnder(out).filter((f) => f.endsWith('.repro.json'))).toHaveLength(doc.findings.length);
    const replayed = sim('--replay', doc.repro, '--json');
    expect(JSON.parse(replayed.stdout)).toMatchObject({ identical: true, traceHash: doc.traceHash });
  });

  it('gives the same result serially, on two workers, and from two merged shards (random search)', () => {
    const random = ['--scenario', 'canary/lease', '--runs', RUNS, '--search', 'random'];
    const one = sim(...random, '--json', '--workers', '1', '--out', tempDir('sim-r1-'));
    const workers = sim(...random, '--json', '--workers', '2', '--out', tempDir('sim-w-'));
    const shardOut = tempDir('sim-shards-');
    for (const shard of ['1/2', '2/2']) expect(sim(...random, '--shard', shard, '--out', shardOut).code).toBe(0);
    const shardFiles = filesUnder(shardOut).map((f) => join(shardOut, f));
    expect(shardFiles).toHaveLength(2);
    const merged = sim('--merge', ...shardFiles, '--json', '--out', tempDir('sim-m-'));
    expect(JSON.parse(one.stdout).search).toBe('random');
    expect(deterministicPart(workers.stdout)).toEqual(deterministicPart(one.stdout));
    expect(deterministicPart(merged.stdout)).toEqual(deterministicPart(one.stdout));
  });

  it('gives the same guided campaign serially, on two workers, and from merged shards of its lanes', () => {
    const guided = ['--scenario', 'canary/lease', '--runs', RUNS, '--search', 'guided', '--lanes', '2'];
    const one = sim(...guided, '--json', '--workers', '1', '--out', tempDir('sim-g1-'));
    const workers = sim(...guided, '--json', '--workers', '2', '--out', tempDir('sim-g2-'));
    const shardOut = tempDir('sim-gshards-');
    for (const shard of ['1/2', '2/2']) expect(sim(...guided, '--shard', shard, '--out', shardOut).code).toBe(0);
    const merged = sim('--merge', ...filesUnder(shardOut).map((f) => join(shardOut, f)), '--json', '--out', tempDir('sim-gm-'));
    // Without --lanes, two shards have two lanes: the same campaign.
    const defaultOut = tempDir('sim-gdefault-');
    for (const shard of ['1/2', '2/2']) expect(sim('--scenario', 'canary/lease', '--runs', RUNS, '--shard', shard, '--out', defaultOut).code).toBe(0);
    const mergedDefault = sim('--merge', ...filesUnder(defaultOut).map((f) => join(defaultOut, f)), '--json', '--out', tempDir('sim-gdm-'));
    const doc = JSON.parse(one.stdout);
    // It did search: past the first generation, plans were mutated, and some were kept.
    expect(doc.search).toBe('guided');
    expect(doc.explain.layout).toEqual({ lanes: 2, generationSize: 8 });
    expect(Object.values(doc.explain.mutations as Record<string, { runs: number }>).some((m) => m.runs > 0)).toBe(true);
    expect(deterministicPart(workers.stdout)).toEqual(deterministicPart(one.stdout));
    expect(deterministicPart(merged.stdout)).toEqual(deterministicPart(one.stdout));
    expect(deterministicPart(mergedDefault.stdout)).toEqual(deterministicPart(one.stdout));
  });

  it('gives the same guided campaign (one lane, the default) serially and on two workers, also stopping at its first failure', () => {
    for (const extra of [[], ['--stop-on-failure', '--runs', '500']]) {
      const args = ['--scenario', 'canary/lease', '--runs', RUNS, ...extra, '--json'];
      const one = sim(...args, '--workers', '1', '--out', tempDir('sim-d1-'));
      const two = sim(...args, '--workers', '2', '--out', tempDir('sim-d2-'));
      expect(JSON.parse(one.stdout).search).toBe('guided');
      expect(deterministicPart(two.stdout)).toEqual(deterministicPart(one.stdout));
    }
  });

  it('prints warnings of a thin search on stderr, also with --json, and puts them in the JSON', () => {
    const thin = sim('--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '3', '--json', '--out', tempDir('sim-thin-'));
    const doc = JSON.parse(thin.stdout);
    expect(doc.warnings.length).toBeGreaterThan(0);
    for (const w of doc.warnings as string[]) expect(thin.stderr).toContain(`warning: canary/lease fixed: ${w}`);
    // A campaign that stopped at its first failure warns of nothing.
    const stopped = sim('--scenario', 'canary/lease', '--runs', '500', '--stop-on-failure', '--json', '--out', tempDir('sim-stop-'));
    expect(JSON.parse(stopped.stdout).warnings).toEqual([]);
    expect(stopped.stderr).not.toContain('warning:');
  });

  it('explains the search on request', () => {
    const explained = sim('--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '120', '--explain', '--out', tempDir('sim-explain-'));
    expect(explained.code).toBe(0);
    expect(explained.stdout).toMatch(/search: guided \(1 lane, generations of 8 runs\); corpus \d+ plans/);
    expect(explained.stdout).toMatch(/coverage growth[^\n]*\n\s+runs\s+features\s+corpus\n[- ]+\n\s+100\s+\d+\s+\d+\n\s+120\s+\d+\s+\d+/);
    expect(explained.stdout).toMatch(/fresh draw\s+\d+\s+\d+\s+0/);
    expect(explained.stdout).toContain('sample plans:');
  });

  it('stops on the first failure, also on workers, with the same result', () => {
    const one = sim('--scenario', 'canary/lease', '--runs', '500', '--stop-on-failure', '--json', '--out', tempDir('sim-s1-'));
    const two = sim('--scenario', 'canary/lease', '--runs', '500', '--stop-on-failure', '--json', '--workers', '2', '--out', tempDir('sim-s2-'));
    const doc = JSON.parse(one.stdout);
    expect(doc.runs).toBe(doc.runsToFirstFailure);
    expect(deterministicPart(two.stdout)).toEqual(deterministicPart(one.stdout));
  });

  it('holds on the fixed variant and writes JUnit', () => {
    const junit = join(tempDir('sim-junit-'), 'results.xml');
    const fixed = sim('--scenario', 'canary/lease', '--variant', 'fixed', '--runs', RUNS, '--junit', junit, '--out', tempDir('sim-f-'));
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`no failure in ${RUNS} runs`);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites name="chaos-testbed" tests="1" failures="0"/);
  });

  it('stops at a time budget', () => {
    const timed = sim('--scenario', 'canary/lease', '--variant', 'fixed', '--time-budget', '1s', '--json', '--out', tempDir('sim-t-'));
    const doc = JSON.parse(timed.stdout);
    expect(timed.code).toBe(0);
    expect(doc.runs).toBeGreaterThan(0);
    // Without the budget this campaign would never end (its runs are unbounded).
    expect(doc.wallMs).toBeLessThan(60_000);
  });

  it('passes a campaign self-check', () => {
    const check = sim('--scenario', 'canary/lease', '--runs', '20', '--self-check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('self-check: 20 runs, each identical twice');
  });

  it('runs the whole library without a scenario and exits 0 when every expectation holds', () => {
    // A smaller budget than the default keeps this test quick; CI also runs the
    // library at its default budgets when it regenerates reports/examples.
    const run = sim('--runs', '40', '--out', tempDir('sim-lib-'));
    expect(run.code).toBe(0);
    const library = JSON.parse(sim('list', '--json').stdout) as { id: string }[];
    expect(library.length).toBeGreaterThanOrEqual(19);
    for (const { id } of library) {
      expect(run.stdout).toMatch(new RegExp(`${id}\\s+buggy\\s+fails\\s+found`));
      expect(run.stdout).toMatch(new RegExp(`${id}\\s+fixed\\s+holds\\s+held\\s+40`));
    }
    expect(run.stdout).toContain('every expectation held');
    // Nineteen scenarios: a minute or two on an idle 2-core machine; the timeout is hang protection for a loaded one.
  }, 600_000);

  it.each([
    [['--scenario', 'canary/lease', '--shard', '3/2'], /--shard must be I\/N/],
    [['--scenario', 'canary/lease', '--time-budget', 'soon'], /--time-budget must look like 30s/],
    [['--scenario', 'canary/lease', '--runs', '0'], /--runs must be a whole number >= 1/],
    [['--scenario', 'canary/lease', '--workers', 'two'], /--workers must be a whole number >= 1/],
    [['--merge'], /merge needs the shard result files/],
    [['--emit-test'], /--emit-test does not go with 'run'/],
    [['--scenario', 'canary/lease', '--search', 'fuzzy'], /--search must be random or guided, got 'fuzzy'/],
    [['--scenario', 'canary/lease', '--search', 'random', '--lanes', '2'], /--lanes goes with --search guided/],
    [['--scenario', 'canary/lease', '--lanes', '1', '--shard', '1/2'], /--shard 1\/2: a guided campaign is split by lane and has 1; give --lanes 2/],
  ])('exits 2 with one line for %j', (args, message) => {
    const result = sim(...(args as string[]));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for a corrupt shard file, leaving no output behind', () => {
    const dir = tempDir('sim-badshard-');
    const bad = join(dir, 'shard.json');
    writeFileSync(bad, '{"format": "chaos-testbed/shard", "version": 1');
    const outDir = tempDir('sim-badshard-out-');
    const result = sim('--merge', bad, '--out', outDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard\.json: not valid JSON/);
    expect(filesUnder(outDir)).toEqual([]);
  });
});
