/**
 * `chaos-testbed/vitest`: scenarios as tests of the user's own suite.
 *
 * ```ts
 * import { testScenario } from 'chaos-testbed/vitest';
 * import doubleCharge from './checkout.scenario.js';
 *
 * testScenario(doubleCharge, { variant: 'buggy', expect: 'fails', runs: 200 });
 * testScenario(doubleCharge, { variant: 'fixed', expect: 'holds', runs: 200 });
 * ```
 *
 * Each call registers one vitest test that runs a campaign with a fixed
 * seed (1 unless given; it is in the test's name), so CI is deterministic.
 * A broken expectation fails with a message to paste back, in the spirit of
 * fast-check's: the invariant and its detail, the minimal plan, the seeds,
 * whether the plan is 1-minimal, the replay command, and the repro file and
 * report it wrote.
 */
// First: the guard is in place before the test file imports its scenarios.
import '../kernel/guard-install.ts';

export { testScenario, type TestScenarioOptions } from './test-scenario.ts';
export { testRepro } from './test-repro.ts';
