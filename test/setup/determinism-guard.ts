/**
 * The determinism guard, installed before each test file imports scenario
 * and model modules, as the command line does before it loads them: a
 * clock, timer or random source a module captures at import time is then
 * the guarded one. Outside a run the guarded versions behave as the
 * originals, so vitest and fast-check are unaffected.
 */
import { installDeterminismGuard } from '../../sim/kernel/guard.ts';

installDeterminismGuard();
