/**
 * Loading the synthetic registry into a real engine (PGlite or PostgreSQL, per LINDUNG_TEST_DB):
 * COPY in batches, history under the actor 'demo', the refusals, and replacing an earlier demo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Param, Queryable } from '../../src/db/types.js';
import { verifyAudit } from '../../src/features/audit/verify.js';
import { loadDemo, type LoadDemoResult } from '../../src/features/demo/load.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

const COPY_AREA = 'COPY area (code, parent_code, level, name) FROM STDIN (FORMAT csv)';

/** NTT with Belu, Malaka (split from Belu) and Kota Kupang, two or three villages each. */
const AREAS_CSV = [
  '53,,1,Nusa Tenggara Timur',
  '53.04,53,2,Kabupaten Belu',
  '53.04.01,53.04,3,Lamaknen',
  '53.04.01.2001,53.04.01,4,Kewar',
  '53.04.01.2002,53.04.01,4,Fulur',
  '53.04.02,53.04,3,Tasifeto Timur',
  '53.04.02.2001,53.04.02,4,Silawan',
  '53.21,53,2,Kabupaten Malaka',
  '53.21.01,53.21,3,Malaka Tengah',
  '53.21.01.2001,53.21.01,4,Barene',
  '53.21.02,53.21,3,Malaka Barat',
  '53.21.02.2001,53.21.02,4,Motaulun',
  '53.71,53,2,Kota Kupang',
  '53.71.01,53.71,3,Alak',
  '53.71.01.1001,53.71.01,4,Namosain',
  '53.71.02,53.71,3,Maulafa',
  '53.71.02.1001,53.71.02,4,Oepura',
].join('\n');
const VILLAGES = AREAS_CSV.split('\n').map((l) => l.split(',')).filter((f) => f[2] === '4').map((f) => f[0]!);

const SIZE = 5000;
const TODAY = '2025-10-01';

async function one<R>(q: Queryable, sql: string, params: readonly Param[] = []): Promise<R> {
  const rows = await q.query<R>(sql, params);
  expect(rows, sql).toHaveLength(1);
  return rows[0]!;
}
async function count(q: Queryable, sql: string, params: readonly Param[] = []): Promise<number> {
  return Number((await one<{ n: number | string }>(q, `SELECT count(*) AS n FROM (${sql}) x`, params)).n);
}

let t: TestDb;

beforeAll(async () => {
  t = await openTestDb('demo-load');
});

afterAll(async () => {
  await t?.cleanup();
});

