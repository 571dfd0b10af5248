/**
 * Assembles one run's world from a scenario: the kernel, its nodes, the
 * network, and the handles `build` returns. It also keeps the run's
 * accounting that nodes and network report to (model errors, coverage).
 */
import type { AnyStateMachine } from 'xstate';
import { Capacity } from './capacity.ts';
import { errorMessage } from './error-message.ts';
import type { NodeId } from './faults.ts';
import { JoinedText } from './joined-text.ts';
import { Kernel } from './kernel.ts';
import { DEFAULT_LINK, Network, type LinkSpec } from './network.ts';
import { SimNode, type NodeObserver } from './node.ts';
import type { AnyScenario, BugFlags, NodeHandle, NodeOptions, RestartPolicy, ScenarioBuilder } from './scenario.ts';
import type { TraceMode } from './trace.ts';

/** Coverage keys, made once per thread (see joined-text.ts). */
const STATE_KEYS = new JoinedText(':');
const TRANSITION_KEYS = new JoinedText('->');
/** A state entered while a fault kind was in force: `machine:state@kind`. */
const PAIR_KEYS = new JoinedText('@');

/** The first error a model threw in a run. */
export interface ModelError {
  readonly node: NodeId;
  readonly atMs: number;
  readonly message: string;
}

/** States and transitions of each machine reached in a run. */
export interface Coverage {
  /** `machineId:state`. */
  readonly states: Set<string>;
  /** `machineId:from->to`. */
  readonly transitions: Set<string>;
  /**
   * `machineId:state@kind`: a state entered while a fault of `kind` was in
   * force. Guided search keeps plans that reach a new one: the same state
   * under a new fault is a new situation for the model.
   */
  readonly pairs: Set<string>;
  /** When each state was first entered (virtual ms): guided search places new faults near where the model did something rare. */
  readonly stateFirstMs: Map<string, number>;
}

const NO_KINDS: readonly string[] = [];

export class World {
  readonly kernel: Kernel;
  readonly nodes = new Map<NodeId, SimNode>();
  /** Every address a node has had, its id first: a message to an old one is lost, not an error. */
  private readonly addresses = new Map<string, SimNode>();
  /** The handle of each node, made once when it is declared. */
  private readonly handles = new Map<NodeId, NodeHandle>();
  /** Restart policies, by node id. */
  readonly restartPolicies = new Map<NodeId, RestartPolicy>();
  readonly network: Network;
  readonly coverage: Coverage = { states: new Set(), transitions: new Set(), pairs: new Set(), stateFirstMs: new Map() };
  /** Set by the injector: which plan faults fired, and whether a model could see it (see {@link Network}). */
  faultEffect: (faultIndex: number, effective?: boolean) => void = () => {};
  /** Set by the injector: the kinds of the faults in force now (for state x fault coverage). */
  activeFaultKinds: () => readonly string[] = () => NO_KINDS;
  modelError: ModelError | undefined;
  /** What `build` returned. */
  builtNodes: unknown;

  constructor(scenario: AnyScenario, flags: BugFlags, seed: number, traceMode: TraceMode, keepCheckpoints = false) {
    this.kernel = new Kernel(seed, traceMode, keepCheckpoints);
    const link: LinkSpec = { ...DEFAULT_LINK, ...scenario.link };
    this.network = new Network(this.kernel, this.addresses, link, (i, effective) => this.faultEffect(i, effective));
    this.builtNodes = scenario.build(this.builder(), flags);
  }

