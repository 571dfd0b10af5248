/**
 * A progress bar on stderr, drawn only on a terminal and never under CI, so
 * logs and pipes stay clean.
 */
import type { Stopwatch } from './wall-clock.ts';

export interface Progress {
  update(done: number, failures: number): void;
  finish(): void;
}

const WIDTH = 30;

export function progressBar(label: string, total: number, stopwatch: Stopwatch): Progress {
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  if (!process.stderr.isTTY || ci) return { update: () => {}, finish: () => {} };
  let lastDrawMs = -Infinity;
  const draw = (done: number, failures: number): void => {
    const filled = total > 0 ? Math.min(WIDTH, Math.round((done / total) * WIDTH)) : 0;
    const rate = done / Math.max(0.001, stopwatch.elapsedMs() / 1000);
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} runs, ${failures} failing, ${rate.toFixed(0)} runs/s `);
  };
  return {
    update(done, failures) {
      // Redraw at most ten times a second: a terminal is slower than the simulator.
      if (stopwatch.elapsedMs() - lastDrawMs < 100 && done < total) return;
      lastDrawMs = stopwatch.elapsedMs();
      draw(done, failures);
    },
    finish() {
      process.stderr.write('\r\x1b[K');
    },
  };
}
