/**
 * `summary`: the programme summary per regency at --size memberships (default 1,000,000) on each
 * engine — target: the page ≤ 200 ms — and "covered on date D?" for one person — target: p95 ≤ 20 ms.
 *
 * Its own databases, bench/out/db/summary-{pglite,pg}-SIZE, made once and kept: a province
 * programme with 22 regency quotas, SIZE synthetic people and memberships spread over NTT's
 * villages in every state (70 % active, 10 % candidates, 5 % each waiting, submitted, lapsed,
 * ended), six monthly bills made by the real runBilling (one line per covered member each) and
 * four of them paid. The bulk rows are written with INSERT … SELECT generate_series with the
 * history triggers standing aside (as a restore does), then the member tally is recounted.
 *
 * Measured in-process through the real server (Fastify inject: session, CSRF-free GETs, RLS
 * transaction, rendering), as a province officer (area 53) and a regency operator (53.01), shuffled
 * and interleaved, ~50 requests each after a warm-up:
 *   page        GET /programmes/CODE/report                  (the target)
 *   status      POST /api/members/status {nik, on}           (a random one of the N people; the target)
 *   api         GET /api/programmes/CODE/summary
 *   xlsx, pdf   the downloads (fewer requests)
 *   baseline    SELECT count(*) FROM membership WHERE programme_id = $1 (owner, no RLS), same run
 *   programme   GET /programmes/CODE (for reference; its quota table reads the member tally)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/http/server.js';
import { loadConfig } from '../src/config.js';
import { asSystem } from '../src/db/scope.js';
import type { Db } from '../src/db/types.js';
import { ensureReferenceData } from '../src/features/bootstrap.js';
import { addUser } from '../src/features/users/users.js';
import { createProgramme, getProgramme } from '../src/features/programmes/programmes.js';
import { recordPayment, runBilling } from '../src/features/enrollment/billing.js';
import { recountTally } from '../src/features/enrollment/summary.js';
import { OUT, openBenchDb, signInInject, contention, contentionText, log, printTable, record, rmrf, rng, round, shuffle, stats, verdict, type Engine, type Options, type PgCluster, type Stats, bulkWithoutHistory } from './lib.js';

export const SUMMARY_PAGE_TARGET_MS = 200;
/** "Covered on date D?" for one person (issue 4): p95 ≤ 20 ms. */
export const STATUS_TARGET_MS = 20;
const CODE = 'BENCH-SUM';
const PASSWORD = 'bench summary password';
const MONTHS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'];

const dirOf = (engine: Engine, size: number) => path.join(OUT, 'db', `summary-${engine === 'pglite' ? 'pglite' : 'pg'}-${size}`);

interface ShapeResult extends Stats {
  engine: Engine;
  shape: string;
  actor: string;
}

const open = openBenchDb;

/** Opens the engine's summary database, building it first when missing (or made by an older migration). */
async function openOrBuild(engine: Engine, size: number): Promise<{ db: Db; pg: PgCluster | null; builtMs: number | null }> {
  const dir = dirOf(engine, size);
  const exists = fs.existsSync(engine === 'pglite' ? path.join(dir, 'pg') : path.join(dir, 'PG_VERSION'));
  if (exists) {
    try {
      const opened = await open(engine, dir);
      // Bills are the build's last rows: a build cut off earlier (the programme but no members) is redone.
      const [p] = await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = $1', [CODE]);
      if ((p?.n ?? 0) > 0) return { ...opened, builtMs: null };
      await opened.db.close();
      await opened.pg?.stop();
      log(`summary: ${engine}: ${dir} is incomplete — building it again`);
    } catch (e) {
      if (!/was changed after it was applied/.test((e as Error).message)) throw e;
      log(`summary: ${engine}: ${(e as Error).message} — building ${dir} again`);
    }
    rmrf(dir);
  }
  const t0 = performance.now();
  const opened = await open(engine, dir);
  await build(opened.db, size, engine);
  return { ...opened, builtMs: performance.now() - t0 };
}

