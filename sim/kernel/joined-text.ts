/**
 * Texts made of two parts, made once: coverage keys (`machine:state`,
 * `machine:from->to`) and state records (`from -> to`) are the same few
 * strings over and over, and a string made once is hashed once (a Set or
 * the trace hash reads it again at no cost of building it). The parts are a
 * machine's state names, a finite set, so the cache stays small; it is a
 * pure function of its arguments, so what ran before in the same thread
 * changes nothing.
 */
export class JoinedText {
  private readonly byLeft = new Map<string, Map<string, string>>();

  constructor(private readonly separator: string) {}

  /** `left + separator + right`. */
  of(left: string, right: string): string {
    let byRight = this.byLeft.get(left);
    if (byRight === undefined) {
      byRight = new Map();
      this.byLeft.set(left, byRight);
    }
    let text = byRight.get(right);
    if (text === undefined) {
      text = left + this.separator + right;
      byRight.set(right, text);
    }
    return text;
  }
}
