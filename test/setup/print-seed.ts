import { fastCheckSeed } from './seed.ts';

/**
 * Printed once per test run, so a failing property can be replayed. Every
 * project inherits the global setup, hence the once-only flag.
 */
export default function printSeed(): void {
  if (process.env.TESTBED_SEED_PRINTED === '1') return;
  process.env.TESTBED_SEED_PRINTED = '1';
  process.stdout.write(`fast-check seed: ${fastCheckSeed()} (set FC_SEED to change)\n`);
}
