/**
 * Faults are data: a fault plan is a list of timed fault events with absolute
 * virtual times (absolute times shrink far better than gaps between faults).
 *
 * The kernel's kinds form a discriminated union. A scenario may add kinds of
 * its own (an admin restart, a connector deletion, a controller resync) as
 * {@link CustomFault}s with a handler; they travel in the same plan.
 */
import type { Ratio } from './rng.ts';

/** A node's address. */
export type NodeId = string;

/** Fields every fault has. */
interface FaultBase {
  /** When the fault begins, in true virtual ms from the start of the run. */
  readonly atMs: number;
}

/**
 * Link faults act on messages from `from` to `to`, and back unless `oneWay`.
 * `types` and `minBytes` narrow a fault to some messages (a middlebox that
 * loses only one RPC kind, a path MTU black hole that loses only large
 * packets); without them it acts on every message, and on the connections'
 * own segments (connect, close, reset) too.
 */
interface LinkFaultBase extends FaultBase {
  readonly from: NodeId;
  readonly to: NodeId;
  /** Only the `from` → `to` direction is affected. */
  readonly oneWay: boolean;
  readonly durationMs: number;
  /** Only messages of these types (a response's type is `<type>.response`). */
  readonly types?: readonly string[];
  /** Only messages at least this large (see `Message.sizeBytes`). */
  readonly minBytes?: number;
}

/** No message crosses the link while it lasts (in flight ones are lost too). */
export interface PartitionFault extends LinkFaultBase {
  readonly kind: 'partition';
}
/** Each message on the link is lost with probability `ratio`. */
export interface DropFault extends LinkFaultBase {
  readonly kind: 'drop';
  readonly ratio: Ratio;
}
/** Each message on the link is delivered twice with probability `ratio`. */
export interface DuplicateFault extends LinkFaultBase {
  readonly kind: 'duplicate';
  readonly ratio: Ratio;
}
/** Every message on the link takes `extraMs` longer. */
export interface DelayFault extends LinkFaultBase {
  readonly kind: 'delay';
  readonly extraMs: number;
}
/** Every message on the link takes a random extra 0..`jitterMs`, so messages overtake each other. */
export interface ReorderFault extends LinkFaultBase {
  readonly kind: 'reorder';
  readonly jitterMs: number;
}
/** The node stops: actors gone, timers cancelled, volatile state and in-flight messages lost. */
export interface CrashFault extends FaultBase {
  readonly kind: 'crash';
  readonly node: NodeId;
  /** Restart from durable state after this long; `null` stays down. */
  readonly downMs: number | null;
}
/** Crash and immediate restart from durable state (a bounce). */
export interface RestartFault extends FaultBase {
  readonly kind: 'restart';
  readonly node: NodeId;
}
/** The node freezes (a GC pause, a stopped VM) and wakes with a stale view. */
export interface PauseFault extends FaultBase {
  readonly kind: 'pause';
  readonly node: NodeId;
  readonly durationMs: number;
}
/** The node's wall clock steps by `deltaMs` (timers are monotonic and do not move). */
export interface ClockJumpFault extends FaultBase {
  readonly kind: 'clock-jump';
  readonly node: NodeId;
  readonly deltaMs: number;
}
/** The node's clock runs fast (`ppm` > 0) or slow for `durationMs`. */
export interface ClockDriftFault extends FaultBase {
  readonly kind: 'clock-drift';
  readonly node: NodeId;
  readonly ppm: number;
  readonly durationMs: number;
}
/** Load on the node multiplies the latency of its messages by `factorPct`/100. */
export interface LoadFault extends FaultBase {
  readonly kind: 'load';
  readonly node: NodeId;
  readonly factorPct: number;
  readonly durationMs: number;
}
/** Requests to the node are answered with `status` by its front end, never reaching the actor. */
export interface HttpErrorFault extends FaultBase {
  readonly kind: 'http-error';
  readonly node: NodeId;
  readonly status: number;
  readonly durationMs: number;
}

/** How a {@link RequestFault} treats the requests it takes. */
export type RequestFaultMode = 'error' | 'drop-request' | 'drop-reply';

/**
 * One-shot request faults: the next `count` requests (of `type`, if given)
 * that reach `node` from `atMs` on are answered with `status` by its front
 * end (`error`), lost before they reach it (`drop-request`), or handled with
 * their reply lost (`drop-reply`: the write is applied, the caller never
 * hears). A request is taken by at most one such fault, the first armed in
 * plan order; a request that never reaches the node (partitioned, or the node
 * is down) is not counted.
 */
export interface RequestFault extends FaultBase {
  readonly kind: 'request-fault';
  readonly node: NodeId;
  readonly type?: string;
  readonly mode: RequestFaultMode;
  /** The status for `error` (default 503). */
  readonly status?: number;
  readonly count: number;
}

/** The status an `error` request fault answers with when it names none: Envoy's 503. */
export const REQUEST_FAULT_DEFAULT_STATUS = 503;

/** Every fault the kernel itself knows how to apply. */
export type KernelFault =
  | PartitionFault
  | DropFault
  | DuplicateFault
  | DelayFault
  | ReorderFault
  | CrashFault
  | RestartFault
  | PauseFault
  | ClockJumpFault
  | ClockDriftFault
  | LoadFault
  | HttpErrorFault
  | RequestFault;

