/**
 * The injector: turns a fault plan into kernel events. Each fault begins at
 * its `atMs` and, if it has a window, heals at its end. Faults due at the same
 * instant apply in plan order (the queue's FIFO rule).
 *
 * It also keeps the plan's accounting: a fault "fired" when it changed
 * something (a crash of a running node, a partition that cut a message), not
 * merely when its time came. A campaign uses this to warn about faults that
 * are declared but never bite.
 *
 * A fault is "effective" when what it did reached a model: most kinds are
 * effective exactly when they fire (a lost, delayed or duplicated message, a
 * request answered with an error, a node that crashed); some fire without
 * a model seeing it. A pause is effective when something came due for the
 * frozen node; a clock jump when the model read its clock afterwards, a
 * drift when it read it, or armed a timer, while it drifted; a lost reply
 * when the applied request's reply was sent (and lost); a reorder when it
 * drew a jitter above 0. A custom fault is effective when its handler says
 * it had an effect (only the scenario knows).
 *
 * And it knows which faults are in force, for invariants (`WorldView`): a
 * window until it heals, a crash until its node restarts, a pause until the
 * node wakes, a request fault until it is spent.
 */
import { describeFault, KERNEL_FAULT_KINDS, type CustomFault, type Fault, type FaultPlan, type KernelFault, type NodeId } from './faults.ts';
import { own } from './own.ts';
import type { AnyScenario } from './scenario.ts';
import type { World } from './world.ts';

const NONE: readonly string[] = [];

export class Injector {
  /** Per plan fault: did it change anything? */
  readonly fired: boolean[];
  /** Per plan fault: did what it changed reach a model? (Filled in by {@link settle} at the end of the run.) */
  readonly effective: boolean[];
  /** Clock faults: the node clock's observation count when the fault began, until it is judged. */
  private readonly clockMarks = new Map<number, number>();
  /** Plan indexes of the faults in force (request faults are asked of the network). */
  private readonly active = new Set<number>();
  /** Custom windows in force until these times (no event needed to end them). */
  private readonly customUntilMs = new Map<number, number>();
  /** {@link activeKinds}' last answer, and the armed request faults it was made from. */
  private kindsInForce: { readonly armed: readonly unknown[]; readonly kinds: readonly string[] } | undefined;

  constructor(
    private readonly world: World,
    private readonly scenario: AnyScenario,
    private readonly plan: FaultPlan,
  ) {
    this.fired = plan.faults.map(() => false);
    this.effective = plan.faults.map(() => false);
    world.faultEffect = (i, effective = true) => {
      this.fired[i] = true;
      if (effective) this.effective[i] = true;
    };
    if (plan.faults.length > 0) world.activeFaultKinds = () => this.activeKinds();
  }

  /** A fault changed something a model sees. */
  private bit(i: number): void {
    this.fired[i] = true;
    this.effective[i] = true;
  }

  /**
   * Judges, at the end of the run, the faults whose effect shows only later:
   * a clock jump read afterwards, a drift or a pause still in force.
   */
  settle(): void {
    for (const [i, mark] of this.clockMarks) {
      const fault = this.plan.faults[i] as KernelFault & { node: NodeId };
      if (this.world.node(fault.node).clock.observations > mark) this.effective[i] = true;
    }
    this.clockMarks.clear();
    for (const i of this.active) {
      const fault = this.plan.faults[i]!;
      if (fault.kind === 'pause' && this.isKernelFault(fault) && this.world.node(fault.node).deferredCount() > 0) this.effective[i] = true;
    }
  }

  /**
   * The kinds of the faults in force now, each once. Asked at every state
   * change, so the answer is kept until the faults in force change: a fault
   * begins or ends, a request fault is armed or spent. Custom windows end
   * by time alone, so while any is known the kinds are made afresh.
   */
  private activeKinds(): readonly string[] {
    const armed = this.world.network.requestFaults.armedNow();
    if (this.active.size === 0 && this.customUntilMs.size === 0 && armed.length === 0) return NONE;
    const kept = this.kindsInForce;
    if (kept !== undefined && kept.armed === armed && this.customUntilMs.size === 0) return kept.kinds;
    const kinds: string[] = [];
    for (const i of this.active) this.addKind(kinds, i);
    for (const fault of armed) this.addKind(kinds, fault.faultIndex);
    const nowMs = this.world.kernel.nowMs;
    for (const [i, untilMs] of this.customUntilMs) if (nowMs < untilMs) this.addKind(kinds, i);
    this.kindsInForce = { armed, kinds };
    return kinds;
  }

  private addKind(kinds: string[], i: number): void {
    const kind = this.plan.faults[i]!.kind;
    if (!kinds.includes(kind)) kinds.push(kind);
  }

  /** Schedules every fault of the plan. */
  schedule(): void {
    this.plan.faults.forEach((fault, i) => {
      this.world.kernel.at(fault.atMs, () => this.begin(fault, i));
    });
  }

