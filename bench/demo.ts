/**
 * `demo`: `lindung demo --size 1000000` (the real CLI) on a fresh PGlite folder and on a fresh
 * PostgreSQL cluster, against a baseline measured in the same run: a raw COPY of the same generated
 * CSV into plain tables (no index, constraint or trigger). Then a phase profile on a scratch
 * database: the demo load as loadDemo does it, with history triggers off, with secondary indexes
 * dropped, and with foreign keys dropped, to show what each costs.
 *
 * The 1M databases stay under bench/out/db/ for the search benchmark.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../src/db/open.js';
import { asSystem } from '../src/db/scope.js';
import type { Db, Queryable } from '../src/db/types.js';
import { ensureReferenceData } from '../src/features/bootstrap.js';
import { COPY_HEIR, COPY_HOUSEHOLD, COPY_PERSON, generateDemo, nttRegencyPoverty, type DemoInput, type DemoVillage } from '../src/features/demo/generate.js';
import { DEMO_ACTOR, DEMO_DEFAULT_SEED } from '../src/features/demo/load.js';
import {
  CliProcess, OUT, cliEnvFor, contention, contentionText, dbDir, openExisting, folderBytes, log, memorySampler, printTable, record, rmrf, round, secs, startPostgres, verdict,
  type Contention, type Engine, type Options, type PgCluster,
} from './lib.js';

export const DEMO_TARGET_MS = 180_000;
const BATCH = 10_000; // loadDemo's default (since 3d80f79)

export interface DemoCliResult {
  engine: Engine;
  size: number;
  wallMs: number;
  loadMs: number;
  setupMs: number;
  persons: number;
  households: number;
  heirs: number;
  peakRssKb: number | null;
  /** Persons per second over the first and the last 20% of the load. */
  rateFirst: number | null;
  rateLast: number | null;
  folderBytes: number | null;
  relations: { name: string; rows: number; mb: number }[];
  contention: Contention | null;
}

