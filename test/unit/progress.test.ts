import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fitWidth, progressBar } from '../../sim/cli/progress.ts';
import { colorEnabled } from '../../sim/cli/style.ts';

/** A terminal `columns` wide that keeps what is drawn. */
function terminal(columns: number) {
  const writes: string[] = [];
  const stream = Object.assign(new Writable({ write: (chunk, _enc, done) => (writes.push(String(chunk)), done()) }), { isTTY: true, columns });
  return { stream, writes };
}

const visible = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '').replace(/\r/g, '');

describe('the progress line', () => {
  it('never draws wider than the terminal, so a redraw leaves no residue at 60 columns', () => {
    const { stream, writes } = terminal(60);
    const bar = progressBar('ownership/deleted-owner fixed seed 3', 3000, { index: 17, count: 38 }, stream);
    for (let done = 0; done <= 3000; done += 250) bar.update(done, done > 1000 ? 2 : 0);
    bar.finish();
    const drawn = writes.map(visible).filter((w) => w.trim() !== '');
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) expect([...line].length).toBeLessThan(60);
    expect(drawn.some((line) => line.startsWith('[17/38] ownership/deleted-owner'))).toBe(true);
    expect(writes.join('')).not.toContain('\n');
  });

  it('shows the runs, the failures and an ETA when there is room', () => {
    const { stream, writes } = terminal(200);
    const bar = progressBar('canary/lease buggy', 100, { index: 1, count: 2 }, stream);
    bar.update(50, 1);
    bar.finish();
    expect(writes.map(visible).join('')).toMatch(/\[1\/2\] canary\/lease buggy [█░]{20} 50\/100 runs · 1 failing · ETA /);
  });

  it('cuts text to a width with an ellipsis', () => {
    expect(fitWidth('abcdef', 10)).toBe('abcdef');
    expect(fitWidth('abcdefghijkl', 5)).toBe('abcd…');
  });
});

describe('colour', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: true }, { TERM: 'dumb' }, false],
  ])('on %j with %j: %s', (stream, env, expected) => {
    expect(colorEnabled(stream, env)).toBe(expected);
  });
});
