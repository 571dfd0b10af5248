import { describe, expect, it } from 'vitest';
import { describeFault, type Fault, type RequestFault } from 'chaos-testbed';
import { parsePlan } from '../../sim/kernel/plan-file.ts';
import canary from '../../scenarios/canary/lease.scenario.ts';
import { at, runProbes } from '../fixtures/scenario.ts';

/** a asks b for `type` once a second from t=1s to t=10s. */
function polls(faults: Fault[], types: readonly string[] = ['get']) {
  return runProbes(['a', 'b'], (sim, p) => {
    for (let t = 1000; t <= 10_000; t += 1000) at(sim, p.a!, t, (io) => types.forEach((type) => void io.request('b', { type }, { timeoutMs: 500 })));
  }, { plan: { faults } });
}

const requestFault = (fields: Partial<RequestFault>): RequestFault => ({ kind: 'request-fault', atMs: 2500, node: 'b', mode: 'error', count: 2, ...fields });
const answers = (received: readonly { type: string; status?: number }[]) => received.map((r) => (r.status === undefined ? r.type : `${r.type} ${r.status}`));

describe('request-fault', () => {
  it('answers the next `count` requests after atMs with its status, from the front end', () => {
    const { received, result } = polls([requestFault({ status: 500 })]);
    expect(answers(received('a'))).toEqual(['get.response 200', 'get.response 200', 'get.response 500', 'get.response 500', ...Array(6).fill('get.response 200')]);
    // The server's actor never saw the two it answered.
    expect(received('b')).toHaveLength(8);
    expect(result.faultsFired).toEqual({ 'request-fault': 1 });
  });

  it('defaults the status to 503', () => {
    expect(answers(polls([requestFault({ count: 1 })]).received('a'))[2]).toBe('get.response 503');
  });

  it('loses requests before they arrive (drop-request): the caller times out, the server never hears', () => {
    const { received } = polls([requestFault({ mode: 'drop-request' })]);
    expect(answers(received('a')).slice(0, 4)).toEqual(['get.response 200', 'get.response 200', 'get.timeout', 'get.timeout']);
    expect(received('b')).toHaveLength(8);
  });

  it('lets the server handle a request and loses its reply (drop-reply): applied, never acknowledged', () => {
    const { received, result } = polls([requestFault({ mode: 'drop-reply' })]);
    expect(answers(received('a')).slice(0, 4)).toEqual(['get.response 200', 'get.response 200', 'get.timeout', 'get.timeout']);
    expect(received('b')).toHaveLength(10);
    expect(result.trace.filter((r) => r.kind === 'drop' && r.detail.includes('reply lost (request fault 1)'))).toHaveLength(2);
  });

  it('takes only requests of its type, if it names one', () => {
    const { received } = polls([requestFault({ type: 'put', count: 1 })], ['get', 'put']);
    expect(answers(received('a')).filter((a) => a.endsWith('500') || a.endsWith('503'))).toEqual(['put.response 503']);
  });

  it('lets each request be taken by one fault only, the first in plan order', () => {
    const { received, result } = polls([requestFault({ status: 500, count: 1 }), requestFault({ status: 502, count: 1 })]);
    expect(answers(received('a')).slice(2, 5)).toEqual(['get.response 500', 'get.response 502', 'get.response 200']);
    expect(result.faultsFired).toEqual({ 'request-fault': 2 });
  });

  it('does not count requests that never reached the node', () => {
    const cut: Fault = { kind: 'partition', atMs: 2500, durationMs: 2000, from: 'a', to: 'b', oneWay: false };
    const { received } = polls([cut, requestFault({ count: 1 })]);
    // t=3s and t=4s are cut; the first request to arrive, at t=5s, is the one taken.
    expect(answers(received('a')).slice(2, 5)).toEqual(['get.timeout', 'get.timeout', 'get.response 503']);
  });

  it('is described in one line, and parsed strictly from a plan file', () => {
    expect(describeFault(requestFault({ type: 'poll', count: 1 }))).toBe('the next poll to b answered 503');
    expect(describeFault(requestFault({ mode: 'drop-reply', count: 3 }))).toBe('the next 3 requests to b handled, reply lost');
    const fault = { kind: 'request-fault', atMs: 0, node: 'lease-server', mode: 'drop-request', count: 1 };
    expect(parsePlan([fault], 'plan.json', canary, 'buggy').faults).toEqual([fault]);
    expect(() => parsePlan([{ ...fault, count: 0 }], 'plan.json', canary, 'buggy')).toThrow("plan.json: fault 1 (request-fault): 'count' must be a whole number >= 1, got 0");
    expect(() => parsePlan([{ ...fault, mode: 'sometimes' }], 'plan.json', canary, 'buggy')).toThrow(/'mode' must be "error", "drop-request" or "drop-reply"/);
    expect(() => parsePlan([{ ...fault, status: 200 }], 'plan.json', canary, 'buggy')).toThrow(/'status' must be an HTTP error status/);
  });
});
