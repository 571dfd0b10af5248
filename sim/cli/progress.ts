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

/** The stream the line is drawn on: a terminal's stderr, or a test's stand-in. */
export type ProgressStream = NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };

export function progressBar(label: string, total: number, position: Position, stream: ProgressStream = process.stderr): Progress {
  if (stream.isTTY !== true || (stream === process.stderr && isCi())) return { update: () => {}, finish: () => {} };
  const prefix = position.count > 1 ? `[${position.index}/${position.count}] ` : '';
  const bar = new cliProgress.SingleBar(
    {
      stream,
      // One line, cut to the width: a wrapped line would be left behind by the next redraw.
      linewrap: false,
      clearOnComplete: true,
      hideCursor: false,
      barsize: 20,
      fps: 10,
      etaBuffer: 50,
      format: (options, params, payload: { failures: number }) => {
        const size = options.barsize ?? 20;
        const filled = Math.round(params.progress * size);
        const eta = Number.isFinite(params.eta) && params.value > 0 ? `ETA ${etaText(params.eta)}` : 'ETA -';
        const head = `${prefix}${label} ${'█'.repeat(filled)}${'░'.repeat(size - filled)} ${params.value}/${params.total} runs · `;
        const failing = `${payload.failures} failing`;
        const line = fitWidth(`${head}${failing} · ${eta}`, params.maxWidth - 1);
        // Colour goes on after cutting, so escape codes never count as width.
        return payload.failures > 0 && line.length > head.length ? head + c.red(line.slice(head.length, head.length + failing.length)) + line.slice(head.length + failing.length) : line;
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

/** `text` cut to `width` characters, with an ellipsis when cut. */
export function fitWidth(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, Math.max(0, width - 1)).join('') + '…';
}
