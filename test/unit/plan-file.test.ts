import { describe, expect, it } from 'vitest';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { InputError, parsePlanText } from '../../sim/kernel/plan-file.ts';

const parse = (text: string) => parsePlanText(text, 'plan.json', canary, 'buggy');
const problem = (text: string) => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('expected the plan to be refused');
};

describe('plan files', () => {
  it('accepts {"faults": [...]} and a bare array, filling in oneWay', () => {
    const fault = { kind: 'partition', atMs: 10, durationMs: 5, from: 'client-a', to: 'lease-server' };
    expect(parse(JSON.stringify({ faults: [fault] }))).toEqual({ faults: [{ ...fault, oneWay: false }] });
    expect(parse(JSON.stringify([fault]))).toEqual({ faults: [{ ...fault, oneWay: false }] });
  });

  it.each([
    ['{', /^plan\.json: not valid JSON/],
    ['{"steps": []}', /expected \{"faults": \[\.\.\.\]\} or an array of faults/],
    ['[{"atMs": 1}]', /fault 1: missing "kind"/],
    ['[{"kind": "partiton", "atMs": 1}]', /fault 1: unknown kind 'partiton' \(known: partition, drop/],
    ['[{"kind": "crash", "atMs": -5, "node": "client-a", "downMs": null}]', /'atMs' must be a whole number of ms >= 0, got -5/],
    ['[{"kind": "crash", "atMs": 5, "node": "client-z", "downMs": null}]', /'node' must name a node of canary\/lease \(lease-server, client-a, client-b\), got "client-z"/],
    ['[{"kind": "crash", "atMs": 5, "node": "client-a"}]', /'downMs' must be a whole number of ms >= 0, or null, got nothing/],
    ['[{"kind": "pause", "atMs": 5, "node": "client-a", "durationMs": 10, "extra": 1}]', /unknown field 'extra'/],
    ['[{"kind": "drop", "atMs": 5, "from": "client-a", "to": "lease-server", "durationMs": 10, "ratio": {"numerator": 3, "denominator": 2}}]', /'ratio' must be/],
    ['[{"kind": "http-error", "atMs": 5, "node": "client-a", "durationMs": 10, "status": 200}]', /HTTP error status/],
  ])('refuses %s with one clear line', (text, message) => {
    const line = problem(text);
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });
});
