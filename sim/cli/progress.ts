/**
 * The progress line on stderr (cli-progress): which campaign of how many,
 * its runs, failures, speed and ETA, cut to the terminal's width so a redraw
 * never leaves a line behind. Drawn only on a terminal and never under CI,
 * so logs and pipes stay clean.
 */
import cliProgress from 'cli-progress';
import { stderrColors as c } from './style.ts';

export interface Progress {
  update(done: number, failures: number): void;
  finish(): void;
}

/** Where a campaign stands among the campaigns of one command. */
export interface Position {
  readonly index: number;
  readonly count: number;
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
}

export function progressBar(label: string, total: number, position: Position): Progress {
  if (!process.stderr.isTTY || isCi()) return { update: () => {}, finish: () => {} };
  const prefix = position.count > 1 ? `[${position.index}/${position.count}] ` : '';
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      // One line, cut to the width: a wrapped line would be left behind by the next redraw.
      linewrap: false,
      clearOnComplete: true,
      hideCursor: false,
      barsize: 20,
      fps: 10,
      etaBuffer: 50,
      format: (options, params, payload: { failures: number }) => {
        const filled = Math.round(params.progress * (options.barsize ?? 20));
        const runs = `${params.value}/${params.total} runs`;
        const failing = payload.failures > 0 ? c.red(`${payload.failures} failing`) : '0 failing';
        const eta = Number.isFinite(params.eta) && params.value > 0 ? `ETA ${etaText(params.eta)}` : 'ETA -';
        return `${prefix}${label} ${'█'.repeat(filled)}${'░'.repeat((options.barsize ?? 20) - filled)} ${runs} · ${failing} · ${eta}`;
      },
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { failures: 0 });
  return {
    update: (done, failures) => bar.update(done, { failures }),
    finish: () => bar.stop(),
  };
}

function etaText(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
