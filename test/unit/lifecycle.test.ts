import { describe, expect, it } from 'vitest';
import { defineScenario, run, type Fault, type NodeHandle, type NodeIO, type NodeOptions } from 'chaos-testbed';
import { probe } from '../fixtures/probe.ts';

type Probe = NodeHandle<typeof probe>;

/** A `worker` declared with `options`, a `peer` and a `ctl`; `workload` schedules what they do. */
function lifecycle(options: NodeOptions, workload: (sim: { at(ms: number, fn: () => void): void }, n: { worker: Probe; peer: Probe; ctl: Probe }) => void, faults: Fault[] = []) {
  let nodes: { worker: Probe; peer: Probe; ctl: Probe } | undefined;
  const scenario = defineScenario({
    id: 'test/lifecycle',
    title: 'lifecycle',
    description: 'kernel test',
    variants: { buggy: {}, fixed: {} },
    durationMs: 60_000,
    build(sim) {
      nodes = {
        worker: sim.node('worker', probe, (io) => ({ io }), options),
        peer: sim.node('peer', probe, (io) => ({ io })),
        ctl: sim.node('ctl', probe, (io) => ({ io })),
      };
      workload(sim, nodes);
      return nodes;
    },
    invariants: () => [],
  });
  const result = run(scenario, 'buggy', 1, { faults }, { traceMode: 'full' });
  const lines = result.trace.filter((r) => r.node === 'worker' && (r.kind === 'start' || r.kind === 'crash')).map((r) => `${r.atMs} ${r.kind} ${r.detail}`);
  return { result, lines, nodes: nodes! };
}

const doAt = (sim: { at(ms: number, fn: () => void): void }, node: Probe, atMs: number, fn: (io: NodeIO) => void) => sim.at(atMs, () => node.send({ type: 'do', run: fn }));

describe('process lifecycle', () => {
  it('io.exit ends the process; with no policy it stays down, its exit code readable', () => {
    const { lines, nodes } = lifecycle({}, (sim, n) => doAt(sim, n.worker, 1000, (io) => io.exit(3)));
    expect(lines).toEqual(['0 start incarnation 1', '1000 crash exited with code 3']);
    expect(nodes.worker.status()).toBe('down');
    expect(nodes.worker.exitCode()).toBe(3);
  });

  it('restart policies: always restarts any exit, on-failure only a non-zero one, after delayMs', () => {
    const exits = (policy: 'always' | 'on-failure', code: number) =>
      lifecycle({ restart: { policy, delayMs: 500 } }, (sim, n) => doAt(sim, n.worker, 1000, (io) => io.exit(code))).lines;
    expect(exits('always', 0)).toEqual(['0 start incarnation 1', '1000 crash exited with code 0', '1500 start incarnation 3']);
    expect(exits('on-failure', 1)).toEqual(['0 start incarnation 1', '1000 crash exited with code 1', '1500 start incarnation 3']);
    expect(exits('on-failure', 0)).toEqual(['0 start incarnation 1', '1000 crash exited with code 0']);
  });

  it('nothing the exiting step does afterwards leaves the node', () => {
    const { nodes } = lifecycle({}, (sim, n) => doAt(sim, n.worker, 1000, (io) => {
      io.exit(1);
      io.send('peer', { type: 'after-exit' });
    }));
    expect(nodes.peer.snapshot()!.context.received).toEqual([]);
  });

  it('gives each start after the first a new address; messages to the old one are lost', () => {
    const { nodes, result } = lifecycle({ restart: { policy: 'always', delayMs: 100, newAddress: true } }, (sim, n) => {
      doAt(sim, n.worker, 1000, (io) => io.exit(1));
      doAt(sim, n.peer, 2000, (io) => {
        io.send('worker', { type: 'to-old-address' });
        io.send('worker@2', { type: 'to-new-address' });
      });
      doAt(sim, n.worker, 3000, (io) => io.send('peer', { type: `from ${io.node}` }));
    });
    expect(nodes.worker.address()).toBe('worker@2');
    expect(nodes.worker.snapshot()!.context.received.map((r) => r.type)).toEqual(['to-new-address']);
    expect(nodes.peer.snapshot()!.context.received.map((r) => `${r.type} ${r.from}`)).toEqual(['from worker@2 worker@2']);
    expect(result.trace.some((r) => r.kind === 'drop' && r.detail.startsWith('to-old-address: nothing listens at worker any more'))).toBe(true);
  });

  it('a crash fault restarting the node gives it a new address too', () => {
    const { nodes } = lifecycle({ restart: { policy: 'never', delayMs: 0, newAddress: true } }, () => {}, [{ kind: 'crash', atMs: 1000, node: 'worker', downMs: 500 }]);
    expect(nodes.worker.address()).toBe('worker@2');
    expect(nodes.worker.starts()).toBe(2);
  });

  it('a controller model starts and stops a declared node through its io', () => {
    const { lines } = lifecycle({ startAtMs: null }, (sim, n) => {
      doAt(sim, n.ctl, 1000, (io) => io.startNode('worker'));
      doAt(sim, n.ctl, 2000, (io) => io.stopNode('worker'));
      doAt(sim, n.ctl, 3000, (io) => io.startNode('worker'));
    });
    expect(lines).toEqual(['1000 start incarnation 1', '2000 crash stopped by ctl', '3000 start incarnation 3']);
  });

  it('a warm start: the node begins with the durable state it is declared with', () => {
    const { nodes } = lifecycle({ durable: { member: 'joined', epoch: 7 } }, () => {});
    const io = (nodes.worker.snapshot()!.context as { io: NodeIO }).io;
    expect(io.durable.get('member')).toBe('joined');
    expect(io.durable.get('epoch')).toBe(7);
  });

  it('refuses a restart policy it does not know, naming the node', () => {
    const { result } = lifecycle({ restart: { policy: 'sometimes' as never, delayMs: 0 } }, () => {});
    expect(result.outcome).toMatchObject({ kind: 'model-crash', message: expect.stringContaining("node 'worker': restart policy must be never, always or on-failure") });
  });
});
