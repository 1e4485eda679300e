/**
 * `claims`: the entitlement decision and the claims dashboard at --size members (default
 * 1,000,000) and --claims claims (default 10,000) on each engine — targets: entitlement p95 ≤ 50 ms,
 * dashboard page p95 ≤ 200 ms.
 *
 * Its own databases, bench/out/db/claims-{pglite,pg}-SIZE-CLAIMS, made once and kept: a province
 * programme (2025–2026, JKK + JKM), SIZE synthetic people over NTT's villages, each an active member
 * since 1 January 2025 (one in twenty lapsed since October 2025), and CLAIMS claims of every type
 * and status spread over the regencies: most confirmed, some paid, approved, submitted or complete
 * (recent ones, so some are within the SLA and some late), drafts, rejections, withdrawals; payees
 * for the decided ones and transfer lines for the paid ones. The claims carry a real entitlement
 * and coverage (computed once by assessClaim) so the rows are as wide as real ones. Bulk rows are
 * written with INSERT … SELECT, the history triggers standing aside (as a restore does).
 *
 * Measured in-process, shuffled and interleaved, after a warm-up:
 *   entitlement        assessClaim (coverage on the event date + the dated rules) as a province user,
 *                      random members (covered, lapsed, before cover), every type   (target p95 ≤ 50 ms)
 *   entitlement http   the API route for it when the claims routes have one (found by its URL)
 *   page               GET /claims/dashboard as province (53) and regency (53.01)   (target p95 ≤ 200 ms)
 *   claim page         GET /claims/:id of random claims as province (no target; reported)
 *   api, api filtered  GET /api/claims/dashboard (all; one regency and type)
 *   xlsx               the export (every claim under the filter; fewer requests)
 *   letter             a decision letter PDF of a confirmed claim
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/http/server.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { asActor, asSystem, type Actor } from '../src/db/scope.js';
import type { Db } from '../src/db/types.js';
import { ensureReferenceData } from '../src/features/bootstrap.js';
import { addUser } from '../src/features/users/users.js';
import { createProgramme, getProgramme } from '../src/features/programmes/programmes.js';
import { assessClaim } from '../src/features/claims/entitlement.js';
import { CLAIM_TYPES } from '../src/domain/claim-dashboard.js';
import { OUT, signInInject, contention, contentionText, log, printTable, record, rmrf, rng, round, shuffle, startPostgres, stats, verdict, type Engine, type Options, type PgCluster, type Stats, bulkWithoutHistory } from './lib.js';

export const ENTITLEMENT_TARGET_MS = 50;
export const DASHBOARD_TARGET_MS = 200;
const CODE = 'BENCH-KLAIM';
const PASSWORD = 'bench claims password';

export interface ClaimsOptions extends Options {
  /** Claims to generate (default 10,000, at most half the members). */
  claims?: number;
}

const dirOf = (engine: Engine, size: number, claims: number) => path.join(OUT, 'db', `claims-${engine === 'pglite' ? 'pglite' : 'pg'}-${size}-${claims}`);

interface ShapeResult extends Stats {
  engine: Engine;
  shape: string;
  actor: string;
  target: number | null;
}

async function open(engine: Engine, dir: string): Promise<{ db: Db; pg: PgCluster | null }> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (engine === 'postgres') {
    const pg = await startPostgres(dir, true);
    try {
      return { db: await openDatabase({ dataDir: '', databaseUrl: pg.url }), pg };
    } catch (e) {
      await pg.stop();
      throw e;
    }
  }
  return { db: await openDatabase({ dataDir: dir, databaseUrl: null }), pg: null };
}

