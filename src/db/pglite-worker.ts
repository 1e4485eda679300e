/**
 * Owns the PGlite instance in a worker thread. PGlite runs queries synchronously inside WASM and
 * would otherwise freeze the HTTP server's event loop for the length of every heavy query.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PARSERS } from './parsers.js';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol.js';

if (!parentPort) throw new Error('pglite-worker must run in a worker thread');
const port = parentPort;
const { dataDir } = workerData as { dataDir: string };

const db = await PGlite.create(dataDir, { extensions: { pg_trgm }, parsers: PARSERS });
await db.exec(`SET TIME ZONE 'UTC'`);

/**
 * A COPY hands PGlite its data as a Blob and an ArrayBuffer, megabytes each, outside this thread's
 * small heap: nothing here allocates enough to start a collection, so without one they piled up
 * (380 MiB after staging a 1,000,000-row file). Collecting once 16 MiB have been copied keeps them
 * to a couple of staging chunks, at one collection (a few milliseconds) per couple of chunks.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const COLLECT_AFTER_BYTES = 16 << 20;
let copiedSinceCollect = 0;

/** Open transactions: each waits for the main thread to say commit or rollback. */
const open = new Map<number, { tx: Transaction; finish: (commit: boolean) => void; done: Promise<void> }>();

async function run(target: PGlite | Transaction, req: WorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'query':
      return (await target.query(req.sql, req.params as unknown[])).rows;
    case 'exec':
      await target.exec(req.sql);
      return null;
    case 'copy': {
      const sql = req.sql.replace(/\bFROM\s+STDIN\b/i, `FROM '/dev/blob'`);
      // A structured clone always arrives backed by a plain ArrayBuffer, never a shared one.
      const res = await target.query(sql, [], { blob: new Blob([req.data as string | Uint8Array<ArrayBuffer>]) });
      copiedSinceCollect += typeof req.data === 'string' ? req.data.length : req.data.byteLength;
      if (copiedSinceCollect >= COLLECT_AFTER_BYTES) {
        copiedSinceCollect = 0;
        collect();
      }
      return res.affectedRows ?? 0;
    }
    default:
      throw new Error(`unsupported op ${req.op}`);
  }
}

function reply(msg: WorkerResponse): void {
  port.postMessage(msg);
}

function errorOf(e: unknown): WorkerResponse['error'] {
  const err = e as { message?: string; code?: string; detail?: string; constraint?: string };
  return { message: err.message ?? String(e), code: err.code, detail: err.detail, constraint: err.constraint };
}

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    try {
      if (req.op === 'begin') {
        // PGlite serialises transactions itself; we keep the callback open until commit/rollback.
        let ready!: () => void;
        let finish!: (commit: boolean) => void;
        let tx!: Transaction;
        const started = new Promise<void>((r) => (ready = r));
        const decided = new Promise<boolean>((resolve) => (finish = resolve));
        const done = db.transaction(async (t) => {
          tx = t;
          ready();
          if (!(await decided)) await t.rollback();
        });
        // A transaction that cannot even begin answers the begin request with its error.
        await Promise.race([started, done]);
        open.set(req.tx, { tx, finish, done });
        reply({ id: req.id, ok: true, result: null });
        return;
      }
      if (req.op === 'commit' || req.op === 'rollback') {
        const t = open.get(req.tx);
        open.delete(req.tx);
        if (!t) throw new Error(`transaction ${req.tx} is not open`);
        t.finish(req.op === 'commit');
        // Answer only once PostgreSQL has really committed (or rolled back): a caller told "done"
        // must find its rows after a crash, and an error at commit must reach it.
        await t.done;
        reply({ id: req.id, ok: true, result: null });
        return;
      }
      if (req.op === 'close') {
        // PGlite does not checkpoint on close: without this the next start replays the whole WAL
        // (half a gigabyte after a demo load, seconds of start-up).
        await db.exec('CHECKPOINT').catch(() => undefined);
        await db.close();
        reply({ id: req.id, ok: true, result: null });
        return;
      }
      const target = req.tx ? open.get(req.tx)?.tx : db;
      if (!target) throw new Error(`transaction ${req.tx} is not open`);
      reply({ id: req.id, ok: true, result: await run(target, req) });
    } catch (e) {
      reply({ id: req.id, ok: false, error: errorOf(e) });
    }
  })();
});

port.postMessage({ id: 0, ok: true, result: 'ready' } satisfies WorkerResponse);
