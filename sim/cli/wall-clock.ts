/**
 * The command line's only window on real time: how long a campaign has
 * taken (runs per second, time to find) and whether a `--time-budget` has run
 * out (checked between runs).
 * None of it reaches a run: runs read virtual time only, and the guard
 * refuses these APIs while one is in progress. A time budget changes how
 * many runs a campaign completes, never what any run does.
 */
import { performance } from 'node:perf_hooks';

export interface Stopwatch {
  elapsedMs(): number;
}

export function startStopwatch(): Stopwatch {
  // Real time on purpose, and only between runs: it times the campaign for the
  // person at the terminal and cannot reach a run (the guard refuses it there).
  const start = performance.now();
  return { elapsedMs: () => performance.now() - start };
}
