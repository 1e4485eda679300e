import path from 'node:path';
import type { Config } from '../config.js';
import { acquireLock } from './lock.js';
import { openPglite } from './pglite-client.js';
import { openPostgres } from './pg-client.js';
import { migrate } from './migrate.js';
import type { Db } from './types.js';

/** Opens the configured database (PostgreSQL if DATABASE_URL, else PGlite in the data folder) and migrates it. */
export async function openDatabase(config: Pick<Config, 'dataDir' | 'databaseUrl'>): Promise<Db> {
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openDataFolder(config.dataDir);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}

/** PGlite in a data folder, owned by this process (lock file), without migrating it. */
export async function openDataFolder(dataDir: string): Promise<Db> {
  const release = acquireLock(dataDir);
  try {
    const inner = await openPglite(path.join(dataDir, 'pg'));
    return {
      ...inner,
      kind: inner.kind,
      async close() {
        await inner.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
