/**
 * Bad input of every kind: one clear line on stderr, exit 2, before any
 * work, and nothing written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesUnder, sim, tempDir } from '../fixtures/cli.ts';

const inputs = tempDir('attack-input-');
const file = (name: string, content: unknown) => {
  const path = join(inputs, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

// A real repro and a real shard, to break in one place each.
const seedOut = tempDir('attack-seed-');
const campaign = JSON.parse(sim('run', '--scenario', 'canary/lease', '--runs', '40', '--stop-on-failure', '--json', '--out', seedOut).stdout) as { repro: string };
const repro = JSON.parse(readFileSync(campaign.repro, 'utf8'));
sim('run', '--scenario', 'canary/lease', '--runs', '6', '--shard', '1/2', '--out', seedOut);
const shardPath = join(seedOut, 'shards', filesUnder(join(seedOut, 'shards'))[0]!);
const shard = JSON.parse(readFileSync(shardPath, 'utf8'));

const canary = ['--scenario', 'canary/lease'];
const cases: [string, string[], RegExp][] = [
  ['an unknown flag', ['--bogus'], /Unknown option '--bogus'/],
  ['a variant every object has: constructor', ['run', ...canary, '--variant', 'constructor'], /has no variant 'constructor'/],
  ['a variant every object has: __proto__', ['run', ...canary, '--variant', '__proto__'], /has no variant '__proto__'/],
  ['a variant every object has: toString', ['run', ...canary, '--variant', 'toString'], /has no variant 'toString'/],
  ['a scenario every object has', ['run', '--scenario', 'constructor'], /unknown scenario 'constructor'/],
  ['replay with --scenario', ['replay', campaign.repro, ...canary], /--scenario does not go with 'replay'/],
  ['--replay with --scenario', ['--replay', campaign.repro, ...canary], /--scenario does not go with 'replay'/],
  ['two commands at once', ['--list', '--merge', 'x'], /different commands: give one/],
  ['a negative seed', ['run', ...canary, '--seed', '-1'], /Option '--seed' argument is ambiguous/],
  ['a negative seed, spelled out', ['run', ...canary, '--seed=-1'], /--seed must be a whole number/],
  ['runs in exponent form', ['run', ...canary, '--runs', '1e3'], /--runs must be a whole number >= 1/],
  ['a zero time budget', ['run', ...canary, '--time-budget', '0'], /--time-budget must be at least 1ms/],
  ['zero workers', ['run', ...canary, '--workers', '0'], /--workers must be a whole number >= 1/],
  ['shard 0 of 2', ['run', ...canary, '--shard', '0/2'], /--shard must be I\/N/],
  ['a plan with a shard', ['run', ...canary, '--plan', 'p.json', '--shard', '1/2'], /--plan runs one plan: it does not go with --shard/],
  ['a deep run of one variant', ['run', '--deep', '--variant', 'fixed'], /--deep checks every expectation/],
  ['an unreadable run timeout', ['run', ...canary, '--run-timeout', 'forever'], /--run-timeout must look like 30s/],
  ['a flag list does not take', ['list', '--runs', '3'], /--runs does not go with 'list'/],
  ['init with two folders', ['init', 'a', 'b'], /init takes at most one folder/],
  ['merge with no files', ['merge'], /merge needs the shard result files/],
  ['--trace without a plan', ['run', ...canary, '--trace'], /--trace goes with --plan FILE/],
  ['a plan that is not JSON', ['run', ...canary, '--plan', file('bad-plan.json', '{"faults": [')], /bad-plan\.json: not valid JSON/],
  ['a plan naming an unknown node', ['run', ...canary, '--plan', file('ghost-plan.json', { faults: [{ kind: 'crash', atMs: 1, node: 'ghost', downMs: 1 }] })], /'node' must name a node of canary\/lease/],
  ['a repro that is not JSON', ['replay', file('broken.repro.json', '{')], /broken\.repro\.json: not valid JSON/],
  ['a repro whose variant every object has', ['replay', file('proto.repro.json', { ...repro, variant: '__proto__' })], /has no variant "__proto__"/],
  ['a repro with a null checkpoint', ['replay', file('null-checkpoint.repro.json', { ...repro, expected: { ...repro.expected, checkpoints: [null] } })], /checkpoint 0 must be/],
  ['a repro with no outcome', ['replay', file('no-outcome.repro.json', { ...repro, expected: { ...repro.expected, outcome: null } })], /"expected" must hold outcome|"expected\.outcome" must name/],
  ['a repro whose hash was edited', ['replay', file('edited.repro.json', { ...repro, expected: { ...repro.expected, traceHash: '0123456789abcdef' } })], /"traceHash" is 0123456789abcdef, but its last checkpoint .* says [0-9a-f]{16}: the file was edited or damaged/],
  ['a shard with a null campaign', ['merge', file('null-campaign.json', { ...shard, campaigns: [null] })], /a campaign entry without scenario/],
  ['a shard with null fields', ['merge', file('null-fields.json', { ...shard, campaigns: [{ ...shard.campaigns[0], spec: null }] })], /a campaign entry without scenario/],
  ['a shard with a null run', ['merge', file('null-run.json', { ...shard, campaigns: [{ ...shard.campaigns[0], cases: [null] }] })], /entry 0 of canary\/lease buggy is not a run result/],
  ['a shard whose variant every object has', ['merge', file('proto-shard.json', { ...shard, campaigns: [{ ...shard.campaigns[0], spec: { ...shard.campaigns[0].spec, variant: 'constructor' } }] })], /has no variant "constructor"/],
];

describe('bad input', () => {
  it.each(cases)('%s: one line, exit 2, nothing written', (what, args, message) => {
    const out = tempDir('attack-bad-out-');
    const takesOut = args[0] === 'run' || args[0] === 'merge';
    const start = process.hrtime.bigint();
    const result = sim(...args, ...(takesOut ? ['--out', out] : []));
    const ms = Number((process.hrtime.bigint() - start) / 1_000_000n);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(filesUnder(out)).toEqual([]);
    process.stdout.write(`attack: bad input (${what}) in ${ms} ms\n`);
  });
});
