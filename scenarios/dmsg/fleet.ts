/**
 * The relay fleet the dmsg scenarios share: discovery (`disc`) and up to
 * FLEET_MAX servers (`srv-1`, ...), all down until the fleet boots. The
 * `cold-start` fault boots `size` of them and discovery at once; late boots
 * and restarts are the explorer's crash faults around it.
 */
import { discovery, discoveryCapacity, storedEntries, type DiscoveryFlags } from '../../models/dmsg/discovery.ts';
import { relayServer, type ServerFlags } from '../../models/dmsg/relay-server.ts';
import type { CustomFaultHandler, NodeHandle, ScenarioBuilder } from 'chaos-testbed';

export type FleetFlags = ServerFlags & DiscoveryFlags;

/** The largest fleet the library's scenarios lay out (the issue's 2 to 50; the benchmark goes further). */
export const FLEET_MAX = 50;

/** `srv-1` ... `srv-<count>`. */
export function serverNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `srv-${i + 1}`);
}

export interface Fleet {
  readonly disc: NodeHandle<typeof discovery>;
  readonly servers: readonly NodeHandle<typeof relayServer>[];
  /** The cold start has happened (a second one in a plan has no effect). */
  booted: boolean;
}

/** Lays out discovery and `max` servers (default FLEET_MAX), all down, each configured with all the others. */
export function buildFleet(sim: ScenarioBuilder, flags: FleetFlags, options: { readonly max?: number } = {}): Fleet {
  const configured = serverNames(options.max ?? FLEET_MAX);
  const servers = configured.map((id) =>
    sim.node(id, relayServer, (io) => ({ io, disc: 'disc', peers: configured.filter((p) => p !== id), acceptGatedOnTransit: flags.acceptGatedOnTransit, acceptGatedOnRegistration: flags.acceptGatedOnRegistration }), { startAtMs: null }),
  );
  const disc = sim.node('disc', discovery, (io) => ({ io, servers: configured, dialFrom: flags.dialFrom }), { startAtMs: null, capacity: discoveryCapacity(flags.readTimeoutMs) });
  return { disc, servers, booted: false };
}

/** The fleet boots from all down: `size` servers, then discovery, all at once. */
export const coldStart: CustomFaultHandler<Fleet> = {
  about: 'The whole fleet boots from all down (a fleet-wide redeploy): size servers and discovery, whose store is empty.',
  validate: (f) => (Number.isInteger(f.size) && (f.size as number) >= 1 ? undefined : "needs 'size' (a whole number of servers)"),
  apply: (f, fleet) => {
    if (fleet.booted) return false;
    if ((f.size as number) > fleet.servers.length) return false;
    for (const server of fleet.servers.slice(0, f.size as number)) {
      server.start();
    }
    fleet.booted = true;
    fleet.disc.start();
    return true;
  },
};

/** Why a server is not serving yet, for people (`entries`: discovery's, if the caller has them already). */
export function describeServer(server: NodeHandle<typeof relayServer>, disc: NodeHandle<typeof discovery>, entries: ReadonlySet<string> = discoveryEntries(disc)): string {
  const c = server.snapshot()?.context;
  if (c === undefined) return `${server.id} down`;
  const registered = c.registered && entries.has(server.id);
  const waits: string[] = [];
  if (!c.accepting) {
    if (c.acceptGatedOnTransit && c.sessions.length === 0) waits.push('accept loop waits for transit Ready (no session)');
    if (c.acceptGatedOnRegistration && !c.registered) waits.push('accept loop parked behind registration');
  }
  return `${server.id} ${c.accepting ? 'accepting' : `not accepting (${c.backlog.length} dials queued)`}, ${registered ? 'registered' : 'unregistered'}, ${c.sessions.length} sessions${waits.length > 0 ? `: ${waits.join('; ')}` : ''}`;
}

/** Whether a server is accepting and has its entry in discovery (`entries`: discovery's, as a set). */
export function serving(server: NodeHandle<typeof relayServer>, entries: ReadonlySet<string>): boolean {
  const c = server.snapshot()?.context;
  return c !== undefined && c.accepting && c.registered && entries.has(server.id);
}

const NO_ENTRIES: ReadonlySet<string> = new Set();
/** The array discovery's entries were last made into a set from, and that set. */
let entriesMadeFrom: readonly string[] | undefined;
let entriesMade: ReadonlySet<string> = NO_ENTRIES;

/** Discovery's entries, as a set (empty while it is down). */
export function discoveryEntries(disc: NodeHandle<typeof discovery>): ReadonlySet<string> {
  const d = disc.snapshot();
  const stored = d === undefined ? [] : storedEntries(d.context.io);
  if (stored.length === 0) return NO_ENTRIES;
  // Invariants ask after every step, and the entries change at a few of them: discovery stores a new
  // array when they change and never edits one, so the set made from the same array is still right.
  if (stored !== entriesMadeFrom) {
    entriesMadeFrom = stored;
    entriesMade = new Set(stored);
  }
  return entriesMade;
}
