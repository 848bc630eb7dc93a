// Entry of one embedding thread (server/embed-pool.ts): the server is TypeScript run by tsx,
// and a worker thread does not inherit tsx's loader everywhere (vitest, plain node), so it is
// registered here for this thread before the thread's TypeScript module is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./embed-thread.ts');
