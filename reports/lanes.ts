/**
 * Lanes: the columns of a sequence diagram and the rows of a timeline. A
 * fleet of 30 servers does not fit on a page as 30 columns, so similar nodes
 * share a lane ("srv-1 … srv-14 (14)") while the nodes the broken check read
 * keep their own. At most {@link LANES_MAX} lanes.
 *
 * Similar means the same name but for a trailing number (`client-3`,
 * `client-17`: family `client-`). In order, until the lanes fit:
 * 1. every node its own lane;
 * 2. a family's members in runs of consecutive numbers, split around the
 *    focus nodes (`srv-1 … srv-14`, `srv-15`, `srv-16 … srv-30`);
 * 3. a family in one lane, focus nodes still apart;
 * 4. the least active lanes that are not focus together in "other nodes".
 * Lanes keep the order in which their first node appears in the trace.
 */

/** Lanes drawn at most: beyond a dozen columns a sequence diagram's text gets too small to read on a laptop screen. */
export const LANES_MAX = 12;

export interface Lane {
  /** A short id for diagrams: `L0`, `L1`, … */
  readonly id: string;
  readonly label: string;
  readonly nodes: readonly string[];
  /** It holds a node the broken check read (the start of the slice). */
  readonly focus: boolean;
}

export interface LaneInput {
  /** The nodes to place, in order of first appearance in the trace. */
  readonly nodes: readonly string[];
  /** Nodes that must keep a lane of their own (when there are few enough). */
  readonly focus: ReadonlySet<string>;
  /** How much each node did in the slice, to choose what goes into "other nodes". */
  readonly weight: ReadonlyMap<string, number>;
}

interface Unit {
  readonly nodes: string[];
  readonly rank: number;
  readonly focus: boolean;
  readonly family: string | undefined;
}

const NUMBERED = /^(.*?)(\d+)$/;

/** The family of a numbered name (`srv-15` → `srv-`), or undefined. */
export function familyOf(node: string): string | undefined {
  const m = NUMBERED.exec(node);
  return m === null || m[1] === '' ? undefined : m[1];
}

function numberOf(node: string): number {
  return Number(NUMBERED.exec(node)?.[2] ?? 0);
}

export function assignLanes(input: LaneInput, max = LANES_MAX): Lane[] {
  const rank = new Map(input.nodes.map((n, i) => [n, i]));
  // Pulling out more focus nodes than half the lanes would leave no room for the rest.
  const focus = input.focus.size <= max / 2 ? input.focus : new Set<string>();
  let units: Unit[] = input.nodes.map((n) => ({ nodes: [n], rank: rank.get(n)!, focus: input.focus.has(n), family: focus.has(n) ? undefined : familyOf(n) }));
  if (units.length > max) units = families(units, focus, true);
  if (units.length > max) units = families(units, focus, false);
  if (units.length > max) units = others(units, input.weight, max);
  return units
    .sort((a, b) => a.rank - b.rank)
    .map((u, i) => ({ id: `L${i}`, label: labelOf(u.nodes, u.family), nodes: u.nodes, focus: u.focus }));
}

/** Groups each family's members, in runs of consecutive numbers split by focus nodes, or whole. */
function families(units: readonly Unit[], focus: ReadonlySet<string>, splitAroundFocus: boolean): Unit[] {
  const out: Unit[] = [];
  const rankOf = new Map(units.flatMap((u) => u.nodes.map((n) => [n, u.rank] as const)));
  const byFamily = new Map<string, Unit[]>();
  for (const u of units) {
    if (u.family === undefined) out.push(u);
    else {
      const members = byFamily.get(u.family);
      if (members === undefined) byFamily.set(u.family, [u]);
      else members.push(u);
    }
  }
  for (const [family, members] of byFamily) {
    const nodes = members.flatMap((m) => m.nodes).sort((a, b) => numberOf(a) - numberOf(b));
    if (nodes.length === 1) {
      out.push(members[0]!);
      continue;
    }
    const focusNumbers = [...focus].filter((f) => familyOf(f) === family).map(numberOf);
    let run: string[] = [];
    const flush = (): void => {
      if (run.length === 0) return;
      const inRun = new Set(run);
      out.push({ nodes: run, rank: Math.min(...run.map((n) => rankOf.get(n)!)), focus: members.some((m) => m.focus && m.nodes.some((n) => inRun.has(n))), family });
      run = [];
    };
    for (const node of nodes) {
      if (splitAroundFocus && run.length > 0 && focusNumbers.some((f) => f > numberOf(run[run.length - 1]!) && f < numberOf(node))) flush();
      run.push(node);
    }
    flush();
  }
  return out;
}

/** Keeps the focus lanes and the busiest others; the rest share one lane. */
function others(units: readonly Unit[], weight: ReadonlyMap<string, number>, max: number): Unit[] {
  const weightOf = (u: Unit): number => u.nodes.reduce((sum, n) => sum + (weight.get(n) ?? 0), 0);
  const ordered = [...units].sort((a, b) => Number(b.focus) - Number(a.focus) || weightOf(b) - weightOf(a) || a.rank - b.rank);
  const kept = ordered.slice(0, max - 1);
  const rest = ordered.slice(max - 1);
  const nodes = rest.flatMap((u) => u.nodes);
  return [...kept, { nodes, rank: Math.min(...rest.map((u) => u.rank)), focus: rest.some((u) => u.focus), family: undefined }];
}

/** `srv-1 … srv-14 (14)`; `srv-1 … srv-30 without srv-15 (29)`; `other nodes (7)`. */
export function labelOf(nodes: readonly string[], family: string | undefined): string {
  if (nodes.length === 1) return nodes[0]!;
  if (family === undefined) return `other nodes (${nodes.length})`;
  const numbers = nodes.map(numberOf).sort((a, b) => a - b);
  const first = numbers[0]!;
  const last = numbers[numbers.length - 1]!;
  const span = `${family}${first} … ${family}${last}`;
  const missing = last - first + 1 - numbers.length;
  if (missing === 0) return `${span} (${nodes.length})`;
  if (missing <= 3) {
    const present = new Set(numbers);
    const gaps: string[] = [];
    for (let n = first; n <= last; n++) if (!present.has(n)) gaps.push(`${family}${n}`);
    return `${span} without ${gaps.join(', ')} (${nodes.length})`;
  }
  return `${family}* (${nodes.length}: ${span})`;
}
