/**
 * Writing output files whole or not at all: write beside the target, then
 * rename, so an interrupted run never leaves half a file behind.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.partial-${process.pid}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

/**
 * Removes what an interrupted writer left behind: `*.partial-<pid>` files in
 * `dir` (and below) whose process is gone.
 */
export function cleanStaleTemporaries(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const match = /\.partial-(\d+)$/.exec(entry.name);
    if (match === null || !entry.isFile()) continue;
    if (processAlive(Number(match[1]))) continue;
    rmSync(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
