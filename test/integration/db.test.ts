/**
 * The database layer on a real engine: PGlite or PostgreSQL, whichever LINDUNG_TEST_DB names
 * (scripts/test.sh runs this file once on each). Everything here must hold identically on both.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/db/migrate.js';
import { openDatabase, openDataFolder } from '../../src/db/open.js';
import { openPostgres } from '../../src/db/pg-client.js';
import { DbError, type Db, type Param, type Queryable } from '../../src/db/types.js';
import { verifyAudit, type VerifyResult } from '../../src/features/audit/verify.js';
import { getHistory } from '../../src/features/registry/person.js';
import { freshConfig, openTestDb, testDbKind, type TestDb } from '../helpers/db.js';

const kind = testDbKind();
const ROOT = path.resolve(fileURLToPath(import.meta.url), '../../..');

async function one<R>(q: Queryable, sql: string, params: readonly Param[] = []): Promise<R> {
  const rows = await q.query<R>(sql, params);
  expect(rows, sql).toHaveLength(1);
  return rows[0]!;
}

async function count(q: Queryable, sql: string, params: readonly Param[] = []): Promise<number> {
  return (await one<{ n: number }>(q, `SELECT count(*) AS n FROM (${sql}) x`, params)).n;
}

/** Areas used below: NTT with one full branch down to a village, and a second regency. */
const AREAS_CSV = [
  '53,,1,Nusa Tenggara Timur',
  '53.01,53,2,Kabupaten Kupang',
  '53.01.01,53.01,3,Semau',
  '53.01.01.2001,53.01.01,4,Uitao',
  '53.02,53,2,Kabupaten Timor Tengah Selatan',
  '53.02.01,53.02,3,Mollo Utara',
  '53.02.01.2001,53.02.01,4,Bijaepunu',
].join('\n');

const COPY_AREA = 'COPY area (code, parent_code, level, name) FROM STDIN (FORMAT csv)';

