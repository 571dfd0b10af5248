/**
 * The command line as an installed tool: scenario files from anywhere, a
 * config, init, shards from a job engine, colour.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesUnder, repoTempDir, sim, simIn, tempDir } from '../fixtures/cli.ts';

const dir = repoTempDir('package-cli-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small scenario file: `id` with one node that does nothing, and a fault space. */
const scenarioSource = (id: string, name = 'default') => `import { defineScenario } from 'chaos-testbed';
import { setup } from 'xstate';
const ${name}Machine = setup({}).createMachine({ id: 'idle' });
export ${name === 'default' ? 'default' : `const ${name} =`} defineScenario({
  id: '${id}', title: '${id}', description: 'test', variants: { buggy: {}, fixed: {} }, durationMs: 1000,
  build(sim) { return { n: sim.node('n', ${name}Machine, () => ({})) }; },
  invariants: () => [],
  faultSpace: { windowMs: [0, 500], maxFaults: 1, kinds: { crash: { nodes: ['n'], downMs: [0, 100] } } },
});
`;
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('scenario files', () => {
  it('runs a scenario file given by path, with the variant asked for', () => {
    const file = write('one.scenario.ts', scenarioSource('test/one'));
    const result = sim('run', file, '--variant', 'fixed', '--runs', '5', '--json', '--out', tempDir('pkg-one-'));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ scenario: 'test/one', variant: 'fixed', runs: 5, found: false });
  });

  it('takes every scenario a file exports, and globs', () => {
    write('two.scenario.ts', scenarioSource('test/two-a') + scenarioSource('test/two-b', 'second').replace(/^import .*\n/gm, ''));
    const listed = sim('list', join(dir, '*.scenario.ts'), '--json');
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((s: { id: string }) => s.id)).toEqual(['test/one', 'test/two-a', 'test/two-b']);
  });

  it.each([
    ['a syntax error', 'broken.scenario.ts', 'export default {{', /broken\.scenario\.ts: does not load: /],
    ['a throw at import', 'throws.scenario.ts', "throw new Error('no config here');", /throws\.scenario\.ts: does not load: Error: no config here/],
    ['no scenario exported', 'empty.scenario.ts', 'export const answer = 42;', /empty\.scenario\.ts: exports no scenario/],
    ['a missing file', 'missing.scenario.ts', null, /missing\.scenario\.ts: no such scenario file/],
  ])('refuses %s with one line naming the file, writing nothing', (_what, name, content, message) => {
    const path = content === null ? join(dir, name) : write(name, content);
    const out = tempDir('pkg-bad-');
    const result = sim('run', path, '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(filesUnder(out)).toEqual([]);
  });

  it('refuses two files that declare one id, naming both', () => {
    const a = write('dup-a.scenario.ts', scenarioSource('test/dup'));
    const b = write('dup-b.scenario.ts', scenarioSource('test/dup'));
    const result = sim('run', a, b);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scenario id 'test\/dup' is declared in both .*dup-a\.scenario\.ts and .*dup-b\.scenario\.ts/);
  });

  it('refuses a glob that matches nothing', () => {
    const result = sim('run', join(dir, 'nothing-*.scenario.ts'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no scenario file matches/);
  });
});

