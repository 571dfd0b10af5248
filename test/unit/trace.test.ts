import { describe, expect, it } from 'vitest';
import { Trace } from '../../sim/kernel/trace.ts';

function fill(trace: Trace, n: number): Trace {
  for (let i = 0; i < n; i++) trace.record(i, `n${i % 3}`, 'note', '', `event ${i}`);
  return trace;
}

describe('Trace', () => {
  it('hashes the same records to the same value whatever it keeps', () => {
    expect(fill(new Trace('full'), 500).hash).toBe(fill(new Trace('hash', 8), 500).hash);
  });

  it('keeps only a tail in hash mode', () => {
    const trace = fill(new Trace('hash', 8), 500);
    expect(trace.length).toBe(500);
    expect(trace.records().map((r) => r.index)).toEqual([492, 493, 494, 495, 496, 497, 498, 499]);
  });

  it('tells apart records whose fields differ only in where one field ends', () => {
    const a = new Trace('hash');
    a.record(1, 'ab', 'note', '', 'c');
    const b = new Trace('hash');
    b.record(1, 'a', 'note', '', 'bc');
    expect(a.hash).not.toBe(b.hash);
  });

  it('keeps a checkpoint per record when asked', () => {
    const trace = new Trace('hash', 4, true);
    fill(trace, 10);
    expect(trace.hashCheckpoints()).toHaveLength(10);
    expect(trace.hashCheckpoints()![9]).toBe(trace.hash);
  });

  it('counts records in outcome mode and keeps nothing else, but still shows them to a watcher', () => {
    const seen: number[] = [];
    const trace = new Trace('outcome');
    trace.onRecord = (record) => seen.push(record.index);
    fill(trace, 10);
    expect(trace.length).toBe(10);
    expect(trace.records()).toEqual([]);
    expect(trace.hash).toBe('');
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses checkpoints in outcome mode, which has no hash', () => {
    expect(() => new Trace('outcome', 64, true)).toThrow(/no hash/);
  });
});
