/**
 * What the kernel gives the watchdog that stops runs from outside their
 * thread: the outcomes it makes (their text, signature and exit code), and
 * a run's progress, written where another thread can read it.
 */
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { describeOutcome, run, type Outcome } from 'chaos-testbed';
import { exitCode } from '../../sim/cli/outcome-exit.ts';
import { failureSignature, fingerprintText } from '../../sim/explore/failure.ts';
import { singleNode } from '../fixtures/scenario.ts';

const hang: Outcome = { kind: 'model-hang', atMs: 500, budgetMs: 10_000, detail: 'a step never returned' };
const exhausted: Outcome = { kind: 'resource-exhausted', resource: 'memory', atMs: 1_200, limitMb: 512, detail: 'the heap reached its limit' };

describe('outcomes made by the watchdog', () => {
  it('describes them in one line', () => {
    expect(describeOutcome(hang)).toBe('model hang at 500ms: the run exceeded its wall-clock budget of 10000ms: a step never returned');
    expect(describeOutcome(exhausted)).toBe('resource exhausted at 1200ms: the run exceeded its memory budget of 512MB: the heap reached its limit');
  });

  it('gives them signatures and fingerprints of their own, and exit codes 6 and 7', () => {
    expect(failureSignature(hang)).toBe('model-hang');
    expect(failureSignature(exhausted)).toBe('resource-exhausted:memory');
    expect(fingerprintText(failureSignature(hang)!, { faults: [] })).toBe('model-hang|no faults');
    expect([exitCode(hang), exitCode(exhausted)]).toEqual([6, 7]);
  });

  it('has a run write its virtual time and event count where another thread can read them', () => {
    const progress = new Float64Array(new SharedArrayBuffer(2 * Float64Array.BYTES_PER_ELEMENT));
    const ticker = setup({}).createMachine({ initial: 't', states: { t: { after: { 100: { target: 't', reenter: true } } } } });
    const result = run(singleNode(ticker, () => ({}), 5_000).scenario, 'buggy', 1, { faults: [] }, { progress });
    // Written before each event: the start at 0 ms, then a tick every 100 ms up to 5,000 ms.
    expect(result.events).toBe(51);
    expect([...progress]).toEqual([5_000, 50]);
  });
});
