/**
 * The package as a user gets it: `npm pack`, a fresh project outside this
 * repository that installs only the tarball (and what the registry brings
 * with it, plus the user's own xstate, TypeScript and vitest), a scenario of
 * its own, and the commands a user runs. Slow (two installs), so it is not
 * part of `npm test`; CI runs it with `npm run test:e2e`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };

/** What the user installs beside the package: the versions this repository pins. */
const USER_TOOLS = [`xstate@${pkg.devDependencies.xstate}`, `typescript@${pkg.devDependencies.typescript}`, `vitest@${pkg.devDependencies.vitest}`];
const MAX_TARBALL_BYTES = 5 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'chaos-testbed-e2e-'));
let tarball = '';
const figures: Record<string, unknown> = {};

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function sh(cwd: string, command: string, args: readonly string[]) {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { code: out.status, stdout: plain(out.stdout), stderr: plain(out.stderr) };
}

function project(name: string, install: readonly string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  execFileSync('npm', ['init', '-y'], { cwd: dir, stdio: 'ignore' });
  const started = process.hrtime.bigint();
  const installed = sh(dir, 'npm', ['install', '--no-audit', '--no-fund', tarball, ...install]);
  expect(installed.code, installed.stderr).toBe(0);
  figures[`${name} install`] = `${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`;
  figures[`${name} packages`] = readdirSync(join(dir, 'node_modules')).flatMap((e) => (e.startsWith('@') ? readdirSync(join(dir, 'node_modules', e)) : [e])).filter((e) => !e.startsWith('.')).length;
  return dir;
}

const COUNTER_SCENARIO = `// A counter service and two clients that add to it. The buggy clients read,
// add one and write back, so two of them can lose an increment; the fixed
// ones ask the service to add.
import { assign, setup } from 'xstate';
import { always, defineScenario, violated, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';

type CounterRequest = IncomingRequest<{ type: 'read' } | { type: 'write'; value: number } | { type: 'add' }>;

const counter = setup({
  types: { input: {} as { io: NodeIO }, context: {} as { io: NodeIO; value: number }, events: {} as CounterRequest },
}).createMachine({
  id: 'counter',
  context: ({ input }) => ({ io: input.io, value: 0 }),
  on: {
    read: { actions: ({ context, event }) => context.io.reply(event, { status: 200, body: context.value }) },
    write: { actions: [assign({ value: ({ event }) => (event.type === 'write' ? event.value : 0) }), ({ context, event }) => context.io.reply(event, { status: 200 })] },
    add: { actions: [assign({ value: ({ context }) => context.value + 1 }), ({ context, event }) => context.io.reply(event, { status: 200 })] },
  },
});

type Answer = ResponseEvent<'read', number> | ResponseEvent<'write'> | ResponseEvent<'add'> | TimeoutEvent<'read'> | TimeoutEvent<'write'> | TimeoutEvent<'add'>;

const client = setup({
  types: { input: {} as { io: NodeIO; atomic: boolean }, context: {} as { io: NodeIO; atomic: boolean; acked: number }, events: {} as Answer },
  delays: { PAUSE: 1_000 },
}).createMachine({
  id: 'client',
  context: ({ input }) => ({ ...input, acked: 0 }),
  initial: 'pausing',
  states: {
    pausing: { after: { PAUSE: [{ guard: ({ context }) => context.atomic, target: 'adding' }, { target: 'reading' }] } },
    reading: {
      entry: ({ context }) => context.io.request('counter', { type: 'read' }, { timeoutMs: 500 }),
      on: {
        'read.response': { target: 'writing', actions: ({ context, event }) => context.io.request('counter', { type: 'write', value: event.body + 1 }, { timeoutMs: 500 }) },
        'read.timeout': 'pausing',
      },
    },
    writing: { on: { 'write.response': { target: 'pausing', actions: assign({ acked: ({ context }) => context.acked + 1 }) }, 'write.timeout': 'pausing' } },
    adding: {
      entry: ({ context }) => context.io.request('counter', { type: 'add' }, { timeoutMs: 500 }),
      on: { 'add.response': { target: 'pausing', actions: assign({ acked: ({ context }) => context.acked + 1 }) }, 'add.timeout': 'pausing' },
    },
  },
});

export default defineScenario({
  id: 'e2e/lost-update',
  title: 'Two clients lose an increment',
  description: 'Read-modify-write from two clients loses updates; an atomic add does not.',
  variants: { buggy: { atomic: false }, fixed: { atomic: true } },
  durationMs: 20_000,
  build(sim, flags) {
    const service = sim.node('counter', counter, (io) => ({ io }));
    // b starts half a period after a: without a fault their read-modify-writes never overlap.
    const clients = [sim.node('a', client, (io) => ({ io, atomic: flags.atomic })), sim.node('b', client, (io) => ({ io, atomic: flags.atomic }), { startAtMs: 500 })];
    return { service, clients };
  },
  invariants: ({ service, clients }) => [
    always('no-lost-update', 'An acknowledged increment that is not counted is lost money.', () => {
      const acked = clients.reduce((n, c) => n + (c.snapshot()?.context.acked ?? 0), 0);
      const value = service.snapshot()?.context.value ?? 0;
      return value >= acked || violated(\`counter is \${value} after \${acked} acknowledged increments\`, { value, acked });
    }),
  ],
  faultSpace: {
    windowMs: [0, 15_000],
    maxFaults: 2,
    kinds: { delay: { links: [['a', 'counter'], ['b', 'counter']], durationMs: [100, 5_000], extraMs: [1, 400], oneWay: true } },
  },
});
`;

