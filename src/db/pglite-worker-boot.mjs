// Worker threads do not inherit tsx's loader: register it here before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./pglite-worker.ts');