/** A fresh database migrated only up to `version`, as an older Lindung left it (migrate() brings it up to date). */
async function openAtVersion(name: string, version: number): Promise<{ db: Db; cleanup(): Promise<void> }> {
  const config = await freshConfig(name);
  const db = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openDataFolder(config.dataDir);
  await db.exec(`CREATE TABLE schema_migration (
    version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of listMigrations().filter((x) => x.version <= version)) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
    });
  }
  return {
    db,
    async cleanup() {
      try {
        await db.close();
      } finally {
        await config.cleanup();
      }
    },
  };
}

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb('dblayer');
  await t.db.copyFrom(COPY_AREA, AREAS_CSV + '\n');
});

afterAll(async () => {
  await t?.cleanup();
});

it(`runs on the engine the suite asked for (${kind})`, () => {
  expect(t.db.kind).toBe(kind);
});

describe('migrations', () => {
  const migrations = listMigrations();

  it('are all applied, each exactly once', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await t.db.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migration ORDER BY version',
    );
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name, checksum: m.checksum })));
  });

  it('are idempotent: migrating again applies nothing', async () => {
    expect(await migrate(t.db)).toEqual({ applied: [], current: migrations.at(-1)!.version });
    expect(await count(t.db, 'SELECT 1 FROM schema_migration')).toBe(migrations.length);
  });

  it('reopening a database applies nothing new and keeps the data', async () => {
    const t2 = await openTestDb('reopen');
    try {
      await t2.db.query(`INSERT INTO area (code, level, name) VALUES ('99', 1, 'Reopen test')`);
      await t2.db.close();

      const db = await openDatabase({ dataDir: t2.config.dataDir, databaseUrl: t2.config.databaseUrl });
      try {
        expect(await migrate(db)).toEqual({ applied: [], current: migrations.at(-1)!.version });
        expect(await count(db, 'SELECT 1 FROM schema_migration')).toBe(migrations.length);
        expect(await db.query(`SELECT name FROM area WHERE code = '99'`)).toEqual([{ name: 'Reopen test' }]);
      } finally {
        await db.close();
      }
    } finally {
      await t2.cleanup();
    }
  });
});

describe('type normalisation (identical on both engines)', () => {
  it('bigint is a JS number, date a YYYY-MM-DD string, timestamptz a Date', async () => {
    const r = await one<Record<string, unknown>>(
      t.db,
      `SELECT 1::bigint AS big, count(*) AS cnt, '2025-07-01'::date AS d, now() AS ts,
              2::int AS i, 1.50::numeric AS n, true AS b, '{"a": [1, 2]}'::jsonb AS j,
              array['a', 'b'] AS texts, array[1, 2]::int[] AS ints, NULL::int AS nothing
         FROM (VALUES (1), (2)) v`,
    );
    expect(r).toEqual({
      big: 1,
      cnt: 2,
      d: '2025-07-01',
      ts: expect.any(Date),
      i: 2,
      n: '1.50',
      b: true,
      j: { a: [1, 2] },
      texts: ['a', 'b'],
      ints: [1, 2],
      nothing: null,
    });
    expect(typeof r.big).toBe('number');
    expect(Math.abs((r.ts as Date).getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('parameters round-trip without time-zone shifts', async () => {
    const at = new Date('2025-07-01T23:30:00.000Z');
    const r = await one<{ d: string; b: number; at: Date; txt: string }>(
      t.db,
      'SELECT $1::date AS d, $2::bigint AS b, $3::timestamptz AS at, $4::text AS txt',
      ['2025-01-01', 9_007_199_254_740, at, '5301010101800001'],
    );
    expect(r).toEqual({ d: '2025-01-01', b: 9_007_199_254_740, at, txt: '5301010101800001' });
  });

  it('a date column stays the same calendar day', async () => {
    expect(await t.db.query(`SELECT d FROM (VALUES ('1980-01-01'::date), ('2024-12-31'::date)) v(d) ORDER BY d`)).toEqual([
      { d: '1980-01-01' },
      { d: '2024-12-31' },
    ]);
  });

  // data_access_log.subject_ids is bigint[]: without an int8[] parser `pg` returns ['1'], PGlite [1].
  it('arrays of bigint and of date are normalised like their elements', async () => {
    const r = await one<{ ids: unknown; days: unknown }>(
      t.db,
      `SELECT array[1, 2]::bigint[] AS ids, array['2025-01-01'::date, '2025-12-31'::date] AS days`,
    );
    expect(r).toEqual({ ids: [1, 2], days: ['2025-01-01', '2025-12-31'] });
  });

  // interval and bytea still differ between engines (pg: PostgresInterval object, Buffer; PGlite:
  // string, Uint8Array). Nothing reads them into JavaScript: SQL formats them (encode(hash, 'hex')).
});

describe('transaction()', () => {
  it('commits when the function resolves and returns its result', async () => {
    const result = await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO area (code, level, name) VALUES ('71', 1, 'Sulawesi Utara')`);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await t.db.query(`SELECT name FROM area WHERE code = '71'`)).toEqual([{ name: 'Sulawesi Utara' }]);
  });

  it('rolls back when the function throws, and rethrows the same error', async () => {
    const boom = new Error('boom');
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO area (code, level, name) VALUES ('72', 1, 'Sulawesi Tengah')`);
        expect(await count(tx, `SELECT 1 FROM area WHERE code = '72'`)).toBe(1);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count(t.db, `SELECT 1 FROM area WHERE code = '72'`)).toBe(0);
  });

  it('rolls back when a statement fails, reports SQLSTATE, and the database stays usable', async () => {
    const err = await t.db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO area (code, level, name) VALUES ('73', 1, 'Sulawesi Selatan')`);
        await tx.query(`INSERT INTO area (code, level, name) VALUES ('not-a-code', 1, 'Bad')`);
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe('23514'); // check_violation
    expect(await count(t.db, `SELECT 1 FROM area WHERE code = '73'`)).toBe(0);
    expect(await one(t.db, 'SELECT 1 AS ok')).toEqual({ ok: 1 });
  });
});

describe('copyFrom()', () => {
  it('inserts CSV rows (unquoted empty is NULL, quoted commas stay) and returns the count', async () => {
    const n = await t.db.copyFrom(COPY_AREA, '61,,1,Kalimantan Barat\n61.01,61,2,Sambas\n"61.02",61,2,"Bengkayang, Kab."\n');
    expect(n).toBe(3);
    expect(await t.db.query(`SELECT code, parent_code, level, name FROM area WHERE code LIKE '61%' ORDER BY code`)).toEqual([
      { code: '61', parent_code: null, level: 1, name: 'Kalimantan Barat' },
      { code: '61.01', parent_code: '61', level: 2, name: 'Sambas' },
      { code: '61.02', parent_code: '61', level: 2, name: 'Bengkayang, Kab.' },
    ]);
  });

  it('is all-or-nothing: one bad row loads nothing', async () => {
    await expect(t.db.copyFrom(COPY_AREA, '62,,1,Kalimantan Tengah\n62.01,99,2,No such parent\n')).rejects.toMatchObject({
      code: '23503', // foreign_key_violation
    });
    expect(await count(t.db, `SELECT 1 FROM area WHERE code LIKE '62%'`)).toBe(0);
  });

  it('takes part in a transaction', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        expect(await tx.copyFrom(COPY_AREA, '63,,1,Kalimantan Selatan\n')).toBe(1);
        expect(await count(tx, `SELECT 1 FROM area WHERE code = '63'`)).toBe(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await count(t.db, `SELECT 1 FROM area WHERE code = '63'`)).toBe(0);
  });
});

