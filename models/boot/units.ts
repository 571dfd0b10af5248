/**
 * The units of the boot-order incident, as data, and the static check of
 * their wait graph.
 *
 * systemd's ordering (`After=`, `Before=`) only says which start job waits
 * for which; `Wants=` and `Requires=` pull units into the boot transaction.
 * A health gate adds a wait that systemd cannot see: the unit's start command
 * loops until a URL answers, and that URL is served by whatever units deploy
 * its backends. The static check joins both kinds of edge and looks for a
 * cycle; a cycle means a fresh boot can only end by timeout.
 */

export interface UnitSpec {
  readonly name: string;
  readonly after: readonly string[];
  readonly before: readonly string[];
  readonly wants: readonly string[];
  readonly requires: readonly string[];
  readonly timeoutStartMs: number;
  /** The stack its start command deploys (`docker stack deploy`). */
  readonly deploys: string;
  /** The host its health gate polls until 200, or null when it has no gate. */
  readonly healthHost: string | null;
}

/** Hostnames and the stacks that must be running for each to answer 200 (Traefik routes them). */
export const ROUTES: Readonly<Record<string, readonly string[]>> = {
  'ci.commoninternet.net': ['proxy', 'dashboard'],
  'drone.ci.commoninternet.net': ['proxy', 'drone'],
  // Traefik's own api/ping router: answered by the proxy alone.
  'traefik.ci.commoninternet.net': ['proxy'],
};

/** What `multi-user.target` wants at boot. */
export const TARGET_WANTS: readonly string[] = ['deploy-proxy', 'deploy-dashboard', 'deploy-drone'];

/** The bug flags of a variant. */
export interface BootFlags {
  readonly [flag: string]: string | boolean;
  /** The host deploy-proxy's health gate polls. */
  readonly healthHost: string;
  /** deploy-dashboard has `After=deploy-proxy.service`. */
  readonly dashboardAfterProxy: boolean;
  /** deploy-proxy has `Wants=` and `After=deploy-dashboard.service`. */
  readonly proxyAfterDashboard: boolean;
}

/** The incident's units under a variant's flags. */
export function unitsFor(flags: BootFlags, timeoutStartMs: number): UnitSpec[] {
  return [
    {
      name: 'deploy-proxy',
      after: flags.proxyAfterDashboard ? ['deploy-dashboard'] : [],
      before: [],
      wants: flags.proxyAfterDashboard ? ['deploy-dashboard'] : [],
      requires: [],
      timeoutStartMs,
      deploys: 'proxy',
      healthHost: flags.healthHost,
    },
    {
      name: 'deploy-dashboard',
      after: flags.dashboardAfterProxy ? ['deploy-proxy'] : [],
      before: [],
      wants: [],
      requires: [],
      timeoutStartMs,
      deploys: 'dashboard',
      healthHost: null,
    },
    { name: 'deploy-drone', after: ['deploy-proxy'], before: [], wants: [], requires: [], timeoutStartMs, deploys: 'drone', healthHost: null },
  ];
}

/** An edge of the wait graph: `from` cannot finish starting before `to` has. */
export interface WaitEdge {
  readonly from: string;
  readonly to: string;
  /** Why: `After=` or `health gate: <host> needs <stack>`. */
  readonly why: string;
}

/** Ordering edges plus health-gate edges. */
export function waitEdges(units: readonly UnitSpec[]): WaitEdge[] {
  const edges: WaitEdge[] = [];
  const byStack = new Map(units.map((u) => [u.deploys, u.name]));
  for (const u of units) {
    for (const dep of u.after) edges.push({ from: u.name, to: dep, why: 'After=' });
    for (const later of u.before) edges.push({ from: later, to: u.name, why: 'Before=' });
    if (u.healthHost !== null) {
      for (const stack of ROUTES[u.healthHost] ?? []) {
        const deployer = byStack.get(stack);
        if (deployer !== undefined && deployer !== u.name) edges.push({ from: u.name, to: deployer, why: `health gate: ${u.healthHost} needs ${stack}` });
      }
    }
  }
  return edges;
}

/** The first cycle of the wait graph (as its edges), or null. Units are visited in declaration order. */
export function waitCycle(units: readonly UnitSpec[], edgesOf: (units: readonly UnitSpec[]) => WaitEdge[] = waitEdges): WaitEdge[] | null {
  const edges = edgesOf(units);
  const out = new Map<string, WaitEdge[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e]);
  const state = new Map<string, 'open' | 'done'>();
  const path: WaitEdge[] = [];
  const visit = (node: string): WaitEdge[] | null => {
    state.set(node, 'open');
    for (const e of out.get(node) ?? []) {
      if (state.get(e.to) === 'open') {
        const start = path.findIndex((p) => p.from === e.to);
        return [...path.slice(start === -1 ? path.length : start), e];
      }
      if (state.get(e.to) === undefined) {
        path.push(e);
        const found = visit(e.to);
        if (found !== null) return found;
        path.pop();
      }
    }
    state.set(node, 'done');
    return null;
  };
  for (const u of units) {
    if (state.get(u.name) === undefined) {
      const found = visit(u.name);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Ordering edges only (what systemd itself checks in a transaction). */
export function orderingEdges(units: readonly UnitSpec[]): WaitEdge[] {
  return waitEdges(units).filter((e) => !e.why.startsWith('health gate'));
}

/** `a → b (why) → c`, for reports. */
export function describeCycle(cycle: readonly WaitEdge[]): string {
  if (cycle.length === 0) return '';
  return [cycle[0]!.from, ...cycle.map((e) => `(${e.why}) → ${e.to}`)].join(' ');
}
