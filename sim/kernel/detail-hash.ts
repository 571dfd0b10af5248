/**
 * The hash of a trace record's detail, computed from its parts without
 * building the text: in a campaign (hash mode) a message is described by the
 * hash of what {@link describeMessage} would have written, and no string is
 * made. The text can still be made later, for the few records anyone reads
 * (the tail of a hash-mode trace).
 *
 * The hash is two 32-bit FNV-1a lanes over the detail's UTF-16 code units,
 * the same as {@link hashDetailText} computes from the text itself: for any
 * message, `hashMessageDetail(m, s)` equals `hashDetailText(describeMessage(m) + s)`
 * (test/props/detail-hash.props.test.ts). Values whose JSON is not plain
 * (a `toJSON`, a boxed primitive, a cycle, a string that needs escaping)
 * take JSON.stringify's own text, so the two agree whatever a model sends.
 */
import { describeMessage, type Message } from './messages.ts';

const FNV_PRIME = 0x01000193;
/** The lanes' offset bases (FNV-1a's 32-bit basis, and a second odd one), as the trace's own. */
export const DETAIL_LANE_A_OFFSET = 0x811c9dc5;
export const DETAIL_LANE_B_OFFSET = 0x050c5d1f;

/** Nesting past this is folded from JSON.stringify's text (which also reports a cycle as it always did). */
const MAX_PLAIN_DEPTH = 32;

/** A detail known only by its hash until its text is asked for. */
export interface DetailHash {
  readonly a: number;
  readonly b: number;
  /** The detail's text, made on demand. */
  text(): string;
}

/** A record's detail as the trace takes it: the text, or its hash computed from the parts. */
export type Detail = string | DetailHash;

/** A detail's text (made now if only its hash was kept). */
export function detailText(detail: Detail): string {
  return typeof detail === 'string' ? detail : detail.text();
}

/** The hash of a detail given as text. */
export function hashDetailText(text: string): { a: number; b: number } {
  const h = new Lanes();
  h.fold(text);
  return h;
}

/** The detail `describeMessage(message) + suffix`, by its hash. */
export function hashMessageDetail(message: Message, suffix = ''): DetailHash {
  const detail = new MessageDetail(message, suffix);
  const type = message.type;
  // A `type` that is not a string is a model bug the type system did not see; describe it the slow way.
  if (typeof type !== 'string') detail.fold(describeMessage(message));
  else {
    detail.fold(type);
    let fields = 0;
    for (const key of Object.keys(message)) {
      if (key === 'type' || key === 'from') continue;
      const value = (message as unknown as Record<string, unknown>)[key];
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      const a = detail.a;
      const b = detail.b;
      detail.fold(fields === 0 ? ' {' : ',');
      detail.jsonString(key);
      detail.char(0x3a); // ':'
      if (!detail.json(value, 0)) {
        // Not plain JSON: start the field again from JSON.stringify's own text.
        detail.a = a;
        detail.b = b;
        const json = JSON.stringify(value) as string | undefined;
        if (json === undefined) continue;
        detail.fold(fields === 0 ? ' {' : ',');
        detail.jsonString(key);
        detail.char(0x3a);
        detail.fold(json);
      }
      fields++;
    }
    if (fields > 0) detail.char(0x7d); // '}'
  }
  detail.fold(suffix);
  return detail;
}

/**
 * Throws where {@link describeMessage} would (a field JSON cannot write: a
 * BigInt, a cycle, a `toJSON` that throws) and does nothing else, for runs
 * that keep no trace: a message that breaks the trace breaks the run in
 * every mode. Only such fields can make JSON throw, so only they are stringified.
 */
export function checkDescribable(message: Message): void {
  if (typeof message.type !== 'string') {
    describeMessage(message);
    return;
  }
  for (const key of Object.keys(message)) {
    if (key === 'type' || key === 'from') continue;
    const value: unknown = (message as unknown as Record<string, unknown>)[key];
    // JSON looks for a toJSON on objects (functions included) and BigInts; strings, numbers, booleans and symbols cannot throw.
    const kind = typeof value;
    if (kind === 'object' ? value !== null : kind === 'function' || kind === 'bigint') JSON.stringify(value);
  }
}

/** The two FNV-1a lanes and what folds into them. */
class Lanes {
  a = DETAIL_LANE_A_OFFSET;
  b = DETAIL_LANE_B_OFFSET;

  char(c: number): void {
    this.a = Math.imul(this.a ^ c, FNV_PRIME);
    this.b = Math.imul(this.b ^ c, FNV_PRIME);
  }

  fold(text: string): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = Math.imul(b ^ c, FNV_PRIME);
    }
    this.a = a;
    this.b = b;
  }

  /** `JSON.stringify(text)`, folded. */
  jsonString(text: string): void {
    if (needsEscape(text)) {
      this.fold(JSON.stringify(text));
      return;
    }
    this.char(0x22);
    this.fold(text);
    this.char(0x22);
  }

  /**
   * `JSON.stringify(value)` folded, for plain JSON (strings, finite and
   * other numbers, booleans, null, arrays and objects of Object's or no
   * prototype without `toJSON`); false, with the lanes in any state, for
   * anything else.
   */
  json(value: unknown, depth: number): boolean {
    switch (typeof value) {
      case 'string':
        this.jsonString(value);
        return true;
      case 'number':
        this.fold(Number.isFinite(value) ? String(value) : 'null');
        return true;
      case 'boolean':
        this.fold(value ? 'true' : 'false');
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    if (value === null) {
      this.fold('null');
      return true;
    }
    if (depth >= MAX_PLAIN_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
    if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return false;
      this.char(0x5b); // '['
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.char(0x2c); // ','
        const item: unknown = value[i];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') this.fold('null');
        else if (!this.json(item, depth + 1)) return false;
      }
      this.char(0x5d); // ']'
      return true;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    this.char(0x7b); // '{'
    let first = true;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      if (!first) this.char(0x2c);
      first = false;
      this.jsonString(key);
      this.char(0x3a);
      if (!this.json(item, depth + 1)) return false;
    }
    this.char(0x7d);
    return true;
  }
}

/** A message's description, by its hash; the text is made again from the message if asked. */
class MessageDetail extends Lanes implements DetailHash {
  constructor(
    private readonly message: Message,
    private readonly suffix: string,
  ) {
    super();
  }

  text(): string {
    return describeMessage(this.message) + this.suffix;
  }
}

/** Whether JSON.stringify writes more than the string between quotes: a quote, a backslash, a control character or a surrogate. */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}