describe('history (audit_history: audit_log before migration 002, audit_entry since)', () => {
  let id: number;
  type Entry = { op: string; row_key: string; subject: string; area_code: string; actor_label: string; before: unknown; after: unknown };
  const entries = (q: Queryable = t.db, table = 'person', key = String(id)) =>
    q.query<Entry>(
      `SELECT op, row_key, subject, area_code, actor_label, before, after FROM audit_history
        WHERE table_name = $1 AND row_key = $2 ORDER BY id`,
      [table, key],
    );

  it('an insert writes an I entry with who, what and where', async () => {
    id = await t.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'integration-test', true)`);
      const p = await one<{ id: number }>(
        tx,
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        ['5301010101800001', '  Yohanes   Tefa ', '1980-01-01', 'L', '53.01.01.2001'],
      );
      return p.id;
    });
    expect(typeof id).toBe('number');
    expect(await entries()).toEqual([
      {
        op: 'I',
        row_key: String(id),
        subject: `person:${id}`,
        area_code: '53.01.01.2001',
        actor_label: 'integration-test',
        before: null,
        after: expect.objectContaining({
          id,
          nik: '5301010101800001',
          birth_date: '1980-01-01',
          name_norm: 'yohanes tefa',
          village_code: '53.01.01.2001',
          extreme_poor: false,
        }),
      },
    ]);
    // Since migration 002 the entry is in audit_entry, its content kept as the JSON text written.
    const [raw] = await t.db.query<{ after: string }>(`SELECT after FROM audit_entry WHERE table_name = 'person' AND row_key = $1`, [String(id)]);
    expect(typeof raw!.after).toBe('string');
    expect(JSON.parse(raw!.after)).toMatchObject({ id, nik: '5301010101800001' });
  });

  it('an update writes a U entry with before and after', async () => {
    await t.db.query(`UPDATE person SET phone = '081234567890' WHERE id = $1`, [id]);
    const log = await entries();
    expect(log.map((e) => e.op)).toEqual(['I', 'U']);
    const u = log[1]!;
    expect(u.actor_label).toBe('system');
    expect(u.before).toMatchObject({ id, phone: null });
    expect(u.after).toMatchObject({ id, phone: '081234567890' });
  });

  it('an update that changes nothing writes nothing', async () => {
    const blocks = await count(t.db, 'SELECT 1 FROM audit_block');
    await t.db.query(`UPDATE person SET phone = phone WHERE id = $1`, [id]);
    expect((await entries()).map((e) => e.op)).toEqual(['I', 'U']);
    expect(await count(t.db, 'SELECT 1 FROM audit_block')).toBe(blocks);
  });

  it('a multi-row statement writes one entry per row in one block; heirs take their person’s village', async () => {
    const [other] = await t.db.query<{ id: number }>(
      `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5302010101800009', 'Other Village', '1980-01-01', 'P', '53.02.01.2001') RETURNING id`,
    );
    await t.db.query(
      `INSERT INTO heir (person_id, full_name, relation) VALUES ($1, 'Anak Satu', 'anak'), ($2, 'Anak Dua', 'anak'), ($1, 'Istri', 'istri')`,
      [id, other!.id],
    );
    const heirs = await t.db.query<{ block_id: number; subject: string; area_code: string; name: string }>(
      `SELECT block_id, subject, area_code, after->>'full_name' AS name FROM audit_history WHERE table_name = 'heir' ORDER BY id`,
    );
    expect(heirs.map(({ subject, area_code, name }) => ({ subject, area_code, name }))).toEqual([
      { subject: `person:${id}`, area_code: '53.01.01.2001', name: 'Anak Satu' },
      { subject: `person:${other!.id}`, area_code: '53.02.01.2001', name: 'Anak Dua' },
      { subject: `person:${id}`, area_code: '53.01.01.2001', name: 'Istri' },
    ]);
    expect(new Set(heirs.map((h) => h.block_id)).size).toBe(1);
    const [block] = await t.db.query<{ entry_count: number }>('SELECT entry_count FROM audit_block WHERE id = $1', [heirs[0]!.block_id]);
    expect(block!.entry_count).toBe(3);
  });

  it('a delete writes a D entry with the row as it was', async () => {
    const [h] = await t.db.query<{ id: number }>(`SELECT id FROM heir WHERE full_name = 'Istri'`);
    await t.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'deleter', true)`);
      await tx.query('DELETE FROM heir WHERE id = $1', [h!.id]);
    });
    const log = await entries(t.db, 'heir', String(h!.id));
    expect(log.map((e) => [e.op, e.actor_label])).toEqual([
      ['I', 'system'],
      ['D', 'deleter'],
    ]);
    expect(log[1]!.before).toMatchObject({ full_name: 'Istri', person_id: id });
    expect(log[1]!.after).toBeNull();
    expect(log[1]!.area_code).toBe('53.01.01.2001');
  });

  it('an update that changes a key keeps both versions (nothing is lost)', async () => {
    await t.db.query(`INSERT INTO household (kk, village_code) VALUES ('5301010101010001', '53.01.01.2001')`);
    await t.db.query(`UPDATE household SET kk = '5301010101010002' WHERE kk = '5301010101010001'`);
    const log = await t.db.query<{ op: string; row_key: string; before: unknown; after: unknown }>(
      `SELECT op, row_key, before, after FROM audit_history WHERE table_name = 'household' ORDER BY id`,
    );
    expect(log).toEqual([
      { op: 'I', row_key: '5301010101010001', before: null, after: expect.objectContaining({ kk: '5301010101010001' }) },
      { op: 'U', row_key: '5301010101010001', before: expect.objectContaining({ kk: '5301010101010001' }), after: null },
      { op: 'U', row_key: '5301010101010002', before: null, after: expect.objectContaining({ kk: '5301010101010002' }) },
    ]);
  });

  it('an update pairs each row with its own new version, even where the tracked key is not unique', async () => {
    await t.db.exec(`CREATE TABLE hist_probe (id int PRIMARY KEY, grp text NOT NULL, v int NOT NULL)`);
    await t.db.query(`SELECT lindung_track('hist_probe', 'grp', 'probe', 'id', 'grp')`);
    await t.db.exec(`INSERT INTO hist_probe VALUES (1, 'a', 10), (2, 'a', 20), (3, 'b', 30)`);
    await t.db.exec(`UPDATE hist_probe SET v = v + 1`);
    const log = await t.db.query<{ before: { id: number; v: number }; after: { id: number; v: number } }>(
      `SELECT before, after FROM audit_history WHERE table_name = 'hist_probe' AND op = 'U' ORDER BY id`,
    );
    expect(log.map((e) => [e.before.id, e.before.v, e.after.id, e.after.v]).sort()).toEqual([
      [1, 10, 1, 11],
      [2, 20, 2, 21],
      [3, 30, 3, 31],
    ]);
  });

  it('never copies a password hash into history', async () => {
    await t.db.query(`INSERT INTO app_user (username, full_name, role, area_code, password_hash) VALUES ('hist', 'History', 'viewer', NULL, 'SECRET-HASH')`);
    await t.db.query(`UPDATE app_user SET password_hash = 'OTHER-HASH', full_name = 'History Two' WHERE username = 'hist'`);
    const rows = await t.db.query<{ op: string; b: string | null; a: string | null }>(
      `SELECT op, before AS b, after AS a FROM audit_entry WHERE table_name = 'app_user' ORDER BY id`,
    );
    expect(rows.map((r) => r.op)).toEqual(['I', 'U']);
    for (const r of rows) {
      expect(`${r.b}${r.a}`).not.toContain('HASH');
      expect(`${r.b}${r.a}`).not.toContain('password_hash');
    }
  });

  it('row-level security shows a person’s history only within the area', async () => {
    const seen = (area: string | null) =>
      t.db.transaction(async (tx) => {
        await tx.exec('SET LOCAL ROLE lindung_user');
        if (area !== null) await tx.query(`SELECT set_config('lindung.area', $1, true)`, [area]);
        return count(tx, 'SELECT 1 FROM audit_history WHERE subject = $1', [`person:${id}`]);
      });
    const all = await count(t.db, 'SELECT 1 FROM audit_history WHERE subject = $1', [`person:${id}`]);
    expect(all).toBeGreaterThanOrEqual(5); // person I, U; heirs I, I, D
    expect(await seen('53.01')).toBe(all);
    expect(await seen('53.01.01.2001')).toBe(all);
    expect(await seen('*')).toBe(all);
    expect(await seen('53.02')).toBe(0);
    expect(await seen(null)).toBe(0);
    // The same through the table itself.
    const direct = await t.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL ROLE lindung_user');
      await tx.query(`SELECT set_config('lindung.area', '53.02', true)`);
      return count(tx, `SELECT 1 FROM audit_entry WHERE area_code LIKE '53.01%'`);
    });
    expect(direct).toBe(0);
  });

  /**
   * An independent check of the chain (the formulas written out again, not verifyAudit): the
   * block ids whose links are broken, and those holding an entry whose hash does not match.
   */
  const BROKEN_LINKS = `
    WITH e AS (SELECT id, block_id, entry_hash FROM audit_log UNION ALL SELECT id, block_id, entry_hash FROM audit_entry)
    SELECT b.id FROM (
      SELECT b.*, lag(b.hash) OVER (ORDER BY b.id) AS prev,
             (SELECT count(*) FROM e WHERE e.block_id = b.id) AS n,
             sha256(b.prev_hash || (SELECT string_agg(e.entry_hash, ''::bytea ORDER BY e.id) FROM e WHERE e.block_id = b.id)) AS recomputed
        FROM audit_block b) b
     WHERE b.hash IS DISTINCT FROM b.recomputed OR b.prev_hash <> coalesce(b.prev, '\\x'::bytea) OR b.entry_count <> b.n
    UNION ALL
    SELECT l.block_id FROM audit_log l
     WHERE l.entry_hash <> lindung_audit_entry_hash(l.table_name, l.op, l.row_key, l.actor_id, l.actor_label, l.at, l.before, l.after)
    UNION ALL
    SELECT l.block_id FROM audit_entry l
     WHERE l.entry_hash <> sha256(convert_to(ROW(l.id, (extract(epoch FROM l.at) * 1000000)::bigint, l.actor_id, l.actor_label,
             l.request_id, l.table_name, l.op, l.row_key, l.subject, l.area_code, l.before, l.after)::text, 'UTF8'))`;

  it('the hash chain verifies, and detects a tampered entry', async () => {
    expect(await count(t.db, 'SELECT 1 FROM audit_block')).toBeGreaterThanOrEqual(2);
    expect(await count(t.db, BROKEN_LINKS)).toBe(0);
    expect((await verifyAudit(t.db)).ok).toBe(true);
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(
          `UPDATE audit_entry SET after = jsonb_set(after::jsonb, '{phone}', '"0000"')::text WHERE table_name = 'person' AND op = 'U' AND row_key = $1`,
          [String(id)],
        );
        expect(await count(tx, BROKEN_LINKS)).toBe(1);
        throw new Error('undo tampering');
      }),
    ).rejects.toThrow('undo tampering');
    expect(await count(t.db, BROKEN_LINKS)).toBe(0);
  });

  describe('audit verify detects every kind of tampering', () => {
    /** Runs `sql` in a transaction, verifies, and rolls everything back. */
    async function afterTampering(...sql: string[]): Promise<VerifyResult> {
      let result: VerifyResult | null = null;
      await t.db
        .transaction(async (tx) => {
          for (const s of sql) await tx.exec(s);
          result = await verifyAudit(tx);
          throw new Error('undo tampering');
        })
        .catch((e: unknown) => {
          if ((e as Error).message !== 'undo tampering') throw e;
        });
      expect((await verifyAudit(t.db)).ok).toBe(true);
      return result!;
    }
    /** A block in the middle of the chain with at least `n` entries, its entry ids, and its neighbours. */
    async function aBlock(n = 1) {
      const [b] = await t.db.query<{ id: number; ids: number[] }>(
        `SELECT block_id AS id, array_agg(id ORDER BY id) AS ids FROM audit_entry
          WHERE block_id > (SELECT min(id) FROM audit_block) AND block_id < (SELECT max(id) FROM audit_block)
          GROUP BY block_id HAVING count(*) >= $1 ORDER BY block_id DESC LIMIT 1`,
        [n],
      );
      const ids = (await t.db.query<{ id: number }>('SELECT id FROM audit_block ORDER BY id')).map((r) => r.id);
      const at = ids.indexOf(b!.id);
      return { id: b!.id, entries: b!.ids.map(Number), prev: ids[at - 1]!, next: ids[at + 1]! };
    }
    /** The SQL that recomputes an entry's hash as the trigger does (what a careful forger would run). */
    const REHASH = `entry_hash = lindung_audit_entry_hash2(id, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code, before, after)`;

    it('a changed entry: content, who, when, area or subject', async () => {
      const b = await aBlock();
      const e = b.entries[0]!;
      for (const change of [
        `after = coalesce(after, '') || ' '`,
        `before = coalesce(before, '') || ' '`,
        `actor_label = 'someone else'`,
        `at = at - interval '1 day'`,
        `area_code = '53.02'`,
        `subject = 'person:0'`,
        `op = CASE op WHEN 'I' THEN 'D' ELSE 'I' END`,
      ]) {
        const r = await afterTampering(`UPDATE audit_entry SET ${change} WHERE id = ${e}`);
        expect(r.ok, change).toBe(false);
        expect(r.badEntries, change).toEqual([e]);
      }
    });

    it('a changed entry whose hash was recomputed breaks its block', async () => {
      const b = await aBlock();
      const r = await afterTampering(
        `UPDATE audit_entry SET actor_label = 'someone else' WHERE id = ${b.entries[0]}`,
        `UPDATE audit_entry SET ${REHASH} WHERE id = ${b.entries[0]}`,
      );
      expect(r.badEntries).toEqual([]);
      expect(r.badBlocks).toEqual([b.id]);
    });

    it('a removed entry', async () => {
      const b = await aBlock(2);
      const r = await afterTampering(`DELETE FROM audit_entry WHERE id = ${b.entries[1]}`);
      expect(r.badBlocks).toEqual([b.id]);
    });

    it('reordered entries (ids swapped, hashes recomputed)', async () => {
      const b = await aBlock(2);
      const [x, y] = b.entries as [number, number];
      const r = await afterTampering(
        `UPDATE audit_entry SET id = -1 WHERE id = ${x}`,
        `UPDATE audit_entry SET id = ${x} WHERE id = ${y}`,
        `UPDATE audit_entry SET id = ${y} WHERE id = -1`,
        `UPDATE audit_entry SET ${REHASH} WHERE id IN (${x}, ${y})`,
      );
      expect(r.badEntries).toEqual([]);
      expect(r.badBlocks).toEqual([b.id]);
    });

    it('an inserted entry, inside a block or outside every block', async () => {
      const b = await aBlock();
      const copy = (id: string, block: string) =>
        `INSERT INTO audit_entry SELECT ${id}, ${block}, at, actor_id, actor_label, request_id, table_name, op, row_key, subject, area_code,
                before, after, entry_hash FROM audit_entry WHERE id = ${b.entries[0]}`;
      const inside = await afterTampering(copy('1000000', String(b.id)), `UPDATE audit_entry SET ${REHASH} WHERE id = 1000000`);
      expect(inside.badBlocks).toEqual([b.id]);
      const outside = await afterTampering(copy('1000000', '1000000'), `UPDATE audit_entry SET ${REHASH} WHERE id = 1000000`);
      expect(outside.badEntries).toEqual([1000000]);
    });

    it('a changed, removed or reordered block', async () => {
      const b = await aBlock();
      const changed = await afterTampering(`UPDATE audit_block SET hash = sha256(hash) WHERE id = ${b.id}`);
      expect(changed.badBlocks).toEqual([b.id, b.next]);
      const count = await afterTampering(`UPDATE audit_block SET entry_count = entry_count + 1 WHERE id = ${b.id}`);
      expect(count.badBlocks).toEqual([b.id]);
      const removed = await afterTampering(`DELETE FROM audit_entry WHERE block_id = ${b.id}`, `DELETE FROM audit_block WHERE id = ${b.id}`);
      expect(removed.badBlocks).toEqual([b.next]);
      const swapped = await afterTampering(
        `UPDATE audit_block SET id = -1 WHERE id = ${b.prev}`,
        `UPDATE audit_block SET id = ${b.prev} WHERE id = ${b.id}`,
        `UPDATE audit_block SET id = ${b.id} WHERE id = -1`,
        `UPDATE audit_entry SET block_id = CASE block_id WHEN ${b.id} THEN ${b.prev} ELSE ${b.id} END WHERE block_id IN (${b.id}, ${b.prev})`,
        `UPDATE audit_log SET block_id = CASE block_id WHEN ${b.id} THEN ${b.prev} ELSE ${b.id} END WHERE block_id IN (${b.id}, ${b.prev})`,
      );
      expect(swapped.ok).toBe(false);
      expect(swapped.badBlocks).toContain(b.id);
    });

    it('removing the newest block changes the head hash (record it elsewhere)', async () => {
      const before = await verifyAudit(t.db);
      const r = await afterTampering(
        `DELETE FROM audit_entry WHERE block_id = (SELECT max(id) FROM audit_block)`,
        `DELETE FROM audit_log WHERE block_id = (SELECT max(id) FROM audit_block)`,
        `DELETE FROM audit_block WHERE id = (SELECT max(id) FROM audit_block)`,
      );
      expect(r.ok).toBe(true);
      expect(r.head).not.toBe(before.head);
    });
  });
});

describe('history written before migration 002 (first form) after the upgrade', () => {
  let old: { db: Db; cleanup(): Promise<void> };
  let personId: number;

  beforeAll(async () => {
    old = await openAtVersion('history_upgrade', 1);
    await old.db.copyFrom(COPY_AREA, AREAS_CSV + '\n');
    // Written by 001's trigger: audit_log, jsonb content, one sha256 per entry.
    personId = await old.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'before-002', true)`);
      const p = await one<{ id: number }>(
        tx,
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5301010101800001', 'Maria Bani', '1980-01-01', 'P', '53.01.01.2001') RETURNING id`,
      );
      await tx.query(`INSERT INTO heir (person_id, full_name, relation) VALUES ($1, 'Yohanes Bani', 'suami')`, [p.id]);
      return p.id;
    });
    await old.db.query(`UPDATE person SET phone = '081111111111' WHERE id = $1`, [personId]);
    expect(await count(old.db, 'SELECT 1 FROM audit_log')).toBe(3);
    await migrate(old.db);
  });

  afterAll(async () => {
    await old?.cleanup();
  });

  it('the first-form entries stay where they were and still verify', async () => {
    expect(await count(old.db, 'SELECT 1 FROM audit_log')).toBe(3);
    expect(await count(old.db, 'SELECT 1 FROM audit_entry')).toBe(0);
    const v = await verifyAudit(old.db);
    expect(v).toMatchObject({ ok: true, entries: 3, blocks: 3 });
  });

  it('new changes chain on after them, and the whole history verifies', async () => {
    const before = await verifyAudit(old.db);
    await old.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'after-002', true)`);
      await tx.query(`UPDATE person SET phone = '082222222222' WHERE id = $1`, [personId]);
    });
    const [b] = await old.db.query<{ prev: string }>(`SELECT encode(prev_hash, 'hex') AS prev FROM audit_block ORDER BY id DESC LIMIT 1`);
    expect(b!.prev).toBe(before.head);
    const [ids] = await old.db.query<{ old_max: number; new_min: number }>(
      'SELECT (SELECT max(id) FROM audit_log)::int AS old_max, (SELECT min(id) FROM audit_entry)::int AS new_min',
    );
    expect(ids!.new_min).toBeGreaterThan(ids!.old_max);
    expect(await verifyAudit(old.db)).toMatchObject({ ok: true, entries: 4, blocks: 4 });
  });

  it('the record’s page shows both forms, newest first, with field changes', async () => {
    const history = await getHistory(old.db, personId);
    expect(history.map((h) => [h.table_name, h.op, h.actor_label])).toEqual([
      ['person', 'U', 'after-002'],
      ['person', 'U', 'system'],
      ['heir', 'I', 'before-002'],
      ['person', 'I', 'before-002'],
    ]);
    expect(history[0]!.changes).toContainEqual({ field: 'phone', before: '081111111111', after: '082222222222' });
    expect(history[1]!.changes).toContainEqual({ field: 'phone', before: null, after: '081111111111' });
  });

  it('a tampered first-form entry is still caught', async () => {
    await expect(
      old.db.transaction(async (tx) => {
        await tx.query(`UPDATE audit_log SET after = jsonb_set(after, '{phone}', '"0000"') WHERE op = 'U'`);
        const v = await verifyAudit(tx);
        expect(v.ok).toBe(false);
        expect(v.badEntries).toHaveLength(1);
        throw new Error('undo tampering');
      }),
    ).rejects.toThrow('undo tampering');
  });
});

describe('row-level security (area scope)', () => {
  const NIK = '5301010101900002';
  beforeAll(async () => {
    await t.db.query(
      `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ($1, 'Maria Bani', '1990-02-03', 'P', '53.01.01.2001')`,
      [NIK],
    );
  });

  /** Persons of village 53.01.01.2001 visible to a request scoped to `area` (null: scope unset). */
  const visibleWith = (area: string | null) =>
    t.db.transaction(async (tx) => {
      await tx.exec('SET LOCAL ROLE lindung_user');
      if (area !== null) await tx.query(`SELECT set_config('lindung.area', $1, true)`, [area]);
      return count(tx, `SELECT 1 FROM person WHERE nik = $1`, [NIK]);
    });

  it('a foreign area sees nothing', async () => {
    expect(await visibleWith('53.02')).toBe(0);
    expect(await visibleWith('53.02.01.2001')).toBe(0);
    expect(await visibleWith('54')).toBe(0);
  });

  it('the area itself and every area above it see the person', async () => {
    expect(await visibleWith('53.01')).toBe(1);
    expect(await visibleWith('53')).toBe(1);
    expect(await visibleWith('53.01.01')).toBe(1);
    expect(await visibleWith('53.01.01.2001')).toBe(1);
    expect(await visibleWith('*')).toBe(1);
  });

  it('a prefix that is not a whole code segment sees nothing', async () => {
    expect(await visibleWith('53.0')).toBe(0);
    expect(await visibleWith('5')).toBe(0);
  });

  it('an unset or empty scope sees nothing', async () => {
    expect(await visibleWith(null)).toBe(0);
    expect(await visibleWith('')).toBe(0);
  });

  it('the scope ends with the transaction', async () => {
    expect(await visibleWith('53')).toBe(1);
    expect(await visibleWith(null)).toBe(0);
  });

  it('refuses to write a person into a foreign area', async () => {
    const err = await t.db
      .transaction(async (tx) => {
        await tx.exec('SET LOCAL ROLE lindung_user');
        await tx.query(`SELECT set_config('lindung.area', '53.02', true)`);
        await tx.query(
          `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5301010101900003', 'X', '1990-01-01', 'L', '53.01.01.2001')`,
        );
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe('42501'); // insufficient_privilege (row-level security)
    expect(await count(t.db, `SELECT 1 FROM person WHERE nik = '5301010101900003'`)).toBe(0);
  });
});

