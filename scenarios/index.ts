/**
 * The built-in scenario library, in the order `npm run sim` runs it.
 */
import type { AnyScenario } from '../sim/index.ts';
import bootOrderDeadlock from './boot/order-deadlock.ts';
import canaryLease from './canary/lease.ts';
import deletedOwner from './ownership/deleted-owner.ts';
import keyCollision from './ownership/key-collision.ts';
import doubleProvision from './provision/double-provision.ts';

export const SCENARIOS: readonly AnyScenario[] = [canaryLease, deletedOwner, keyCollision, bootOrderDeadlock, doubleProvision];

/** The scenario with this id, or `undefined`. */
export function findScenario(id: string): AnyScenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
