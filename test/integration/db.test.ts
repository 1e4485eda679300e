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
import { openDatabase } from '../../src/db/open.js';
import { DbError, type Param, type Queryable } from '../../src/db/types.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/db.js';

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

describe('history (audit_log)', () => {
  let id: number;
  type Entry = { op: string; row_key: string; subject: string; area_code: string; actor_label: string; before: unknown; after: unknown };
  const entries = () =>
    t.db.query<Entry>(
      `SELECT op, row_key, subject, area_code, actor_label, before, after FROM audit_log
        WHERE table_name = 'person' AND row_key = $1 ORDER BY id`,
      [String(id)],
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
        }),
      },
    ]);
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
    await t.db.query(`UPDATE person SET phone = phone WHERE id = $1`, [id]);
    expect((await entries()).map((e) => e.op)).toEqual(['I', 'U']);
  });

  const BROKEN_LINKS = `
    SELECT b.id FROM (
      SELECT b.*, lag(b.hash) OVER (ORDER BY b.id) AS prev,
             (SELECT count(*) FROM audit_log l WHERE l.block_id = b.id) AS n,
             sha256(b.prev_hash || (SELECT string_agg(l.entry_hash, ''::bytea ORDER BY l.id) FROM audit_log l WHERE l.block_id = b.id)) AS recomputed
        FROM audit_block b) b
     WHERE b.hash IS DISTINCT FROM b.recomputed OR b.prev_hash <> coalesce(b.prev, '\\x'::bytea) OR b.entry_count <> b.n
    UNION ALL
    SELECT l.block_id FROM audit_log l
     WHERE l.entry_hash <> lindung_audit_entry_hash(l.table_name, l.op, l.row_key, l.actor_id, l.actor_label, l.at, l.before, l.after)`;

  it('the hash chain verifies, and detects a tampered entry', async () => {
    expect(await count(t.db, 'SELECT 1 FROM audit_block')).toBeGreaterThanOrEqual(2);
    expect(await count(t.db, BROKEN_LINKS)).toBe(0);
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`UPDATE audit_log SET after = jsonb_set(after, '{phone}', '"0000"') WHERE table_name = 'person' AND op = 'U' AND row_key = $1`, [String(id)]);
        expect(await count(tx, BROKEN_LINKS)).toBe(1);
        throw new Error('undo tampering');
      }),
    ).rejects.toThrow('undo tampering');
    expect(await count(t.db, BROKEN_LINKS)).toBe(0);
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
