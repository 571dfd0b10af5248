import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sim, tempDir } from '../fixtures/cli.ts';

const dir = tempDir('sim-cli-');
const planFile = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const partitionB = planFile(
  'partition.json',
  JSON.stringify({ faults: [{ kind: 'partition', atMs: 5000, durationMs: 20_000, from: 'client-b', to: 'lease-server' }] }),
);

describe('sim command line', () => {
  it('lists scenarios with their variants', () => {
    const { code, stdout } = sim('--list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^canary\/lease  Canary: .*\n  variants: buggy, fixed\n  file: scenarios\/canary\/lease\.scenario\.ts$/m);
  });

  it('documents every flag and exit code in --help', () => {
    const { code, stdout } = sim('--help');
    expect(code).toBe(0);
    for (const flag of ['--list', '--scenario', '--variant', '--seed', '--plan', '--json', '--trace', '--self-check', '--runs', '--time-budget', '--workers', '--shard', '--merge', '--replay', '--emit-test', '--junit', '--out']) {
      expect(stdout).toContain(flag);
    }
    for (const exit of ['0  pass', '1  invariant violation', '2  bad input', '3  nondeterminism']) expect(stdout).toContain(exit);
  });

  it('exits 1 on a violation and 0 on a pass, printing the replay command', () => {
    const buggy = sim('--scenario', 'canary/lease', '--variant', 'buggy', '--seed', '1', '--plan', partitionB);
    expect(buggy.code).toBe(1);
    expect(buggy.stdout).toContain('safety violation');
    expect(buggy.stderr).toContain(`replay: npm run sim -- run scenarios/canary/lease.scenario.ts --scenario canary/lease --variant buggy --seed 1 --plan ${partitionB}`);
    expect(sim('--scenario', 'canary/lease', '--variant', 'fixed', '--seed', '1', '--plan', partitionB).code).toBe(0);
  });

  it('prints exactly one JSON document on stdout with --json', () => {
    const { code, stdout } = sim('--scenario', 'canary/lease', '--seed', '1', '--plan', partitionB, '--json');
    expect(code).toBe(1);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ scenario: 'canary/lease', variant: 'buggy', seed: 1, outcome: { kind: 'safety-violation', invariant: 'single-holder' } });
    expect(doc.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(doc.events).toBeGreaterThan(0);
    expect(doc.simulatedMs).toBeGreaterThan(0);
  });

  it.each([
    [['--scenario', 'nope/nope'], /^error: unknown scenario 'nope\/nope' \(known: canary\/lease/],
    [['--scenario', 'canary/lease', '--variant', 'half'], /^error: scenario canary\/lease has no variant 'half'/],
    [['--bogus'], /^error: Unknown option '--bogus'/],
    [['--seed', 'x1'], /^error: --seed must be a whole number/],
    [['--scenario', 'canary/lease', '--plan', join(dir, 'missing.json')], /^error: cannot read plan file .*missing\.json: ENOENT/],
    [['--scenario', 'canary/lease', '--plan', planFile('corrupt.json', '{"faults": [')], /^error: .*corrupt\.json: not valid JSON/],
  ])('exits 2 with one line on stderr for bad input %j', (args, message) => {
    const before = readdirSync(dir).sort();
    const { code, stdout, stderr } = sim(...(args as string[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('passes the self-check on a deterministic scenario', () => {
    const { code, stdout } = sim('--scenario', 'canary/lease', '--seed', '5', '--plan', partitionB, '--self-check');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^self-check: two runs identical/);
  });
});
