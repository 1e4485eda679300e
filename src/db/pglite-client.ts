import { Worker } from 'node:worker_threads';
import { DbError, type Db, type Param, type Queryable } from './types.js';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void };
type Req = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/** Worker file: the .ts source under tsx/vitest, the compiled .js in a build. */
function workerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './pglite-worker-boot.mjs' : './pglite-worker.js', here);
}

/** PGlite in a worker thread behind the common Db interface. */
export async function openPglite(dataDir: string): Promise<Db> {
  const worker = new Worker(workerUrl(), { workerData: { dataDir } });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let nextTx = 1;
  let failure: Error | null = null;
  let closing: Promise<void> | null = null;

  const ready = new Promise<void>((resolve, reject) => {
    pending.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (msg: WorkerResponse) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new DbError(msg.error?.message ?? 'database error', msg.error?.code, msg.error?.detail, msg.error?.constraint));
  });
  const failAll = (e: Error) => {
    failure = e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  worker.on('error', (e) => failAll(e instanceof Error ? e : new Error(String(e))));
  worker.on('exit', (code) => failAll(new Error(`database worker stopped (exit code ${code})`)));
  await ready;

  const send = (req: Req): Promise<unknown> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    });
  };

  const on = (tx?: number): Queryable => ({
    async query<R>(sql: string, params: readonly Param[] = []) {
      return (await send({ op: 'query', tx, sql, params: [...params] })) as R[];
    },
    async exec(sql: string) {
      await send({ op: 'exec', tx, sql });
    },
    async copyFrom(sql: string, data: string | Uint8Array) {
      return (await send({ op: 'copy', tx, sql, data })) as number;
    },
  });

  return {
    kind: 'pglite',
    ...on(undefined),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = nextTx++;
      await send({ op: 'begin', tx });
      try {
        const result = await fn(on(tx));
        await send({ op: 'commit', tx });
        return result;
      } catch (e) {
        await send({ op: 'rollback', tx }).catch(() => undefined);
        throw e;
      }
    },
    close() {
      // Idempotent: a second close must not wait for a worker that is already gone.
      closing ??= (async () => {
        if (!failure) await send({ op: 'close' }).catch(() => undefined);
        worker.removeAllListeners('exit');
        await worker.terminate();
      })();
      return closing;
    },
  };
}
