/**
 * One line for whatever a model threw. A model can throw anything: `null`,
 * a symbol, an object whose `toString` throws, an `Error` whose `message`
 * getter throws, a revoked proxy, a megabyte of text. Describing it must
 * never throw (that would turn a model's bug into a crash of the kernel, or
 * into xstate rethrowing it on a real timer) and must stay short enough for
 * a terminal line and a trace record.
 */

/** Longer messages are cut to this many characters: a screenful, more than any real error message. */
export const MAX_MESSAGE_CHARS = 2_000;

/** `Name: message` for an Error, the string form of anything else; never throws. */
export function errorMessage(error: unknown): string {
  const text = describe(error);
  if (text.length <= MAX_MESSAGE_CHARS) return text;
  return `${text.slice(0, MAX_MESSAGE_CHARS)}... (${text.length - MAX_MESSAGE_CHARS} more characters)`;
}

function describe(error: unknown): string {
  let isError = false;
  try {
    isError = error instanceof Error;
  } catch {
    // `instanceof` on a revoked proxy throws.
  }
  if (isError) {
    const name = readText(() => (error as Error).name) ?? 'Error';
    const message = readText(() => (error as Error).message) ?? '(its message could not be read)';
    return `${name}: ${message}`;
  }
  return readText(() => String(error)) ?? readText(() => Object.prototype.toString.call(error)) ?? 'a thrown value that cannot be printed';
}

/** The value `read` returns, as a string; `undefined` if reading or converting it throws. */
function readText(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === 'string' ? value : String(value);
  } catch {
    return undefined;
  }
}
