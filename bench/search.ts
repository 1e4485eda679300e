/**
 * `search`: registry search on the 1M databases of the demo benchmark, measured through asActor
 * (transaction + SET LOCAL ROLE + row-level security), as a province officer (area 53) and as a
 * regency operator (53.01). The search is called as the API calls it: searchAs (searchPersons with
 * the user's own regency/district/village as the default area filter, since 064ad96). Queries are drawn from the data (seeded, so every run asks the same):
 * 3–5-letter prefixes of existing names, NIKs that exist, the areas of existing people.
 * All shapes are interleaved in one shuffled sequence; the first queries warm up and are not counted.
 * The plan of the slowest query of each shape is written to bench/out/search-plans-<engine>.txt.
 */
import fs from 'node:fs';
import path from 'node:path';
import { asActor, type Actor } from '../src/db/scope.js';
import type { Db, Param, Queryable } from '../src/db/types.js';
import { searchAs, type SearchInput } from '../src/features/registry/search.js';
import { relationSizes } from './demo.js';
import { OUT, contention, contentionText, dbDir, folderBytes, openExisting, log, printTable, record, rng, round, shuffle, startPostgres, stats, verdict, type Engine, type Options, type PgCluster, type Stats } from './lib.js';

export const SEARCH_P95_TARGET_MS = 50;
const EXTRA_EVERY = 25;
const SHAPE_ORDER = [
  'name prefix', 'exact NIK', 'exact NIK of another regency', 'area = regency', 'area = district', 'area = village', 'name prefix + regency',
  'name prefix + district', 'name prefix, page 2–10', 'regency, page 2–40', 'no filter (own regency), page 1',
];

const PROVINCE: Actor = { userId: null, username: 'bench', role: 'province_officer', areaCode: '53' };
const REGENCY: Actor = { userId: null, username: 'bench', role: 'regency_operator', areaCode: '53.01' };

interface Sample {
  name_norm: string;
  nik: string;
  village_code: string;
  district_code: string;
  regency_code: string;
}

interface Query {
  shape: string;
  actor: Actor;
  input: SearchInput;
  /** Required by the target (the rest are extra shapes the UI also offers). */
  core: boolean;
}

export interface ShapeResult extends Stats {
  engine: Engine;
  actor: string;
  shape: string;
  core: boolean;
  emptyPct: number;
}

async function sampleOf(db: Db, where: string, n: number, seed: number): Promise<Sample[]> {
  // Random ids over the id range, kept when they satisfy `where`: no sort of the whole table.
  const [range] = await db.query<{ lo: number | string; hi: number | string }>('SELECT min(id) AS lo, max(id) AS hi FROM person');
  const lo = Number(range?.lo ?? 0);
  const hi = Number(range?.hi ?? 0);
  const random = rng(seed);
  const out: Sample[] = [];
  for (let round = 0; round < 50 && out.length < n; round++) {
    const ids = Array.from({ length: 4 * n }, () => lo + Math.floor(random() * (hi - lo + 1)));
    const rows = await db.query<Sample>(
      `SELECT name_norm, nik, village_code, district_code, regency_code FROM person WHERE id = ANY($1::bigint[]) AND ${where} ORDER BY id`,
      [ids],
    );
    out.push(...shuffle(rows, random).slice(0, n - out.length));
  }
  if (out.length < n) throw new Error(`could not sample ${n} people where ${where}`);
  return out;
}

function prefixOf(name: string, random: () => number): string {
  const len = 3 + Math.floor(random() * 3);
  return name.slice(0, len).trimEnd() || name.slice(0, 3);
}

