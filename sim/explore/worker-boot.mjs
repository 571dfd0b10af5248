// A worker thread of the pool starts here. Worker threads do not inherit
// tsx's loader on Node 20, and scenario files are TypeScript, so each worker
// registers it first; then it loads its entry: the built JavaScript in an
// installed package, the TypeScript source in the testbed's own repository.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
// The scenario loader checks this mark before registering tsx a second time.
globalThis[Symbol.for('chaos-testbed.tsx-registered')] = true;
const built = new URL('./pool/worker-thread.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('./pool/worker-thread.ts', import.meta.url).href);