  /** The node named `id`; an unknown name is a scenario bug. */
  node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node '${id}' in this scenario`);
    return node;
  }

  /** A handle on the node named `id`, as `build` would get (custom fault helpers use it). */
  handle(id: NodeId): NodeHandle {
    const handle = this.handles.get(id);
    if (handle === undefined) throw new Error(`no node '${id}' in this scenario`);
    return handle;
  }

  modelErrorFrom(node: SimNode, error: unknown): void {
    this.modelError ??= { node: node.id, atMs: this.kernel.nowMs, message: errorMessage(error) };
    this.kernel.record(node.id, 'crash', '', `model threw: ${errorMessage(error)}`);
  }

  stateChanged(_node: SimNode, machineId: string, from: string, to: string): void {
    const state = STATE_KEYS.of(machineId, to);
    if (!this.coverage.states.has(state)) {
      this.coverage.states.add(state);
      this.coverage.stateFirstMs.set(state, this.kernel.nowMs);
    }
    if (from !== '') this.coverage.transitions.add(STATE_KEYS.of(machineId, TRANSITION_KEYS.of(from, to)));
    const kinds = this.activeFaultKinds();
    for (let i = 0; i < kinds.length; i++) this.coverage.pairs.add(PAIR_KEYS.of(state, kinds[i]!));
  }

  /** A process ended itself: its node's restart policy decides (systemd's `Restart=`). */
  exited(node: SimNode, code: number): void {
    const policy = this.restartPolicies.get(node.id);
    if (policy === undefined || policy.policy === 'never' || (policy.policy === 'on-failure' && code === 0)) return;
    const incarnation = node.incarnation;
    this.kernel.after(policy.delayMs, () => {
      // Whoever started it meanwhile (a fault, a controller) has done the policy's work.
      if (node.status === 'down' && node.incarnation === incarnation) node.start();
    });
  }

  /** A model starts or stops a declared node, after its own step. */
  control(requester: SimNode, targetId: NodeId, action: 'start' | 'stop'): void {
    const target = this.node(targetId);
    if (requester.status === 'down') return;
    this.kernel.after(0, () => {
      if (action === 'start') {
        if (target.status === 'down') target.start();
      } else target.crash(`stopped by ${requester.id}`);
    });
  }

  private builder(): ScenarioBuilder {
    const world = this;
    const kernel = this.kernel;
    return {
      rng: kernel.rng.fork('workload'),
      node<M extends AnyStateMachine>(id: NodeId, machine: M, input: (io: SimNode['io']) => unknown, options: NodeOptions = {}): NodeHandle<M> {
        if (world.nodes.has(id)) throw new Error(`node '${id}' is declared twice`);
        // Methods rather than arrows: see SimNode's `io`.
        const observer: NodeObserver = {
          modelError(node, error) {
            world.modelErrorFrom(node, error);
          },
          stateChanged(node, machineId, from, to) {
            world.stateChanged(node, machineId, from, to);
          },
          stopping(node) {
            world.network.connections.nodeStopped(node);
          },
          addressed(node, address) {
            world.addresses.set(address, node);
          },
          exited(node, code) {
            world.exited(node, code);
          },
          control(requester, target, action) {
            world.control(requester, target, action);
          },
        };
        const node = new SimNode(kernel, id, { machine, input }, world.network, observer, kernel.rng.fork(`node/${id}`));
        world.nodes.set(id, node);
        world.addresses.set(id, node);
        applyOptions(world, node, options);
        const handle = handleFor<M>(node, world.network);
        world.handles.set(id, handle);
        const startAtMs = options.startAtMs === undefined ? 0 : options.startAtMs;
        if (startAtMs !== null) kernel.at(startAtMs, () => node.status === 'down' && node.start());
        return handle;
      },
      link(from, to, spec) {
        world.network.setLink(from, to, spec);
      },
      at(atMs, action) {
        kernel.at(atMs, action);
      },
    };
  }
}

/** A node's declared capacity, restart policy and warm-start disk. */
function applyOptions(world: World, node: SimNode, options: NodeOptions): void {
  if (options.capacity !== undefined) {
    const specs = Array.isArray(options.capacity) ? options.capacity : [options.capacity];
    node.capacity = new Capacity(specs, node, world.kernel, () => world.network.loadFactorPct(node.id));
  }
  if (options.restart !== undefined) {
    const { policy, delayMs } = options.restart;
    if (!['never', 'always', 'on-failure'].includes(policy)) throw new Error(`node '${node.id}': restart policy must be never, always or on-failure, got ${String(policy)}`);
    if (!(Number.isSafeInteger(delayMs) && delayMs >= 0)) throw new Error(`node '${node.id}': restart delayMs must be whole ms >= 0, got ${delayMs}`);
    world.restartPolicies.set(node.id, options.restart);
    node.addressPerStart = options.restart.newAddress === true;
  }
  for (const [key, value] of Object.entries(options.durable ?? {})) node.durable.set(key, value);
}

function handleFor<M extends AnyStateMachine>(node: SimNode, network: Network): NodeHandle<M> {
  // Methods rather than arrows, and none reads `this`: see SimNode's `io`.
  return {
    id: node.id,
    snapshot() {
      return node.snapshot() as ReturnType<NodeHandle<M>['snapshot']>;
    },
    status() {
      return node.status;
    },
    address() {
      return node.address;
    },
    starts() {
      return node.starts;
    },
    exitCode() {
      return node.exitCode;
    },
    connections() {
      return network.connections.list(node);
    },
    backlog() {
      return node.capacity?.backlog() ?? 0;
    },
    localNowMs() {
      return node.localNowMs();
    },
    send(event) {
      if (node.status === 'down') return;
      node.schedule(0, {
        run() {
          node.deliver(event as { type: string });
        },
      });
    },
    start() {
      if (node.status === 'down') node.start();
    },
    crash() {
      node.crash();
    },
  };
}

export { errorMessage } from './error-message.ts';
