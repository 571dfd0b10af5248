/**
 * The trace: typed records of what happened in a run, with a rolling hash.
 *
 * Two runs of the same seed, plan and code produce the same records in the
 * same order, so the same hash. A campaign's runs keep no records and no
 * hash (`outcome` mode: only their outcome is read); a finding's plan is run
 * again with its hash, and with the full trace for its report.
 *
 * The hash is two 32-bit FNV-1a lanes with different offsets folded over each
 * record's fields: not cryptographic, but 64 bits make an accidental collision
 * between two diverging runs vanishingly unlikely, and it costs a few
 * multiplications per character. A record's detail goes in by its own hash
 * (detail-hash.ts), so that a campaign can hash a message's description
 * from its parts once at send, without writing it, and reuse that hash for
 * its delivery: no string is built for the trace in hash mode (nor in
 * outcome mode, which hashes nothing).
 */
import { checkDescribable, detailText, hashMessageDetail, DETAIL_LANE_A_OFFSET, DETAIL_LANE_B_OFFSET, type Detail } from './detail-hash.ts';
import { describeMessage, type Message } from './messages.ts';

export type { Detail } from './detail-hash.ts';

/** What a trace record describes. */
export type TraceKind =
  /** A node started (or restarted) its actor. */
  | 'start'
  /** A message left a node. `peer` is the destination. */
  | 'send'
  /** A message reached a node's actor. `peer` is the sender. */
  | 'deliver'
  /** A message was lost (partition, lossy link, target down, answer too late). `node` is its sender, `peer` its destination. */
  | 'drop'
  /** A request's deadline passed without a response. `node` is the requester, `peer` the server. */
  | 'timeout'
  /** An actor moved to a new state. */
  | 'state'
  /** A fault began; `detail` describes it. */
  | 'fault'
  /** A fault's window ended. */
  | 'heal'
  /** A node crashed: its actor stopped, its volatile state was lost. */
  | 'crash'
  /** A node was frozen (or woke up). */
  | 'pause'
  | 'resume'
  /** A free-form note from a model or scenario (`io.note`). */
  | 'note'
  /** An invariant broke. */
  | 'violation';

/** One thing that happened, at one virtual instant, on one node. */
export interface TraceRecord {
  /** Position in the trace, from 0. */
  readonly index: number;
  /** True virtual time, in ms. */
  readonly atMs: number;
  /** Node the record is about (`sim` for the kernel itself). */
  readonly node: string;
  readonly kind: TraceKind;
  /** For messages: the other end (destination of a send, sender of a delivery). */
  readonly peer: string;
  /** Human-readable description; deterministic by construction. */
  readonly detail: string;
}

/** How much of the trace a run keeps. */
export type TraceMode =
  /** Every record: for reports and replays. */
  | 'full'
  /** Only the hash and the last {@link Trace.tailSize} records: for a run whose trace is compared but not read. */
  | 'hash'
  /**
   * Nothing but the count of records (the hash is empty): for runs of which
   * only the outcome is read, a campaign's runs and the candidates of
   * shrinking. A finding's plan is run again with its trace. Messages are
   * still checked to be describable, so a run fails the same way in every mode.
   */
  | 'outcome';

const FNV_PRIME = 0x01000193;
const LANE_A_OFFSET = 0x811c9dc5; // FNV-1a 32-bit offset basis
const LANE_B_OFFSET = 0x050c5d1f; // a second, arbitrary odd basis for the other lane

export class Trace {
  private a = LANE_A_OFFSET;
  private b = LANE_B_OFFSET;
  private count = 0;
  /** Every record, in `full` mode. */
  private readonly all: TraceRecord[] = [];
  /**
   * In `hash` mode, the last `tailSize` records' fields in a ring, so that a
   * campaign run allocates no record objects at all.
   */
  private readonly ring: { atMs: number[]; node: string[]; kind: TraceKind[]; peer: string[]; detail: Detail[] };
  /** Rolling hash after each record, kept only when `checkpoints` is on. */
  private readonly checkpoints: string[] | undefined;
  /**
   * Told of every record as it is appended. The watchdog's capture of a run
   * that hangs uses it: the records reach another thread before the hang.
   */
  onRecord: ((record: TraceRecord) => void) | undefined;

  /**
   * @param mode what to keep
   * @param tailSize how many of the latest records `hash` mode keeps
   * @param keepCheckpoints keep the hash after every record, so two traces can
   *   be compared to find their first difference without keeping records
   */
  constructor(
    readonly mode: TraceMode,
    readonly tailSize = 64,
    keepCheckpoints = false,
  ) {
    if (mode === 'outcome' && keepCheckpoints) throw new Error("a trace in 'outcome' mode has no hash to keep checkpoints of");
    this.checkpoints = keepCheckpoints ? [] : undefined;
    this.ring = { atMs: [], node: [], kind: [], peer: [], detail: [] };
  }

