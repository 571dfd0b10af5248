/**
 * Small helpers for the hand-written SVG charts (timeline, series): text
 * escaped for XML after {@link neutralise}, stable colours for state names,
 * and numbers printed short.
 */
import { neutralise } from './neutral-text.ts';

/** Text safe in SVG (XML) content and attribute values. */
export function svgText(text: string): string {
  return neutralise(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A coordinate with at most one decimal: charts stay small and byte-stable. */
export function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Soft fills that dark text reads on (GitHub's Primer scale, 2nd step). */
const PALETTE = ['#b6e3ff', '#aceebb', '#fff8c5', '#ffd8b5', '#ffcecb', '#e8d7ff', '#ffd3eb', '#d1f0ff', '#dafbe1', '#fbefff', '#f8e3a1', '#c8e1ff'];

/** The same state name gets the same colour in every report. */
export function stateColour(state: string): string {
  if (state === 'down') return '#eaeef2';
  let h = 0x811c9dc5;
  for (let i = 0; i < state.length; i++) h = Math.imul(h ^ state.charCodeAt(i), 0x01000193);
  return PALETTE[(h >>> 0) % PALETTE.length]!;
}

/** Roughly how many characters of 11 px sans-serif fit in `widthPx`. */
export function charsThatFit(widthPx: number): number {
  return Math.floor((widthPx - 4) / 6.2);
}

export function clip(text: string, chars: number): string {
  if (chars <= 0) return '';
  return text.length <= chars ? text : chars <= 1 ? '' : `${text.slice(0, chars - 1)}…`;
}