function buildQueries(province: Sample[], kupang: Sample[], foreign: Sample[], perShape: number, seed: number): Query[] {
  const random = rng(seed);
  const pick = <T>(xs: T[], i: number) => xs[i % xs.length]!;
  const qs: Query[] = [];
  for (let i = 0; i < perShape; i++) {
    const p = pick(province, i);
    const p2 = pick(province, i + 7 * perShape); // another person for area shapes
    const k = pick(kupang, i);
    const k2 = pick(kupang, i + 7 * perShape);
    const batch: Query[] = [
      { shape: 'name prefix', actor: PROVINCE, core: true, input: { q: prefixOf(p.name_norm, random) } },
      { shape: 'exact NIK', actor: PROVINCE, core: true, input: { q: p.nik } },
      { shape: 'area = regency', actor: PROVINCE, core: true, input: { area: p2.regency_code } },
      { shape: 'area = district', actor: PROVINCE, core: true, input: { area: p2.district_code } },
      { shape: 'area = village', actor: PROVINCE, core: true, input: { area: p2.village_code } },
      { shape: 'name prefix + regency', actor: PROVINCE, core: true, input: { q: prefixOf(p2.name_norm, random), area: p2.regency_code } },
      { shape: 'name prefix, page 2–10', actor: PROVINCE, core: true, input: { q: prefixOf(p.name_norm, random).slice(0, 3), page: 2 + Math.floor(random() * 9) } },
      { shape: 'regency, page 2–40', actor: PROVINCE, core: true, input: { area: p2.regency_code, page: 2 + Math.floor(random() * 39) } },
      { shape: 'regency, sort birth_date', actor: PROVINCE, core: false, input: { area: p2.regency_code, sort: 'birth_date' } },
      { shape: 'whole province, sort newest', actor: PROVINCE, core: false, input: { sort: 'newest' } },

      { shape: 'name prefix', actor: REGENCY, core: true, input: { q: prefixOf(k.name_norm, random) } },
      { shape: 'exact NIK', actor: REGENCY, core: true, input: { q: k.nik } },
      { shape: 'exact NIK of another regency', actor: REGENCY, core: true, input: { q: pick(foreign, i).nik } },
      { shape: 'area = district', actor: REGENCY, core: true, input: { area: k2.district_code } },
      { shape: 'area = village', actor: REGENCY, core: true, input: { area: k2.village_code } },
      { shape: 'name prefix + district', actor: REGENCY, core: true, input: { q: prefixOf(k2.name_norm, random), area: k2.district_code } },
      { shape: 'name prefix, page 2–10', actor: REGENCY, core: true, input: { q: prefixOf(k.name_norm, random).slice(0, 3), page: 2 + Math.floor(random() * 9) } },
      { shape: 'no filter (own regency), page 1', actor: REGENCY, core: true, input: {} },
      { shape: 'no filter, sort birth_date', actor: REGENCY, core: false, input: { sort: 'birth_date' } },
    ];
    // Extra shapes (not in the target) can take seconds each at 1M: one query in EXTRA_EVERY.
    qs.push(...batch.filter((q) => q.core || i % EXTRA_EVERY === 0));
  }
  return qs;
}

/** A Queryable that runs EXPLAIN ANALYZE instead of the search and keeps the plan. */
function explaining(tx: Queryable, plans: string[]): Queryable {
  return {
    ...tx,
    async query<R>(sql: string, params?: readonly Param[]) {
      if (/^\s*SELECT p\.id/.test(sql)) {
        const rows = await tx.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        plans.push(rows.map((r) => Object.values(r)[0]).join('\n'));
        return [] as R[];
      }
      return tx.query<R>(sql, params);
    },
  };
}

async function measure(db: Db, engine: Engine, perShape: number): Promise<{ results: ShapeResult[]; plans: string }> {
  log(`search: ${engine}: sampling people`);
  const province = await sampleOf(db, 'true', Math.max(perShape, 50), 1);
  const kupang = await sampleOf(db, "regency_code = '53.01'", Math.max(perShape, 50), 2);
  const foreign = await sampleOf(db, "regency_code <> '53.01'", Math.max(perShape, 50), 3);
  const queries = shuffle(buildQueries(province, kupang, foreign, perShape, 4), rng(5));
  const warmup = shuffle(buildQueries(province, kupang, foreign, 3, 6), rng(7));

  log(`search: ${engine}: ${warmup.length} warm-up queries, then ${queries.length} measured`);
  for (const q of warmup) await asActor(db, q.actor, (tx) => searchAs(tx, q.actor.areaCode, q.input));

  const times = new Map<string, { q: Query; ms: number; empty: boolean }[]>();
  const t0 = performance.now();
  for (const q of queries) {
    const s = performance.now();
    const r = await asActor(db, q.actor, (tx) => searchAs(tx, q.actor.areaCode, q.input));
    const ms = performance.now() - s;
    const key = `${q.actor.areaCode}|${q.shape}`;
    times.set(key, [...(times.get(key) ?? []), { q, ms, empty: r.items.length === 0 }]);
  }
  log(`search: ${engine}: ${queries.length} queries in ${round((performance.now() - t0) / 1000, 1)} s`);

  const results: ShapeResult[] = [];
  let plans = '';
  for (const list of times.values()) {
    const q = list[0]!.q;
    const st = stats(list.map((x) => x.ms));
    results.push({ engine, actor: `${q.actor.role} ${q.actor.areaCode}`, shape: q.shape, core: q.core, ...st, emptyPct: round((100 * list.filter((x) => x.empty).length) / list.length, 0) });
    // The plan of the slowest query of this shape, run again.
    const worst = list.reduce((a, b) => (b.ms > a.ms ? b : a));
    const found: string[] = [];
    await asActor(db, worst.q.actor, (tx) => searchAs(explaining(tx, found), worst.q.actor.areaCode, worst.q.input));
    plans += `=== ${engine} · ${q.actor.role} ${q.actor.areaCode} · ${q.shape} · slowest ${round(worst.ms, 1)} ms · input ${JSON.stringify({ ...worst.q.input, q: worst.q.input.q && /^\d{16}$/.test(worst.q.input.q) ? '<NIK>' : worst.q.input.q })}\n${found.join('\n')}\n\n`;
  }
  return { results, plans };
}