  /** The plan's faults in force now, in plan order. */
  activeFaults(): readonly Fault[] {
    const nowMs = this.world.kernel.nowMs;
    const indexes = [...this.active, ...this.world.network.requestFaults.armedIndexes()];
    for (const [i, untilMs] of this.customUntilMs) if (nowMs < untilMs) indexes.push(i);
    return indexes.sort((a, b) => a - b).map((i) => this.plan.faults[i]!);
  }

  private activate(i: number): void {
    this.active.add(i);
    this.kindsInForce = undefined;
  }

  private deactivate(i: number): void {
    this.active.delete(i);
    this.kindsInForce = undefined;
  }

  /** How many faults of each kind fired, over every kind that appears in the plan. */
  firedByKind(): Record<string, number> {
    return this.countByKind(this.fired);
  }

  /** How many faults of each kind were effective, over every kind that appears in the plan. */
  effectiveByKind(): Record<string, number> {
    return this.countByKind(this.effective);
  }

  private countByKind(flags: readonly boolean[]): Record<string, number> {
    const counts = new Map<string, number>();
    this.plan.faults.forEach((fault, i) => {
      counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + (flags[i] ? 1 : 0));
    });
    // fromEntries makes own properties, whatever the kind is named.
    return Object.fromEntries(counts);
  }

  private begin(fault: Fault, i: number): void {
    const { kernel } = this.world;
    kernel.record('sim', 'fault', '', describeFault(fault));
    if (this.isKernelFault(fault)) this.beginKernelFault(fault, i);
    else this.beginCustomFault(fault, i);
  }

  private isKernelFault(fault: Fault): fault is KernelFault {
    return (KERNEL_FAULT_KINDS as readonly string[]).includes(fault.kind) && own(this.scenario.customFaults, fault.kind) === undefined;
  }

  private beginKernelFault(fault: KernelFault, i: number): void {
    const { kernel, network } = this.world;
    const healAfter = (durationMs: number, heal: () => void): void => {
      this.activate(i);
      kernel.after(durationMs, () => {
        kernel.record('sim', 'heal', '', describeFault(fault));
        this.deactivate(i);
        heal();
      });
    };
    switch (fault.kind) {
      case 'partition':
      case 'drop':
      case 'duplicate':
      case 'delay':
      case 'reorder':
        network.addLinkFault({ ...fault, faultIndex: i });
        healAfter(fault.durationMs, () => network.heal(i));
        return;
      case 'load':
      case 'http-error':
        network.addNodeFault({ ...fault, faultIndex: i });
        healAfter(fault.durationMs, () => network.heal(i));
        return;
      case 'crash': {
        const node = this.world.node(fault.node);
        if (node.status === 'down') return;
        node.crash();
        this.bit(i);
        if (fault.downMs !== null) {
          healAfter(fault.downMs, () => {
            if (node.status === 'down') node.start();
          });
        } else this.activate(i);
        return;
      }
      case 'restart': {
        const node = this.world.node(fault.node);
        node.crash();
        node.start();
        this.bit(i);
        return;
      }
      case 'pause': {
        const node = this.world.node(fault.node);
        if (node.status !== 'up') return;
        node.pause();
        this.fired[i] = true;
        healAfter(fault.durationMs, () => {
          // Effective if anything came due for it while it was frozen: it ran late.
          if (node.status === 'paused' && node.deferredCount() > 0) this.effective[i] = true;
          node.resume();
        });
        return;
      }
      case 'clock-jump': {
        const clock = this.world.node(fault.node).clock;
        clock.jump(fault.deltaMs);
        this.fired[i] = true;
        this.clockMarks.set(i, clock.observations);
        return;
      }
      case 'clock-drift': {
        const clock = this.world.node(fault.node).clock;
        const before = clock.driftRatePpm;
        clock.setDrift(kernel.nowMs, fault.ppm);
        this.fired[i] = true;
        this.clockMarks.set(i, clock.observations);
        healAfter(fault.durationMs, () => {
          if (clock.observations > this.clockMarks.get(i)!) this.effective[i] = true;
          this.clockMarks.delete(i);
          clock.setDrift(kernel.nowMs, before);
        });
        return;
      }
      case 'request-fault':
        network.armRequestFault(fault, i);
        return;
      default: {
        const unreachable: never = fault;
        throw new Error(`unhandled fault kind ${(unreachable as Fault).kind}`);
      }
    }
  }

  private beginCustomFault(fault: CustomFault, i: number): void {
    const handler = own(this.scenario.customFaults, fault.kind);
    if (handler === undefined) throw new Error(`scenario ${this.scenario.id} has no fault kind '${fault.kind}'`);
    const nodes = this.world.builtNodes;
    const node = (id: NodeId) => this.world.handle(id);
    if (handler.apply(fault, nodes, node)) this.bit(i);
    const { heal } = handler;
    if (typeof fault.durationMs !== 'number') return;
    this.customUntilMs.set(i, fault.atMs + fault.durationMs);
    if (heal !== undefined) {
      this.world.kernel.after(fault.durationMs, () => {
        this.world.kernel.record('sim', 'heal', '', describeFault(fault));
        heal(fault, nodes, node);
      });
    }
  }
}
