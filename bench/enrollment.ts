/**
 * `billing` and `reconcile` (issue 4): the monthly billing run for N active memberships, and the
 * reconciliation of an N-line BPJS invoice, each beside a raw baseline in the same run.
 *
 *   npm run bench -- billing   [--engine pglite|postgres|both] [--size N]
 *   npm run bench -- reconcile [--engine pglite|postgres|both] [--size N]
 *
 * Targets (issue 4, at N = 1,000,000): billing ≤ 10 s on PostgreSQL and ≤ 20 s on PGlite;
 * reconcile ≤ 30 s with a peak memory ≤ 1 GB. Smaller sizes are for checking the benchmark works:
 * their figures are reported without a verdict.
 *
 * The database (bench/out/db/enrollment-pglite-N, enrollment-pg-N; kept between runs) is built
 * once by set-based SQL, not through the application: N people with active memberships of
 * programme BENCH-PROV (province) covered all of 2026 with a KPJ each, N/200 memberships of it that
 * ended in January (death), N/100 people covered by BENCH-KAB (a regency's programme), and N/1000
 * people in the registry only. The build runs with `lindung.restoring = on`, the switch a restore
 * uses, so that no history is written for the synthetic rows (the demo load, which does write it,
 * is benchmarked separately): building 1M people through the intake and the BPJS answer would
 * measure those, not billing.
 *
 * billing: `runBilling` for 2026-03 as the CLI calls it (one transaction), in a fresh process
 * (peak RSS = that process's VmHWM, PGlite's worker thread included; a PostgreSQL server's memory
 * is its own). Baseline: one raw INSERT … SELECT of the same N lines (bill id, membership, amount)
 * into a table shaped like bill_line with its primary key and index, no joins.
 *
 * reconcile: an invoice CSV generated from the database (bench/out/enrollment/): every billed
 * member except 0.4 % left out (active_not_billed), 0.5 % at a wrong amount, 0.1 % twice; the
 * ended members (billed_not_active), BENCH-KAB's people (other_funder), the registry-only people
 * (billed_not_active) and N/1000 unknown KPJ/NIK; amounts written "16.800", "Rp16.800" and
 * "16.800,00"; a control area (Nomor Tagihan, Bulan) and a TOTAL row. `reconcileInvoice` runs on
 * it in a fresh process, as `lindung billing reconcile` does; the findings are checked against what
 * was planted. Baseline: a raw COPY of the same file (20,000-line chunks, one transaction) into a
 * table of text columns. The invoice is withdrawn-free: it is deleted afterwards, so runs repeat.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { asSystem } from '../src/db/scope.js';
import type { Db, Param, Queryable } from '../src/db/types.js';
import { ensureReferenceData } from '../src/features/bootstrap.js';
import { runBilling } from '../src/features/enrollment/billing.js';
import { reconcileInvoice } from '../src/features/enrollment/reconcile.js';
import { getProgramme } from '../src/features/programmes/programmes.js';
import { FINDINGS, type Finding } from '../src/domain/reconciliation.js';
import {
  OUT, ROOT, TSX, openBenchDb, contention, contentionText, log, openExisting, printTable, record, rng, round, startCpuMonitor, verdict,
  type Contention, type Engine, type Options, type PgCluster,
} from './lib.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const DIR = path.join(OUT, 'enrollment');
const DEFAULT_SIZE = 1_000_000;
const PROGRAMME = 'BENCH-PROV';
const OTHER = 'BENCH-KAB';
const MONTH = '2026-03';
const TARIFF = 16_800;
const GIB_KB = 1024 * 1024;

export const ENROLLMENT_TARGETS = {
  billingMs: { postgres: 10_000, pglite: 20_000 } as Record<Engine, number>,
  reconcileMs: 30_000,
  peakRssKb: GIB_KB,
};

const dbDirOf = (engine: Engine, size: number) => path.join(OUT, 'db', `enrollment-${engine === 'pglite' ? 'pglite' : 'pg'}-${size}`);

interface Shape {
  active: number;
  ended: number;
  other: number;
  registryOnly: number;
}

function shape(n: number): Shape {
  return { active: n, ended: Math.max(1, Math.floor(n / 200)), other: Math.max(1, Math.floor(n / 100)), registryOnly: Math.max(1, Math.floor(n / 1000)) };
}

// ------------------------------------------------------------------------------------------------
// The database

interface Target {
  engine: Engine;
  size: number;
  dir: string;
  pg: PgCluster | null;
  /** What a child process opens: the PGlite folder or the PostgreSQL URL. */
  target: string;
  buildMs: number | null;
}