/** The kinds of {@link KernelFault}, in a fixed order. */
export const KERNEL_FAULT_KINDS = [
  'partition',
  'drop',
  'duplicate',
  'delay',
  'reorder',
  'crash',
  'restart',
  'pause',
  'clock-jump',
  'clock-drift',
  'load',
  'http-error',
  'request-fault',
] as const satisfies readonly KernelFault['kind'][];

/** A JSON value, the only thing a plan may carry. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * A scenario's own fault kind, such as `{ kind: 'admin-restart', atMs, workspace: 'w1' }`.
 * Its fields are JSON so that a plan stays plain data.
 */
export interface CustomFault extends FaultBase {
  readonly kind: string;
  /** How long the fault lasts, if it has a window. */
  readonly durationMs?: number;
  readonly [field: string]: Json | undefined;
}

/** A fault of the kernel or of the scenario. */
export type Fault = KernelFault | CustomFault;

/** A fault plan: what goes wrong, and when. */
export interface FaultPlan {
  readonly faults: readonly Fault[];
}

/** True virtual time at which the fault's effect ends (its start, if instantaneous). */
export function healTimeMs(fault: Fault): number {
  switch (fault.kind) {
    case 'crash': {
      const downMs = (fault as CrashFault).downMs;
      return downMs === null ? Number.POSITIVE_INFINITY : fault.atMs + downMs;
    }
    case 'restart':
    case 'clock-jump':
      return fault.atMs;
    default: {
      const durationMs = (fault as { durationMs?: number }).durationMs;
      return fault.atMs + (typeof durationMs === 'number' ? durationMs : 0);
    }
  }
}

/**
 * When the last fault of a plan has healed: the start of the liveness phase.
 * A crash that never restarts heals never, so liveness deadlines measured from
 * it are infinite (no liveness claim can be made about a node kept down).
 */
export function lastHealMs(plan: FaultPlan): number {
  let last = 0;
  for (const fault of plan.faults) last = Math.max(last, healTimeMs(fault));
  return last;
}

/** ` (types a,b; >= 1400 bytes)` for a filtered link fault, or nothing. */
function describeFilter(f: LinkFaultBase): string {
  const parts: string[] = [];
  if (f.types !== undefined) parts.push(`types ${f.types.join(',')}`);
  if (f.minBytes !== undefined) parts.push(`>= ${f.minBytes} bytes`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

/** One line describing a fault, for traces and reports. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'partition':
    case 'drop':
    case 'duplicate':
    case 'delay':
    case 'reorder': {
      const f = fault as LinkFaultBase & KernelFault;
      const arrow = f.oneWay ? '->' : '<->';
      const extra =
        f.kind === 'drop' || f.kind === 'duplicate'
          ? ` ${f.ratio.numerator}/${f.ratio.denominator}`
          : f.kind === 'delay'
            ? ` +${f.extraMs}ms`
            : f.kind === 'reorder'
              ? ` jitter ${f.jitterMs}ms`
              : '';
      return `${f.kind} ${f.from}${arrow}${f.to}${extra}${describeFilter(f)} for ${f.durationMs}ms`;
    }
    case 'crash': {
      const f = fault as CrashFault;
      return `crash ${f.node}${f.downMs === null ? ', stays down' : `, restarts after ${f.downMs}ms`}`;
    }
    case 'restart':
      return `restart ${(fault as RestartFault).node}`;
    case 'pause': {
      const f = fault as PauseFault;
      return `pause ${f.node} for ${f.durationMs}ms`;
    }
    case 'clock-jump': {
      const f = fault as ClockJumpFault;
      return `clock of ${f.node} jumps ${f.deltaMs >= 0 ? '+' : ''}${f.deltaMs}ms`;
    }
    case 'clock-drift': {
      const f = fault as ClockDriftFault;
      return `clock of ${f.node} drifts ${f.ppm}ppm for ${f.durationMs}ms`;
    }
    case 'load': {
      const f = fault as LoadFault;
      return `load on ${f.node}: latency x${f.factorPct / 100} for ${f.durationMs}ms`;
    }
    case 'http-error': {
      const f = fault as HttpErrorFault;
      return `${f.node} answers ${f.status} for ${f.durationMs}ms`;
    }
    case 'request-fault': {
      const f = fault as RequestFault;
      const what = f.count === 1 ? `the next ${f.type ?? 'request'} to ${f.node}` : `the next ${f.count} ${f.type ?? 'request'}s to ${f.node}`;
      if (f.mode === 'error') return `${what} answered ${f.status ?? REQUEST_FAULT_DEFAULT_STATUS}`;
      return f.mode === 'drop-request' ? `${what} lost before arriving` : `${what} handled, reply lost`;
    }
    default: {
      const { kind, atMs: _atMs, ...rest } = fault as CustomFault;
      const fields = Object.keys(rest)
        .sort()
        .map((k) => `${k}=${JSON.stringify(rest[k])}`)
        .join(' ');
      return fields === '' ? kind : `${kind} ${fields}`;
    }
  }
}