async function build(db: Db, size: number, engine: Engine): Promise<void> {
  const step = async (what: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    log(`summary: ${engine}: ${what} in ${round((performance.now() - t) / 1000, 1)} s`);
  };
  await step('reference data', () => ensureReferenceData(db));
  await step('programme, quotas, users', () => asSystem(db, 'bench', async (tx) => {
    const p = await createProgramme(tx, {
      code: CODE, name: 'Benchmark ringkasan program', funderType: 'province', funderAreaCode: '53', funderName: 'Pemerintah Provinsi Nusa Tenggara Timur',
      fiscalYear: 2026, coverageStart: '2026-01-01', coverageEnd: '2026-12-31', benefits: ['JKK', 'JKM'], declaredIncome: 1_000_000, totalQuota: size, rules: {},
    });
    await tx.query(
      `INSERT INTO programme_quota (programme_id, regency_code, quota, method)
       SELECT $1, code, ($2::int / count(*) OVER ())::int, 'proportional' FROM area WHERE level = 2 AND parent_code = '53'`,
      [p.id, size],
    );
    await addUser(tx, { username: 'bench.provinsi', fullName: 'Bench province', role: 'province_officer', areaCode: '53', password: PASSWORD });
    await addUser(tx, { username: 'bench.kupang', fullName: 'Bench Kupang', role: 'regency_operator', areaCode: '53.01', password: PASSWORD });
  }));
  const p = await asSystem(db, 'bench', (tx) => getProgramme(tx, CODE));
  const bulk = (sql: string, params: (string | number)[]) => bulkWithoutHistory(db, sql, params);
  await step(`${size.toLocaleString('en')} people`, () => bulk(
    `WITH v AS (SELECT code, (row_number() OVER (ORDER BY code) - 1)::int AS i, count(*) OVER ()::int AS n FROM area WHERE level = 4 AND code LIKE '53.%')
     INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile, synthetic)
     SELECT '53' || lpad(g::text, 14, '0'), 'Pekerja Uji ' || g, date '1970-01-01' + (g % 12000), CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END,
            v.code, 'petani', 1 + g % 5, true
       FROM generate_series(1, $1::int) g JOIN v ON v.i = g % v.n`,
    [size],
  ));
  await step(`${size.toLocaleString('en')} memberships`, () => bulk(
    `INSERT INTO membership (programme_id, person_id, state, village_code, effective_date, kpj)
     SELECT $1, p.id, s.state, p.village_code, CASE WHEN s.state IN ('active', 'lapsed', 'ended') THEN date '2026-01-01' END,
            CASE WHEN s.state IN ('active', 'lapsed', 'ended') THEN '26' || lpad(p.id::text, 9, '0') END
       FROM person p CROSS JOIN LATERAL (SELECT CASE (p.id % 20)::int WHEN 0 THEN 'waiting' WHEN 1 THEN 'candidate' WHEN 2 THEN 'candidate'
              WHEN 3 THEN 'submitted' WHEN 4 THEN 'lapsed' WHEN 5 THEN 'ended' ELSE 'active' END AS state) s
      WHERE p.synthetic`,
    [p.id],
  ));
  await step('coverage periods', () => bulk(
    `INSERT INTO coverage_period (membership_id, from_date, to_date)
     SELECT id, date '2026-01-01', CASE state WHEN 'lapsed' THEN date '2026-03-31' WHEN 'ended' THEN date '2026-04-30' END
       FROM membership WHERE programme_id = $1 AND state IN ('active', 'lapsed', 'ended')`,
    [p.id],
  ));
  await step('member tally', () => asSystem(db, 'bench', (tx) => recountTally(tx, p.id)));
  for (const [i, month] of MONTHS.entries()) {
    await step(`bill ${month}`, async () => {
      const bill = await asSystem(db, 'bench', async (tx) => runBilling(tx, await getProgramme(tx, CODE), month, 'bench'));
      if (i < 4) await asSystem(db, 'bench', (tx) => recordPayment(tx, bill.id, { sp2d: `BENCH/${month}`, paidOn: `${month}-10`, amount: bill.amount }, 'bench'));
    });
  }
  await step('vacuum analyze', () => db.exec('VACUUM ANALYZE'));
}

const targetOf = (shape: string): number | null => (shape === 'page' ? SUMMARY_PAGE_TARGET_MS : shape === 'status' ? STATUS_TARGET_MS : null);

