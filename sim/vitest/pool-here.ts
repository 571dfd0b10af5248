/**
 * The worker pool of a test file: campaigns of `testScenario` run in a
 * worker thread under the watchdog, as the command line's do, so a model
 * that hangs fails its test instead of hanging the suite. One pool per test
 * file, started by its first campaign and closed after its last test.
 */
import { afterAll } from 'vitest';
import { WorkerPool } from '../explore/pool/pool.ts';
import { DEFAULT_RUN_MEMORY_MB, DEFAULT_RUN_TIMEOUT_MS } from '../explore/pool/defaults.ts';

let pool: WorkerPool | undefined;
let closing = false;

/** Called where tests are registered, so the pool is closed when the file's tests are done. */
export function closePoolAfterAll(): void {
  if (closing) return;
  closing = true;
  afterAll(async () => {
    await pool?.close();
    pool = undefined;
  });
}

export function poolHere(): WorkerPool {
  pool ??= new WorkerPool({ size: 1, runTimeoutMs: DEFAULT_RUN_TIMEOUT_MS, memoryMb: DEFAULT_RUN_MEMORY_MB });
  return pool;
}
