/**
 * Hostile models and hostile use of the command line: whatever a model does,
 * the tool ends with a typed outcome, an exit code, one line on stderr for
 * bad input, and no lost or partial files. Each case is bounded in time.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesUnder, repoTempDir, sim, simIn, tempDir } from '../fixtures/cli.ts';

const dir = repoTempDir('attack-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A scenario file whose one node runs `action` when it enters `misbehaving` at t=500 ms. */
function hostile(name: string, action: string): string {
  const path = join(dir, `${name}.scenario.ts`);
  writeFileSync(
    path,
    `import { defineScenario } from 'chaos-testbed';
import { setup } from 'xstate';
const model = setup({ delays: { SOON: 500 } }).createMachine({
  id: '${name}',
  initial: 'calm',
  states: { calm: { after: { SOON: 'misbehaving' } }, misbehaving: { entry: () => { ${action} } } },
});
export default defineScenario({
  id: 'attack/${name}', title: '${name}', description: 'a hostile model', variants: { buggy: {}, fixed: {} }, durationMs: 2000,
  build(sim) { return { n: sim.node('n', model, () => ({})) }; },
  invariants: () => [],
  faultSpace: { windowMs: [0, 100], maxFaults: 1, kinds: { pause: { nodes: ['n'], durationMs: [1, 10] } } },
});
`,
  );
  return path;
}

/** Time to outcome, printed for the record; each case's bound is its test timeout (60 s unless said). */
const report = (what: string, ms: number): void => void process.stdout.write(`attack: ${what} in ${ms} ms\n`);

const timed = <T>(fn: () => T): { value: T; ms: number } => {
  const start = process.hrtime.bigint();
  const value = fn();
  return { value, ms: Number((process.hrtime.bigint() - start) / 1_000_000n) };
};

describe('a model that never returns', () => {
  const file = hostile('busy-loop', 'for (;;) {}');
  const out = tempDir('attack-busy-');
  const { value: result, ms } = timed(() => sim('run', file, '--variant', 'buggy', '--runs', '3', '--run-timeout', '1s', '--json', '--out', out));

  it('ends as model-hang, exit 6, within a few budgets', () => {
    expect(result.code, result.stderr).toBe(6);
    const doc = JSON.parse(result.stdout);
    expect(doc.outcome).toMatchObject({ kind: 'model-hang', atMs: 500 });
    expect(doc.outcome.detail).toMatch(/a run took more than 1000 ms of wall time/);
    report('busy loop → model-hang', ms);
  });

  it('is a finding like any other: a repro and a report, and the repro replays as the same hang', () => {
    const doc = JSON.parse(result.stdout);
    expect(existsSync(doc.repro)).toBe(true);
    expect(readFileSync(doc.report, 'utf8')).toContain('model-hang');
    const replayed = sim('replay', doc.repro, '--run-timeout', '1s', '--json');
    expect(replayed.code).toBe(6);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ identical: true, outcome: { kind: 'model-hang' } });
  });
});

describe('the hostile fixtures of the kernel suite', () => {
  it.each([
    ['busy-build', 'a build that never returns', 0],
    ['slow-burst', 'a burst of 400,000 delayed events (xstate is quadratic there)', undefined],
  ])('%s (%s) ends as model-hang, exit 6, with a repro', (name, _what, atMs) => {
    const out = tempDir(`attack-${name}-`);
    const { value: result, ms } = timed(() => sim('run', `test/attack/fixtures/${name}.scenario.ts`, '--variant', 'buggy', '--runs', '1', '--run-timeout', '2s', '--json', '--out', out));
    expect(result.code, result.stderr).toBe(6);
    const doc = JSON.parse(result.stdout);
    expect(doc.outcome.kind).toBe('model-hang');
    if (atMs !== undefined) expect(doc.outcome.atMs).toBe(atMs);
    expect(existsSync(doc.repro)).toBe(true);
    report(`${name} → model-hang`, ms);
  }, 90_000);
});

describe('a model that eats memory', () => {
  const file = hostile('memory', "const keep: string[] = []; for (;;) keep.push('x'.repeat(1 << 20) + keep.length);");
  it('ends as resource-exhausted, exit 7, with the process held to its budget', () => {
    const out = tempDir('attack-mem-');
    const { value: result, ms } = timed(() => sim('run', file, '--variant', 'buggy', '--runs', '1', '--run-memory', '128', '--json', '--out', out));
    expect(result.code, result.stderr).toBe(7);
    expect(JSON.parse(result.stdout).outcome).toMatchObject({ kind: 'resource-exhausted', resource: 'memory' });
    report('memory growth → resource-exhausted', ms);
  }, 90_000);
});

