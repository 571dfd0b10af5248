/**
 * The command line's only window on real time: how long a campaign has
 * taken (runs per second, time to find) and when a `--time-budget` runs out.
 * None of it reaches a run: runs read virtual time only, and the guard
 * refuses these APIs while one is in progress. A time budget changes how
 * many runs a campaign completes, never what any run does.
 */
import { performance } from 'node:perf_hooks';

export interface Stopwatch {
  elapsedMs(): number;
}

export function startStopwatch(): Stopwatch {
  const start = performance.now();
  return { elapsedMs: () => performance.now() - start };
}

/** Calls `fn` once after `ms` of wall time; returns a cancel function. */
export function afterWallTime(ms: number, fn: () => void): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
