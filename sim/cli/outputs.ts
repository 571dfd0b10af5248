/**
 * Output paths, checked before any work: a campaign of an hour must not end
 * with "cannot write". `--out` must be a folder (or creatable as one) that
 * can be written to, `--junit` a file (or creatable) in such a folder.
 * Nothing is created here.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../kernel/plan-file.ts';

export function checkOutputs(out: string, junit: string | undefined): void {
  checkFolder('--out', out);
  if (junit !== undefined) {
    const path = resolve(junit);
    if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`--junit ${junit}: is a folder; give a file name`);
    checkFolder('--junit', dirname(path), junit);
  }
}

/** `dir` is a writable folder, or the nearest thing above it that exists is. */
function checkFolder(flag: string, dir: string, shown = dir): void {
  let current = resolve(dir);
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (!statSync(current).isDirectory()) throw new InputError(`${flag} ${shown}: ${current === resolve(dir) ? 'is a file, not a folder' : `${current} is a file, not a folder`}`);
  try {
    accessSync(current, constants.W_OK);
  } catch {
    throw new InputError(`${flag} ${shown}: ${current} cannot be written to`);
  }
}