async function openOrBuild(engine: Engine, size: number, claims: number): Promise<{ db: Db; pg: PgCluster | null; builtMs: number | null }> {
  const dir = dirOf(engine, size, claims);
  const exists = fs.existsSync(engine === 'pglite' ? path.join(dir, 'pg') : path.join(dir, 'PG_VERSION'));
  if (exists) {
    try {
      const opened = await open(engine, dir);
      const [c] = await opened.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM claim WHERE claim_no LIKE 'KLM-B-%'`);
      if (c?.n === claims) return { ...opened, builtMs: null };
      await opened.db.close();
      await opened.pg?.stop();
      log(`claims: ${engine}: ${dir} is incomplete — building it again`);
    } catch (e) {
      if (!/was changed after it was applied|does not exist/.test((e as Error).message)) throw e;
      log(`claims: ${engine}: ${(e as Error).message} — building ${dir} again`);
    }
    rmrf(dir);
  }
  const t0 = performance.now();
  const opened = await open(engine, dir);
  await buildClaimsDatabase(opened.db, size, claims, engine);
  return { ...opened, builtMs: performance.now() - t0 };
}

/** Fills an empty, migrated database (exported for profiling scripts). */
export async function buildClaimsDatabase(db: Db, size: number, claims: number, engine: Engine): Promise<void> {
  const step = async (what: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    log(`claims: ${engine}: ${what} in ${round((performance.now() - t) / 1000, 1)} s`);
  };
  await step('reference data', () => ensureReferenceData(db));
  await step('programme, users', () => asSystem(db, 'bench', async (tx) => {
    await createProgramme(tx, {
      code: CODE, name: 'Benchmark klaim', funderType: 'province', funderAreaCode: '53', funderName: 'Pemerintah Provinsi Nusa Tenggara Timur',
      fiscalYear: 2025, coverageStart: '2025-01-01', coverageEnd: '2026-12-31', benefits: ['JKK', 'JKM'], declaredIncome: 1_000_000, totalQuota: size, rules: {},
    });
    await addUser(tx, { username: 'bench.klaim.provinsi', fullName: 'Bench province', role: 'province_officer', areaCode: '53', password: PASSWORD });
    await addUser(tx, { username: 'bench.klaim.kupang', fullName: 'Bench Kupang', role: 'regency_operator', areaCode: '53.01', password: PASSWORD });
  }));
  const p = await asSystem(db, 'bench', (tx) => getProgramme(tx, CODE));
  const bulk = (sql: string, params: (string | number)[]) => bulkWithoutHistory(db, sql, params);
  await step(`${size.toLocaleString('en')} people`, () => bulk(
    `WITH v AS (SELECT code, (row_number() OVER (ORDER BY code) - 1)::int AS i, count(*) OVER ()::int AS n FROM area WHERE level = 4 AND code LIKE '53.%')
     INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile, declared_income, synthetic)
     SELECT '53' || lpad(g::text, 14, '0'), 'Pekerja Klaim ' || g, date '1965-01-01' + (g % 14000), CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END,
            v.code, 'petani', 1 + g % 5, 1000000, true
       FROM generate_series(1, $1::int) g JOIN v ON v.i = g % v.n`,
    [size],
  ));
  await step(`${size.toLocaleString('en')} memberships`, () => bulk(
    `INSERT INTO membership (programme_id, person_id, state, village_code, effective_date, kpj, lapsed_on)
     SELECT $1, p.id, CASE WHEN p.id % 20 = 7 THEN 'lapsed' ELSE 'active' END, p.village_code, date '2025-01-01', '25' || lpad(p.id::text, 9, '0'),
            CASE WHEN p.id % 20 = 7 THEN date '2025-10-01' END
       FROM person p WHERE p.synthetic`,
    [p.id],
  ));
  await step('coverage periods', () => bulk(
    `INSERT INTO coverage_period (membership_id, from_date, to_date)
     SELECT id, date '2025-01-01', CASE state WHEN 'lapsed' THEN date '2025-09-30' END FROM membership WHERE programme_id = $1`,
    [p.id],
  ));
  // A real entitlement and coverage, so the claim rows are as wide as the application makes them.
  const sample = await asSystem(db, 'bench', async (tx) => {
    const [m] = await tx.query<{ nik: string }>(`SELECT nik FROM person WHERE synthetic AND id % 20 <> 7 ORDER BY id LIMIT 1`);
    try {
      const a = await assessClaim(tx, { nik: m!.nik, type: 'jkm_death', eventDate: '2025-08-01' });
      return { entitlement: JSON.stringify(a.entitlement), coverage: JSON.stringify(a.coverage) };
    } catch (e) {
      log(`claims: assessClaim failed (${(e as Error).message}); claims get an empty entitlement`);
      return { entitlement: '{}', coverage: '{}' };
    }
  });
  const stride = Math.max(1, Math.floor((size * 0.9) / claims));
  await step(`${claims.toLocaleString('en')} claims`, () => bulk(
    `WITH pick AS (
       SELECT m.id AS membership_id, p.id AS person_id, p.village_code, row_number() OVER (ORDER BY p.id)::int AS g
         FROM person p JOIN membership m ON m.person_id = p.id
        WHERE p.synthetic AND m.state = 'active' AND p.id % $2::int = 0
        ORDER BY p.id LIMIT $3::int
     ), s AS (
       SELECT pick.*,
              CASE WHEN g % 100 < 60 THEN 'jkm_death' WHEN g % 100 < 70 THEN 'jkk_death' WHEN g % 100 < 82 THEN 'jkk_medical'
                   WHEN g % 100 < 90 THEN 'jkk_temporary' WHEN g % 100 < 93 THEN 'jkk_disability_total' WHEN g % 100 < 96 THEN 'jkk_disability_partial'
                   ELSE 'funeral' END AS type,
              CASE WHEN (g * 7) % 100 < 8 THEN 'draft' WHEN (g * 7) % 100 < 12 THEN 'documents_complete' WHEN (g * 7) % 100 < 17 THEN 'submitted'
                   WHEN (g * 7) % 100 < 22 THEN 'approved' WHEN (g * 7) % 100 < 28 THEN 'rejected' WHEN (g * 7) % 100 < 35 THEN 'paid'
                   WHEN (g * 7) % 100 < 97 THEN 'confirmed' ELSE 'withdrawn' END AS status,
              5 + (g * 13) % 30 AS to_complete, (g * 11) % 12 AS to_pay
         FROM pick
     ), d AS (
       -- Open files are recent (some within the SLA, some late); finished ones over 2025–2026.
       SELECT s.*, CASE WHEN status IN ('draft', 'documents_complete', 'submitted', 'approved') THEN current_date - 10 - (g % 25)
                        ELSE date '2025-02-01' + (g * 37) % 560 END AS event_date
         FROM s
     ), t AS (
       SELECT d.*, CASE WHEN status IN ('draft', 'documents_complete', 'submitted', 'approved') THEN event_date + 3 + g % 12 ELSE event_date + to_complete END AS complete_on
         FROM d
     )
     INSERT INTO claim (claim_no, person_id, membership_id, programme_id, type, event_date, event_place, covered, coverage, entitlement, entitled_amount,
                        status, documents_complete_at, sla_due, submitted_at, decided_at, approved_amount, rejection_reason, paid_at, confirmed_at,
                        registered_by_label, submitted_by_label, decided_by_label, village_code, synthetic)
     SELECT 'KLM-B-' || lpad(g::text, 6, '0'), person_id, membership_id, $1, type, event_date, 'Bench', true, $4::jsonb, $5::jsonb,
            CASE type WHEN 'jkm_death' THEN 42000000 WHEN 'jkk_death' THEN 70000000 WHEN 'jkk_medical' THEN 1000000 + (g % 20) * 500000
                      WHEN 'jkk_temporary' THEN 3000000 WHEN 'jkk_disability_total' THEN 56000000 WHEN 'jkk_disability_partial' THEN 20000000 ELSE 10000000 END,
            status,
            CASE WHEN status NOT IN ('draft', 'withdrawn') THEN (complete_on + time '10:00') AT TIME ZONE 'Asia/Makassar' END,
            CASE WHEN status NOT IN ('draft', 'withdrawn') THEN complete_on + CASE extract(isodow FROM complete_on)::int WHEN 6 THEN 4 WHEN 7 THEN 3 WHEN 1 THEN 3 WHEN 2 THEN 3 ELSE 5 END END,
            CASE WHEN status IN ('submitted', 'approved', 'rejected', 'paid', 'confirmed') THEN (complete_on + time '11:00') AT TIME ZONE 'Asia/Makassar' END,
            CASE WHEN status IN ('approved', 'rejected', 'paid', 'confirmed') THEN (complete_on + 1 + time '09:00') AT TIME ZONE 'Asia/Makassar' END,
            CASE WHEN status IN ('approved', 'paid', 'confirmed') THEN CASE type WHEN 'jkm_death' THEN 42000000 WHEN 'jkk_death' THEN 70000000 WHEN 'jkk_medical' THEN 1000000 + (g % 20) * 500000
                      WHEN 'jkk_temporary' THEN 3000000 WHEN 'jkk_disability_total' THEN 56000000 WHEN 'jkk_disability_partial' THEN 20000000 ELSE 10000000 END END,
            CASE WHEN status = 'rejected' THEN 'Berkas tidak memenuhi syarat (bench)' END,
            CASE WHEN status IN ('paid', 'confirmed') THEN (complete_on + to_pay + time '14:00') AT TIME ZONE 'Asia/Makassar' END,
            CASE WHEN status = 'confirmed' THEN (complete_on + to_pay + 1 + time '10:00') AT TIME ZONE 'Asia/Makassar' END,
            'bench', CASE WHEN status IN ('submitted', 'approved', 'rejected', 'paid', 'confirmed') THEN 'bench' END,
            CASE WHEN status IN ('approved', 'rejected', 'paid', 'confirmed') THEN 'bench.checker' END, village_code, true
       FROM t`,
    [p.id, stride, claims, sample.coverage, sample.entitlement],
  ));
  await step('payees', () => bulk(
    `INSERT INTO claim_payee (claim_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
     SELECT c.id, 'Ahli Waris ' || c.id, CASE WHEN c.type IN ('jkm_death', 'jkk_death', 'funeral') THEN 'istri' ELSE 'peserta' END, c.approved_amount,
            'Bank NTT', lpad(c.id::text, 13, '0'), 'Ahli Waris ' || c.id, c.village_code
       FROM claim c WHERE c.claim_no LIKE 'KLM-B-%' AND c.status IN ('approved', 'paid', 'confirmed')`,
    [],
  ));
  await step('payout batches and lines', () => bulk(
    `WITH b AS (
       INSERT INTO payout_batch (status, lines, amount, area_code, created_by_label, created_at, confirmed_at)
       SELECT 'confirmed', count(*), sum(c.approved_amount), c.regency_code, 'bench', min(c.paid_at), max(c.confirmed_at)
         FROM claim c WHERE c.claim_no LIKE 'KLM-B-%' AND c.status IN ('paid', 'confirmed') GROUP BY c.regency_code
       RETURNING id, area_code)
     INSERT INTO payout_line (batch_id, claim_id, payee_id, reference, amount, bank_account, status, bank_reference, village_code)
     SELECT b.id, c.id, y.id, 'LDG-B-' || y.id, y.amount, y.bank_account, CASE c.status WHEN 'confirmed' THEN 'success' ELSE 'sent' END,
            CASE c.status WHEN 'confirmed' THEN 'NTT' || y.id END, c.village_code
       FROM claim c JOIN claim_payee y ON y.claim_id = c.id JOIN b ON b.area_code = c.regency_code
      WHERE c.claim_no LIKE 'KLM-B-%' AND c.status IN ('paid', 'confirmed')`,
    [],
  ));
  await step('vacuum analyze', () => db.exec('VACUUM ANALYZE'));
}

export async function runClaims(opts: ClaimsOptions): Promise<ShapeResult[]> {
  const size = opts.size ?? 1_000_000;
  const claims = Math.min(opts.claims ?? 10_000, Math.floor(size / 2));
  const perShape = opts.queries ?? 50;
  const all: ShapeResult[] = [];
  for (const engine of opts.engines) {
    const t0 = performance.now();
    const { db, pg, builtMs } = await openOrBuild(engine, size, claims);
    let app: FastifyInstance | null = null;
    try {
      const [{ members, n } = { members: 0, n: 0 }] = await db.query<{ members: number; n: number }>(
        `SELECT (SELECT count(*)::int FROM membership) AS members, (SELECT count(*)::int FROM claim) AS n`);
      log(`claims: ${engine}: ${members.toLocaleString('en')} memberships, ${n.toLocaleString('en')} claims${builtMs === null ? ' (database reused)' : `, built in ${round(builtMs / 1000, 1)} s`}`);
      app = await buildServer(db, { ...loadConfig({}), dataDir: pg ? path.join(OUT, 'db', 'unused') : dirOf(engine, size, claims), port: 0, loginRatePerMinute: 10_000 });
      await app.ready();
      const server = app;
      const provinceSession = await signInInject(app, 'bench.klaim.provinsi', PASSWORD);
      const province = provinceSession.cookie;
      const kupang = (await signInInject(app, 'bench.klaim.kupang', PASSWORD)).cookie;
      const get = (url: string, cookie: string) => async () => {
        const res = await server.inject({ method: 'GET', url, headers: { cookie } });
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      };
      const [{ id: confirmedId } = { id: 0 }] = await db.query<{ id: number }>(`SELECT id FROM claim WHERE status = 'confirmed' ORDER BY id LIMIT 1`);
      const [{ id: userId } = { id: 0 }] = await db.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'bench.klaim.provinsi'`).catch(() => [{ id: 0 }]);
      const actor: Actor = { userId: userId || null, username: 'bench.klaim.provinsi', role: 'province_officer', areaCode: '53' };

      // Entitlement questions: random members (a twentieth lapsed), every type, dates before, in and after cover.
      const random = rng(11);
      const nikOf = (i: number) => `53${String(i).padStart(14, '0')}`;
      const dates = ['2024-12-15', '2025-02-10', '2025-03-20', '2025-06-01', '2025-11-15', '2026-04-30', '2026-09-01'];
      const question = () => ({
        nik: nikOf(1 + Math.floor(random() * size)),
        type: CLAIM_TYPES[Math.floor(random() * CLAIM_TYPES.length)]!,
        eventDate: dates[Math.floor(random() * dates.length)]!,
        disabilityPercent: 40, incapacityDays: 45, medicalCost: 7_500_000,
      });
      type Job = { shape: string; actor: string; target: number | null; run: () => Promise<unknown> };
      const jobs: Job[] = [];
      const add = (shape: string, who: string, target: number | null, run: () => Promise<unknown>, count: number) => {
        for (let i = 0; i < count; i++) jobs.push({ shape, actor: who, target, run });
      };
      add('entitlement', 'province 53', ENTITLEMENT_TARGET_MS, () => asActor(db, actor, (tx) => assessClaim(tx, question())), perShape * 2);
      // The claims API's own entitlement route.
      add('entitlement http', 'province 53', ENTITLEMENT_TARGET_MS, async () => {
        const res = await server.inject({ method: 'POST', url: '/api/claims/assess', payload: { ...question(), purpose: 'bench' }, headers: provinceSession.post });
        // A member outside cover or a type the rules refuse is a 4xx answer, still a decision.
        if (res.statusCode >= 500) throw new Error(`/api/claims/assess: ${res.statusCode} ${res.body.slice(0, 300)}`);
      }, perShape);
      add('page', 'province 53', DASHBOARD_TARGET_MS, get('/claims/dashboard', province), perShape);
      add('page', 'regency 53.01', DASHBOARD_TARGET_MS, get('/claims/dashboard', kupang), perShape);
      // One claim's page (its coverage, amounts, heirs, documents and history): the history read is
      // what a one-claim page must not walk the whole history for (it did, 2 s at 1M, until 0e9ba8e).
      const claimIds = (await db.query<{ id: number }>('SELECT id FROM claim ORDER BY id')).map((r) => Number(r.id));
      const pickClaim = rng(5);
      if (claimIds.length) add('claim page', 'province 53', null, () => get(`/claims/${claimIds[Math.floor(pickClaim() * claimIds.length)]}`, province)(), perShape);
      add('api', 'province 53', null, get('/api/claims/dashboard', province), perShape);
      add('api filtered', 'province 53', null, get('/api/claims/dashboard?regency=53.10&type=jkm_death&from=2025-01-01&to=2025-12-31', province), perShape);
      add('xlsx', 'province 53', null, get('/api/claims/dashboard.xlsx', province), Math.max(2, Math.ceil(perShape / 10)));
      if (confirmedId) add('decision letter', 'province 53', null, get(`/api/claims/${confirmedId}/letters/decision.pdf`, province), Math.ceil(perShape / 5));
      // Baselines in the same run, as the database owner without row-level security: one member's
      // coverage rows by NIK (what an entitlement must read at least), and one pass over the claims
      // grouped by regency, type and status (what the dashboard must read at least).
      add('baseline: coverage by NIK', 'owner, no RLS', null, () => db.query(
        `SELECT c.from_date, c.to_date FROM person p JOIN membership m ON m.person_id = p.id JOIN coverage_period c ON c.membership_id = m.id WHERE p.nik = $1`,
        [question().nik]), perShape);
      add('baseline: claims grouped', 'owner, no RLS', null, () => db.query(
        `SELECT left(village_code, 5) AS regency, type, status, count(*), sum(approved_amount) FROM claim GROUP BY 1, 2, 3`), perShape);
      shuffle(jobs, rng(7));
      for (const key of new Set(jobs.map((j) => `${j.shape}|${j.actor}`))) await jobs.find((j) => `${j.shape}|${j.actor}` === key)!.run();
      const times = new Map<string, number[]>();
      const targets = new Map<string, number | null>();
      const m0 = performance.now();
      for (const j of jobs) {
        const t = performance.now();
        await j.run();
        const key = `${j.shape}|${j.actor}`;
        times.set(key, [...(times.get(key) ?? []), performance.now() - t]);
        targets.set(key, j.target);
      }
      const c = contention(m0);
      const results: ShapeResult[] = [...times.entries()].map(([key, ms]) => {
        const [shape, who] = key.split('|') as [string, string];
        return { engine, shape, actor: who, target: targets.get(key) ?? null, ...stats(ms) };
      });
      const order = ['entitlement', 'entitlement http', 'baseline: coverage by NIK', 'page', 'claim page', 'api', 'api filtered', 'xlsx', 'decision letter', 'baseline: claims grouped'];
      results.sort((a, b) => order.indexOf(a.shape) - order.indexOf(b.shape) || a.actor.localeCompare(b.actor));
      printTable(`claims on ${engine}, ${members.toLocaleString('en')} members, ${n.toLocaleString('en')} claims (targets: entitlement p95 ≤ ${ENTITLEMENT_TARGET_MS} ms, dashboard page p95 ≤ ${DASHBOARD_TARGET_MS} ms); ${contentionText(c)}`,
        ['shape', 'as', 'n', 'p50 ms', 'p95 ms', 'max ms', 'verdict'],
        results.map((r) => [r.shape, r.actor, r.count, r.p50, r.p95, r.max, r.target === null ? '' : verdict(r.p95 <= r.target)]));
      record('claims', results.map((r) => ({ kind: 'latency', size, members, claims: n, ...r, contention: c, builtMs, totalMs: Math.round(performance.now() - t0) })));
      all.push(...results);
    } finally {
      await app?.close();
      await db.close();
      await pg?.stop();
    }
  }
  return all;
}
