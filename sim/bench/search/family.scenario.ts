/**
 * The search-power benchmark's family of synthetic bugs (`npm run bench:search`),
 * each a scenario built with the public API, of known difficulty:
 *
 * - ordered pairs and triples of faults, each within w of the previous, w
 *   from 10 ms to 5 s (ordered-chain.ts)
 * - a lost reply to one applied request (lost-reply.ts)
 * - two outages that must overlap for more than 30 s (overlapping-outages.ts)
 *
 * every one among harmless decoy faults. The file is a scenario file like
 * any other: `npm run sim -- sim/bench/search/family.scenario.ts --scenario
 * search/triple-10ms --search guided`.
 */
import { lostReply } from './lost-reply.ts';
import { orderedChain } from './ordered-chain.ts';
import { overlappingOutages } from './overlapping-outages.ts';

/** The gaps of the timing family, from 10 ms to 5 s: each decade, and the top of the range. */
export const GAPS_MS = [10, 100, 1_000, 5_000] as const;

export const pair10ms = orderedChain(2, 10);
export const pair100ms = orderedChain(2, 100);
export const pair1s = orderedChain(2, 1_000);
export const pair5s = orderedChain(2, 5_000);
export const triple10ms = orderedChain(3, 10);
export const triple100ms = orderedChain(3, 100);
export const triple1s = orderedChain(3, 1_000);
export const triple5s = orderedChain(3, 5_000);
export { lostReply, overlappingOutages };

/** Every bug of the family, easiest kinds first. */
export const FAMILY = [pair5s, pair1s, pair100ms, pair10ms, triple5s, triple1s, triple100ms, triple10ms, lostReply, overlappingOutages] as const;

export default triple10ms;
