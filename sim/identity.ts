/**
 * Who the tool is: its version (from its package.json) and how the user
 * runs it, for help text and the replay lines it prints. From its
 * TypeScript source (this repository) it is `npm run sim --`; installed, it
 * is `npx chaos-testbed`.
 */
import { existsSync, readFileSync } from 'node:fs';

function ownPackage(): { name: string; version: string } {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'chaos-testbed') return { name: pkg.name, version: pkg.version ?? '0.0.0' };
    }
    if (dir.pathname === '/') throw new Error('chaos-testbed: cannot find its own package.json');
  }
}

export const VERSION = ownPackage().version;

export const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The package.json `exports` condition under which `chaos-testbed` is its TypeScript source. */
export const SOURCE_CONDITION = 'chaos-testbed-source';

/** The command a user types to run the tool. */
export const CLI = FROM_SOURCE ? 'npm run sim --' : 'npx chaos-testbed';