export async function runSummary(opts: Options): Promise<ShapeResult[]> {
  const size = opts.size ?? 1_000_000;
  const perShape = opts.queries ?? 50;
  const all: ShapeResult[] = [];
  for (const engine of opts.engines) {
    const t0 = performance.now();
    const { db, pg, builtMs } = await openOrBuild(engine, size);
    let app: FastifyInstance | null = null;
    try {
      const [{ n: members } = { n: 0 }] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = $1', [CODE]);
      log(`summary: ${engine}: ${members.toLocaleString('en')} memberships${builtMs === null ? ' (database reused)' : `, built in ${round(builtMs / 1000, 1)} s`}`);
      const [{ id: programmeId } = { id: 0 }] = await db.query<{ id: number }>('SELECT id FROM programme WHERE code = $1', [CODE]);
      app = await buildServer(db, { ...loadConfig({}), dataDir: pg ? path.join(OUT, 'db', 'unused') : dirOf(engine, size), port: 0, loginRatePerMinute: 10_000 });
      await app.ready();
      const provinceSession = await signInInject(app, 'bench.provinsi', PASSWORD);
      const province = provinceSession.cookie;
      const kupang = (await signInInject(app, 'bench.kupang', PASSWORD)).cookie;
      const server = app;
      const get = (url: string, cookie: string) => async () => {
        const res = await server.inject({ method: 'GET', url, headers: { cookie } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      type Job = { shape: string; actor: string; run: () => Promise<unknown> };
      const jobs: Job[] = [];
      const add = (shape: string, actor: string, run: () => Promise<unknown>, n: number) => {
        for (let i = 0; i < n; i++) jobs.push({ shape, actor, run });
      };
      add('page', 'province 53', get(`/programmes/${CODE}/report`, province), perShape);
      add('page', 'regency 53.01', get(`/programmes/${CODE}/report`, kupang), perShape);
      add('api', 'province 53', get(`/api/programmes/${CODE}/summary`, province), perShape);
      add('xlsx', 'province 53', get(`/api/programmes/${CODE}/summary.xlsx`, province), Math.ceil(perShape / 5));
      add('pdf', 'province 53', get(`/api/programmes/${CODE}/summary.pdf`, province), Math.ceil(perShape / 5));
      // "Covered on date D?" for a random person of the million, as the API answers it (read logged).
      const pick = rng(11);
      const status = (headers: Record<string, string>) => async () => {
        const nik = `53${String(1 + Math.floor(pick() * size)).padStart(14, '0')}`;
        const res = await server.inject({ method: 'POST', url: '/api/members/status', headers, payload: { nik, on: '2026-03-15' } });
        if (res.statusCode !== 200) throw new Error(`status ${nik}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      add('status', 'province 53', status(provinceSession.post), perShape * 4);
      add('baseline count(*)', 'owner, no RLS', () => db.query('SELECT count(*) FROM membership WHERE programme_id = $1', [programmeId]), perShape);
      add('programme page (not the target)', 'province 53', get(`/programmes/${CODE}`, province), Math.ceil(perShape / 5));
      shuffle(jobs, rng(7));
      // Warm-up: every shape once, not counted.
      for (const shape of new Set(jobs.map((j) => `${j.shape}|${j.actor}`))) await jobs.find((j) => `${j.shape}|${j.actor}` === shape)!.run();
      const times = new Map<string, number[]>();
      const m0 = performance.now();
      for (const j of jobs) {
        const t = performance.now();
        await j.run();
        const key = `${j.shape}|${j.actor}`;
        times.set(key, [...(times.get(key) ?? []), performance.now() - t]);
      }
      const c = contention(m0);
      const results: ShapeResult[] = [...times.entries()].map(([key, ms]) => {
        const [shape, actor] = key.split('|') as [string, string];
        return { engine, shape, actor, ...stats(ms) };
      });
      const order = ['page', 'status', 'api', 'xlsx', 'pdf', 'baseline count(*)', 'programme page (not the target)'];
      results.sort((a, b) => order.indexOf(a.shape) - order.indexOf(b.shape) || a.actor.localeCompare(b.actor));
      printTable(`summary on ${engine}, ${members.toLocaleString('en')} memberships (targets: page p95 ≤ ${SUMMARY_PAGE_TARGET_MS} ms, status p95 ≤ ${STATUS_TARGET_MS} ms); ${contentionText(c)}`,
        ['shape', 'as', 'n', 'p50 ms', 'p95 ms', 'max ms', 'verdict'],
        results.map((r) => [r.shape, r.actor, r.count, r.p50, r.p95, r.max, targetOf(r.shape) ? verdict(r.p95 <= targetOf(r.shape)!) : '']));
      record('summary', results.map((r) => ({ kind: 'latency', size, members, target: targetOf(r.shape), ...r, contention: c, builtMs, totalMs: Math.round(performance.now() - t0) })));
      all.push(...results);
    } finally {
      await app?.close();
      await db.close();
      await pg?.stop();
    }
  }
  return all;
}
