/**
 * Which messages a link fault acts on. A fault with neither `types` nor
 * `minBytes` acts on everything that crosses the link, the connections' own
 * segments included; a filtered one acts only on the messages it names, so
 * a non-transitive fault (a middlebox that loses one RPC kind, a path MTU
 * black hole that loses packets above a size) is kernel data, and the trace
 * says "lost" for exactly the messages the network lost.
 */
import { messageSizeBytes, type Message } from './messages.ts';

/** The filter fields a link fault may carry. */
export interface LinkFilter {
  readonly types?: readonly string[];
  readonly minBytes?: number;
}

/**
 * Whether a fault with `filter` acts on `message` (`undefined` for a
 * connection's control segment: only unfiltered faults act on those).
 */
export function filterMatches(filter: LinkFilter, message: Message | undefined): boolean {
  if (filter.types === undefined && filter.minBytes === undefined) return true;
  if (message === undefined) return false;
  if (filter.types !== undefined && !filter.types.includes(message.type)) return false;
  return filter.minBytes === undefined || messageSizeBytes(message) >= filter.minBytes;
}

/** Whether a fault is narrowed by a filter (and so does not cut the link for everything). */
export function isFiltered(filter: LinkFilter): boolean {
  return filter.types !== undefined || filter.minBytes !== undefined;
}
