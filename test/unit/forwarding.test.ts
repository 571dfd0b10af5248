import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { defineScenario, run, type Fault, type ForwardOptions, type IncomingRequest, type NodeHandle, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { probe } from '../fixtures/probe.ts';

/** A relay that forwards every request to `upstream` with `options`, and keeps the answers it saw. */
const relay = setup({
  types: {
    input: {} as { io: NodeIO; upstream: string; options: Omit<ForwardOptions, 'timeoutMs'> },
    context: {} as { io: NodeIO; upstream: string; options: Omit<ForwardOptions, 'timeoutMs'>; answers: (ResponseEvent | TimeoutEvent)[] },
    events: {} as IncomingRequest | ResponseEvent | TimeoutEvent,
  },
}).createMachine({
  context: ({ input }) => ({ ...input, answers: [] }),
  on: {
    '*': {
      actions: ({ context, event }) => {
        if ('forwarded' in event && event.forwarded !== undefined) context.answers.push(event as ResponseEvent | TimeoutEvent);
        else if ('requestId' in event && !event.type.includes('.')) context.io.forward(event as IncomingRequest, context.upstream, { timeoutMs: 500, ...context.options });
      },
    },
  },
});

type Received = { type: string; status?: number };

function throughRelay(options: Omit<ForwardOptions, 'timeoutMs'>, faults: Fault[] = [], replyStatus = 200) {
  let client: NodeHandle<typeof probe> | undefined;
  let upstream: NodeHandle<typeof probe> | undefined;
  let proxy: NodeHandle<typeof relay> | undefined;
  const scenario = defineScenario({
    id: 'test/forward',
    title: 'forward',
    description: 'kernel test',
    variants: { buggy: {}, fixed: {} },
    durationMs: 10_000,
    build(sim) {
      upstream = sim.node('upstream', probe, (io) => ({ io, replyStatus }));
      proxy = sim.node('proxy', relay, (io) => ({ io, upstream: 'upstream', options }));
      client = sim.node('client', probe, (io) => ({ io }));
      sim.at(1000, () => client!.send({ type: 'do', run: (io) => void io.request('proxy', { type: 'get', key: 'k1' }, { timeoutMs: 2000 }) }));
      return {};
    },
    invariants: () => [],
  });
  const result = run(scenario, 'buggy', 1, { faults }, { traceMode: 'full' });
  const received = (node: NodeHandle<typeof probe> | undefined): readonly Received[] => node!.snapshot()!.context.received;
  return { result, client: received(client), upstream: received(upstream), proxy: proxy!.snapshot()!.context.answers };
}

describe('forwarding', () => {
  it('relays the request upstream with its fields and the answer back, keeping no map', () => {
    const { client, upstream, proxy } = throughRelay({}, [], 201);
    expect(upstream.map((r) => r.type)).toEqual(['get']);
    expect(client.map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 201']);
    // The proxy's actor also hears the answer, with the request it forwarded.
    expect(proxy).toHaveLength(1);
    expect(proxy[0]!.forwarded).toMatchObject({ type: 'get', key: 'k1', from: 'client' });
    expect(proxy[0]!.request).toEqual({ type: 'get', key: 'k1' });
  });

  it('answers 504 when the upstream does not answer in time', () => {
    const cut: Fault = { kind: 'partition', atMs: 0, durationMs: 10_000, from: 'proxy', to: 'upstream', oneWay: false };
    const { client, proxy } = throughRelay({}, [cut]);
    expect(client.map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 504']);
    expect(proxy[0]).toMatchObject({ type: 'get.timeout', reason: 'deadline', request: { type: 'get', key: 'k1' } });
  });

  it('sends what `message` says, and answers what `reply` makes of the answer', () => {
    const { client, upstream } = throughRelay({ message: { type: 'lookup' }, reply: (a) => ({ status: 'status' in a ? a.status + 1 : 599 }) });
    expect(upstream.map((r) => r.type)).toEqual(['lookup']);
    expect(client.map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 201']);
  });

  it('leaves the answer to the actor when `reply` returns undefined', () => {
    const { client } = throughRelay({ reply: () => undefined });
    expect(client.map((r) => r.type)).toEqual(['get.timeout']);
  });
});

describe('io and handles as plain functions', () => {
  it('work when a model or a scenario takes them off their object (no `this`)', () => {
    let client: NodeHandle<typeof probe> | undefined;
    let server: NodeHandle<typeof probe> | undefined;
    const scenario = defineScenario({
      id: 'test/destructured-io',
      title: 'destructured io',
      description: 'kernel test',
      variants: { buggy: {}, fixed: {} },
      durationMs: 5_000,
      build(sim) {
        server = sim.node('server', probe, (io) => ({ io }));
        client = sim.node('client', probe, (io) => ({ io }));
        const { send } = client;
        sim.at(1000, () =>
          send({
            type: 'do',
            run: (io) => {
              const { request, nowMs, note } = io;
              note(`asking at ${nowMs()}`);
              request('server', { type: 'get' }, { timeoutMs: 500 });
            },
          }),
        );
        return {};
      },
      invariants: () => [],
    });
    const result = run(scenario, 'buggy', 1, { faults: [] }, { traceMode: 'full' });
    expect(result.outcome.kind).toBe('pass');
    const { snapshot, status } = client!;
    expect(status()).toBe('up');
    expect(snapshot()!.context.received.map((r) => `${r.type} ${r.status}`)).toEqual(['get.response 200']);
    expect(server!.snapshot()!.context.received.map((r) => r.type)).toEqual(['get']);
    expect(result.trace.some((r) => r.kind === 'note' && r.detail === 'asking at 1000')).toBe(true);
  });
});
