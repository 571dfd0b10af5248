/**
 * Armed one-shot request faults (`request-fault` in a plan). Each takes the
 * next `count` requests of its type that reach its node's front end, then
 * is spent. A request is taken by at most one fault: the first armed, in
 * plan order, that matches it. Counting happens at the front end, so a
 * request the network lost or that found the node down is not counted, and
 * a fault affects exactly `count` requests as long as that many arrive.
 */
import type { NodeId, RequestFaultMode } from './faults.ts';

export interface ArmedRequestFault {
  readonly faultIndex: number;
  readonly node: NodeId;
  readonly type: string | undefined;
  readonly mode: RequestFaultMode;
  readonly status: number;
  /** Requests it may still take. */
  left: number;
}

export class RequestFaults {
  /** In plan order: a fault armed earlier in the plan is asked first. */
  private armed: ArmedRequestFault[] = [];

  /** Arms a fault; it stays armed until it has taken `left` requests. */
  arm(fault: ArmedRequestFault): void {
    if (fault.left <= 0) return;
    this.armed = [...this.armed, fault].sort((a, b) => a.faultIndex - b.faultIndex);
  }

  /** Whether any fault is armed for `node` (a cheap test for the hot path). */
  armedFor(node: NodeId): boolean {
    for (const f of this.armed) if (f.node === node) return true;
    return false;
  }

  /** The fault that takes a request of `type` arriving at `node` now, if any; counts it. */
  take(node: NodeId, type: string): ArmedRequestFault | undefined {
    const fault = this.armed.find((f) => f.node === node && (f.type === undefined || f.type === type));
    if (fault === undefined) return undefined;
    fault.left--;
    if (fault.left === 0) this.armed = this.armed.filter((f) => f !== fault);
    return fault;
  }

  /** How many faults are still armed (a cheap test for coverage). */
  armedCount(): number {
    return this.armed.length;
  }

  /**
   * The armed faults as they stand: a new array whenever one is armed or
   * spent, so a caller can tell by identity that nothing changed.
   */
  armedNow(): readonly ArmedRequestFault[] {
    return this.armed;
  }

  /** Faults still armed, by plan index (for the world view). */
  armedIndexes(): number[] {
    return this.armed.map((f) => f.faultIndex);
  }
}
