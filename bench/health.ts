/**
 * `health` and `memory`: one server run of the real CLI, `serve --demo-if-empty --demo-size 1000000`
 * on an empty data folder.
 *  - health: GET /api/health every 50 ms over HTTP for the whole demo load (from "Lindung is
 *    running" to "Demo data ready"); p50/p95/p99/max (target p99 ≤ 200 ms).
 *  - memory: VmHWM/VmRSS of the server's node process (/proc/PID/status) sampled during the load,
 *    then after signed-in searches over the API in the same process, then in a fresh server on the
 *    same 1M data serving the same searches (target peak ≤ 1 GB).
 */
import http from 'node:http';
import path from 'node:path';
import { DEMO_PASSWORD } from '../src/features/users/demo-users.js';
import {
  CliProcess, OUT, cliEnvFor, contention, contentionText, freePort, log, memorySampler, printTable, record, request, rmrf, rng, secs, shuffle, signIn, startPostgres, stats, verdict, waitHealthy,
  type Contention, type Engine, type Mem, type Options, type PgCluster, type Stats,
} from './lib.js';

export const HEALTH_P99_TARGET_MS = 200;

export interface HealthMemoryResult {
  engine: Engine;
  size: number;
  loadMs: number;
  health: Stats & { errors: number; over200: number; over1000: number };
  /** Other processes' CPU during the load. */
  contention: Contention | null;
  /** Peak of the slow polls: when (ms after the load began) and how long. */
  worst: { at: number; ms: number }[];
  memory: {
    afterStart: Mem | null;
    load: Mem | null;
    loadPlusSearches: Mem | null;
    freshServerIdle: Mem | null;
    freshServerSearches: Mem | null;
  };
  searchesHttp: Stats | null;
  searchesHttpFresh: Stats | null;
  /** The restart right after the load: spawn → health 200 and → "Lindung is running" (the startup target, ≤ 3 s). */
  restartAfterLoad: { healthMs: number; runningMs: number; appRunningMs: number | null } | null;
}

interface PersonItem {
  nik: string;
  full_name: string;
  village_code: string;
}

/** Search requests over the API built from what the API returns (prefixes, NIKs, areas of real people). */
async function searchWorkload(port: number, headers: Record<string, string>, n: number): Promise<{ body: Record<string, unknown> }[]> {
  const people: PersonItem[] = [];
  const regencies = ['53.01', '53.02', '53.03', '53.04', '53.05', '53.06', '53.07', '53.08', '53.09', '53.10', '53.11', '53.12', '53.13', '53.14', '53.15', '53.16', '53.17', '53.18', '53.19', '53.20', '53.21', '53.71'];
  for (const area of regencies) {
    const r = await request(port, 'POST', '/api/registry/search', { headers, body: { area, pageSize: 100, page: 3 } });
    if (r.status !== 200) throw new Error(`search failed: ${r.status} ${r.body.slice(0, 300)}`);
    people.push(...(JSON.parse(r.body) as { items: PersonItem[] }).items);
  }
  const random = rng(11);
  shuffle(people, random);
  const body = (i: number): Record<string, unknown> => {
    const p = people[i % people.length]!;
    const prefix = p.full_name.toLowerCase().slice(0, 3 + Math.floor(random() * 3));
    switch (i % 6) {
      case 0: return { q: prefix };
      case 1: return { q: p.nik };
      case 2: return { area: p.village_code.slice(0, 5) };
      case 3: return { area: p.village_code.slice(0, 8) };
      case 4: return { area: p.village_code };
      default: return { q: prefix.slice(0, 3), page: 2 + Math.floor(random() * 9) };
    }
  };
  return Array.from({ length: n }, (_, i) => ({ body: body(i) }));
}

async function runSearches(port: number, headers: Record<string, string>, work: { body: Record<string, unknown> }[]): Promise<Stats> {
  const ms: number[] = [];
  for (const w of work) {
    const r = await request(port, 'POST', '/api/registry/search', { headers, body: w.body });
    if (r.status !== 200) throw new Error(`search failed: ${r.status} ${r.body.slice(0, 300)}`);
    ms.push(r.ms);
  }
  return stats(ms);
}

export async function runHealthMemory(opts: Options): Promise<HealthMemoryResult[]> {
  const size = opts.size ?? 1_000_000;
  const results: HealthMemoryResult[] = [];
  for (const engine of opts.engines) {
    const dir = path.join(OUT, 'db', `health-${engine}`);
    rmrf(dir);
    let pg: PgCluster | null = null;
    try {
      if (engine === 'postgres') pg = await startPostgres(dir, false);
      results.push(await oneRun(engine, size, cliEnvFor(engine, dir, pg)));
    } finally {
      await pg?.stop();
      rmrf(dir);
    }
  }
  return results;
}

