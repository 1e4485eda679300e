/**
 * `lapse` (issue 4, item 7): lapse processing for N active memberships of one programme.
 *
 *   npx tsx bench/lapse.ts [--engine pglite|postgres|both] [--size N]     (default pglite, 1,000,000)
 *
 * The database (bench/out/db/lapse-pglite-N, lapse-pg-N; kept between runs) is built once by
 * set-based SQL without history (`lindung.restoring = on`, as a restore does): N people with active
 * memberships of BENCH-LAPSE covered from 1 January 2026, and the bills of January–April 2026 with
 * a line each; January is paid on time, February–April not.
 *
 * Measured, each as the CLI runs it (`processLapses`, one transaction, history written):
 *   quiet     — on 20 April: nothing lapses (the run every day costs this much);
 *   lapse     — on 5 May: February–April unpaid, all N lapse from 1 May;
 *   rerun     — the same again: nothing changes;
 *   reinstate — February–April paid on 10 May, run on 20 May: all N are active again from 11 May.
 * lapse, rerun and reinstate share one transaction that is rolled back at the end, so the database
 * stays as built and runs repeat. Target: seconds, not minutes, at 1,000,000.
 */
import path from 'node:path';
import { asSystem } from '../src/db/scope.js';
import type { Db, Queryable } from '../src/db/types.js';
import { ensureReferenceData } from '../src/features/bootstrap.js';
import { getProgramme } from '../src/features/programmes/programmes.js';
import { processLapses } from '../src/features/enrollment/lapse-run.js';
import { log, OUT, openBenchDb, printTable, record, round, type Engine } from './lib.js';

const PROGRAMME = 'BENCH-LAPSE';
const TARIFF = 16_800;

class Rollback extends Error {}

