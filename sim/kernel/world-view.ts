/**
 * The world as invariants see it (`WorldView`): virtual time, the start of
 * the liveness phase, and what the explorer did and what is true now (node
 * status, cut links, the faults in force). Read-only: a check that could
 * change the world would make the checker part of the system under test.
 */
import type { Injector } from './injector.ts';
import type { WorldView } from './invariants.ts';
import type { World } from './world.ts';

export function worldView(world: World, injector: Injector, lastHealMs: number): WorldView {
  const kernel = world.kernel;
  return {
    get nowMs() {
      return kernel.nowMs;
    },
    lastHealMs,
    status: (node) => world.node(node).status,
    isCut: (from, to) => world.network.isPartitioned(from, to),
    get activeFaults() {
      return injector.activeFaults();
    },
  };
}
