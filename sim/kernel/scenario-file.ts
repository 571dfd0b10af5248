/**
 * Which file declared a scenario. Repro files and replay lines name it, so a
 * finding replays in the user's own project. The loader that imports a
 * scenario file records it for certain; `defineScenario` records a guess
 * from its caller's stack frame first, for scenarios a test imports itself.
 */
import { fileURLToPath } from 'node:url';

const files = new WeakMap<object, string>();

/** Records that `scenario` was loaded from `file` (an absolute path). */
export function rememberScenarioFile(scenario: object, file: string): void {
  files.set(scenario, file);
}

/** The absolute path of the file that declared `scenario`, if known. */
export function scenarioFileOf(scenario: object): string | undefined {
  return files.get(scenario);
}

/** Called by `defineScenario`: the first stack frame outside the kernel is the scenario's file. */
export function rememberDefiningFile(scenario: object): void {
  const file = callerFile();
  if (file !== undefined && !files.has(scenario)) files.set(scenario, file);
}

const KERNEL_DIR = new URL('.', import.meta.url).href;

function callerFile(): string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder);
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
    if (match === null) continue;
    const location = match[1]!;
    const url = location.startsWith('file://') ? location : `file://${location}`;
    if (url.startsWith(KERNEL_DIR)) continue;
    return location.startsWith('file://') ? fileURLToPath(location) : location;
  }
  return undefined;
}
