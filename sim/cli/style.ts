/**
 * Colour for terminal output, from picocolors. On when the stream is a
 * terminal (and TERM is not `dumb`); `FORCE_COLOR` forces it on (or off with
 * `0` or `false`), and otherwise a non-empty `NO_COLOR` turns it off
 * (https://no-color.org).
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export const stderrColors: Colors = pc.createColors(colorEnabled(process.stderr));
export const stdoutColors: Colors = pc.createColors(colorEnabled(process.stdout));
