import { describe, expect, it } from 'vitest';
import { defineScenario, run, withLibraryAnswers, type AnyScenario, type Fault, type NodeIO, type RunResult } from 'chaos-testbed';
import { probe, type Received } from '../fixtures/probe.ts';

/** A probe whose session library echoes pings while its reply status is 200, and stays silent otherwise. */
const keepaliveServer = withLibraryAnswers(probe.provide({}), {
  ping: (request, context) => (context.replyStatus === 200 && request.from === 'a' ? { status: 200 } : undefined),
  boom: () => {
    throw new Error('the library broke');
  },
});

type Step = readonly [atMs: number, run: (io: NodeIO) => void];

/** `a` (a plain probe) runs `steps` against `b`, which is the keepalive server or, with `plainB`, a plain probe that answers in its actor. */
function scenario(steps: readonly Step[], options: { plainB?: boolean; bStatus?: number } = {}): AnyScenario {
  return defineScenario({
    id: 'test/library-answers',
    title: 'library answers',
    description: 'kernel test',
    variants: { buggy: {}, fixed: {} },
    durationMs: 10_000,
    build(sim) {
      const a = sim.node('a', probe, (io) => ({ io }));
      const b = sim.node('b', options.plainB === true ? probe : keepaliveServer, (io) => ({ io, replyStatus: options.bStatus ?? 200 }));
      for (const [atMs, fn] of steps) sim.at(atMs, () => a.send({ type: 'do', run: fn }));
      return { a, b };
    },
    invariants: () => [],
  });
}

function runIt(steps: readonly Step[], options: { plainB?: boolean; bStatus?: number; faults?: Fault[] } = {}): { result: RunResult; a: readonly Received[]; b: readonly Received[] } {
  let nodes: { a: { snapshot(): unknown }; b: { snapshot(): unknown } } | undefined;
  const s = scenario(steps, options);
  const build = s.build.bind(s);
  const watched = { ...s, build: (sim: never, flags: never) => (nodes = build(sim, flags) as never) } as AnyScenario;
  const result = run(watched, 'buggy', 1, { faults: options.faults ?? [] }, { traceMode: 'full' });
  const received = (n: { snapshot(): unknown }) => ((n.snapshot() as { context: { received: Received[] } } | undefined)?.context.received ?? []);
  return { result, a: received(nodes!.a), b: received(nodes!.b) };
}

const ping: Step = [1000, (io) => void io.request('b', { type: 'ping' }, { timeoutMs: 2000 })];
const heard = (received: readonly Received[]) => received.filter((r) => r.type !== 'do').map((r) => `${r.type}${r.status === undefined ? '' : ` ${r.status}`}${r.reason === undefined ? '' : ` ${r.reason}`}`);

describe('withLibraryAnswers', () => {
  it('answers a request without the actor, and the trace is the one an actor answering at once makes', () => {
    const library = runIt([ping]);
    expect(heard(library.a)).toEqual(['ping.response 200']);
    expect(heard(library.b)).toEqual([]);
    const actor = runIt([ping], { plainB: true });
    expect(heard(actor.b)).toEqual(['ping']);
    expect(library.result.trace).toEqual(actor.result.trace);
    expect(library.result.traceHash).toBe(actor.result.traceHash);
    expect(library.result.trace.some((t) => t.node === 'b' && t.kind === 'deliver' && t.detail.startsWith('ping'))).toBe(true);
  });

  it('reads the context as it is now: undefined sends nothing, and the caller times out', () => {
    const { a, b } = runIt([ping], { bStatus: 503 });
    expect(heard(a)).toEqual(['ping.timeout deadline']);
    expect(heard(b)).toEqual([]);
  });

  it('leaves one-way messages of the same type, and other requests, to the actor', () => {
    const { a, b } = runIt([
      [1000, (io) => io.send('b', { type: 'ping' })],
      [1100, (io) => void io.request('b', { type: 'get' }, { timeoutMs: 2000 })],
    ]);
    expect(heard(b)).toEqual(['ping', 'get']);
    expect(heard(a)).toEqual(['get.response 200']);
  });

  it('answers on the connection a request came on', () => {
    let connection = '';
    const { a, b } = runIt([
      [1000, (io) => void (connection = io.connect('b'))],
      [2000, (io) => void io.requestOn(connection, { type: 'ping' }, { timeoutMs: 2000 })],
    ]);
    expect(heard(a)).toEqual(['connection.opened', 'ping.response 200']);
    expect(a.find((r) => r.type === 'ping.response')?.connection).toBe(connection);
    expect(heard(b)).toEqual(['connection.opened']);
  });

  it('answers a paused node\'s requests when it wakes, as its actor would', () => {
    const pause: Fault = { kind: 'pause', node: 'b', atMs: 900, durationMs: 1000 };
    const { a, result } = runIt([ping], { faults: [pause] });
    expect(heard(a)).toEqual(['ping.response 200']);
    const answered = result.trace.find((t) => t.node === 'b' && t.kind === 'send');
    expect(answered?.atMs).toBeGreaterThanOrEqual(1900);
  });

  it('meets request faults at the front end, before the library: an error answers for it, a lost reply is its reply lost', () => {
    const fault = (mode: 'error' | 'drop-reply'): Fault => ({ kind: 'request-fault', atMs: 500, node: 'b', type: 'ping', mode, count: 1 });
    expect(heard(runIt([ping], { faults: [fault('error')] }).a)).toEqual(['ping.response 503']);
    const lost = runIt([ping], { faults: [fault('drop-reply')] });
    expect(heard(lost.a)).toEqual(['ping.timeout deadline']);
    expect(lost.result.trace.some((t) => t.node === 'b' && t.kind === 'drop' && t.detail.includes('reply lost'))).toBe(true);
  });

  it('ends the run as a model crash of the node whose answer threw', () => {
    const { result } = runIt([[1000, (io) => void io.request('b', { type: 'boom' }, { timeoutMs: 2000 })]]);
    expect(result.outcome.kind).toBe('model-crash');
    expect(JSON.stringify(result.outcome)).toContain('the library broke');
  });

  it('refuses a second declaration for one machine, and an answer that is not a function', () => {
    expect(() => withLibraryAnswers(keepaliveServer, { ping: () => undefined })).toThrow(/already has its library answers/);
    expect(() => withLibraryAnswers(probe.provide({}), { ping: 'pong' as never })).toThrow(/the answer to 'ping' must be a function/);
  });
});
