/**
 * The built-in scenario library, in the order `npm run sim` runs it.
 */
import type { AnyScenario } from '../sim/index.ts';
import bootOrderDeadlock from './boot/order-deadlock.scenario.ts';
import breakerHerd from './dmsg/breaker-herd.scenario.ts';
import coldStart from './dmsg/cold-start.scenario.ts';
import emptyDiscovery from './dmsg/empty-discovery.scenario.ts';
import healthLies from './dmsg/health-lies.scenario.ts';
import pingStorm from './dmsg/ping-storm.scenario.ts';
import pqDowngrade from './dmsg/pq-downgrade.scenario.ts';
import readyLatch from './dmsg/ready-latch.scenario.ts';
import registrationTimeout from './dmsg/registration-timeout.scenario.ts';
import routeLeak from './dmsg/route-leak.scenario.ts';
import zombieEntry from './dmsg/zombie-entry.scenario.ts';
import canaryLease from './canary/lease.scenario.ts';
import deletedOwner from './ownership/deleted-owner.scenario.ts';
import keyCollision from './ownership/key-collision.scenario.ts';
import doubleProvision from './provision/double-provision.scenario.ts';
import api503Blip from './tunnel/api-503-blip.scenario.ts';
import detachReadiness from './tunnel/detach-readiness.scenario.ts';
import dnsTtlRestart from './tunnel/dns-ttl-restart.scenario.ts';
import endpointNormalization from './tunnel/endpoint-normalization.scenario.ts';

export const SCENARIOS: readonly AnyScenario[] = [canaryLease, deletedOwner, keyCollision, bootOrderDeadlock, doubleProvision, api503Blip, dnsTtlRestart, detachReadiness, endpointNormalization, coldStart, emptyDiscovery, registrationTimeout, breakerHerd, routeLeak, readyLatch, zombieEntry, healthLies, pqDowngrade, pingStorm];

/** The scenario with this id, or `undefined`. */
export function findScenario(id: string): AnyScenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
