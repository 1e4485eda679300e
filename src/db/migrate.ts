import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      return {
        version: Number(f.slice(0, 3)),
        name: f.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/**
 * Applies pending migrations, each in its own transaction, in version order. An applied migration
 * whose file changed afterwards stops start-up: schemas move forward with new files only.
 */
export async function migrate(db: Db): Promise<{ applied: string[]; current: number }> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  const migrations = listMigrations();
  await db.transaction(async (tx) => {
    // Two servers starting together on one PostgreSQL must not both migrate.
    await tx.query('SELECT pg_advisory_xact_lock(7346000)');
    const done = new Map(
      (await tx.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migration')).map((r) => [
        r.version,
        r.checksum,
      ]),
    );
    for (const m of migrations) {
      const sum = done.get(m.version);
      if (sum !== undefined) {
        if (sum !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; add a new migration instead.`);
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(m.name);
    }
  });
  return { applied, current: migrations.at(-1)?.version ?? 0 };
}