describe('the config', () => {
  it('names the scenarios and the defaults of run', () => {
    const project = repoTempDir('config-');
    try {
      writeFileSync(join(project, 'a.scenario.ts'), scenarioSource('test/configured'));
      writeFileSync(join(project, 'chaos-testbed.config.json'), JSON.stringify({ scenarios: ['*.scenario.ts'], runs: 7, seed: 9, out: 'results' }));
      const result = simIn({ cwd: project }, 'run', '--variant', 'fixed', '--json');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ scenario: 'test/configured', runs: 7, seed: 9 });
      expect(filesUnder(join(project, 'results'))).toContain('index.md');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('refuses an unknown setting with one line', () => {
    const project = repoTempDir('config-bad-');
    try {
      writeFileSync(join(project, 'chaos-testbed.config.json'), JSON.stringify({ scenarios: ['*.ts'], worker: 2 }));
      const result = simIn({ cwd: project }, 'run');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/chaos-testbed\.config\.json: unknown setting 'worker'/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('is needed when no file is named, outside a project that has one', () => {
    const result = simIn({ cwd: tempDir('pkg-noconfig-') }, 'run');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no scenario files: name them .* or list them in chaos-testbed\.config\.ts/);
  });
});

describe('init', () => {
  it('writes a setup whose run works, and refuses to write over it', () => {
    const project = repoTempDir('init-');
    try {
      const init = simIn({ cwd: project }, 'init');
      expect(init.code, init.stderr).toBe(0);
      expect(filesUnder(project)).toEqual([
        'chaos-testbed.config.ts',
        'incidents/checkout.scenario.ts',
        'incidents/checkout.test.ts',
        'incidents/models/checkout.ts',
        'incidents/models/payment-service.ts',
      ]);
      const run = simIn({ cwd: project }, 'run', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, results: [{ variant: 'buggy', result: 'found' }, { variant: 'fixed', result: 'held' }] });
      const again = simIn({ cwd: project }, 'init');
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/already exist in \.: init writes nothing over existing files/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('shards from a job engine', () => {
  it('auto/N takes its index from JOB_COMPLETION_INDEX; merged shards of every expectation equal one run', () => {
    const canary = 'scenarios/canary/lease.scenario.ts';
    // Three shards of a guided campaign have three lanes (one each): the same campaign in one command says so.
    const serial = sim('run', canary, '--runs', '30', '--lanes', '3', '--json', '--out', tempDir('pkg-serial-'));
    const out = tempDir('pkg-shards-');
    for (const index of ['0', '1', '2']) {
      const shard = simIn({ env: { JOB_COMPLETION_INDEX: index } }, 'run', canary, '--runs', '30', '--shard', 'auto/3', '--out', out);
      expect(shard.code, shard.stderr).toBe(0);
    }
    const shardFiles = filesUnder(join(out, 'shards')).map((f) => join(out, 'shards', f));
    expect(shardFiles).toHaveLength(3);
    const merged = sim('merge', ...shardFiles, '--json', '--out', tempDir('pkg-merged-'));
    const stable = (text: string) =>
      JSON.parse(text).results.map(({ timeToFindMs: _t, runsPerSec: _r, simulatedPerWall: _s, repro: _p, report: _q, ...rest }: Record<string, unknown>) => rest);
    expect(merged.code, merged.stderr).toBe(serial.code);
    expect(stable(merged.stdout)).toEqual(stable(serial.stdout));
  }, 120_000);

  it('refuses auto/N without JOB_COMPLETION_INDEX', () => {
    const result = simIn({ env: { JOB_COMPLETION_INDEX: '' } }, 'run', '--scenario', 'canary/lease', '--shard', 'auto/3');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--shard auto\/3 takes its index from JOB_COMPLETION_INDEX/);
  });

  it('refuses the same shard twice', () => {
    const out = tempDir('pkg-twice-');
    sim('run', '--scenario', 'canary/lease', '--runs', '10', '--shard', '1/2', '--out', out);
    const [file] = filesUnder(join(out, 'shards')).map((f) => join(out, 'shards', f));
    const result = sim('merge', file!, file!);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/shard 1\/2 is also in/);
  });
});

describe('the terminal', () => {
  it('colours result lines when FORCE_COLOR says so, and never with NO_COLOR', () => {
    const args = ['run', '--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '3', '--out', tempDir('pkg-colour-')];
    const coloured = simIn({ env: { FORCE_COLOR: '1' } }, ...args);
    const plain = simIn({ env: { NO_COLOR: '1' }, unset: ['FORCE_COLOR'] }, ...args);
    expect(coloured.stderr).toMatch(/\x1b\[32m✓/);
    expect(plain.stderr).not.toMatch(/\x1b\[/);
  });

  it('prints its version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(sim('--version').stdout.trim()).toBe(pkg.version);
  });
});
