/** Messages between the main thread and the PGlite worker. */
export type WorkerRequest =
  | { id: number; op: 'query'; tx?: number; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; tx?: number; sql: string }
  | { id: number; op: 'copy'; tx?: number; sql: string; data: string | Uint8Array }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

export interface WorkerResponse {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { message: string; code?: string; detail?: string; constraint?: string };
}
