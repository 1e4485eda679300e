/**
 * Backup and restore on the engine LINDUNG_TEST_DB names, and across engines: a PostgreSQL
 * backup restored into PGlite (always, when the suite runs on PostgreSQL) and a PGlite backup
 * restored into PostgreSQL (when LINDUNG_TEST_PG_URL is set during a PGlite run).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase, openDataFolder } from '../../src/db/open.js';
import { openPostgres } from '../../src/db/pg-client.js';
import { asSystem } from '../../src/db/scope.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { verifyAudit } from '../../src/features/audit/verify.js';
import { BackupError, type ArchiveFooter, type ArchiveHeader, type ArchiveTableLine } from '../../src/features/backup/archive.js';
import { createBackup } from '../../src/features/backup/backup.js';
import { restoreBackup } from '../../src/features/backup/restore.js';
import { freshConfig, openTestDb, testDbKind, type TestDb } from '../helpers/db.js';

const kind = testDbKind();
const pgUrl = process.env.LINDUNG_TEST_PG_URL || null;

let src: TestDb;
let dst: TestDb;
let dir: string;
let archive: string;
const cleanups: (() => Promise<void>)[] = [];

async function seed(db: Db): Promise<void> {
  await db.exec(`INSERT INTO area (code, parent_code, level, name) VALUES
    ('53', NULL, 1, 'Nusa Tenggara Timur'),
    ('53.01', '53', 2, 'Kabupaten  Kupang'),
    ('53.01.01', '53.01', 3, 'Semau'),
    ('53.01.01.2001', '53.01.01', 4, 'Uitao')`);
  await asSystem(db, 'backup-test', async (tx) => {
    await tx.query(`INSERT INTO household (kk, village_code, address) VALUES ('5301010101010001', '53.01.01.2001', $1)`, [
      'Jl. Timor Raya\nRT 01 / RW 02\t"belakang gereja"',
    ]);
    await tx.query(
      `INSERT INTO person (nik, kk, full_name, birth_date, sex, village_code, occupation, declared_income, extreme_poor)
       VALUES ('5301014107800001', '5301010101010001', $1, '1980-07-01', 'P', '53.01.01.2001', 'penenun', 750000, true),
              ('5301010101750002', '5301010101010001', 'Yohanes  Lake', '1975-01-01', 'L', '53.01.01.2001', 'nelayan', 9007199254740991, false),
              ('5301010202900003', NULL, 'Anak O''Neill', '1990-02-02', 'L', '53.01.01.2001', NULL, NULL, false)`,
      ['Maria Goreti Nàhak ✓ 😀'],
    );
    await tx.query(
      `INSERT INTO heir (person_id, full_name, nik, relation, birth_date)
       SELECT p.id, h.full_name, h.nik, h.relation, h.birth_date::date
         FROM (VALUES ('5301014107800001', 'Yohanes Lake', '5301010101750002', 'suami', '1975-01-01'),
                      ('5301014107800001', 'Kristina Lake', NULL, 'anak', '2005-05-05'),
                      ('5301010101750002', 'Maria Goreti Nàhak', '5301014107800001', 'istri', NULL),
                      ('5301010101750002', 'Sementara', NULL, 'saudara', NULL)) h(nik_of, full_name, nik, relation, birth_date)
         JOIN person p ON p.nik = h.nik_of`,
    );
    await tx.query(
      `INSERT INTO app_user (username, full_name, role, area_code, password_hash) VALUES
        ('admin', 'Administrator', 'admin', NULL, 'x'),
        ('kupang', 'Operator Kupang', 'regency_operator', '53.01', '$argon2id$v=19$m=1,t=1,p=1$abc$def')`,
    );
  });
  await asSystem(db, 'backup-test', async (tx) => {
    await tx.query(`UPDATE person SET full_name = 'Maria Goreti Nahak', version = version + 1 WHERE nik = '5301014107800001'`);
    // The newest heir goes away: its sequence now stands above max(id), and must stay there.
    await tx.query(`DELETE FROM heir WHERE full_name = 'Sementara'`);
  });
  await db.query(
    `INSERT INTO security_event (kind, user_id, username, ip, detail) VALUES ('login_failed', NULL, 'admin', '10.0.0.1', $1::jsonb)`,
    ['{"reason": "bad password", "n": 1.5, "big": 12345678901234567890.000001, "nested": {"a": [1, null, "x"]}}'],
  );
  await db.query(
    `INSERT INTO data_access_log (actor_id, actor_label, action, subject_type, subject_ids, subject_count, purpose, query)
     VALUES (1, 'admin', 'export', 'person', '{1,2,3}', 3, 'verifikasi', '{"q": "maria"}')`,
  );
  await db.query(
    `INSERT INTO user_session (id, user_id, csrf_token, expires_at) SELECT 'sess', id, 'csrf', now() + interval '1 day' FROM app_user WHERE username = 'admin'`,
  );
}

/** Every archived table as sorted to_jsonb text (generated columns included: they regenerate). */
async function snapshot(db: Queryable): Promise<Record<string, string[]>> {
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('schema_migration', 'user_session') ORDER BY 1`,
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    out[name] = (await db.query<{ j: string }>(`SELECT to_jsonb(t)::text AS j FROM "${name}" t`)).map((r) => r.j).sort();
  }
  return out;
}

async function totalRows(db: Queryable): Promise<number> {
  const snap = await snapshot(db);
  const [s] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_session');
  return Object.values(snap).reduce((n, rows) => n + rows.length, 0) + (s?.n ?? 0);
}

/** Restores `file` into `db` and checks it is the source again, history and sequences included. */
async function expectSameAsSource(db: Db): Promise<void> {
  const [want, got] = await Promise.all([snapshot(src.db), snapshot(db)]);
  expect(Object.keys(got)).toEqual(Object.keys(want));
  for (const t of Object.keys(want)) expect(got[t], t).toEqual(want[t]);
  expect(want.person).toHaveLength(3);
  expect(want.audit_entry!.length).toBeGreaterThanOrEqual(4);

  const [v1, v2] = await Promise.all([verifyAudit(src.db), verifyAudit(db)]);
  expect(v1.ok).toBe(true);
  expect(v2).toEqual(v1);
  expect(v2.head).toMatch(/^[0-9a-f]{64}$/);
  expect(await db.query('SELECT 1 FROM user_session')).toEqual([]);
}

/** A fresh database migrated only up to `version`, as an older Lindung left it (migrate() brings it up to date). */
async function openAtVersion(name: string, version: number): Promise<Db> {
  const config = await freshConfig(name);
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openDataFolder(config.dataDir);
  cleanups.push(async () => {
    try {
      await db.close();
    } finally {
      await config.cleanup();
    }
  });
  await db.exec(`CREATE TABLE schema_migration (
    version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of listMigrations().filter((x) => x.version <= version)) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    });
  }
  return db;
}