/** The same 'today' loadDemo uses, so the generated people are the same. */
function todayInNtt(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

async function demoInput(db: Db, size: number): Promise<DemoInput> {
  const villages = await db.query<{ code: string; district_code: string; regency_code: string; name: string }>(
    `SELECT v.code, v.parent_code AS district_code, d.parent_code AS regency_code, v.name
       FROM area v JOIN area d ON d.code = v.parent_code
      WHERE v.level = 4 AND v.code LIKE '53.%' AND d.level = 3
      ORDER BY v.code`,
  );
  return {
    seed: DEMO_DEFAULT_SEED,
    size,
    today: todayInNtt(),
    firstId: 1,
    villages: villages.map((v): DemoVillage => ({ code: v.code, districtCode: v.district_code, regencyCode: v.regency_code, name: v.name })),
    regencyPoverty: nttRegencyPoverty(),
  };
}

/** Row counts and on-disk sizes (with indexes and TOAST) of the tables the demo fills. */
export async function relationSizes(db: Db): Promise<{ name: string; rows: number; mb: number }[]> {
  const out: { name: string; rows: number; mb: number }[] = [];
  for (const name of ['person', 'household', 'heir', 'audit_entry', 'audit_log', 'audit_block']) {
    const [r] = await db.query<{ rows: number | string; bytes: number | string }>(
      `SELECT (SELECT count(*) FROM ${name}) AS rows, pg_total_relation_size('${name}') AS bytes`,
    );
    out.push({ name, rows: Number(r?.rows ?? 0), mb: round(Number(r?.bytes ?? 0) / 1024 / 1024, 0) });
  }
  return out;
}

/** `lindung demo --size N --json` on a fresh database; the database is kept for `search`. */
async function runCliDemo(engine: Engine, size: number, pg: PgCluster | null): Promise<DemoCliResult> {
  const dir = dbDir(engine, size);
  const env = cliEnvFor(engine, dir, pg);
  if (engine === 'pglite') rmrf(dir);
  log(`demo: ${engine}: lindung demo --size ${size} --json`);
  const c0 = performance.now();
  const cli = new CliProcess(['demo', '--size', String(size), '--json'], env);
  const progress: { at: number; done: number }[] = [];
  cli.onLineListener((l) => {
    const m = /^Demo \d+% (\d+)\/(\d+)/.exec(l.text);
    if (m) progress.push({ at: l.at, done: Number(m[1]) });
  });
  const pid = await cli.appPid();
  const mem = memorySampler(pid, 500);
  const code = await cli.exited;
  const wallMs = performance.now() - cli.t0;
  const peak = mem.samples.reduce((m, s) => Math.max(m, s.hwmKb), 0);
  mem.stop();
  if (code !== 0) throw new Error(`lindung demo failed (exit ${code})\n${cli.tail()}`);
  const out = JSON.parse(cli.stdout()) as { persons: number; households: number; heirs: number; ms: number };
  const rate = (from: number, to: number): number | null => {
    const a = progress.find((p) => p.done >= from * size);
    const b = [...progress].reverse().find((p) => p.done <= to * size);
    if (!a || !b || b.at <= a.at) return null;
    return Math.round(((b.done - a.done) / (b.at - a.at)) * 1000);
  };
  const result: DemoCliResult = {
    engine,
    size,
    wallMs: Math.round(wallMs),
    loadMs: out.ms,
    setupMs: Math.round(wallMs - out.ms),
    persons: out.persons,
    households: out.households,
    heirs: out.heirs,
    peakRssKb: peak || null,
    rateFirst: rate(0, 0.2),
    rateLast: rate(0.8, 1),
    folderBytes: engine === 'pglite' ? folderBytes(dir) : folderBytes(pg!.dir),
    relations: [],
    contention: contention(c0),
  };
  // What the load left behind (history included).
  const db = await openExisting(engine, engine === 'pglite' ? dir : pg!.url);
  try {
    result.relations = await relationSizes(db);
  } finally {
    await db.close();
  }
  fs.writeFileSync(path.join(OUT, 'db', `${path.basename(dir)}.json`), JSON.stringify({ engine, size, date: new Date().toISOString(), ...out }, null, 2));
  log(`demo: ${engine}: ${secs(wallMs)} wall, load ${secs(out.ms)}; ${contentionText(result.contention)}`);
  return result;
}

// ------------------------------------------------------------------------------------------------
// Scratch database for the baseline and the profile

async function openScratch(engine: Engine, pg: PgCluster | null): Promise<{ db: Db; dispose(): Promise<void> }> {
  if (engine === 'pglite') {
    const dir = path.join(OUT, 'db', 'scratch-pglite');
    rmrf(dir);
    const db = await openDatabase({ dataDir: dir, databaseUrl: null });
    await ensureReferenceData(db);
    return {
      db,
      async dispose() {
        await db.close();
        rmrf(dir);
      },
    };
  }
  const admin = await openDatabase({ dataDir: '', databaseUrl: pg!.url });
  await admin.exec('DROP DATABASE IF EXISTS bench_scratch');
  await admin.exec('CREATE DATABASE bench_scratch');
  const url = new URL(pg!.url);
  url.pathname = '/bench_scratch';
  const db = await openDatabase({ dataDir: '', databaseUrl: url.toString() });
  await ensureReferenceData(db);
  return {
    db,
    async dispose() {
      await db.close();
      await admin.exec('DROP DATABASE IF EXISTS bench_scratch');
      await admin.close();
    },
  };
}

interface LoadTiming {
  label: string;
  size: number;
  totalMs: number;
  genMs: number;
  householdMs: number;
  personMs: number;
  heirMs: number;
  /** BEGIN, set_config, COMMIT and the event-loop yield: the batch minus its COPYs. */
  txMs: number;
  analyzeMs: number;
  batches: number;
}

/**
 * The loop of loadDemo (generate a batch, COPY household/person/heir in one transaction as the
 * demo actor, yield), with each part timed. `raw`: into the plain raw_* tables instead.
 */
async function timedLoad(db: Db, input: DemoInput, label: string, raw: boolean, personOnly = false): Promise<LoadTiming> {
  const t: LoadTiming = { label, size: input.size, totalMs: 0, genMs: 0, householdMs: 0, personMs: 0, heirMs: 0, txMs: 0, analyzeMs: 0, batches: 0 };
  const rawSql = (sql: string) => (raw ? sql.replace(/^COPY (\w+)/, 'COPY raw_$1') : sql);
  const t0 = performance.now();
  const gen = generateDemo(input, BATCH);
  for (;;) {
    const g0 = performance.now();
    const next = gen.next();
    t.genMs += performance.now() - g0;
    if (next.done) break;
    const batch = next.value;
    const b0 = performance.now();
    let copies = 0;
    const timed = async (q: Queryable, sql: string, data: string, key: 'householdMs' | 'personMs' | 'heirMs') => {
      const c0 = performance.now();
      await q.copyFrom(rawSql(sql), data);
      const d = performance.now() - c0;
      t[key] += d;
      copies += d;
    };
    await asSystem(db, DEMO_ACTOR, async (q) => {
      if (!personOnly && batch.counts.households) await timed(q, COPY_HOUSEHOLD, batch.households, 'householdMs');
      if (batch.counts.persons) await timed(q, COPY_PERSON, batch.persons, 'personMs');
      if (!personOnly && batch.counts.heirs) await timed(q, COPY_HEIR, batch.heirs, 'heirMs');
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    t.txMs += performance.now() - b0 - copies;
    t.batches++;
  }
  if (!raw) {
    const a0 = performance.now();
    await db.exec('ANALYZE household, person, heir');
    t.analyzeMs = performance.now() - a0;
  }
  t.totalMs = performance.now() - t0;
  for (const k of ['totalMs', 'genMs', 'householdMs', 'personMs', 'heirMs', 'txMs', 'analyzeMs'] as const) t[k] = Math.round(t[k]);
  return t;
}

async function createRawTables(db: Db): Promise<void> {
  await db.exec(`
    DROP TABLE IF EXISTS raw_household, raw_person, raw_heir;
    CREATE TABLE raw_household AS SELECT kk, village_code, address, synthetic FROM household WITH NO DATA;
    CREATE TABLE raw_person AS SELECT id, nik, kk, full_name, birth_place, birth_date, sex, marital_status, address, village_code,
      phone, occupation, declared_income, dtsen_decile, extreme_poor, disability, bank_name, bank_account, synthetic FROM person WITH NO DATA;
    CREATE TABLE raw_heir AS SELECT person_id, full_name, nik, relation, birth_date FROM heir WITH NO DATA;
  `);
}

async function truncateRegistry(db: Db): Promise<void> {
  // CASCADE: later migrations add tables that point at person (memberships, intake rows).
  await db.exec('TRUNCATE heir, person, household, audit_entry, audit_log, audit_block RESTART IDENTITY CASCADE');
}

/** Raw COPY of the same generated CSV (person only, then all three tables) at `size`. */
async function baseline(db: Db, size: number): Promise<{ personOnly: LoadTiming; allTables: LoadTiming }> {
  const input = await demoInput(db, size);
  await createRawTables(db);
  log(`demo: baseline raw COPY person (${size})`);
  const personOnly = await timedLoad(db, input, 'raw COPY person (plain table)', true, true);
  await createRawTables(db);
  log(`demo: baseline raw COPY household+person+heir (${size})`);
  const allTables = await timedLoad(db, input, 'raw COPY all 3 tables (plain tables)', true);
  await db.exec('DROP TABLE IF EXISTS raw_household, raw_person, raw_heir');
  return { personOnly, allTables };
}

const SECONDARY_INDEXES = ['person_nik', 'person_name', 'person_regency_name', 'person_district_name', 'person_village_name', 'person_kk', 'household_village', 'heir_person'];

/** The demo load as loadDemo does it, then without history, without secondary indexes, without foreign keys. */
async function profile(db: Db, size: number): Promise<LoadTiming[]> {
  const input = await demoInput(db, size);
  const out: LoadTiming[] = [];
  await truncateRegistry(db);
  log(`demo: profile: as loadDemo (${size})`);
  out.push(await timedLoad(db, input, 'as loadDemo (history, indexes, FKs)', false));
  const [audit] = await db.query<{ n: number | string }>('SELECT count(*) AS n FROM audit_entry');
  log(`demo: profile: ${audit?.n} history rows`);

  // Inside the history (second form, migration 002): its subject index on audit_entry, then its per-entry hash.
  await truncateRegistry(db);
  await db.exec('DROP INDEX IF EXISTS audit_entry_subject');
  log('demo: profile: history on, audit_entry_subject index dropped');
  out.push(await timedLoad(db, input, 'history on, audit_entry subject index dropped', false));
  try {
    await truncateRegistry(db);
    await db.exec(`CREATE OR REPLACE FUNCTION lindung_audit_entry_hash2(id bigint, at timestamptz, actor_id bigint, actor_label text,
        request_id text, table_name text, op char, row_key text, subject text, area_code text, before text, after text) RETURNS bytea
      LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT '\\x00'::bytea $$`);
    log('demo: profile: history on, no audit_entry subject index, entry hash replaced by a constant');
    out.push(await timedLoad(db, input, '+ entry hash (sha256) replaced by a constant', false));
  } catch (e) {
    log(`demo: profile: could not replace the entry hash function (${(e as Error).message}); variant skipped`);
  }

  await truncateRegistry(db);
  await db.exec('ALTER TABLE household DISABLE TRIGGER USER; ALTER TABLE person DISABLE TRIGGER USER; ALTER TABLE heir DISABLE TRIGGER USER;');
  log('demo: profile: history triggers off');
  out.push(await timedLoad(db, input, 'history triggers off', false));

  await truncateRegistry(db);
  await db.exec(SECONDARY_INDEXES.map((i) => `DROP INDEX IF EXISTS ${i};`).join('\n'));
  log('demo: profile: history off, secondary indexes dropped');
  out.push(await timedLoad(db, input, '+ secondary indexes dropped (PKs kept)', false));

  await truncateRegistry(db);
  await db.exec(`
    ALTER TABLE person DROP CONSTRAINT person_kk_fkey, DROP CONSTRAINT person_village_code_fkey;
    ALTER TABLE household DROP CONSTRAINT household_village_code_fkey;
    ALTER TABLE heir DROP CONSTRAINT heir_person_id_fkey;`);
  log('demo: profile: history off, no secondary indexes, no foreign keys');
  out.push(await timedLoad(db, input, '+ foreign keys dropped', false));
  return out;
}

// ------------------------------------------------------------------------------------------------

export async function runDemo(opts: Options): Promise<void> {
  const size = opts.size ?? 1_000_000;
  const profileSize = Math.min(opts.profileSize ?? 200_000, size);
  const cliResults: DemoCliResult[] = [];
  const baselines: { engine: Engine; personOnly: LoadTiming; allTables: LoadTiming }[] = [];
  const profiles: { engine: Engine; rows: LoadTiming[] }[] = [];

  for (const engine of opts.engines) {
    let pg: PgCluster | null = null;
    try {
      if (engine === 'postgres') {
        rmrf(dbDir('postgres', size));
        pg = await startPostgres(dbDir('postgres', size), true);
      }
      cliResults.push(await runCliDemo(engine, size, pg));
      const scratch = await openScratch(engine, pg);
      try {
        const c0 = performance.now();
        baselines.push({ engine, ...(await baseline(scratch.db, size)) });
        profiles.push({ engine, rows: await profile(scratch.db, profileSize) });
        const c = contention(c0);
        log(`demo: ${engine}: baseline and profile: ${contentionText(c)}`);
        record('demo', [{ kind: 'contention', engine, phase: 'baseline+profile', ...c }]);
      } finally {
        await scratch.dispose();
      }
    } finally {
      await pg?.stop();
    }
  }

  // ---- report ----------------------------------------------------------------------------------
  const rows = cliResults.map((r) => {
    const b = baselines.find((x) => x.engine === r.engine)!;
    return [
      r.engine, r.size.toLocaleString('en'), secs(r.wallMs), secs(r.loadMs), secs(r.setupMs),
      secs(b.personOnly.genMs + b.personOnly.personMs), secs(b.allTables.totalMs),
      `${round(r.loadMs / b.allTables.totalMs, 1)}×`, r.rateFirst ?? '-', r.rateLast ?? '-',
      r.peakRssKb ? `${Math.round(r.peakRssKb / 1024)} MiB` : '-',
      r.contention ? `${r.contention.otherCores} cores` : '-',
      r.engine === 'pglite' ? `${verdict(r.wallMs <= DEMO_TARGET_MS)} (≤ 180 s)` : '(comparison)',
    ];
  });
  printTable(
    'demo: `lindung demo --size N --json` on a fresh database (wall = spawn to exit; load = loadDemo\'s own ms)',
    ['engine', 'size', 'wall', 'load', 'setup', 'raw person', 'raw 3 tables', 'load/raw', 'rows/s first 20%', 'rows/s last 20%', 'CLI peak RSS', 'other CPU', 'target'],
    rows,
  );
  for (const r of cliResults) {
    printTable(`demo: ${r.engine}: what the load left behind (folder ${r.folderBytes ? `${Math.round(r.folderBytes / 1024 / 1024)} MiB` : '?'})`, ['table', 'rows', 'MiB incl. indexes'], r.relations.map((x) => [x.name, x.rows.toLocaleString('en'), x.mb]));
  }
  const phaseRow = (engine: Engine, t: LoadTiming) => [engine, t.label, t.size.toLocaleString('en'), secs(t.totalMs), secs(t.genMs), secs(t.householdMs), secs(t.personMs), secs(t.heirMs), secs(t.txMs), secs(t.analyzeMs)];
  printTable(
    'demo: baseline (same generated CSV, plain tables, same 10k batches) and phase profile (scratch database; loadDemo\'s steps run one after the other and timed, so generation is not overlapped with COPY here)',
    ['engine', 'variant', 'size', 'total', 'generate', 'COPY household', 'COPY person', 'COPY heir', 'tx+yield', 'ANALYZE'],
    [
      ...baselines.flatMap((b) => [phaseRow(b.engine, b.personOnly), phaseRow(b.engine, b.allTables)]),
      ...profiles.flatMap((p) => p.rows.map((t) => phaseRow(p.engine, t))),
    ],
  );

  record('demo', [
    ...cliResults.map((r) => {
      const b = baselines.find((x) => x.engine === r.engine)!;
      return {
        kind: 'cli', ...r,
        baselineRawPersonMs: b.personOnly.genMs + b.personOnly.personMs,
        baselineRawPersonCopyMs: b.personOnly.personMs,
        baselineRawAllMs: b.allTables.totalMs,
        ratioToRawAll: round(r.loadMs / b.allTables.totalMs, 2),
        targetMs: r.engine === 'pglite' ? DEMO_TARGET_MS : null,
        pass: r.engine === 'pglite' ? r.wallMs <= DEMO_TARGET_MS : null,
      };
    }),
    ...baselines.flatMap((b) => [{ kind: 'baseline', engine: b.engine, ...b.personOnly }, { kind: 'baseline', engine: b.engine, ...b.allTables }]),
    ...profiles.flatMap((p) => p.rows.map((t) => ({ kind: 'profile', engine: p.engine, ...t }))),
  ]);
}