describe('loadDemo', () => {
  let first: LoadDemoResult;
  const progress: [number, number][] = [];

  it('refuses while the NTT areas are not loaded', async () => {
    await expect(loadDemo(t.db, { size: 10, today: TODAY })).rejects.toThrow(/areas .*`lindung areas load`/s);
    expect(await count(t.db, 'SELECT 1 FROM person')).toBe(0);
  });

  it('loads the requested number of workers, in batches', async () => {
    await t.db.copyFrom(COPY_AREA, `${AREAS_CSV}\n`);
    first = await loadDemo(t.db, { size: SIZE, seed: 7, today: TODAY, batchSize: 2000, onProgress: (d, n) => progress.push([d, n]) });
    expect(first.persons).toBe(SIZE);
    expect(first.households).toBeGreaterThan(SIZE / 3);
    expect(first.households).toBeLessThan(SIZE);
    expect(first.heirs).toBeGreaterThanOrEqual(SIZE);
    expect(first.heirs).toBeLessThanOrEqual(4 * SIZE);
    expect(first.ms).toBeGreaterThan(0);
    // 0, then after each batch of about 2000 (whole households), ending at the total.
    expect(progress[0]).toEqual([0, SIZE]);
    expect(progress.at(-1)).toEqual([SIZE, SIZE]);
    expect(progress.length).toBeGreaterThanOrEqual(4);
  });

  it('leaves exactly the counted rows, all synthetic, in the loaded villages', async () => {
    const db = t.db;
    expect(await count(db, 'SELECT 1 FROM person')).toBe(first.persons);
    expect(await count(db, 'SELECT 1 FROM household')).toBe(first.households);
    expect(await count(db, 'SELECT 1 FROM heir')).toBe(first.heirs);
    expect(await count(db, 'SELECT 1 FROM person WHERE NOT synthetic')).toBe(0);
    expect(await count(db, 'SELECT 1 FROM household WHERE NOT synthetic')).toBe(0);
    expect(await count(db, 'SELECT 1 FROM person WHERE NOT (village_code = ANY($1))', [VILLAGES])).toBe(0);
    expect(await count(db, 'SELECT DISTINCT regency_code FROM person')).toBe(3);
    const ids = await one<{ lo: number; hi: number }>(db, 'SELECT min(id)::int AS lo, max(id)::int AS hi FROM person');
    expect(ids).toEqual({ lo: 1, hi: SIZE });
    // Every person's KK is a household of the same village; every heir belongs to a person.
    expect(await count(db, 'SELECT 1 FROM person p JOIN household h ON h.kk = p.kk WHERE h.village_code <> p.village_code')).toBe(0);
    expect(await count(db, 'SELECT 1 FROM person WHERE kk IS NULL')).toBe(0);
    expect(await count(db, 'SELECT 1 FROM person p WHERE NOT EXISTS (SELECT 1 FROM heir h WHERE h.person_id = p.id)')).toBe(0);
  });

  it('gives unique NIKs, some of them issued in Belu for Malaka residents', async () => {
    const db = t.db;
    expect(await count(db, 'SELECT DISTINCT nik FROM person')).toBe(SIZE);
    expect(await count(db, `SELECT 1 FROM person WHERE nik !~ '^[0-9]{16}$'`)).toBe(0);
    const malaka = await count(db, `SELECT 1 FROM person WHERE regency_code = '53.21'`);
    const fromBelu = await count(db, `SELECT 1 FROM person WHERE regency_code = '53.21' AND left(nik, 4) = '5304'`);
    expect(malaka).toBeGreaterThan(500);
    expect(fromBelu).toBeGreaterThan(0);
    expect(fromBelu / malaka).toBeLessThan(0.15);
  });

  it('records the load in the history under the actor "demo", with an intact chain', async () => {
    const db = t.db;
    const rows = await db.query<{ table_name: string; n: number | string }>(
      `SELECT table_name, count(*) AS n FROM audit_history WHERE actor_label = 'demo' AND op = 'I' GROUP BY table_name ORDER BY table_name`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, Number(r.n)]))).toEqual({
      heir: first.heirs,
      household: first.households,
      person: first.persons,
    });
    expect(await count(db, `SELECT 1 FROM audit_history WHERE table_name IN ('person', 'household', 'heir') AND actor_label <> 'demo'`)).toBe(0);
    const v = await verifyAudit(db);
    expect(v.ok).toBe(true);
  });

  it('sets the person id sequence after the loaded ids', async () => {
    let id = 0;
    // Insert one person and roll back: the sequence moves on, the row does not stay.
    await t.db
      .transaction(async (tx) => {
        const [row] = await tx.query<{ id: number | string }>(
          `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5304011111110001', 'Uji Sequence', '1990-01-01', 'L', '53.04.01.2001') RETURNING id`,
        );
        id = Number(row!.id);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    expect(id).toBe(SIZE + 1);
    expect(await count(t.db, 'SELECT 1 FROM person')).toBe(SIZE);
  });

  it('refuses a second load without replace, with a message that says what to do', async () => {
    const err = await loadDemo(t.db, { size: 10, seed: 8, today: TODAY }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/already holds 5,000 synthetic/);
    expect((err as Error).message).toMatch(/fresh data folder/);
    expect((err as Error).message).toMatch(/--replace/);
    expect(await count(t.db, 'SELECT 1 FROM person')).toBe(SIZE);
  });

  it('never mixes the demo with real people, not even with replace', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'test', true)`);
      await tx.query(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code) VALUES ('5304011111110002', 'Orang Nyata', '1990-01-01', 'L', '53.04.01.2001')`,
      );
    });
    await expect(loadDemo(t.db, { size: 10, today: TODAY, replace: true })).rejects.toThrow(/real \(non-synthetic\)/);
    expect(await count(t.db, 'SELECT 1 FROM person WHERE synthetic')).toBe(SIZE);
    await t.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('lindung.actor', 'test', true)`);
      await tx.query(`DELETE FROM person WHERE NOT synthetic`);
    });
  });

  it('replaces the earlier demo with replace: exactly `size` people, with fresh ids', async () => {
    const second = await loadDemo(t.db, { size: SIZE, seed: 9, today: TODAY, replace: true });
    const db = t.db;
    expect(second.persons).toBe(SIZE);
    expect(await count(db, 'SELECT 1 FROM person')).toBe(SIZE);
    expect(await count(db, 'SELECT 1 FROM household')).toBe(second.households);
    expect(await count(db, 'SELECT 1 FROM heir')).toBe(second.heirs);
    expect(await count(db, 'SELECT DISTINCT nik FROM person')).toBe(SIZE);
    // Ids continue after every id handed out before (the earlier demo, the rolled-back and the
    // deleted real person), so the history never names two people by one id.
    const ids = await one<{ lo: number; hi: number }>(db, 'SELECT min(id)::int AS lo, max(id)::int AS hi FROM person');
    expect(ids.lo).toBeGreaterThan(SIZE + 2);
    expect(ids.hi - ids.lo + 1).toBe(SIZE);
    const [next] = await db.query<{ id: number | string }>(`SELECT nextval(pg_get_serial_sequence('person', 'id')) AS id`);
    expect(Number(next!.id)).toBe(ids.hi + 1);
    // The removal is in the history too, under 'demo'.
    expect(await count(db, `SELECT 1 FROM audit_history WHERE actor_label = 'demo' AND op = 'D' AND table_name = 'person'`)).toBe(SIZE);
    expect((await verifyAudit(db)).ok).toBe(true);
  });
});