async function count(db: Queryable, table: string): Promise<number> {
  const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r!.n;
}

async function expectEmpty(db: Db): Promise<void> {
  expect(await totalRows(db)).toBe(0);
}

async function rejection(p: Promise<unknown>): Promise<BackupError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BackupError);
  return e as BackupError;
}

async function gzipLinesOf(file: string): Promise<string[]> {
  return zlib.gunzipSync(await fs.readFile(file)).toString('utf8').split('\n').filter((l) => l !== '');
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lindung-backup-test-'));
  archive = path.join(dir, 'lindung.backup.gz');
  src = await openTestDb('backup_src');
  await seed(src.db);
  dst = await openTestDb('backup_dst');
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await dst?.cleanup();
  await src?.cleanup();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe(`backup and restore (${kind})`, () => {
  it('writes one gzip NDJSON archive: header, tables in foreign-key order, rows, footer', async () => {
    const progress: [string, number][] = [];
    const r = await createBackup(src.db, archive, { onProgress: (t, n) => progress.push([t, n]) });
    expect(r.file).toBe(path.resolve(archive));
    expect(r.bytes).toBe((await fs.stat(archive)).size);
    expect(r.schemaVersion).toBeGreaterThanOrEqual(1);
    await expect(fs.stat(`${archive}.partial`)).rejects.toThrow();

    const lines = await gzipLinesOf(archive);
    const header = JSON.parse(lines[0]!) as ArchiveHeader;
    expect(header).toMatchObject({ format: 'lindung-backup', formatVersion: 1, schemaVersion: r.schemaVersion, database: kind });
    expect(new Date(header.createdAt).getTime()).toBeGreaterThan(Date.now() - 600_000);
    const order = header.tables;
    expect(order).not.toContain('schema_migration');
    expect(order).not.toContain('user_session');
    for (const [parent, child] of [
      ['area', 'app_user'],
      ['area', 'household'],
      ['household', 'person'],
      ['person', 'heir'],
    ] as const) {
      expect(order.indexOf(parent), `${parent} before ${child}`).toBeLessThan(order.indexOf(child));
    }
    expect(order).toEqual(expect.arrayContaining(['audit_block', 'audit_log', 'audit_entry', 'security_event', 'data_access_log']));

    const footer = JSON.parse(lines.at(-1)!) as ArchiveFooter;
    expect(footer.end).toBe(true);
    expect(r.tables.map((t) => t.name)).toEqual(order);
    expect(Object.fromEntries(r.tables.map((t) => [t.name, t.rows]))).toEqual(footer.rows);
    expect(footer.rows).toMatchObject({ area: 4, person: 3, heir: 3, app_user: 2, household: 1 });
    expect(progress).toContainEqual(['person', 3]);

    // Table lines, then exactly `rows` row lines; generated columns are not in the archive.
    let i = 1;
    const tables: Record<string, { line: ArchiveTableLine; rows: Record<string, unknown>[] }> = {};
    while (i < lines.length - 1) {
      const line = JSON.parse(lines[i]!) as ArchiveTableLine;
      const rows = lines.slice(i + 1, i + 1 + line.rows).map((l) => JSON.parse(l) as Record<string, unknown>);
      tables[line.table] = { line, rows };
      i += 1 + line.rows;
    }
    expect(i).toBe(lines.length - 1);
    expect(tables.person!.line.columns).not.toContain('name_norm');
    expect(tables.person!.line.columns).not.toContain('regency_code');
    expect(tables.person!.rows[0]).not.toHaveProperty('district_code');
    expect(tables.area!.line.columns).toEqual(['code', 'parent_code', 'level', 'name']);
    expect(tables.area!.rows.map((a) => a.code)).toEqual(['53', '53.01', '53.01.01', '53.01.01.2001']);
    expect(tables.heir!.line.sequences.id).toEqual({ last: 4, called: true });
  });

  it('refuses files that are not Lindung backups', async () => {
    const text = path.join(dir, 'notes.txt');
    await fs.writeFile(text, 'just some text\n');
    const gz = path.join(dir, 'other.json.gz');
    await fs.writeFile(gz, zlib.gzipSync('{"hello":"world"}\n'));
    for (const f of [text, gz]) {
      const e = await rejection(restoreBackup(dst.db, f));
      expect(e.msg.en).toMatch(/is not a Lindung backup/);
      expect(e.msg.id).toMatch(/bukan berkas cadangan Lindung/);
    }
    const missing = await rejection(restoreBackup(dst.db, path.join(dir, 'nope.gz')));
    expect(missing.msg.en).toMatch(/not found/);
    await expectEmpty(dst.db);
  });

  it('refuses a truncated archive and leaves the target empty', async () => {
    const bytes = await fs.readFile(archive);
    const half = path.join(dir, 'half.gz');
    await fs.writeFile(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const noFooter = path.join(dir, 'no-footer.gz');
    const lines = await gzipLinesOf(archive);
    await fs.writeFile(noFooter, zlib.gzipSync(lines.slice(0, -1).join('\n') + '\n'));
    const cutRows = path.join(dir, 'cut-rows.gz');
    await fs.writeFile(cutRows, zlib.gzipSync(lines.slice(0, -3).join('\n') + '\n'));

    for (const f of [half, noFooter, cutRows]) {
      const e = await rejection(restoreBackup(dst.db, f));
      expect(e.msg.en, f).toMatch(/incomplete or damaged/);
      expect(e.msg.id, f).toMatch(/tidak lengkap atau rusak/);
      await expectEmpty(dst.db);
    }
  });

  it('refuses an archive from a newer schema', async () => {
    const lines = await gzipLinesOf(archive);
    const header = JSON.parse(lines[0]!) as ArchiveHeader;
    const newer = path.join(dir, 'newer.gz');
    await fs.writeFile(newer, zlib.gzipSync([JSON.stringify({ ...header, schemaVersion: header.schemaVersion + 1 }), ...lines.slice(1)].join('\n') + '\n'));
    const e = await rejection(restoreBackup(dst.db, newer));
    expect(e.msg.en).toMatch(/newer Lindung/);
    expect(e.msg.id).toMatch(/lebih baru/);
    await expectEmpty(dst.db);
  });

  it('restores into a fresh database: same rows, same history, sequences continue', async () => {
    const progress: [string, number][] = [];
    const r = await restoreBackup(dst.db, archive, { onProgress: (t, n) => progress.push([t, n]) });
    const footer = JSON.parse((await gzipLinesOf(archive)).at(-1)!) as ArchiveFooter;
    expect(Object.fromEntries(r.tables.map((t) => [t.name, t.rows]))).toEqual(footer.rows);
    expect(progress).toContainEqual(['area', 4]);
    await expectSameAsSource(dst.db);

    // The restoring flag was local to the restore: new changes are recorded and chained on.
    const before = await verifyAudit(dst.db);
    const [maxPerson] = await src.db.query<{ m: number }>('SELECT max(id)::int AS m FROM person');
    const [heirSeq] = await src.db.query<{ last: number }>('SELECT last_value::int AS last FROM heir_id_seq');
    const ids = await asSystem(dst.db, 'after-restore', async (tx) => {
      const [p] = await tx.query<{ id: number }>(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5301010303000004', 'Baru', '2000-03-03', 'L', '53.01.01.2001') RETURNING id`,
      );
      const [h] = await tx.query<{ id: number }>(`INSERT INTO heir (person_id, full_name, relation) VALUES ($1, 'Ahli', 'anak') RETURNING id`, [p!.id]);
      return { person: p!.id, heir: h!.id };
    });
    expect(ids.person).toBe(maxPerson!.m + 1);
    expect(ids.heir).toBe(heirSeq!.last + 1); // not max(id)+1: the deleted heir's id is never reused
    const after = await verifyAudit(dst.db);
    expect(after.ok).toBe(true);
    expect(after.blocks).toBe(before.blocks + 2);
    expect(after.head).not.toBe(before.head);
  });

  it('refuses to restore into a database that already holds data', async () => {
    const beforeSrc = await snapshot(src.db);
    for (const db of [src.db, dst.db]) {
      const e = await rejection(restoreBackup(db, archive));
      expect(e.msg.en).toMatch(/already holds data/);
      expect(e.msg.en).toMatch(/LINDUNG_DATA_DIR/);
      expect(e.msg.id).toMatch(/sudah berisi data/);
    }
    expect(await snapshot(src.db)).toEqual(beforeSrc);
  });

  it('history of both forms (before and after migration 002) round-trips, and an archive of the older schema restores', async () => {
    // A database as Lindung left it before migration 002: its history is in the first form (audit_log).
    const old = await openAtVersion('backup_v1', 1);
    await seed(old);
    expect(await count(old, 'audit_log')).toBeGreaterThanOrEqual(4);
    const v1 = path.join(dir, 'v1.gz');
    expect((await createBackup(old, v1)).schemaVersion).toBe(1);

    // That archive restores into the current schema, and its history verifies with the same head
    // (as the old database's own, once migrated: verifyAudit knows both forms).
    const fromV1 = await openTestDb('backup_from_v1');
    cleanups.push(() => fromV1.cleanup());
    await restoreBackup(fromV1.db, v1);
    await migrate(old);
    const v1Check = await verifyAudit(old);
    expect(v1Check.ok).toBe(true);
    expect(await verifyAudit(fromV1.db)).toEqual(v1Check);
    expect(await count(fromV1.db, 'audit_entry')).toBe(0);
    // New changes chain on in the second form.
    await asSystem(fromV1.db, 'after-restore', (tx) => tx.query(`UPDATE person SET phone = '081200000001' WHERE nik = '5301010202900003'`));
    expect(await verifyAudit(fromV1.db)).toMatchObject({ ok: true, blocks: v1Check.blocks + 1, entries: v1Check.entries + 1 });

    // The old database upgraded in place: both forms in one chain, and a backup of it round-trips.
    await asSystem(old, 'after-002', async (tx) => {
      await tx.query(`UPDATE person SET phone = '081200000002' WHERE nik = '5301010202900003'`);
      await tx.query(`DELETE FROM heir WHERE full_name = 'Kristina Lake'`);
    });
    expect(await count(old, 'audit_entry')).toBe(2);
    const both = path.join(dir, 'both.gz');
    await createBackup(old, both);
    const target = await openTestDb('backup_both');
    cleanups.push(() => target.cleanup());
    await restoreBackup(target.db, both);
    expect(await snapshot(target.db)).toEqual(await snapshot(old));
    const check = await verifyAudit(old);
    expect(check).toMatchObject({ ok: true, entries: v1Check.entries + 2, blocks: v1Check.blocks + 2 });
    expect(await verifyAudit(target.db)).toEqual(check);
  });

  const otherEngine = kind === 'postgres' ? 'pglite' : pgUrl ? 'postgres' : null;
  it.runIf(otherEngine !== null)(`restores a ${kind} backup into ${otherEngine ?? 'the other engine'}`, async () => {
    const db = await openOtherEngine();
    expect(db.kind).toBe(otherEngine);
    await restoreBackup(db, archive);
    await expectSameAsSource(db);
    // …and back again: the restored copy's own backup restores into the first engine.
    const again = path.join(dir, 'roundtrip.gz');
    await createBackup(db, again);
    const back = await openTestDb('backup_back');
    cleanups.push(() => back.cleanup());
    await restoreBackup(back.db, again);
    await expectSameAsSource(back.db);
  });
});

/** A fresh, migrated database of the engine not under test. */
async function openOtherEngine(): Promise<Db> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'lindung-backup-other-'));
  if (kind === 'postgres') {
    const db = await openDatabase({ dataDir, databaseUrl: null });
    cleanups.push(async () => {
      await db.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    });
    return db;
  }
  const name = `lindung_test_backup_x_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: pgUrl! });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(pgUrl!);
  url.pathname = `/${name}`;
  let db: Db | null = null;
  cleanups.push(async () => {
    await db?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  db = await openDatabase({ dataDir, databaseUrl: url.toString() });
  return db;
}
