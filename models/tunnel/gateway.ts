/**
 * The iroh gateway: takes a request for a tunnel hostname, finds the device
 * through the hostname's TXT record, dials that listen node and proxies.
 *
 * Its resolver is a cache, not the truth: positive and negative answers are
 * kept for DNS_TTL_MS. After a restart the record names a new node, but a
 * cached answer still names the old one, and every dial to it fails until
 * the entry expires. Bug flag `reResolveOnDialFailure`: when a dial fails,
 * evict the entry and resolve again at once (the fix) or keep serving the
 * stale answer until its TTL runs out (the incident).
 */
import { assign, setup } from 'xstate';
import { answeredOk, type IncomingRequest, type NodeIO, type ResponseEvent, type TimeoutEvent } from 'chaos-testbed';
import { DIAL_TIMEOUT_MS, DNS_TTL_MS } from './timing.ts';

export type GatewayFlags = { readonly reResolveOnDialFailure: boolean };

type HttpGet = IncomingRequest<{ readonly type: 'http-get'; readonly hostname: string }>;
interface CacheEntry {
  readonly node: string | null;
  readonly expiresAtMs: number;
}
interface Waiting {
  readonly request: HttpGet;
  readonly step: 'resolve' | 'dial';
  readonly attempt: number;
}
interface GatewayContext extends GatewayFlags {
  readonly io: NodeIO;
  readonly dns: string;
  readonly cache: Readonly<Record<string, CacheEntry>>;
  readonly waiting: Readonly<Record<string, Waiting>>;
}
type GatewayEvent = HttpGet | ResponseEvent<'resolve', { node: string } | string> | TimeoutEvent<'resolve'> | ResponseEvent<'proxy'> | TimeoutEvent<'proxy'>;
type Draft = { cache: Record<string, CacheEntry>; waiting: Record<string, Waiting> };

/** Serves `request` from the cache or asks the authoritative DNS. */
function lookUp(context: GatewayContext, d: Draft, request: HttpGet, attempt: number): void {
  const entry = d.cache[request.hostname];
  if (entry !== undefined && entry.expiresAtMs > context.io.nowMs()) return dial(context, d, request, attempt, entry.node);
  d.waiting[context.io.request(context.dns, { type: 'resolve', hostname: request.hostname }, { timeoutMs: DIAL_TIMEOUT_MS })] = { request, step: 'resolve', attempt };
}

function dial(context: GatewayContext, d: Draft, request: HttpGet, attempt: number, node: string | null): void {
  if (node === null) return context.io.reply(request, { status: 404, body: `no tunnel for ${request.hostname} (NXDOMAIN)` });
  d.waiting[context.io.request(node, { type: 'proxy', hostname: request.hostname }, { timeoutMs: DIAL_TIMEOUT_MS })] = { request, step: 'dial', attempt };
}

function answered(context: GatewayContext, d: Draft, event: Exclude<GatewayEvent, HttpGet>): void {
  const waiting = d.waiting[event.requestId];
  if (waiting === undefined) return;
  delete d.waiting[event.requestId];
  const { request, attempt } = waiting;
  const ok = answeredOk(event);
  if (waiting.step === 'resolve') {
    if (event.type === 'resolve.timeout') return context.io.reply(request, { status: 502, body: 'resolver timed out' });
    const node = ok ? ((event as ResponseEvent).body as { node: string }).node : null;
    d.cache[request.hostname] = { node, expiresAtMs: context.io.nowMs() + DNS_TTL_MS };
    return dial(context, d, request, attempt, node);
  }
  if (ok) return context.io.reply(request, { status: 200, body: 'proxied' });
  if (context.reResolveOnDialFailure && attempt === 1) {
    delete d.cache[request.hostname];
    return lookUp(context, d, request, 2);
  }
  context.io.reply(request, { status: 502, body: `dial to ${d.cache[request.hostname]?.node ?? 'node'} failed` });
}

export const gateway = setup({
  types: {
    input: {} as GatewayFlags & { io: NodeIO; dns: string },
    context: {} as GatewayContext,
    events: {} as GatewayEvent,
  },
  actions: {
    handle: assign(({ context, event }) => {
      const d: Draft = { cache: { ...context.cache }, waiting: { ...context.waiting } };
      if (event.type === 'http-get') lookUp(context, d, event, 1);
      else answered(context, d, event);
      return d;
    }),
  },
}).createMachine({
  id: 'gateway',
  context: ({ input }) => ({ ...input, cache: {}, waiting: {} }),
  on: {
    'http-get': { actions: 'handle' },
    'resolve.response': { actions: 'handle' },
    'resolve.timeout': { actions: 'handle' },
    'proxy.response': { actions: 'handle' },
    'proxy.timeout': { actions: 'handle' },
  },
});
