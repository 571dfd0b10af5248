/**
 * The watchdog's default budgets, for the command line and the vitest helper.
 */

/** A run's wall-clock budget: far above any run of the library (the slowest take about a second), and a short wait for a hang. */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;

/** A worker's heap: about ten times the largest library run's. */
export const DEFAULT_RUN_MEMORY_MB = 2048;
