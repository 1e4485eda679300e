/**
 * Databases for integration tests. The engine comes from LINDUNG_TEST_DB:
 *   pglite (default)  a fresh PGlite data folder under the OS temp directory;
 *   postgres          a fresh database in the server at LINDUNG_TEST_PG_URL (scripts/test.sh starts
 *                     a throwaway one), dropped again by cleanup().
 * Every test file gets its own database, so files never see each other's rows.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../src/db/open.js';
import type { Db } from '../../src/db/types.js';

export type TestDbKind = 'pglite' | 'postgres';

export interface TestConfig {
  dataDir: string;
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

export function testDbKind(): TestDbKind {
  const kind = (process.env.LINDUNG_TEST_DB ?? '').trim().toLowerCase() || 'pglite';
  if (kind !== 'pglite' && kind !== 'postgres') {
    throw new Error(`LINDUNG_TEST_DB must be "pglite" or "postgres", not "${process.env.LINDUNG_TEST_DB}"`);
  }
  return kind;
}

function pgUrl(): string {
  const url = process.env.LINDUNG_TEST_PG_URL;
  if (!url) {
    throw new Error(
      'LINDUNG_TEST_DB=postgres but LINDUNG_TEST_PG_URL is not set. Run the suite with `npm test` ' +
        '(it starts a throwaway PostgreSQL), or set LINDUNG_TEST_PG_URL=postgres://USER@HOST:PORT/postgres ' +
        'pointing at a server where USER may create databases.',
    );
  }
  return url;
}

/** A database name safe to use unquoted: lindung_test_<name>_<random>, at most 63 bytes. */
function databaseName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 30) || 'db';
  return `lindung_test_${slug}_${randomBytes(5).toString('hex')}`;
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A configuration pointing at a brand-new, empty database of the kind under test. */
export async function freshConfig(name: string): Promise<TestConfig> {
  const kind = testDbKind();
  const baseUrl = kind === 'postgres' ? pgUrl() : null;
  // A data folder in both cases: the app keeps more than the database there (exports, locks).
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `lindung-test-${name.replace(/[^A-Za-z0-9_-]+/g, '_')}-`));
  const removeDir = () => fs.rm(dataDir, { recursive: true, force: true });

  if (baseUrl === null) {
    return { dataDir, databaseUrl: null, cleanup: removeDir };
  }

  const dbName = databaseName(name);
  try {
    await withAdmin(baseUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  } catch (e) {
    await removeDir();
    throw new Error(`Could not create test database ${dbName} at ${redact(baseUrl)}: ${(e as Error).message}`, { cause: e });
  }
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  let done = false;
  return {
    dataDir,
    databaseUrl: url.toString(),
    async cleanup() {
      if (done) return;
      done = true;
      try {
        await withAdmin(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
      } finally {
        await removeDir();
      }
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export interface TestDb {
  db: Db;
  config: TestConfig;
  /** Closes the database (once, however often it is called) and then removes its data. */
  cleanup(): Promise<void>;
}

/** A fresh, migrated database of the kind under test, through the application's own openDatabase. */
export async function openTestDb(name: string): Promise<TestDb> {
  const config = await freshConfig(name);
  let inner: Db;
  try {
    inner = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  } catch (e) {
    await config.cleanup();
    throw e;
  }
  // close() twice would hang on PGlite (the worker is gone): make it idempotent.
  let closing: Promise<void> | null = null;
  const db: Db = { ...inner, close: () => (closing ??= inner.close()) };
  return {
    db,
    config,
    async cleanup() {
      try {
        await db.close();
      } finally {
        await config.cleanup();
      }
    },
  };
}