describe('a model that exits its process', () => {
  const file = hostile('exits', 'process.exit(3);');
  it('ends as a model crash, exit 4, and the tool goes on', () => {
    const result = sim('run', file, '--variant', 'buggy', '--runs', '2', '--json', '--out', tempDir('attack-exit-'));
    expect(result.code, result.stderr).toBe(4);
    expect(JSON.parse(result.stdout).outcome).toMatchObject({ kind: 'model-crash' });
  });
});

describe('every time budget applies', () => {
  it('stops a self-check at its time budget', () => {
    const { value: result, ms } = timed(() => sim('run', '--scenario', 'canary/lease', '--self-check', '--time-budget', '2s'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/self-check: \d+ runs, each identical twice/);
    report('self-check --time-budget 2s', ms);
  });
});

describe('output paths are checked before any work', () => {
  it.each([
    ['a file as --out', (d: string) => ['--out', writeFile(join(d, 'plain-file'))], /--out .*plain-file: is a file, not a folder/],
    ['a folder inside a file as --out', (d: string) => ['--out', join(writeFile(join(d, 'f')), 'sub')], /--out .*: .* is a file, not a folder/],
    ['a folder as --junit', (d: string) => ['--junit', d], /--junit .*: is a folder; give a file name/],
  ])('refuses %s with one line and writes nothing', (_what, args, message) => {
    const d = tempDir('attack-out-');
    const flags = args(d);
    const before = filesUnder(d);
    const { value: result, ms } = timed(() => sim('run', '--scenario', 'canary/lease', '--runs', '2', ...flags));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(filesUnder(d)).toEqual(before);
    report('bad output path', ms);
  });
});

function writeFile(path: string): string {
  writeFileSync(path, 'x');
  return path;
}

describe('no finding is lost', () => {
  it('a killed campaign resumes to the same result as an uninterrupted one', async () => {
    const args = ['run', '--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '400', '--json'];
    const whole = sim(...args, '--out', tempDir('attack-whole-'));
    const out = tempDir('attack-killed-');
    await killAfterJournal(out, [...args, '--out', out], 50);
    const resumed = sim(...args, '--out', out, '--resume');
    expect(resumed.code, resumed.stderr).toBe(whole.code);
    const stable = (text: string) => {
      // Wall-clock figures and the paths of files under each --out differ; nothing else may.
      const { wallMs: _w, runsPerSec: _r, files: _f, ...rest } = JSON.parse(text);
      return rest;
    };
    expect(stable(resumed.stdout)).toEqual(stable(whole.stdout));
    expect(filesUnder(out).filter((f) => f.startsWith('.journal/'))).toEqual([]);
  }, 120_000);

  it('two campaigns of other seeds in one --out keep their own repro files', () => {
    const out = tempDir('attack-shared-');
    const one = JSON.parse(sim('run', '--scenario', 'canary/lease', '--runs', '100', '--stop-on-failure', '--seed', '1', '--json', '--out', out).stdout);
    const two = JSON.parse(sim('run', '--scenario', 'canary/lease', '--runs', '100', '--stop-on-failure', '--seed', '2', '--json', '--out', out).stdout);
    expect(one.repro).not.toBe(two.repro);
    expect(JSON.parse(readFileSync(one.repro, 'utf8')).finding.campaignSeed).toBe(1);
    expect(JSON.parse(readFileSync(two.repro, 'utf8')).finding.campaignSeed).toBe(2);
  });

  it('cleans temporary files an interrupted writer left behind', () => {
    const out = tempDir('attack-stale-');
    writeFileSync(join(out, 'index.md.partial-999999999'), 'half');
    sim('run', '--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '2', '--out', out);
    expect(filesUnder(out).filter((f) => f.includes('.partial-'))).toEqual([]);
  });
});

describe('more workers than cores', () => {
  it('are capped, with a notice', () => {
    const result = simIn({}, 'run', '--scenario', 'canary/lease', '--variant', 'fixed', '--runs', '4', '--workers', '64', '--out', tempDir('attack-workers-'));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/notice: --workers 64 is more than this machine's \d+ cores; using \d+/);
  });
});

/** Starts the CLI and kills it (SIGKILL: no chance to clean up) once its journal holds `lines` results. */
function killAfterJournal(out: string, args: readonly string[], lines: number): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=chaos-testbed-source', '--import', 'tsx', 'sim/cli/main.ts', ...args], { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const journal = join(out, '.journal');
      const files = existsSync(journal) ? filesUnder(journal) : [];
      const count = files.reduce((n, f) => n + readFileSync(join(journal, f), 'utf8').split('\n').filter((l) => l !== '').length, 0);
      if (count >= lines) {
        clearInterval(poll);
        child.kill('SIGKILL');
      }
    }, 20);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the campaign ended (code ${code}) before it could be killed`));
    });
  });
}