const VITEST_TEST = `import { testScenario } from 'chaos-testbed/vitest';
import lostUpdate from './counter.scenario.js';

testScenario(lostUpdate, { variant: 'buggy', expect: 'fails', runs: 100 });
// Wrong on purpose: the buggy variant does not hold.
testScenario(lostUpdate, { variant: 'buggy', expect: 'holds', runs: 100 });
`;

const TSCONFIG = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, skipLibCheck: true, noEmit: true }, include: ['src'] };

describe('the packed package in a fresh project', () => {
  let user = '';

  beforeAll(() => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string }[];
    tarball = join(work, packed[0]!.filename);
    figures.tarball = `${statSync(tarball).size} bytes`;
    user = project('user', USER_TOOLS);
    mkdirSync(join(user, 'src'));
    // The user's package is CommonJS (npm init's default); its scenario folder is ES modules.
    writeFileSync(join(user, 'src', 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(user, 'src', 'counter.scenario.ts'), COUNTER_SCENARIO);
    writeFileSync(join(user, 'src', 'counter.test.ts'), VITEST_TEST);
    writeFileSync(join(user, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  }, 300_000);

  it('is a tarball of at most 5 MB', () => {
    expect(statSync(tarball).size).toBeLessThanOrEqual(MAX_TARBALL_BYTES);
  });

  it('finds and shrinks the bug of a scenario file, and the replay gives the same trace hash', () => {
    const found = sh(user, 'npx', ['chaos-testbed', 'run', 'src/counter.scenario.ts', '--json']);
    figures['run stderr'] = found.stderr.trim().split('\n');
    expect(found.code, found.stderr).toBe(0);
    const doc = JSON.parse(found.stdout);
    const buggy = doc.results.find((r: { variant: string }) => r.variant === 'buggy');
    expect(buggy).toMatchObject({ expected: 'fails', ok: true, result: 'found', oneMinimal: true });
    expect(buggy.planSize).toBeGreaterThanOrEqual(1);
    expect(doc.results.find((r: { variant: string }) => r.variant === 'fixed')).toMatchObject({ expected: 'holds', ok: true, result: 'held' });
    const replayed = sh(user, 'npx', ['chaos-testbed', 'replay', buggy.repro, '--json']);
    const replay = JSON.parse(replayed.stdout);
    figures['replay'] = { identical: replay.identical, traceHash: replay.traceHash, campaign: buggy.traceHash };
    expect(replayed.code).toBe(1);
    expect(replay).toMatchObject({ identical: true, traceHash: buggy.traceHash });
  }, 120_000);

  it('type-checks with strict NodeNext settings and no special flag', () => {
    const tsc = sh(user, 'npx', ['tsc', '--noEmit', '-p', '.']);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  }, 120_000);

  it('passes a right expectation and fails a wrong one in vitest, with a replay line', () => {
    const vitest = sh(user, 'npx', ['vitest', 'run', 'src']);
    const output = vitest.stdout + vitest.stderr;
    figures['vitest'] = output.split('\n').filter((l) => /passed|failed|replay:|expected to hold/.test(l));
    expect(vitest.code).toBe(1);
    expect(output).toMatch(/1 failed \| 1 passed/);
    expect(output).toMatch(/e2e\/lost-update buggy was expected to hold for 100 runs, but run \d+ .* failed/);
    expect(output).toMatch(/replay: npx chaos-testbed replay reports\/out\/repros\/e2e__lost-update-buggy-[0-9a-f]{8}\.repro\.json/);
  }, 180_000);

  it('init in an empty project yields a setup whose run works', () => {
    const fresh = project('fresh', [`xstate@${pkg.devDependencies.xstate}`]);
    const init = sh(fresh, 'npx', ['chaos-testbed', 'init']);
    expect(init.code, init.stderr).toBe(0);
    const run = sh(fresh, 'npx', ['chaos-testbed', 'run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    figures['init run'] = JSON.parse(run.stdout).results.map((r: { scenario: string; variant: string; result: string; runs: number }) => `${r.scenario} ${r.variant}: ${r.result} in ${r.runs} runs`);
    process.stdout.write(`e2e figures: ${JSON.stringify(figures, null, 2)}\n`);
    writeFileSync(join(work, 'figures.json'), JSON.stringify(figures, null, 2));
  }, 300_000);
});
