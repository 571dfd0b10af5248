/**
 * The watchdog's only window on real time: how long a worker's current run
 * has gone without another starting. It runs on the main thread, between
 * its messages, and never inside a run.
 */
import { performance } from 'node:perf_hooks';

export function watchdogNowMs(): number {
  // Real time on purpose: a run's wall-clock budget is the one thing the
  // simulation's virtual clock cannot measure.
  return performance.now();
}