async function oneRun(engine: Engine, size: number, env: Record<string, string>): Promise<HealthMemoryResult> {
  const port = await freePort();
  log(`health: ${engine}: serve --demo-if-empty --demo-size ${size}`);
  const cli = new CliProcess(['serve', '--demo-if-empty', '--demo-size', String(size)], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const searchN = 300;
  let result: HealthMemoryResult;
  try {
    await cli.waitFor(/Lindung is running/, 120_000);
    const pid = await cli.appPid();
    const mem = memorySampler(pid, 250);
    const afterStart = mem.now();

    // Poll every 50 ms, never waiting for the previous answer: a stalled server shows up as it is.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const polls: { at: number; ms: number; ok: boolean }[] = [];
    const inflight = new Set<Promise<void>>();
    const loadStart = performance.now();
    const poll = () => {
      const s = performance.now();
      const p = new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/api/health', agent, timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => {
            polls.push({ at: s - loadStart, ms: performance.now() - s, ok: res.statusCode === 200 });
            resolve();
          });
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => {
          polls.push({ at: s - loadStart, ms: performance.now() - s, ok: false });
          resolve();
        });
      });
      inflight.add(p);
      void p.then(() => inflight.delete(p));
    };
    poll();
    const timer = setInterval(poll, 50);
    let progressLogged = 0;
    cli.onLineListener((l) => {
      const m = /^Demo (\d+)%/.exec(l.text);
      if (m && Number(m[1]) >= progressLogged + 10) {
        progressLogged = Number(m[1]);
        log(`health: ${engine}: load ${m[1]}%, ${polls.length} polls, RSS ${Math.round((mem.now()?.rssKb ?? 0) / 1024)} MiB`);
      }
    });
    await cli.waitFor(/Demo data ready/, 1_800_000);
    const loadMs = performance.now() - loadStart;
    const loadContention = contention(loadStart);
    clearInterval(timer);
    await Promise.all(inflight);
    agent.destroy();
    const load = mem.now();
    log(`health: ${engine}: load done in ${secs(loadMs)}; ${polls.length} polls`);

    // Searches over the API in the same process.
    const headers = await signIn(port, 'provinsi', DEMO_PASSWORD);
    const work = await searchWorkload(port, headers, searchN);
    const searchesHttp = await runSearches(port, headers, work);
    const loadPlusSearches = mem.stop();
    await cli.stop();

    // A fresh server on the same 1M data, serving the same searches.
    log(`health: ${engine}: fresh server on the same data, ${searchN} searches`);
    const port2 = await freePort();
    const cli2 = new CliProcess(['serve'], { ...env, PORT: String(port2), HOST: '127.0.0.1' });
    let freshServerIdle: Mem | null = null;
    let freshServerSearches: Mem | null = null;
    let searchesHttpFresh: Stats | null = null;
    let restartAfterLoad: HealthMemoryResult['restartAfterLoad'] = null;
    try {
      const healthMs = await waitHealthy(port2, cli2.t0, cli2, 120_000, 10);
      const running = await cli2.waitFor(/Lindung is running/, 10_000);
      restartAfterLoad = { healthMs: Math.round(healthMs), runningMs: Math.round(running.at), appRunningMs: Number(/after (\d+) ms/.exec(running.text)?.[1] ?? NaN) || null };
      log(`health: ${engine}: restart right after the load: health 200 after ${secs(healthMs)}, "running" after ${secs(running.at)}`);
      const mem2 = memorySampler(await cli2.appPid(), 250);
      freshServerIdle = mem2.now();
      const headers2 = await signIn(port2, 'provinsi', DEMO_PASSWORD);
      searchesHttpFresh = await runSearches(port2, headers2, work);
      freshServerSearches = mem2.stop();
    } finally {
      await cli2.stop();
    }

    const lat = polls.filter((p) => p.ok).map((p) => p.ms);
    const st = stats(lat);
    result = {
      engine,
      size,
      loadMs: Math.round(loadMs),
      health: { ...st, errors: polls.filter((p) => !p.ok).length, over200: lat.filter((x) => x > 200).length, over1000: lat.filter((x) => x > 1000).length },
      contention: loadContention,
      worst: [...polls].sort((a, b) => b.ms - a.ms).slice(0, 5).map((p) => ({ at: Math.round(p.at), ms: Math.round(p.ms) })),
      memory: { afterStart, load, loadPlusSearches, freshServerIdle, freshServerSearches },
      searchesHttp,
      searchesHttpFresh,
      restartAfterLoad,
    };
  } finally {
    await cli.stop();
  }
  return result;
}

export function reportHealth(results: HealthMemoryResult[]): void {
  printTable(
    `health: GET /api/health every 50 ms during the demo load in the server process, ms (target p99 ≤ ${HEALTH_P99_TARGET_MS} ms)`,
    ['engine', 'workers', 'load', 'polls', 'errors', 'p50', 'p95', 'p99', 'max', '> 200 ms', '> 1 s', 'target'],
    results.map((r) => [r.engine, r.size.toLocaleString('en'), secs(r.loadMs), r.health.count, r.health.errors, r.health.p50, r.health.p95, r.health.p99, r.health.max, r.health.over200, r.health.over1000, verdict(r.health.errors === 0 && r.health.p99 <= HEALTH_P99_TARGET_MS)]),
  );
  printTable(
    'startup (from this run): restart right after the million-row load, spawn → health 200 (target ≤ 3.0 s)',
    ['engine', 'workers', 'health 200', '"running"', 'app\'s own "after"', 'target'],
    results.map((r) => [r.engine, r.size.toLocaleString('en'), secs(r.restartAfterLoad?.healthMs ?? NaN), secs(r.restartAfterLoad?.runningMs ?? NaN), `${r.restartAfterLoad?.appRunningMs ?? '-'} ms`, verdict((r.restartAfterLoad?.healthMs ?? Infinity) <= 3000)]),
  );
  for (const r of results) log(`health: ${r.engine}: during the load ${contentionText(r.contention)}`);
  for (const r of results) log(`health: ${r.engine}: slowest polls (ms after load start → ms): ${r.worst.map((w) => `${w.at}→${w.ms}`).join(', ')}`);
  record('health', results.map((r) => ({ engine: r.engine, size: r.size, loadMs: r.loadMs, ...r.health, worst: r.worst, contention: r.contention, restartAfterLoad: r.restartAfterLoad, targetP99Ms: HEALTH_P99_TARGET_MS, pass: r.health.errors === 0 && r.health.p99 <= HEALTH_P99_TARGET_MS })));
}
