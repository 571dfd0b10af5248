// Worker threads do not inherit tsx's loader on Node 20, so each worker
// registers it before loading the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./worker-entry.ts');