export async function runSearch(opts: Options): Promise<void> {
  const size = opts.size ?? 1_000_000;
  const perShape = opts.queries ?? 250;
  const all: ShapeResult[] = [];
  for (const engine of opts.engines) {
    const dir = dbDir(engine, size);
    if (!fs.existsSync(engine === 'pglite' ? path.join(dir, 'pg') : path.join(dir, 'PG_VERSION'))) {
      throw new Error(`search needs the ${size.toLocaleString('en')}-worker ${engine} database of the demo benchmark in ${dir}: run \`npm run bench -- demo --engine ${engine} --size ${size}\` first`);
    }
    let pg: PgCluster | null = null;
    let db: Db | null = null;
    try {
      if (engine === 'postgres') pg = await startPostgres(dir, true);
      db = await openExisting(engine, engine === 'pglite' ? dir : pg!.url);
      const rel = await relationSizes(db);
      const bytes = folderBytes(dir);
      printTable(`search: ${engine}: the database (${dir}, ${bytes ? Math.round(bytes / 1024 / 1024) : '?'} MiB on disk)`, ['table', 'rows', 'MiB incl. indexes'], rel.map((x) => [x.name, x.rows.toLocaleString('en'), x.mb]));
      record('search', [{ kind: 'database', engine, size, folderBytes: bytes, relations: rel }]);
      const c0 = performance.now();
      const { results, plans } = await measure(db, engine, perShape);
      const c = contention(c0);
      log(`search: ${engine}: ${contentionText(c)}`);
      record('search', [{ kind: 'contention', engine, ...c }]);
      fs.writeFileSync(path.join(OUT, `search-plans-${engine}.txt`), plans);
      all.push(...results);
    } finally {
      await db?.close();
      await pg?.stop();
    }
  }

  // Same order as the shapes are defined: engine, then province before regency, target shapes first.
  const order = (r: ShapeResult) => `${r.engine}|${r.actor.startsWith('province') ? 0 : 1}|${r.core ? 0 : 1}|${String(SHAPE_ORDER.indexOf(r.shape)).padStart(2, '0')}`;
  all.sort((a, b) => order(a).localeCompare(order(b)));
  const rows = all.map((r) => [
    r.engine, r.actor, r.shape + (r.core ? '' : ' (extra)'), r.count, r.p50, r.p95, r.p99, r.max, `${r.emptyPct}%`,
    r.core ? verdict(r.p95 <= SEARCH_P95_TARGET_MS) : r.p95 <= SEARCH_P95_TARGET_MS ? '(ok)' : '(slow)',
  ]);
  printTable(
    `search: ${size.toLocaleString('en')} workers, through asActor (transaction + role + RLS), ms (target p95 ≤ ${SEARCH_P95_TARGET_MS} ms)`,
    ['engine', 'actor', 'shape', 'n', 'p50', 'p95', 'p99', 'max', 'empty', 'target'],
    rows,
  );
  record('search', all.map((r) => ({ ...r, size, via: 'asActor + searchAs', targetP95Ms: SEARCH_P95_TARGET_MS, pass: r.core ? r.p95 <= SEARCH_P95_TARGET_MS : null })));
}
