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
 * And it knows which faults are in force, for invariants (`WorldView`): a
 * window until it heals, a crash until its node restarts, a pause until the
 * node wakes, a request fault until it is spent.
 */
import { describeFault, KERNEL_FAULT_KINDS, type CustomFault, type Fault, type FaultPlan, type KernelFault, type NodeId } from './faults.ts';
import { own } from './own.ts';
import type { AnyScenario } from './scenario.ts';
import type { World } from './world.ts';

export class Injector {
  /** Per plan fault: did it change anything? */
  readonly fired: boolean[];
  /** Plan indexes of the faults in force (request faults are asked of the network). */
  private readonly active = new Set<number>();
  /** Custom windows in force until these times (no event needed to end them). */
  private readonly customUntilMs = new Map<number, number>();

  constructor(
    private readonly world: World,
    private readonly scenario: AnyScenario,
    private readonly plan: FaultPlan,
  ) {
    this.fired = plan.faults.map(() => false);
    world.faultEffect = (i) => {
      this.fired[i] = true;
    };
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
  }

  private deactivate(i: number): void {
    this.active.delete(i);
  }

  /** How many faults of each kind fired, over every kind that appears in the plan. */
  firedByKind(): Record<string, number> {
    const counts = new Map<string, number>();
    this.plan.faults.forEach((fault, i) => {
      counts.set(fault.kind, (counts.get(fault.kind) ?? 0) + (this.fired[i] ? 1 : 0));
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
        this.fired[i] = true;
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
        this.fired[i] = true;
        return;
      }
      case 'pause': {
        const node = this.world.node(fault.node);
        if (node.status !== 'up') return;
        node.pause();
        this.fired[i] = true;
        healAfter(fault.durationMs, () => node.resume());
        return;
      }
      case 'clock-jump': {
        this.world.node(fault.node).clock.jump(fault.deltaMs);
        this.fired[i] = true;
        return;
      }
      case 'clock-drift': {
        const clock = this.world.node(fault.node).clock;
        const before = clock.driftRatePpm;
        clock.setDrift(kernel.nowMs, fault.ppm);
        this.fired[i] = true;
        healAfter(fault.durationMs, () => clock.setDrift(kernel.nowMs, before));
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
    if (handler.apply(fault, nodes, node)) this.fired[i] = true;
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
