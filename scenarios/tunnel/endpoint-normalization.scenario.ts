/**
 * tunnel/endpoint-normalization: a bare `host:port` endpoint is reported
 * "origin not reachable" forever while the tunnel serves it fine.
 *
 * Source: shared/incidents/002_7922b7283284f21b.txt. The CLI accepted
 * `--endpoint 127.0.0.1:11434` and handed it to reqwest, whose builder
 * refuses a URL without a scheme; the probe printed "origin not reachable
 * ... builder error" every second while the proxy probe got HTTP 200
 * through the tunnel to the same host:port. The fix canonicalizes the
 * endpoint (`lib::normalize_endpoint`, the form stored on the HTTPProxy)
 * before probing and displays that form.
 *
 * Here the search space is the input, not the faults: the plan holds one
 * `run-tunnel` event whose endpoint string fast-check generates (schemes in
 * any case or none, IPv4, localhost, IPv6 with and without brackets, ports
 * in and out of range or none, trailing slashes) and shrinks to a minimal
 * string.
 */
import fc from 'fast-check';
import { normalizeEndpoint } from '../../models/tunnel/endpoint.ts';
import { endpointApi, endpointCli, origin, type VerifyRound } from '../../models/tunnel/endpoint-probe.ts';
import { always, defineScenario, sometimes, violated } from 'chaos-testbed';

/** Endpoint strings as users type them; the first choice of each part is where shrinking goes. */
export const endpointInput = fc
  .tuple(
    fc.constantFrom('', 'http://', 'HTTP://', 'https://', 'Http://', 'ftp://'),
    fc.constantFrom('127.0.0.1', 'localhost', 'LOCALHOST', '10.0.0.5', '[::1]', '[::FFFF:7f00:1]', '::1', ''),
    fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 70_000 }).map((port) => `:${port}`)),
    fc.constantFrom('', '/', '//', '/api'),
  )
  .map((parts) => parts.join(''));

/** A bad endpoint must be refused with its reason this fast. */
const CLEAR_ERROR_MS = 2_000;

export default defineScenario({
  id: 'tunnel/endpoint-normalization',
  title: 'A bare host:port endpoint is "not reachable" forever',
  description:
    'The CLI hands the endpoint as typed to its HTTP client; a bare 127.0.0.1:11434 is a builder error, reported as ' +
    '"origin not reachable" every second, while the proxy probe gets HTTP 200 through the tunnel to the same origin.',
  source: { incident: '002_7922b7283284f21b.txt', figures: ['--endpoint 127.0.0.1:11434 (no scheme)', '"origin not reachable ... builder error" while the proxy probe gets 200'] },
  variants: { buggy: { normalizeLocally: false }, fixed: { normalizeLocally: true } },
  durationMs: 30_000,
  faultSpace: {
    windowMs: [0, 0],
    maxFaults: 1,
    kinds: {},
    custom: { 'run-tunnel': { fields: { endpoint: { arbitrary: endpointInput } } } },
  },
  build(sim, flags) {
    const service = sim.node('origin', origin, (io) => ({ io }));
    const api = sim.node('api', endpointApi, (io) => ({ io, origin: 'origin' }));
    const cli = sim.node('cli', endpointCli, (io) => ({ io, api: 'api', origin: 'origin', normalizeLocally: flags.normalizeLocally }));
    return { service, api, cli };
  },
  customFaults: {
    'run-tunnel': {
      about: 'The user runs the tunnel with --endpoint set to this string; the service they mean is listening there.',
      validate: (f) => (typeof f.endpoint === 'string' ? undefined : "needs 'endpoint' (a string)"),
      apply: (f, { service, cli }) => {
        const endpoint = f.endpoint as string;
        const meant = normalizeEndpoint(endpoint);
        if (meant.ok) service.send({ type: 'listen', url: meant.url });
        cli.send({ type: 'run', endpoint });
        return true;
      },
    },
  },
  invariants: ({ api, cli }) => [
    sometimes('verified', 'A tunnel verified end to end is the normal path; a search that never gets there tests nothing.', () => cli.snapshot()?.context.exit?.code === 0),
    always('local-probe-agrees', 'When the proxy reaches the origin through the tunnel, a local probe that calls it unreachable sends the user chasing a working service.', () => {
      const c = cli.snapshot()?.context;
      const round = c?.rounds.find((r: VerifyRound) => r.proxyOk && r.localError !== null);
      if (round === undefined) return true;
      return violated(`--endpoint '${c!.input}': ✓ proxy responding, but "origin not reachable [${round.displayed}]: ${round.localError}"`, { endpoint: c!.input, localError: round.localError });
    }),
    always('displayed-is-canonical', 'The URL the CLI shows must be the one stored on the tunnel, or the user compares two different things.', () => {
      // Judged on what the verify lines print.
      const displayed = cli.snapshot()?.context.rounds[0]?.displayed;
      const stored = api.snapshot()?.context.stored;
      if (displayed == null || stored == null || displayed === stored) return true;
      return violated(`the CLI shows [${displayed}] while the tunnel stores ${stored}`, { displayed, stored });
    }),
    always('bad-endpoint-clear-error', `A bad endpoint must be refused within ${CLEAR_ERROR_MS} ms with the reason, not probed as "not reachable".`, (world) => {
      const c = cli.snapshot()?.context;
      if (c?.input == null || normalizeEndpoint(c.input).ok) return true;
      if (c.rounds.length > 0) return violated(`--endpoint '${c.input}' is invalid but was probed: "${c.rounds[0]!.localError}"`, { endpoint: c.input });
      if (c.exit === null && world.nowMs > CLEAR_ERROR_MS) return violated(`--endpoint '${c.input}' is invalid and the CLI has said nothing for ${world.nowMs} ms`, { endpoint: c.input });
      if (c.exit !== null && !/endpoint/.test(c.exit.message)) return violated(`--endpoint '${c.input}' is invalid and the CLI said only: ${c.exit.message}`, { endpoint: c.input });
      return true;
    }),
  ],
});