async function openTarget(engine: Engine, size: number): Promise<{ t: Target; db: Db }> {
  const dir = dbDirOf(engine, size);
  const { db, pg } = await openBenchDb(engine, dir);
  const t: Target = { engine, size, dir, pg, target: pg ? pg.url : dir, buildMs: null };
  try {
    const [have] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = $1 AND m.state = 'active'`,
      [PROGRAMME],
    );
    if ((have?.n ?? 0) !== size) {
      if ((have?.n ?? 0) > 0) throw new Error(`${dir} holds another shape (${have!.n} members of ${PROGRAMME}): remove it first`);
      t.buildMs = await build(db, size, engine);
    }
  } catch (e) {
    await db.close();
    await pg?.stop();
    throw e;
  }
  return { t, db };
}

/** N members and the others, by set-based SQL in one transaction, without history (see the header). */
async function build(db: Db, size: number, engine: Engine): Promise<number> {
  const s = shape(size);
  const total = s.active + s.ended + s.other + s.registryOnly;
  log(`enrollment: ${engine}: building ${total.toLocaleString('en')} people and their memberships`);
  const t0 = performance.now();
  await ensureReferenceData(db);
  await db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('lindung.restoring', 'on', true)`);
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ($1, 'Benchmark: program provinsi', 'province', '53', 'Pemerintah Provinsi Nusa Tenggara Timur (benchmark)', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, $3),
              ($2, 'Benchmark: program kabupaten', 'regency', '53.15', 'Pemerintah Kabupaten Manggarai Barat (benchmark)', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, $4)`,
      [PROGRAMME, OTHER, s.active + s.ended, s.other],
    );
    await tx.exec(`CREATE TEMP TABLE bench_village ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY code) - 1)::int AS i, code FROM area WHERE level = 4 AND code LIKE '53.%'`);
    // g = 1…active: BENCH-PROV active; then ended; then BENCH-KAB; then registry only.
    await tx.query(
      `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile, synthetic)
       SELECT '53' || lpad(g::text, 14, '0'), 'Peserta Uji ' || g, date '1966-01-01' + (g % 14000), CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END,
              v.code, 'petani', 1 + g % 4, true
         FROM generate_series(1, $1::int) g JOIN bench_village v ON v.i = g % (SELECT count(*) FROM bench_village)`,
      [total],
    );
    const a = s.active;
    const e = a + s.ended;
    const o = e + s.other;
    await tx.query(
      `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date, ended_on, ended_reason)
       SELECT CASE WHEN g <= $2 THEN prov.id ELSE kab.id END, p.id, CASE WHEN g > $1 AND g <= $2 THEN 'ended' ELSE 'active' END, p.village_code,
              '9' || lpad(g::text, 10, '0'), '2026-01-01',
              CASE WHEN g > $1 AND g <= $2 THEN date '2026-01-31' END, CASE WHEN g > $1 AND g <= $2 THEN 'death' END
         FROM (SELECT id, village_code, substr(nik, 3)::int AS g FROM person WHERE nik LIKE '53%' AND synthetic) p,
              (SELECT id FROM programme WHERE code = $4) prov, (SELECT id FROM programme WHERE code = $5) kab
        WHERE p.g <= $3`,
      [a, e, o, PROGRAMME, OTHER],
    );
    await tx.query(
      `INSERT INTO coverage_period (membership_id, from_date, to_date)
       SELECT m.id, '2026-01-01', CASE WHEN m.state = 'ended' THEN m.ended_on ELSE date '2026-12-31' END
         FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code IN ($1, $2)`,
      [PROGRAMME, OTHER],
    );
  });
  await db.exec('ANALYZE person, membership, coverage_period');
  const ms = performance.now() - t0;
  log(`enrollment: ${engine}: built in ${round(ms / 1000, 1)} s`);
  return ms;
}

// ------------------------------------------------------------------------------------------------
// The invoice file

interface Planted {
  lines: number;
  bytes: number;
  findings: Record<Finding, number>;
  genMs: number;
}

const csvCell = (v: string) => (/[;"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

async function generateInvoice(db: Queryable, size: number, file: string): Promise<Planted> {
  const t0 = performance.now();
  const r = rng(4004);
  const findings = Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<Finding, number>;
  const out = fs.createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((res) => out.once('drain', () => res())));
  let no = 0;
  let total = 0;
  let pending: string[] = [];
  const formats = ['16.800', 'Rp16.800', '16.800,00'];
  const line = (kpj: string, nik: string, name: string, amount: string, value: number) => {
    no++;
    total += value;
    pending.push(`${no};${kpj};${nik};${csvCell(name)};${amount}`);
  };
  const flush = async () => {
    if (pending.length) await write(`${pending.join('\r\n')}\r\n`);
    pending = [];
  };
  await write('TAGIHAN IURAN PESERTA BPU;;;;\r\nNomor Tagihan;BENCH/BPU/2026/03;;;\r\nBulan;Maret 2026;;;\r\n;;;;\r\nNo;KPJ;NIK;Nama;Iuran\r\n');
  // Keyset pages of the members, in the order their memberships were made.
  const page = async (where: string, params: Param[], each: (row: { id: number; kpj: string | null; nik: string; full_name: string }) => void) => {
    let after = 0;
    for (;;) {
      const rows = await db.query<{ id: number; kpj: string | null; nik: string; full_name: string }>(
        `SELECT m.id, m.kpj, p.nik, p.full_name FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id
          WHERE ${where} AND m.id > $1 ORDER BY m.id LIMIT 20000`,
        [after, ...params],
      );
      if (rows.length === 0) return;
      for (const row of rows) each(row);
      after = rows[rows.length - 1]!.id;
      await flush();
    }
  };
  await page(`g.code = $2 AND m.state = 'active'`, [PROGRAMME], (m) => {
    const x = r();
    if (x < 0.004) {
      findings.active_not_billed++;
      return;
    }
    if (x < 0.009) {
      line(m.kpj!, m.nik, m.full_name, 'Rp17.000', 17_000);
      findings.amount_differs++;
      return;
    }
    line(m.kpj!, m.nik, m.full_name, formats[Math.floor(r() * 3)]!, TARIFF);
    findings.match++;
    if (x < 0.010) {
      line(m.kpj!, m.nik, m.full_name, '16.800', TARIFF);
      findings.duplicate_line++;
    }
  });
  await page(`g.code = $2 AND m.state = 'ended'`, [PROGRAMME], (m) => {
    line(m.kpj!, m.nik, m.full_name, '16.800', TARIFF);
    findings.billed_not_active++;
  });
  await page(`g.code = $2`, [OTHER], (m) => {
    line(m.kpj!, m.nik, m.full_name, '16.800', TARIFF);
    findings.other_funder++;
  });
  const s = shape(size);
  const firstRegistryOnly = s.active + s.ended + s.other + 1;
  for (let g = firstRegistryOnly; g < firstRegistryOnly + s.registryOnly; g++) {
    // In the registry, in no programme: known by NIK only.
    line('', `53${String(g).padStart(14, '0')}`, `Peserta Uji ${g}`, '16.800', TARIFF);
    findings.billed_not_active++;
  }
  for (let i = 1; i <= s.registryOnly; i++) {
    line(`8${String(i).padStart(10, '0')}`, `54${String(i).padStart(14, '0')}`, `Orang Tak Dikenal ${i}`, '16.800', TARIFF);
    findings.unknown++;
  }
  await flush();
  await write(`;;;TOTAL;Rp${total.toLocaleString('id-ID')}\r\n`);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return { lines: no, bytes: fs.statSync(file).size, findings, genMs: Math.round(performance.now() - t0) };
}

// ------------------------------------------------------------------------------------------------
// The measured work, each in a fresh process

interface ChildJob {
  kind: 'billing' | 'reconcile';
  engine: Engine;
  target: string;
  size: number;
  file: string | null;
  out: string;
}

interface ChildResult {
  ms: number;
  baselineMs: number;
  baseline: string;
  /** billing: the same raw INSERT into bill_line itself (its foreign keys checked row by row). */
  baselineFkMs?: number | null;
  hwmKb: number | null;
  rows: number;
  findings: Record<string, number> | null;
  /** The slowest statements of the measured work (the rest is JavaScript: reading the file). */
  statements: { sql: string; ms: number; calls: number }[];
  contention: Contention | null;
}

/** Times every statement the measured work sends, by its first words (for the profile in the results). */
function timed(tx: Queryable, into: Map<string, { ms: number; calls: number }>): Queryable {
  const note = (sql: string, t0: number) => {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 80);
    const s = into.get(key) ?? { ms: 0, calls: 0 };
    s.ms += performance.now() - t0;
    s.calls++;
    into.set(key, s);
  };
  return {
    async query(sql, params) {
      const t0 = performance.now();
      try {
        return await tx.query(sql, params);
      } finally {
        note(sql, t0);
      }
    },
    async exec(sql) {
      const t0 = performance.now();
      try {
        return await tx.exec(sql);
      } finally {
        note(sql, t0);
      }
    },
    async copyFrom(sql, data) {
      const t0 = performance.now();
      try {
        return await tx.copyFrom(sql, data);
      } finally {
        note(sql, t0);
      }
    },
  };
}

const topStatements = (m: Map<string, { ms: number; calls: number }>) =>
  [...m.entries()].map(([sql, s]) => ({ sql, ms: Math.round(s.ms), calls: s.calls })).sort((a, b) => b.ms - a.ms).slice(0, 8);

function vmHwmKb(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function childMain(jobPath: string): Promise<void> {
  const job = JSON.parse(fs.readFileSync(jobPath, 'utf8')) as ChildJob;
  startCpuMonitor();
  // Migrated by the parent when the run began.
  const db = await openExisting(job.engine, job.target);
  try {
    const p = await asSystem(db, 'bench', (tx) => getProgramme(tx, PROGRAMME));
    let result: ChildResult;
    let fkMs: number | null = null;
    const stats = new Map<string, { ms: number; calls: number }>();
    if (job.kind === 'billing') {
      const c0 = performance.now();
      const t0 = performance.now();
      const bill = await asSystem(db, 'bench', (tx) => runBilling(timed(tx, stats), p, MONTH, 'bench'));
      const ms = performance.now() - t0;
      const hwmKb = vmHwmKb();
      const c = contention(c0);
      await db.exec('DROP TABLE IF EXISTS bench_raw_bill_line');
      await db.exec('CREATE TABLE bench_raw_bill_line (LIKE bill_line INCLUDING INDEXES)');
      const b0 = performance.now();
      await db.transaction((tx) =>
        tx.query(`INSERT INTO bench_raw_bill_line (bill_id, membership_id, amount) SELECT $1::bigint, m.id, $2::bigint FROM membership m WHERE m.programme_id = $3 AND m.state = 'active'`, [bill.id, TARIFF, p.id]),
      );
      const baselineMs = performance.now() - b0;
      await db.exec('DROP TABLE bench_raw_bill_line');
      // The same lines into bill_line itself, under a scratch bill: what the schema's foreign keys cost.
      const f0 = performance.now();
      await asSystem(db, 'bench', async (tx) => {
        const [scratch] = await tx.query<{ id: number }>(
          `INSERT INTO bill (programme_id, month, persons, per_person, amount, due_date, area_code, created_by_label) VALUES ($1, '2026-12-01', 0, $2, 0, '2026-12-15', '53', 'bench') RETURNING id`,
          [p.id, TARIFF],
        );
        await tx.query(`INSERT INTO bill_line (bill_id, membership_id, amount) SELECT $1::bigint, m.id, $2::bigint FROM membership m WHERE m.programme_id = $3 AND m.state = 'active'`, [scratch!.id, TARIFF, p.id]);
        fkMs = performance.now() - f0;
        await tx.query('DELETE FROM bill WHERE id = $1', [scratch!.id]);
      });
      result = {
        ms, baselineMs, baseline: 'raw INSERT … SELECT of the N lines into a bill_line-shaped table (primary key and index, no foreign keys)',
        baselineFkMs: fkMs, hwmKb, rows: bill.persons, findings: null, statements: topStatements(stats), contention: c,
      };
    } else {
      const c0 = performance.now();
      const t0 = performance.now();
      const inv = await asSystem(db, 'bench', (tx) => reconcileInvoice(timed(tx, stats), p, job.file!, { month: MONTH }, 'bench'));
      const ms = performance.now() - t0;
      const hwmKb = vmHwmKb();
      const c = contention(c0);
      await db.query('DELETE FROM invoice WHERE id = $1', [inv.id]);
      await db.exec('DROP TABLE IF EXISTS bench_raw_invoice');
      await db.exec('CREATE TABLE bench_raw_invoice (no text, kpj text, nik text, full_name text, amount text)');
      const b0 = performance.now();
      await db.transaction(async (tx) => {
        let buffer = '';
        let lines = 0;
        for await (const chunk of fs.createReadStream(job.file!, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
          buffer += chunk as string;
          const at = buffer.lastIndexOf('\n');
          if (at < 0) continue;
          const text = buffer.slice(0, at + 1);
          buffer = buffer.slice(at + 1);
          lines += (text.match(/\n/g) ?? []).length;
          await tx.copyFrom(`COPY bench_raw_invoice FROM STDIN (FORMAT csv, DELIMITER ';')`, text);
        }
        if (buffer) await tx.copyFrom(`COPY bench_raw_invoice FROM STDIN (FORMAT csv, DELIMITER ';')`, buffer);
        return lines;
      });
      const baselineMs = performance.now() - b0;
      await db.exec('DROP TABLE bench_raw_invoice');
      const findings = Object.fromEntries(FINDINGS.map((f) => [f, inv.findings[f].lines]));
      result = { ms, baselineMs, baseline: 'raw COPY of the same file (1 MB chunks, one transaction) into text columns', hwmKb, rows: inv.lines, findings, statements: topStatements(stats), contention: c };
    }
    fs.writeFileSync(job.out, JSON.stringify(result));
  } finally {
    await db.close();
  }
}

async function inChild(job: ChildJob): Promise<ChildResult> {
  const jobPath = `${job.out}.job.json`;
  fs.writeFileSync(jobPath, JSON.stringify(job));
  fs.rmSync(job.out, { force: true });
  const child = spawn(TSX, [THIS_FILE, '--enrollment-child', jobPath], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.removeListener('exit', kill);
  if (code !== 0 || !fs.existsSync(job.out)) throw new Error(`the ${job.kind} child process failed (exit ${code})`);
  return JSON.parse(fs.readFileSync(job.out, 'utf8')) as ChildResult;
}

if (process.argv[2] === '--enrollment-child' && process.argv[1] && path.resolve(process.argv[1]) === THIS_FILE) {
  childMain(process.argv[3]!).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : e);
      process.exit(1);
    },
  );
}

// ------------------------------------------------------------------------------------------------
// The runs

/** Removes earlier runs' bills and invoices of the benchmark programme (not measured). */
async function clearBills(db: Db): Promise<void> {
  await asSystem(db, 'bench', async (tx) => {
    await tx.query(`DELETE FROM invoice WHERE programme_id = (SELECT id FROM programme WHERE code = $1)`, [PROGRAMME]);
    await tx.query(`DELETE FROM bill WHERE programme_id = (SELECT id FROM programme WHERE code = $1)`, [PROGRAMME]);
  });
  await db.exec('VACUUM bill_line, invoice_line');
}

interface EngineRun {
  engine: Engine;
  size: number;
  buildMs: number | null;
  result: ChildResult;
  planted?: Planted;
}

function report(kind: 'billing' | 'reconcile', runs: EngineRun[]): void {
  const target = (e: Engine) => (kind === 'billing' ? ENROLLMENT_TARGETS.billingMs[e] : ENROLLMENT_TARGETS.reconcileMs);
  printTable(
    kind === 'billing' ? `Monthly billing run (${MONTH})` : `Reconciling a BPJS invoice (${MONTH})`,
    ['engine', 'size', 'rows', 'measured', 'baseline', 'ratio', ...(kind === 'billing' ? ['raw with FKs'] : []), 'peak RSS', 'target', 'verdict'],
    runs.map((r) => {
      const atScale = r.size >= DEFAULT_SIZE;
      const ok = r.result.ms <= target(r.engine) && (kind === 'billing' || (r.result.hwmKb ?? Infinity) <= ENROLLMENT_TARGETS.peakRssKb);
      return [
        r.engine, r.size.toLocaleString('en'), r.result.rows.toLocaleString('en'), `${round(r.result.ms / 1000, 2)} s`, `${round(r.result.baselineMs / 1000, 2)} s`,
        `${round(r.result.ms / Math.max(1, r.result.baselineMs), 1)}×`,
        ...(kind === 'billing' ? [r.result.baselineFkMs ? `${round(r.result.baselineFkMs / 1000, 2)} s` : '?'] : []),
        r.result.hwmKb === null ? '?' : `${Math.round(r.result.hwmKb / 1024)} MiB`,
        `${target(r.engine) / 1000} s${kind === 'reconcile' ? ', 1 GiB' : ''}`, atScale ? verdict(ok) : 'n/a (below 1M)',
      ];
    }),
  );
  for (const r of runs) {
    log(`${kind}: ${r.engine}: baseline = ${r.result.baseline}; ${contentionText(r.result.contention)}`);
    const inSql = r.result.statements.reduce((a, x) => a + x.ms, 0);
    log(`${kind}: ${r.engine}: slowest statements (${round(inSql / 1000, 2)} s of ${round(r.result.ms / 1000, 2)} s; the rest is JavaScript): ${r.result.statements.map((x) => `${x.ms} ms ×${x.calls} ${x.sql}`).join(' | ')}`);
    if (r.planted && r.result.findings) {
      const wrong = FINDINGS.filter((f) => r.planted!.findings[f] !== r.result.findings![f]);
      log(`${kind}: ${r.engine}: findings ${wrong.length ? `DIFFER from the planted ones in ${wrong.map((f) => `${f} ${r.result.findings![f]} vs ${r.planted!.findings[f]}`).join(', ')}` : 'as planted'}: ${JSON.stringify(r.result.findings)}`);
    }
  }
  record(kind, runs.map((r) => ({
    engine: r.engine,
    size: r.size,
    rows: r.result.rows,
    ms: Math.round(r.result.ms),
    baselineMs: Math.round(r.result.baselineMs),
    baseline: r.result.baseline,
    ...(kind === 'billing' ? { baselineWithForeignKeysMs: r.result.baselineFkMs === null || r.result.baselineFkMs === undefined ? null : Math.round(r.result.baselineFkMs) } : {}),
    ratioToBaseline: round(r.result.ms / Math.max(1, r.result.baselineMs), 2),
    peakRssKb: r.result.hwmKb,
    targetMs: target(r.engine),
    verdict: r.size >= DEFAULT_SIZE ? verdict(r.result.ms <= target(r.engine) && (kind === 'billing' || (r.result.hwmKb ?? Infinity) <= ENROLLMENT_TARGETS.peakRssKb)) : null,
    buildMs: r.buildMs === null ? null : Math.round(r.buildMs),
    ...(r.planted ? { invoiceLines: r.planted.lines, invoiceBytes: r.planted.bytes, planted: r.planted.findings, found: r.result.findings } : {}),
    statements: r.result.statements,
    contention: r.result.contention,
  })));
}

export async function runEnrollmentBench(kind: 'billing' | 'reconcile', opts: Options): Promise<void> {
  const size = opts.size ?? DEFAULT_SIZE;
  fs.mkdirSync(DIR, { recursive: true });
  const runs: EngineRun[] = [];
  for (const engine of opts.engines) {
    const { t, db } = await openTarget(engine, size);
    let closed = false;
    const close = async () => {
      if (!closed) await db.close();
      closed = true;
    };
    try {
      const out = path.join(DIR, `child-${kind}-${engine}.json`);
      if (kind === 'billing') {
        await clearBills(db);
        await close();
        log(`billing: ${engine}: runBilling for ${size.toLocaleString('en')} members`);
        runs.push({ engine, size, buildMs: t.buildMs, result: await inChild({ kind, engine, target: t.target, size, file: null, out }) });
      } else {
        const p = await asSystem(db, 'bench', (tx) => getProgramme(tx, PROGRAMME));
        await asSystem(db, 'bench', (tx) => tx.query(`DELETE FROM invoice WHERE programme_id = $1`, [p.id]));
        await db.exec('VACUUM invoice_line');
        const [bill] = await db.query<{ id: number }>(`SELECT id FROM bill WHERE programme_id = $1 AND month = $2 AND status <> 'cancelled'`, [p.id, `${MONTH}-01`]);
        if (!bill) {
          log(`reconcile: ${engine}: billing ${MONTH} first (not measured here)`);
          await asSystem(db, 'bench', (tx) => runBilling(tx, p, MONTH, 'bench'));
        }
        const file = path.join(DIR, `invoice-${engine}-${size}.csv`);
        log(`reconcile: ${engine}: writing the invoice file ${file}`);
        const planted = await generateInvoice(db, size, file);
        log(`reconcile: ${engine}: ${planted.lines.toLocaleString('en')} lines, ${Math.round(planted.bytes / 1024 / 1024)} MB in ${round(planted.genMs / 1000, 1)} s`);
        await close();
        log(`reconcile: ${engine}: reconcileInvoice`);
        runs.push({ engine, size, buildMs: t.buildMs, planted, result: await inChild({ kind, engine, target: t.target, size, file, out }) });
      }
    } finally {
      await close();
      await t.pg?.stop();
    }
  }
  report(kind, runs);
}
