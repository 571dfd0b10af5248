/**
 * The built-in scenario library, in the order `npm run sim` runs it.
 */
import type { AnyScenario } from '../sim/index.ts';
import bootOrderDeadlock from './boot/order-deadlock.ts';
import breakerHerd from './dmsg/breaker-herd.ts';
import coldStart from './dmsg/cold-start.ts';
import emptyDiscovery from './dmsg/empty-discovery.ts';
import healthLies from './dmsg/health-lies.ts';
import pingStorm from './dmsg/ping-storm.ts';
import pqDowngrade from './dmsg/pq-downgrade.ts';
import readyLatch from './dmsg/ready-latch.ts';
import registrationTimeout from './dmsg/registration-timeout.ts';
import routeLeak from './dmsg/route-leak.ts';
import zombieEntry from './dmsg/zombie-entry.ts';
import canaryLease from './canary/lease.ts';
import deletedOwner from './ownership/deleted-owner.ts';
import keyCollision from './ownership/key-collision.ts';
import doubleProvision from './provision/double-provision.ts';
import api503Blip from './tunnel/api-503-blip.ts';
import detachReadiness from './tunnel/detach-readiness.ts';
import dnsTtlRestart from './tunnel/dns-ttl-restart.ts';
import endpointNormalization from './tunnel/endpoint-normalization.ts';

export const SCENARIOS: readonly AnyScenario[] = [canaryLease, deletedOwner, keyCollision, bootOrderDeadlock, doubleProvision, api503Blip, dnsTtlRestart, detachReadiness, endpointNormalization, coldStart, emptyDiscovery, registrationTimeout, breakerHerd, routeLeak, readyLatch, zombieEntry, healthLies, pqDowngrade, pingStorm];

/** The scenario with this id, or `undefined`. */
export function findScenario(id: string): AnyScenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
