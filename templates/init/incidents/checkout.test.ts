// The scenario as part of the test suite: the bug must be found, and the fix must hold.
import { testScenario } from 'chaos-testbed/vitest';
import doubleCharge from './checkout.scenario.js';

testScenario(doubleCharge, { variant: 'buggy', expect: 'fails', runs: 200 });
testScenario(doubleCharge, { variant: 'fixed', expect: 'holds', runs: 200 });