async function build(db: Db, size: number): Promise<void> {
  const [have] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = $1`, [PROGRAMME]);
  if ((have?.n ?? 0) === size) return;
  if ((have?.n ?? 0) > 0) throw new Error(`the database holds another size (${have!.n}): remove it first`);
  log(`lapse: building ${size.toLocaleString('en')} memberships and four months of bills`);
  const t0 = performance.now();
  await ensureReferenceData(db);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('lindung.restoring', 'on', true)`);
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ($1, 'Benchmark: tunggakan', 'province', '53', 'Pemerintah Provinsi NTT (benchmark)', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, $2)`,
      [PROGRAMME, size],
    );
    await tx.exec(`CREATE TEMP TABLE bench_village ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code FROM area WHERE level = 4 AND code LIKE '53.%'`);
    await tx.query(
      `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile, synthetic)
       SELECT '59' || lpad(g::text, 14, '0'), 'Peserta Uji ' || g, date '1966-01-01' + (g % 14000), CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END,
              v.code, 'petani', 1 + g % 4, true
         FROM generate_series(1, $1::int) g JOIN bench_village v ON v.i = g % (SELECT count(*) FROM bench_village)`,
      [size],
    );
    await tx.query(
      `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date)
       SELECT g.id, p.id, 'active', p.village_code, '8' || lpad(p.id::text, 10, '0'), '2026-01-01'
         FROM person p, (SELECT id FROM programme WHERE code = $1) g WHERE p.nik LIKE '59%' AND p.synthetic`,
      [PROGRAMME],
    );
    await tx.query(
      `INSERT INTO coverage_period (membership_id, from_date, to_date)
       SELECT m.id, '2026-01-01', '2026-12-31' FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = $1`, [PROGRAMME]);
    for (const month of ['2026-01', '2026-02', '2026-03', '2026-04']) {
      const [b] = await tx.query<{ id: number }>(
        `INSERT INTO bill (programme_id, month, persons, per_person, amount, due_date, area_code, created_by_label)
         SELECT id, $2::date, $3::int, $4::bigint, $3::bigint * $4::bigint, $2::date + 14, '53', 'bench' FROM programme WHERE code = $1 RETURNING id`,
        [PROGRAMME, `${month}-01`, size, TARIFF],
      );
      await tx.query(
        `INSERT INTO bill_line (bill_id, membership_id, amount) SELECT $1, m.id, $3 FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = $2`,
        [b!.id, PROGRAMME, TARIFF],
      );
      if (month === '2026-01') {
        await tx.query(`INSERT INTO payment (bill_id, sp2d_number, paid_on, amount, area_code, created_by_label) VALUES ($1, 'BENCH/2026-01', '2026-01-12', $2, '53', 'bench')`, [b!.id, size * TARIFF]);
      }
    }
  });
  await db.exec('ANALYZE person, membership, coverage_period, bill_line');
  log(`lapse: built in ${round((performance.now() - t0) / 1000, 1)} s`);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function bench(engine: Engine, size: number): Promise<Record<string, unknown>> {
  const dir = path.join(OUT, 'db', `lapse-${engine === 'pglite' ? 'pglite' : 'pg'}-${size}`);
  const { db, pg } = await openBenchDb(engine, dir);
  try {
    await build(db, size);
    const run = (tx: Queryable, on: string) => getProgramme(tx, PROGRAMME).then((p) => processLapses(tx, p, on));
    const quiet = await timed(() => asSystem(db, 'bench', (tx) => run(tx, '2026-04-20')));
    if (quiet.value.lapsed !== 0) throw new Error(`quiet run lapsed ${quiet.value.lapsed}`);
    const figures: Record<string, number> = {};
    await asSystem(db, 'bench', async (tx) => {
      const lapse = await timed(() => run(tx, '2026-05-05'));
      if (lapse.value.lapsed !== size) throw new Error(`expected ${size} lapses, got ${lapse.value.lapsed}`);
      const rerun = await timed(() => run(tx, '2026-05-05'));
      if (rerun.value.lapsed !== 0 || rerun.value.reinstated !== 0) throw new Error('the rerun changed something');
      await tx.query(
        `INSERT INTO payment (bill_id, sp2d_number, paid_on, amount, area_code, created_by_label)
         SELECT b.id, 'BENCH/' || to_char(b.month, 'YYYY-MM'), '2026-05-10', b.amount, '53', 'bench' FROM bill b JOIN programme p ON p.id = b.programme_id
          WHERE p.code = $1 AND b.month > '2026-01-01'`,
        [PROGRAMME],
      );
      const reinstate = await timed(() => run(tx, '2026-05-20'));
      if (reinstate.value.reinstated !== size) throw new Error(`expected ${size} reinstatements, got ${reinstate.value.reinstated}`);
      Object.assign(figures, { lapseMs: lapse.ms, rerunMs: rerun.ms, reinstateMs: reinstate.ms });
      throw new Rollback();
    }).catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
    // The rolled-back row versions stay behind until a vacuum (PGlite has no autovacuum).
    await db.exec('VACUUM membership, coverage_period, payment, audit_entry');
    return { engine, size, quietMs: round(quiet.ms, 0), lapseMs: round(figures.lapseMs!, 0), rerunMs: round(figures.rerunMs!, 0), reinstateMs: round(figures.reinstateMs!, 0) };
  } finally {
    await db.close();
    await pg?.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const engineArg = value('--engine') ?? 'pglite';
  const engines: Engine[] = engineArg === 'both' ? ['pglite', 'postgres'] : [engineArg as Engine];
  if (!engines.every((e) => e === 'pglite' || e === 'postgres')) throw new Error('--engine pglite|postgres|both');
  const size = Number((value('--size') ?? '1000000').replace(/_/g, ''));
  if (!Number.isSafeInteger(size) || size < 1) throw new Error('--size needs a whole number');
  const rows: Record<string, unknown>[] = [];
  for (const engine of engines) rows.push(await bench(engine, size));
  printTable(`Lapse processing, ${size.toLocaleString('en')} active memberships`, ['engine', 'quiet', 'lapse all', 'rerun', 'reinstate all'],
    rows.map((r) => [String(r.engine), `${r.quietMs} ms`, `${r.lapseMs} ms`, `${r.rerunMs} ms`, `${r.reinstateMs} ms`]));
  record('lapse', rows);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
