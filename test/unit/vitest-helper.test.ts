/**
 * `chaos-testbed/vitest` in a suite of its own: a right expectation passes,
 * and a wrong one fails with a message to paste back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../fixtures/cli.ts';

describe('testScenario', () => {
  const out = tempDir('helper-out-');
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest-helper/vitest.config.ts'], {
    encoding: 'utf8',
    env: { ...process.env, HELPER_OUT: out, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = (run.stdout + run.stderr).replace(/\x1b\[[0-9;]*m/g, '');

  it('registers one test per call, named with its seed and budget', () => {
    expect(output).toContain('canary/lease buggy fails (seed 1, 100 runs)');
    expect(output).toContain('canary/lease buggy holds (seed 1, 100 runs)');
    expect(output).toMatch(/Tests\s+2 failed \| 1 passed/);
    expect(run.status).toBe(1);
  });

  it('fails a wrong holds with the invariant, the minimal plan, the seeds, minimality and where the repro is', () => {
    expect(output).toMatch(/canary\/lease buggy was expected to hold for 100 runs, but run 23 \(campaign seed 1, run seed \d+\) failed:/);
    expect(output).toMatch(/safety violation at \d+ms: single-holder: client-a and client-b both act as holder/);
    expect(output).toMatch(/minimal plan \(1 fault, 1-minimal: removing any one fault makes the run pass\):/);
    expect(output).toMatch(/\| \d+ ms \| pause client-a for \d+ms \|/);
    const repro = /repro: {2}(\S+\.repro\.json)/.exec(output)?.[1];
    expect(repro).toBeDefined();
    expect(existsSync(repro!)).toBe(true);
    expect(output).toContain(`replay: npm run sim -- replay ${repro}`);
    expect(existsSync(/report: (\S+report\.md)/.exec(output)![1]!)).toBe(true);
  });

  it('fails a wrong fails with what fired and the blind spots', () => {
    expect(output).toMatch(/canary\/lease fixed was expected to fail, but all 20 runs held \(campaign seed 1\)\./);
    expect(output).toMatch(/faults fired: /);
  });
});