describe('PGlite data folder lock (one process owns the folder)', () => {
  const CHILD = path.join(ROOT, 'test/helpers/try-open-db.ts');

  /** Opens the folder from another process, as a second `lindung serve` would. */
  function openFromAnotherProcess(dataDir: string): Promise<{ code: number | null; pid: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, pid: child.pid ?? 0, stdout, stderr });
      });
    });
  }

  it.skipIf(kind !== 'pglite')('refuses a second process while the first has the folder open', async () => {
    const r = await openFromAnotherProcess(t.config.dataDir);
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(2);
    expect(r.stdout).toContain('in use by another Lindung process');
    expect(r.stdout).toContain(`PID ${process.pid}`);
    // The first process is unharmed.
    expect(await one(t.db, 'SELECT 1 AS ok')).toEqual({ ok: 1 });
  });

  it.skipIf(kind !== 'pglite')('lets the next process in after a close, and after a crash (stale lock)', async () => {
    const t2 = await openTestDb('lock');
    try {
      await t2.db.close();
      const first = await openFromAnotherProcess(t2.config.dataDir);
      expect(first.code, `stdout: ${first.stdout}\nstderr: ${first.stderr}`).toBe(0);
      expect(first.stdout).toContain('opened');

      // A lock left behind by a process that no longer runs (killed with -9) is taken over.
      await fs.writeFile(path.join(t2.config.dataDir, 'lindung.lock'), JSON.stringify({ pid: first.pid, host: 'x', since: '' }));
      const second = await openFromAnotherProcess(t2.config.dataDir);
      expect(second.code, `stdout: ${second.stdout}\nstderr: ${second.stderr}`).toBe(0);
    } finally {
      await t2.cleanup();
    }
  });
});
