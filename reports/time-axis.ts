/**
 * A time axis in units that suit the run's length: a 4 ms run is labelled
 * in ms, a 30-minute one in minutes. Ticks fall on round steps (1, 2, 5 ×
 * a power of ten, and whole minutes and hours), about eight of them.
 */

export interface TimeAxis {
  readonly unit: 'ms' | 's' | 'min' | 'h';
  readonly stepMs: number;
  readonly ticks: readonly { readonly atMs: number; readonly label: string }[];
}

/** Ticks wanted at most: about one per 120 px on a 1000 px chart. */
const TICKS_MAX = 8;

const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

export function timeAxis(endMs: number): TimeAxis {
  const span = Math.max(1, endMs);
  const stepMs = STEPS_MS.find((s) => span / s <= TICKS_MAX) ?? Math.ceil(span / TICKS_MAX / 86_400_000) * 86_400_000;
  const unit = unitFor(span);
  const ticks: { atMs: number; label: string }[] = [];
  for (let t = 0; t <= span; t += stepMs) ticks.push({ atMs: t, label: formatTick(t, unit) });
  return { unit, stepMs, ticks };
}

function unitFor(spanMs: number): TimeAxis['unit'] {
  if (spanMs < 2_000) return 'ms';
  if (spanMs < 180_000) return 's';
  if (spanMs < 3 * 3_600_000) return 'min';
  return 'h';
}

/** A tick's label in the axis unit: `250 ms`, `12.5 s`, `4:30`, `2 h 30`. */
export function formatTick(atMs: number, unit: TimeAxis['unit']): string {
  switch (unit) {
    case 'ms':
      return `${atMs} ms`;
    case 's':
      return `${trim(atMs / 1000)} s`;
    case 'min': {
      const minutes = Math.floor(atMs / 60_000);
      const seconds = (atMs % 60_000) / 1000;
      return seconds === 0 ? `${minutes} min` : `${minutes}:${String(Math.floor(seconds)).padStart(2, '0')}`;
    }
    case 'h': {
      const hours = Math.floor(atMs / 3_600_000);
      const minutes = Math.floor((atMs % 3_600_000) / 60_000);
      return minutes === 0 ? `${hours} h` : `${hours} h ${String(minutes).padStart(2, '0')}`;
    }
  }
}

/** A duration in the unit that suits it: `4 ms`, `2.5 s`, `3.5 min`, `1.2 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${trim(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

function trim(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}