  /**
   * A message's description as a record's detail: its text where records
   * are kept or watched (`full` mode, `onRecord`), else only its hash,
   * computed from the message's parts (see detail-hash.ts).
   * @param suffix text that follows the description (` on <connection>`)
   */
  describe(message: Message, suffix = ''): Detail {
    if (this.mode === 'full' || this.onRecord !== undefined) return describeMessage(message) + suffix;
    if (this.mode === 'outcome') {
      checkDescribable(message);
      return '';
    }
    return hashMessageDetail(message, suffix);
  }

  /** Appends a record and folds it into the hash. */
  record(atMs: number, node: string, kind: TraceKind, peer: string, detail: Detail): void {
    if (this.mode === 'outcome') {
      const index = this.count++;
      this.onRecord?.({ index, atMs, node, kind, peer, detail: detailText(detail) });
      return;
    }
    // Folded with the lanes in locals: this runs once or twice per kernel event.
    let a = this.a;
    let b = this.b;
    const low = atMs >>> 0;
    const high = Math.floor(atMs / 0x1_0000_0000) >>> 0;
    a = Math.imul(Math.imul(a ^ low, FNV_PRIME) ^ high, FNV_PRIME);
    b = Math.imul(Math.imul(b ^ low, FNV_PRIME) ^ high, FNV_PRIME);
    for (let f = 0; f < 3; f++) {
      const text = f === 0 ? node : f === 1 ? kind : peer;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        a = Math.imul(a ^ c, FNV_PRIME);
        b = Math.imul(b ^ c, FNV_PRIME);
      }
      // A separator keeps ("ab","c") and ("a","bc") apart.
      a = Math.imul(a ^ 0x1f, FNV_PRIME);
      b = Math.imul(b ^ 0x1e, FNV_PRIME);
    }
    let da: number;
    let db: number;
    if (typeof detail === 'string') {
      da = DETAIL_LANE_A_OFFSET;
      db = DETAIL_LANE_B_OFFSET;
      for (let i = 0; i < detail.length; i++) {
        const c = detail.charCodeAt(i);
        da = Math.imul(da ^ c, FNV_PRIME);
        db = Math.imul(db ^ c, FNV_PRIME);
      }
    } else {
      da = detail.a;
      db = detail.b;
    }
    // The detail's two words go into both lanes.
    this.a = Math.imul(Math.imul(a ^ da, FNV_PRIME) ^ db, FNV_PRIME);
    this.b = Math.imul(Math.imul(b ^ db, FNV_PRIME) ^ da, FNV_PRIME);
    const index = this.count++;
    if (this.mode === 'full') {
      this.all.push({ index, atMs, node, kind, peer, detail: detailText(detail) });
    } else {
      const slot = index % this.tailSize;
      const ring = this.ring;
      ring.atMs[slot] = atMs;
      ring.node[slot] = node;
      ring.kind[slot] = kind;
      ring.peer[slot] = peer;
      ring.detail[slot] = detail;
    }
    this.checkpoints?.push(this.hash);
    this.onRecord?.({ index, atMs, node, kind, peer, detail: detailText(detail) });
  }

  /** The rolling hash of every record so far, as 16 hex digits ('' in `outcome` mode, which keeps none). */
  get hash(): string {
    return this.mode === 'outcome' ? '' : hex32(this.a) + hex32(this.b);
  }

  /** How many records were appended (kept or not). */
  get length(): number {
    return this.count;
  }

  /** Records kept: all of them in `full` mode, the tail in `hash` mode, none in `outcome` mode. */
  records(): readonly TraceRecord[] {
    if (this.mode === 'full') return this.all;
    if (this.mode === 'outcome') return [];
    const out: TraceRecord[] = [];
    const ring = this.ring;
    for (let index = Math.max(0, this.count - this.tailSize); index < this.count; index++) {
      const slot = index % this.tailSize;
      out.push({ index, atMs: ring.atMs[slot]!, node: ring.node[slot]!, kind: ring.kind[slot]!, peer: ring.peer[slot]!, detail: detailText(ring.detail[slot]!) });
    }
    return out;
  }

  /** Hash after each record, if checkpoints were kept. */
  hashCheckpoints(): readonly string[] | undefined {
    return this.checkpoints;
  }
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
