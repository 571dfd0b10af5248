/**
 * Characters that change how text around them is shown, made visible.
 *
 * A model's strings reach every report format. Bidirectional controls
 * (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, the
 * U+200E/U+200F marks and U+061C, the Arabic letter mark) reorder what a
 * reader sees: "\u202Elive" displays as "evil" (the "Trojan Source" attack,
 * CVE-2021-42574). Other control characters (NUL, ESC and the rest of C0 and
 * C1, except tab and newline) can hide text or drive a terminal. Each
 * becomes a visible marker such as `[U+202E]`, so the reader sees that it
 * was there and where. Escaping for a format (HTML, Markdown, Mermaid, SVG)
 * comes after this and cannot undo it: an HTML entity for U+202E would
 * still be drawn as an override.
 *
 * JSON keeps the data as it was but writes these characters as `\u` escapes
 * ({@link jsonSafe}): a tool reading it gets the model's string, and an
 * editor showing the file shows the escape.
 */

/** Bidirectional controls, and C0/C1 controls other than tab and newline. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** `text` with every bidirectional or control character shown as `[U+XXXX]`. */
export function neutralise(text: string): string {
  return text.replace(HIDDEN, (ch) => `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** JSON text with the characters {@link neutralise} marks written as `\u` escapes (still the same JSON value). */
export function jsonSafe(json: string): string {
  // JSON.stringify already escapes C0 controls; this adds C1 and the bidirectional ones.
  return json.replace(HIDDEN, (ch) => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}
