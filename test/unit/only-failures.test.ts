import { describe, expect, it } from 'vitest';
import type { Fault, NodeIO, ScenarioBuilder } from 'chaos-testbed';
import { at, runProbes, type ProbeHandle } from '../fixtures/scenario.ts';

const answers = (received: readonly { type: string; status?: number; reason?: string }[]) =>
  received.filter((r) => r.type.startsWith('ping.')).map((r) => `${r.type}${r.status === undefined ? '' : ` ${r.status}`}${r.reason === undefined ? '' : ` ${r.reason}`}`);

/** `a` pings `b` three times, a second apart, asking to hear only failures. */
const pingThrice = (send: (io: NodeIO) => void) => (sim: ScenarioBuilder, p: Record<string, ProbeHandle>) => {
  for (const atMs of [1000, 2000, 3000]) at(sim, p.a!, atMs, send);
};
const ping = (io: NodeIO) => void io.request('b', { type: 'ping' }, { timeoutMs: 500, onlyFailures: true });

describe('a request made with onlyFailures', () => {
  it('keeps its 2xx answers from the actor, and the trace still shows them delivered', () => {
    const { received, result } = runProbes(['a', 'b'], pingThrice(ping));
    expect(received('b').filter((r) => r.type === 'ping')).toHaveLength(3);
    expect(answers(received('a'))).toEqual([]);
    expect(result.trace.filter((r) => r.node === 'a' && r.kind === 'deliver' && r.detail.startsWith('ping.response'))).toHaveLength(3);
  });

  it('hands over an answer that is not 2xx', () => {
    const { received } = runProbes(['a', 'b'], pingThrice(ping), { replyStatus: 503 });
    expect(answers(received('a'))).toEqual(['ping.response 503', 'ping.response 503', 'ping.response 503']);
  });

  it('hands over the timeout of a request that got no answer', () => {
    const cut: Fault = { kind: 'partition', atMs: 1500, durationMs: 1000, from: 'a', to: 'b', oneWay: false };
    const { received } = runProbes(['a', 'b'], pingThrice(ping), { plan: { faults: [cut] } });
    expect(answers(received('a'))).toEqual(['ping.timeout deadline']);
  });

  it('does the same on a connection, where a close is a failure', () => {
    let connection = '';
    const { received } = runProbes(['a', 'b'], (sim, p) => {
      at(sim, p.a!, 1000, (io) => void (connection = io.connect('b')));
      at(sim, p.a!, 2000, (io) => void io.requestOn(connection, { type: 'ping' }, { timeoutMs: 500, onlyFailures: true }));
      at(sim, p.a!, 3000, (io) => {
        io.requestOn(connection, { type: 'hang.ping' }, { timeoutMs: 60_000, onlyFailures: true });
        io.close(connection);
      });
    });
    const heard = received('a').filter((r) => r.type.includes('ping')).map((r) => `${r.type} ${r.reason ?? r.status}`);
    expect(heard).toEqual(['hang.ping.timeout closed']);
  });

  it('is answered as any request is when the option is off', () => {
    const { received } = runProbes(['a', 'b'], pingThrice((io) => void io.request('b', { type: 'ping' }, { timeoutMs: 500 })));
    expect(answers(received('a'))).toEqual(['ping.response 200', 'ping.response 200', 'ping.response 200']);
  });
});
