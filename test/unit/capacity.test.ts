import { describe, expect, it } from 'vitest';
import { defineScenario, run, type CapacitySpec, type Fault, type NodeHandle } from 'chaos-testbed';
import { probe } from '../fixtures/probe.ts';

/**
 * A server with `capacity` and a client that sends `requests` (type, at) to
 * it; returns when each answer came back, in the order they came.
 */
function serve(capacity: CapacitySpec | CapacitySpec[], requests: readonly (readonly [string, number])[], faults: Fault[] = []) {
  let client: NodeHandle<typeof probe> | undefined;
  let server: NodeHandle<typeof probe> | undefined;
  const scenario = defineScenario({
    id: 'test/capacity',
    title: 'capacity',
    description: 'kernel test',
    variants: { buggy: {}, fixed: {} },
    durationMs: 60_000,
    // A fixed 5 ms link, so the figures below are exact.
    link: { latencyMs: [5, 5] },
    build(sim) {
      server = sim.node('server', probe, (io) => ({ io }), { capacity });
      client = sim.node('client', probe, (io) => ({ io }));
      for (const [type, atMs] of requests) sim.at(atMs, () => client!.send({ type: 'do', run: (io) => void io.request('server', { type }, { timeoutMs: 30_000 }) }));
      return {};
    },
    invariants: () => [],
  });
  const result = run(scenario, 'buggy', 1, { faults }, { traceMode: 'full' });
  const answers = (client?.snapshot()?.context.received ?? []).map((r) => `${r.type} ${r.status ?? ''} @${r.atMs}`.replace('  ', ' '));
  return { answers, result, served: () => server!.snapshot()?.context.received.map((r) => `${r.type}@${r.atMs}`) ?? [] };
}

describe('server capacity', () => {
  it('serves one at a time: five requests at once queue, each answered one service time after the last', () => {
    const { answers, served } = serve({ concurrency: 1, serviceMs: 100 }, [1, 2, 3, 4, 5].map(() => ['get', 1000] as const));
    // Arrival at 1005; services end at 1105, 1205, ...; the answer takes 5 ms back.
    expect(answers).toEqual(['get.response 200 @1110', 'get.response 200 @1210', 'get.response 200 @1310', 'get.response 200 @1410', 'get.response 200 @1510']);
    expect(served()).toEqual(['get@1105', 'get@1205', 'get@1305', 'get@1405', 'get@1505']);
  });

  it('serves `concurrency` at once', () => {
    const { answers } = serve({ concurrency: 2, serviceMs: 100 }, [1, 2, 3, 4].map(() => ['get', 1000] as const));
    expect(answers).toEqual(['get.response 200 @1110', 'get.response 200 @1110', 'get.response 200 @1210', 'get.response 200 @1210']);
  });

  it('shares one queue between types with their own service times, and lets other types bypass it', () => {
    const { answers } = serve({ concurrency: 1, serviceMs: { accept: 100, echo: 20 } }, [
      ['accept', 1000],
      ['echo', 1000],
      ['status', 1000],
    ]);
    expect(answers).toEqual(['status.response 200 @1010', 'accept.response 200 @1110', 'echo.response 200 @1130']);
  });

  it('slows service under the load fault (for work that starts while it is in force)', () => {
    const load: Fault = { kind: 'load', atMs: 0, durationMs: 5_000, node: 'server', factorPct: 300 };
    const { answers } = serve({ concurrency: 1, serviceMs: 100 }, [['get', 1000]], [load]);
    // Link latency x3 both ways (15 ms) and service x3 (300 ms).
    expect(answers).toEqual(['get.response 200 @1330']);
  });

  it('refuses a request that finds the queue full with 503', () => {
    const { answers } = serve({ concurrency: 1, serviceMs: 100, queueLimit: 1 }, [1, 2, 3].map(() => ['get', 1000] as const));
    expect(answers).toEqual(['get.response 503 @1010', 'get.response 200 @1110', 'get.response 200 @1210']);
  });

  it('answers work not served within its timeout at that moment, in the queue or in service', () => {
    const { answers, served } = serve({ concurrency: 1, serviceMs: 150, timeout: { afterMs: 400, status: 400, body: 'unexpected EOF' } }, [1, 2, 3, 4].map(() => ['register', 1000] as const));
    // Served at 1155 and 1305; the third would end at 1455 > 1405, so it is cut at 1405; the fourth, still queued, at 1405 too.
    expect(served()).toEqual(['register@1155', 'register@1305']);
    expect(answers).toEqual(['register.response 200 @1160', 'register.response 200 @1310', 'register.response 400 @1410', 'register.response 400 @1410']);
  });

  it('loses what was queued or in service when the node crashes', () => {
    const { answers, result } = serve({ concurrency: 1, serviceMs: 100 }, [1, 2, 3].map(() => ['get', 1000] as const), [{ kind: 'crash', atMs: 1150, node: 'server', downMs: 10 }]);
    expect(answers).toEqual(['get.response 200 @1110', 'get.timeout @31000', 'get.timeout @31000']);
    expect(result.trace.filter((r) => r.kind === 'drop' && r.detail.includes("server's queue"))).toHaveLength(2);
  });

  it('rejects a capacity that makes no sense, naming the node', () => {
    expect(serve({ concurrency: 0, serviceMs: 100 }, []).result.outcome).toMatchObject({ kind: 'model-crash', message: expect.stringMatching(/node 'server': capacity: concurrency/) });
  });
});
