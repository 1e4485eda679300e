import pg from 'pg';
import { from as copyFromStream } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PARSERS } from './parsers.js';
import { DbError, type Db, type Param, type Queryable } from './types.js';

// Arrays: PGlite parses elements with the element parsers above; pg needs them spelled out.
// 1009 = text[]; the TypeId enum of @types/pg does not list array types.
const textArray = (pg.types.getTypeParser as (oid: number) => (v: string) => string[])(1009);
const PG_ONLY: Record<number, (value: string) => unknown> = {
  1016: (v) => textArray(v).map((x) => (x === null ? null : Number(x))), // bigint[]
  1182: (v) => textArray(v), // date[] as 'YYYY-MM-DD' strings
};

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    PARSERS[oid] ?? PG_ONLY[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function wrapError(e: unknown): never {
  const err = e as { message?: string; code?: string; detail?: string; constraint?: string };
  throw new DbError(err.message ?? String(e), err.code, err.detail, err.constraint);
}

function on(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly Param[] = []) {
      try {
        return (await client.query({ text: sql, values: [...params], types })).rows as R[];
      } catch (e) {
        wrapError(e);
      }
    },
    async exec(sql: string) {
      try {
        await client.query(sql);
      } catch (e) {
        wrapError(e);
      }
    },
    async copyFrom(sql: string, data: string | Uint8Array) {
      const own = 'release' in client ? null : await (client as pg.Pool).connect();
      const c = (own ?? client) as pg.PoolClient;
      try {
        const stream = c.query(copyFromStream(sql));
        await pipeline(Readable.from([typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)]), stream);
        return stream.rowCount ?? 0;
      } catch (e) {
        wrapError(e);
      } finally {
        own?.release();
      }
    },
  };
}

/** PostgreSQL (15 and newer) through a connection pool. */
export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c TimeZone=UTC' });
  // An idle connection the server ends (a restart, an administrator, DROP DATABASE … FORCE) is
  // dropped from the pool by pg itself; without a listener its 'error' would crash the process.
  pool.on('error', () => undefined);
  await pool.query('select 1');
  return {
    kind: 'postgres',
    ...on(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(on(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
