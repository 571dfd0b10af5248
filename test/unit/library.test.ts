import { describe, expect, it } from 'vitest';
import { createMachine } from 'xstate';
import { withLibrary, type Fault, type NodeIO, type RunResult } from 'chaos-testbed';
import { at, runProbes } from '../fixtures/scenario.ts';
import { probe, type Received } from '../fixtures/probe.ts';

/** A probe machine with a definition of its own (a library belongs to a definition, which `provide()` shares). */
const freshProbe = () => createMachine({ ...probe.config }, probe.implementations) as unknown as typeof probe;

/** A probe whose session library echoes pings while its reply status is 200, and stays silent otherwise. */
const keepaliveServer = withLibrary(freshProbe(), {
  answers: {
    ping: (request, context) => (context.replyStatus === 200 && request.from === 'a' ? { status: 200 } : undefined),
    boom: () => {
      throw new Error('the library broke');
    },
  },
});

type Step = readonly [atMs: number, run: (io: NodeIO) => void];

/** `a` (a plain probe) runs `steps` against `b`, which is the keepalive server, `bMachine`, or with `plainB` a plain probe that answers in its actor. */
function runIt(steps: readonly Step[], options: { plainB?: boolean; bMachine?: typeof probe; bStatus?: number; faults?: Fault[] } = {}): { result: RunResult; a: readonly Received[]; b: readonly Received[] } {
  const b = options.plainB === true ? probe : (options.bMachine ?? keepaliveServer);
  const { result, received } = runProbes(['a', 'b'], (sim, p) => steps.forEach(([atMs, fn]) => at(sim, p.a!, atMs, fn)), {
    machines: { b },
    replyStatus: options.bStatus,
    plan: { faults: options.faults ?? [] },
    durationMs: 10_000,
  });
  return { result, a: received('a'), b: received('b') };
}

const ping: Step = [1000, (io) => void io.request('b', { type: 'ping' }, { timeoutMs: 2000 })];
const heard = (received: readonly Received[]) => received.filter((r) => r.type !== 'do').map((r) => `${r.type}${r.status === undefined ? '' : ` ${r.status}`}${r.reason === undefined ? '' : ` ${r.reason}`}`);

describe('withLibrary answers', () => {
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

  it('holds for a machine provided from the declared one, and not for the machine it was declared beside', () => {
    const provided = keepaliveServer.provide({});
    const { a, b } = runIt([ping], { bMachine: provided });
    expect(heard(a)).toEqual(['ping.response 200']);
    expect(heard(b)).toEqual([]);
    expect(() => withLibrary(provided, { answers: {} })).toThrow(/already has its library/);
    expect(() => withLibrary(freshProbe(), { answers: {} })).not.toThrow();
  });

  it('refuses a second declaration for one machine, and an answer that is not a function', () => {
    expect(() => withLibrary(keepaliveServer, { answers: { ping: () => undefined } })).toThrow(/already has its library/);
    expect(() => withLibrary(freshProbe(), { answers: { ping: 'pong' as never } })).toThrow(/the answer to 'ping' must be a function/);
  });
});

/** A probe whose library pings `b` every second from its start, once its actor has heard `start-pinging` (it reads the context each period). */
const pinger = withLibrary(freshProbe(), {
  keepalive: { message: { type: 'ping' }, everyMs: 1000, timeoutMs: 500, peers: (context) => (context.received.some((r) => r.type === 'start-pinging') ? ['b'] : []) },
});

/** `a` runs the pinger, told to start pinging at `startPingingAtMs`; `b` is a plain probe answering with `bStatus`. */
function runPinger(options: { faults?: Fault[]; bStatus?: number; durationMs?: number; startPingingAtMs?: readonly number[] } = {}) {
  const { result, received } = runProbes(['a', 'b'], (sim, p) => (options.startPingingAtMs ?? [1500]).forEach((atMs) => sim.at(atMs, () => p.a!.send({ type: 'start-pinging' }))), {
    machines: { a: pinger },
    replyStatus: options.bStatus,
    plan: { faults: options.faults ?? [] },
    durationMs: options.durationMs ?? 4_500,
  });
  const pingsSentAtMs = result.trace.filter((t) => t.node === 'a' && t.kind === 'send' && t.detail.startsWith('ping')).map((t) => t.atMs);
  return { result, a: received('a').filter((r) => r.type !== 'start-pinging'), b: received('b'), pingsSentAtMs };
}

describe('withLibrary keepalive', () => {
  it('pings the peers the context lists, every period from the start, and keeps the echoes from the actor', () => {
    const { a, b, pingsSentAtMs } = runPinger();
    // Periods at 1, 2, 3 and 4 s; the context lists b from 1.5 s on.
    expect(pingsSentAtMs).toEqual([2000, 3000, 4000]);
    expect(heard(b)).toEqual(['ping', 'ping', 'ping']);
    expect(heard(a)).toEqual([]);
  });

  it('hands a failed ping to the actor, as a timeout or an answer that is not 2xx', () => {
    const cut: Fault = { kind: 'partition', atMs: 2900, durationMs: 200, from: 'a', to: 'b', oneWay: false };
    expect(heard(runPinger({ faults: [cut] }).a)).toEqual(['ping.timeout deadline']);
    expect(heard(runPinger({ bStatus: 503 }).a)).toEqual(['ping.response 503', 'ping.response 503', 'ping.response 503']);
  });

  it('stops with the incarnation and starts again from a restart', () => {
    const crash: Fault = { kind: 'crash', node: 'a', atMs: 2500, downMs: 300 };
    // Up again at 2.8 s with a fresh context: no peers until it hears start-pinging again.
    expect(runPinger({ faults: [crash] }).pingsSentAtMs).toEqual([2000]);
    // Heard again at 3 s: periods from 2.8 s.
    expect(runPinger({ faults: [crash], startPingingAtMs: [1500, 3000], durationMs: 6_000 }).pingsSentAtMs).toEqual([2000, 3800, 4800, 5800]);
  });

  it('waits out a pause, and counts its next period from when it ran', () => {
    const pause: Fault = { kind: 'pause', node: 'a', atMs: 1900, durationMs: 600 };
    expect(runPinger({ faults: [pause], durationMs: 6_000 }).pingsSentAtMs).toEqual([2500, 3500, 4500, 5500]);
  });

  it('ends the run as a model crash of the node whose keepalive pings no node', () => {
    const lost = withLibrary(freshProbe(), { keepalive: { message: { type: 'ping' }, everyMs: 1000, timeoutMs: 500, peers: () => ['nobody'] } });
    const { outcome } = runProbes(['a'], () => {}, { machines: { a: lost }, durationMs: 3_000 }).result;
    expect(outcome.kind).toBe('model-crash');
    expect(JSON.stringify(outcome)).toContain("'nobody', which is no node of this scenario");
  });

  it('refuses a keepalive without a type, a period or a peers function', () => {
    const declare = (keepalive: object) => () => withLibrary(freshProbe(), { keepalive: keepalive as never });
    expect(declare({ message: {}, everyMs: 1000, timeoutMs: 500, peers: () => [] })).toThrow(/keepalive.message needs a 'type'/);
    expect(declare({ message: { type: 'ping' }, everyMs: 0, timeoutMs: 500, peers: () => [] })).toThrow(/keepalive.everyMs must be whole ms > 0, got 0/);
    expect(declare({ message: { type: 'ping' }, everyMs: 1000, timeoutMs: 500, peers: ['b'] })).toThrow(/keepalive.peers must be a function/);
  });
});
