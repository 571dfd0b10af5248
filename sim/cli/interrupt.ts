/**
 * Ctrl-C (or a CI job's SIGTERM) during a long command: stop the workers at
 * once and say what is kept. Results are journaled and findings written as
 * they arrive, so there is nothing more to save.
 */
import type { WorkerPool } from '../explore/pool/pool.ts';

/** Exit code of a command stopped by a signal: 128 + SIGINT's number, as shells report it. */
export const EXIT_INTERRUPTED = 130;

/** Installs the handler; returns the function that removes it. */
export function onInterrupt(pool: WorkerPool, whatIsKept: () => string): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\ninterrupted (${signal}): ${whatIsKept()}\n`);
    void pool.close().finally(() => process.exit(EXIT_INTERRUPTED));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
  };
}
