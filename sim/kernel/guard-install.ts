/**
 * Importing this module installs the determinism guard (see guard.ts). An
 * entry point imports it before anything else, so that scenario and model
 * modules loaded after it capture guarded clocks, timers and random sources:
 *
 * ```ts
 * import '../kernel/guard-install.ts';
 * import { discoverScenarios } from '../load/discover.ts';
 * ```
 */
import { installDeterminismGuard } from './guard.ts';

installDeterminismGuard();
