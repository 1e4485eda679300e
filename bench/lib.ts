/**
 * Shared helpers for the benchmarks: statistics, machine facts, result files, spawning the real
 * CLI, reading a process's memory from /proc, and a PostgreSQL cluster from scripts/pg-temp.sh.
 * Benchmarks report; they never assert.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, openDataFolder } from '../src/db/open.js';
import { listMigrations } from '../src/db/migrate.js';
import { openPostgres } from '../src/db/pg-client.js';
import type { Db } from '../src/db/types.js';
import { asSystem } from '../src/db/scope.js';
import type { FastifyInstance } from 'fastify';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'bench', 'out');
export const RESULTS = path.join(OUT, 'results.jsonl');
/** The `lindung` command runs the sources with tsx, exactly like bin/lindung. */
export const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
export const CLI = path.join(ROOT, 'src', 'cli', 'main.ts');

export type Engine = 'pglite' | 'postgres';

export interface Options {
  engines: Engine[];
  /** Workers; each benchmark has its own default (the target size). */
  size?: number;
  /** Size of the phase profile of the demo load (default 200,000). */
  profileSize?: number;
  /** Measured queries per search shape (default 250). */
  queries?: number;
  /** Restarts measured by the startup benchmark (default 3). */
  restarts?: number;
}

// ------------------------------------------------------------------------------------------------
// Numbers

export interface Stats {
  count: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of sorted values (p in 0…100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    count: s.length,
    min: round(s[0] ?? NaN),
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s[s.length - 1] ?? NaN),
    mean: round(s.length ? sum / s.length : NaN),
  };
}

export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const mib = (kb: number) => `${Math.round(kb / 1024)} MiB`;
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/** A small seeded PRNG (mulberry32) so every run asks the same questions. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

// ------------------------------------------------------------------------------------------------
// Output

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  console.log(`\n${title}\n${table(headers, rows)}\n`);
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  loadavg: number[];
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => round(l, 2)),
  };
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Appends one JSON line per record to bench/out/results.jsonl, with the machine and the date. */
export function record(bench: string, records: Record<string, unknown>[]): void {
  fs.mkdirSync(OUT, { recursive: true });
  // Other people change src/ while benchmarks run: name the commit and whether src/ had local changes.
  const dirty = git(['status', '--porcelain', '--', 'src']);
  const common = { date: new Date().toISOString(), bench, commit: git(['rev-parse', '--short', 'HEAD']), srcDirty: dirty === null ? null : dirty.length > 0, machine: machine() };
  fs.appendFileSync(RESULTS, records.map((r) => `${JSON.stringify({ ...common, ...r })}\n`).join(''));
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

// ------------------------------------------------------------------------------------------------
// Processes

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Line {
  at: number; // ms since spawn
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The real CLI (`tsx src/cli/main.ts …`) as a child process, with its output lines timed. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly t0: number;
  readonly lines: Line[] = [];
  readonly exited: Promise<number | null>;
  private waiters: { re: RegExp; resolve: (l: Line) => void }[] = [];
  private lineListeners: ((l: Line) => void)[] = [];

  constructor(args: string[], env: Record<string, string | undefined>) {
    this.t0 = performance.now();
    this.child = spawn(TSX, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, LINDUNG_QUIET: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so stop() reaches the node process tsx starts
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      let buf = '';
      this.child[stream]!.setEncoding('utf8');
      this.child[stream]!.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.onLine({ at: performance.now() - this.t0, stream, text: buf.slice(0, i) });
          buf = buf.slice(i + 1);
        }
      });
      this.child[stream]!.on('end', () => {
        if (buf) this.onLine({ at: performance.now() - this.t0, stream, text: buf });
        buf = '';
      });
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    // Never leave a server behind when the benchmark itself ends early.
    const pgid = this.child.pid!;
    const onExit = () => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    process.on('exit', onExit);
    void this.exited.then(() => setTimeout(() => process.removeListener('exit', onExit), 5000).unref());
  }

  private onLine(l: Line): void {
    this.lines.push(l);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`  [cli +${Math.round(l.at)} ms] ${l.text}\n`);
    for (const f of this.lineListeners) f(l);
    this.waiters = this.waiters.filter((w) => {
      if (!w.re.test(l.text)) return true;
      w.resolve(l);
      return false;
    });
  }

  onLineListener(f: (l: Line) => void): void {
    this.lineListeners.push(f);
  }

  /** Resolves with the first line matching `re` (also one already seen); rejects on exit or timeout. */
  waitFor(re: RegExp, timeoutMs: number): Promise<Line> {
    const seen = this.lines.find((l) => re.test(l.text));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}\n${this.tail()}`)), timeoutMs);
      const w = { re, resolve: (l: Line) => (clearTimeout(timer), resolve(l)) };
      this.waiters.push(w);
      void this.exited.then((code) => {
        clearTimeout(timer);
        if (this.waiters.includes(w)) reject(new Error(`the CLI exited (code ${code}) before ${re}\n${this.tail()}`));
      });
    });
  }

  tail(n = 15): string {
    return this.lines.slice(-n).map((l) => `  ${l.stream}: ${l.text}`).join('\n');
  }

  stdout(): string {
    return this.lines.filter((l) => l.stream === 'stdout').map((l) => l.text).join('\n');
  }

  /** PID of the node process that runs the app (tsx starts it as its child). */
  async appPid(timeoutMs = 10_000): Promise<number> {
    const wrapper = this.child.pid!;
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const kids = childrenOf(wrapper).filter((pid) => cmdline(pid).includes('main.ts'));
      if (kids.length) return kids[0]!;
      if (this.child.exitCode !== null) break;
      await sleep(20);
    }
    return wrapper; // tsx ran the app in-process (older tsx)
  }

  /** SIGTERM to the process group; SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const pgid = this.child.pid!;
    try {
      process.kill(-pgid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const done = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await this.exited;
    }
    // The app node process may outlive the wrapper for a moment: wait for the group to empty.
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
      await sleep(50);
    }
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    // Kernels without the children file: scan every process's parent.
    return fs
      .readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export interface Mem {
  /** Peak resident set size (VmHWM), KiB. */
  hwmKb: number;
  /** Current resident set size (VmRSS), KiB. */
  rssKb: number;
}

/** Memory of a process from /proc/PID/status; null when it is gone. */
export function memoryOf(pid: number): Mem | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
    const m = { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') };
    // A process that has exited but is not yet reaped (zombie) has no memory lines.
    return Number.isFinite(m.hwmKb) && Number.isFinite(m.rssKb) ? m : null;
  } catch {
    return null;
  }
}

/** Samples a process's memory every `everyMs` until stopped; keeps the highest values seen. */
export function memorySampler(pid: number, everyMs = 250) {
  const samples: { at: number; rssKb: number; hwmKb: number }[] = [];
  const t0 = performance.now();
  let last: Mem | null = null;
  const take = () => {
    const m = memoryOf(pid);
    if (m) {
      last = m;
      samples.push({ at: Math.round(performance.now() - t0), ...m });
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    /** The latest reading (VmHWM is already the peak since the process started). */
    now(): Mem | null {
      take();
      return last;
    },
    stop(): Mem | null {
      clearInterval(timer);
      take();
      return last;
    },
  };
}

// ------------------------------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
  ms: number;
}

export function request(
  port: number,
  method: string,
  urlPath: string,
  opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number; keepAlive?: boolean } = {},
): Promise<HttpResult> {
  const t = performance.now();
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent: opts.keepAlive === false ? false : agent,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, ms: performance.now() - t }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Polls GET /api/health every `everyMs` until it answers 200; returns the ms since `t0`. */
export async function waitHealthy(port: number, t0: number, cli: CliProcess, timeoutMs = 120_000, everyMs = 10): Promise<number> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (cli.child.exitCode !== null) throw new Error(`the server exited (code ${cli.child.exitCode})\n${cli.tail()}`);
    try {
      const r = await request(port, 'GET', '/api/health', { timeoutMs: 2000, keepAlive: false });
      if (r.status === 200) return performance.now() - t0;
    } catch {
      /* not listening yet */
    }
    await sleep(everyMs);
  }
  throw new Error(`/api/health did not answer within ${timeoutMs} ms\n${cli.tail()}`);
}

/** Signs in over the API; returns the headers later requests need (cookie + CSRF token). */
export async function signIn(port: number, username: string, password: string): Promise<Record<string, string>> {
  const r = await request(port, 'POST', '/api/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`sign-in as ${username} failed: ${r.status} ${r.body.slice(0, 300)}`);
  const setCookie = r.headers['set-cookie'] ?? [];
  const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = JSON.parse(r.body) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken };
}

// ------------------------------------------------------------------------------------------------
// PostgreSQL: a cluster from scripts/pg-temp.sh, started and always stopped by the benchmark.

const PG_TEMP = path.join(ROOT, 'scripts', 'pg-temp.sh');

function asPostgresOwner(cmd: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  return execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { cwd: '/', encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface PgCluster {
  url: string;
  dir: string;
  port: number;
  /** Stops the server; keeps the data folder when `keep`, deletes it otherwise. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL in `dir`: a new cluster via scripts/pg-temp.sh when `dir` is empty, or the
 * existing cluster kept by an earlier benchmark (same settings: fsync off, as pg-temp.sh does).
 * `keep`: stop with pg_ctl (fast) and keep the folder for later benchmarks, instead of deleting it.
 */
/** The environment that points the CLI at a benchmark database: a PGlite folder or a PostgreSQL cluster. */
export function cliEnvFor(engine: Engine, dir: string, pg: PgCluster | null): Record<string, string> {
  if (engine === 'pglite') return { LINDUNG_DATA_DIR: dir };
  if (!pg) throw new Error('a PostgreSQL benchmark needs its cluster');
  return { DATABASE_URL: pg.url, LINDUNG_DATA_DIR: path.join(OUT, 'db', 'unused') };
}

export async function startPostgres(dir: string, keep: boolean): Promise<PgCluster> {
  const port = await freePort();
  const existing = fs.existsSync(path.join(dir, 'PG_VERSION'));
  let url: string;
  if (!existing) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not a cluster: remove it first`);
    url = execFileSync('bash', [PG_TEMP, 'start', dir, String(port)], { cwd: ROOT, encoding: 'utf8' }).trim();
  } else {
    const bin = execFileSync('bash', [PG_TEMP, 'find'], { cwd: ROOT, encoding: 'utf8' }).trim();
    fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true }); // left by a killed run
    asPostgresOwner(path.join(bin, 'pg_ctl'), [
      '-D', dir, '-l', path.join(dir, 'server.log'), '-t', '120', '-w',
      '-o', `-p ${port} -k '${dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
    url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }
  let stopped = false;
  // Synchronous, so that it also runs from an 'exit' handler.
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (keep) {
      try {
        const bin = execFileSync('bash', [PG_TEMP, 'find'], { cwd: ROOT, encoding: 'utf8' }).trim();
        asPostgresOwner(path.join(bin, 'pg_ctl'), ['-D', dir, '-m', 'fast', '-w', '-t', '120', 'stop']);
      } catch (e) {
        log(`pg_ctl stop failed (${(e as Error).message}); stopping it the pg-temp way (deletes ${dir})`);
        execFileSync('bash', [PG_TEMP, 'stop', dir], { cwd: ROOT, stdio: 'inherit' });
      }
    } else {
      execFileSync('bash', [PG_TEMP, 'stop', dir], { cwd: ROOT, stdio: 'inherit' });
    }
  };
  // Never leave a server behind: run.ts turns Ctrl-C and SIGTERM into process.exit, which lands here.
  const onExit = () => {
    try {
      stopSync();
    } catch {
      /* best effort */
    }
  };
  process.once('exit', onExit);
  return {
    url,
    dir,
    port,
    async stop() {
      process.removeListener('exit', onExit);
      stopSync();
    },
  };
}

/** Runs `fn` with a PostgreSQL cluster and stops it afterwards, whatever happens. */
export async function withPostgres<T>(dir: string, keep: boolean, fn: (pg: PgCluster) => Promise<T>): Promise<T> {
  const pg = await startPostgres(dir, keep);
  try {
    return await fn(pg);
  } finally {
    await pg.stop();
  }
}

/** Size of a folder in bytes (du -sb), or null. */
export function folderBytes(dir: string): number | null {
  try {
    return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return null;
  }
}

export function rmrf(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Opens a database a benchmark made earlier without running migrations: the CLI migrated it, and
 * a migration file edited since (others work on src/ meanwhile) must not stop the measurement.
 */
export async function openExisting(engine: Engine, target: string): Promise<Db> {
  return engine === 'postgres' ? openPostgres(target) : openDataFolder(target);
}

/**
 * A benchmark's own database, migrated: a PGlite folder, or a PostgreSQL cluster started in that
 * folder (stopped again if opening fails). The caller closes the database and stops the cluster.
 */
export async function openBenchDb(engine: Engine, dir: string): Promise<{ db: Db; pg: PgCluster | null }> {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (engine === 'pglite') return { db: await openMigratedOrAsIs(engine, { dataDir: dir, databaseUrl: null }, dir), pg: null };
  const pg = await startPostgres(dir, true);
  try {
    return { db: await openMigratedOrAsIs(engine, { dataDir: '', databaseUrl: pg.url }, pg.url), pg };
  } catch (e) {
    await pg.stop();
    throw e;
  }
}

/**
 * openDatabase migrates. A kept benchmark database whose migrations are all applied, but one of
 * whose files was edited since (a migration still being written), is opened without migrating,
 * and the run says so: only a rebuild could reconcile them, and the benchmark does not depend on
 * the edit. A migration not applied at all still stops the run.
 */
async function openMigratedOrAsIs(engine: Engine, config: { dataDir: string; databaseUrl: string | null }, target: string): Promise<Db> {
  try {
    return await openDatabase(config);
  } catch (e) {
    if (!/was changed after it was applied/.test((e as Error).message)) throw e;
    const db = await openExisting(engine, target);
    const applied = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migration')).map((r) => r.name));
    const pending = listMigrations().filter((m) => !applied.has(m.name));
    if (pending.length) {
      await db.close();
      throw e;
    }
    log(`${(e as Error).message.replace(/;.*$/, '')} (a migration still being written): opened ${target} without migrating`);
    return db;
  }
}

/** Where the benchmark databases live (git-ignored). */
export const dbDir = (engine: Engine, size: number) => path.join(OUT, 'db', `${engine === 'pglite' ? 'pglite' : 'pg'}-${size}`);

// ------------------------------------------------------------------------------------------------
// Other work on the machine: the CPU used by processes that are not ours, so a figure measured
// while someone else ran tests says so.

interface ProcTicks {
  ppid: number;
  ticks: number;
  cmd: string;
}

function readProcs(): Map<number, ProcTicks> {
  const out = new Map<number, ProcTicks>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const post = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(d), { ppid: Number(post[1]), ticks: Number(post[11]) + Number(post[12]), cmd: cmdline(Number(d)).trim() });
    } catch {
      /* gone */
    }
  }
  return out;
}

export interface Contention {
  /** Average CPU cores used by other people's processes over the window. */
  otherCores: number;
  /** Highest 2-second average of the same. */
  otherCoresMax: number;
  /** Average cores used by this benchmark (its children and its PostgreSQL included). */
  ownCores: number;
  /** The other processes that used the most CPU, "cores command". */
  top: string[];
}

class CpuMonitor {
  private prev = new Map<number, number>();
  private samples: { at: number; dt: number; own: number; other: number; byCmd: Map<string, number> }[] = [];
  private last = performance.now();
  private readonly hz: number;

  constructor(everyMs: number) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      /* the usual value */
    }
    this.hz = hz;
    this.read(true);
    setInterval(() => this.read(false), everyMs).unref();
  }

  private read(first: boolean): void {
    const now = performance.now();
    const procs = readProcs();
    const isOwn = (pid: number): boolean => {
      for (let p = pid, depth = 0; p > 1 && depth < 20; depth++) {
        if (p === process.pid) return true;
        const info = procs.get(p);
        if (!info) return false;
        if (info.cmd.includes(OUT)) return true; // our PostgreSQL clusters live under bench/out
        p = info.ppid;
      }
      return false;
    };
    // Our own ancestors (npm, the tsx wrapper) count as ours too.
    const ancestors = new Set<number>();
    for (let p = procs.get(process.pid)?.ppid ?? 0, depth = 0; p > 1 && depth < 20; depth++) {
      ancestors.add(p);
      p = procs.get(p)?.ppid ?? 0;
    }
    let own = 0;
    let other = 0;
    const byCmd = new Map<string, number>();
    const seen = new Map<number, number>();
    for (const [pid, info] of procs) {
      seen.set(pid, info.ticks);
      if (first) continue;
      const delta = info.ticks - (this.prev.get(pid) ?? 0);
      if (delta <= 0) continue;
      if (isOwn(pid) || ancestors.has(pid)) own += delta;
      else if (info.cmd) {
        other += delta;
        const label = info.cmd.replace(/^\S*\/(node|bash|sh) /, '$1 ').slice(0, 90);
        byCmd.set(label, (byCmd.get(label) ?? 0) + delta / this.hz);
      }
    }
    this.prev = seen;
    if (!first) this.samples.push({ at: now, dt: (now - this.last) / 1000, own: own / this.hz, other: other / this.hz, byCmd });
    this.last = now;
  }

  window(from: number, to = performance.now()): Contention {
    this.read(false);
    const s = this.samples.filter((x) => x.at > from && x.at - x.dt * 1000 < to);
    const seconds = s.reduce((a, x) => a + x.dt, 0) || 1;
    const byCmd = new Map<string, number>();
    for (const x of s) for (const [k, v] of x.byCmd) byCmd.set(k, (byCmd.get(k) ?? 0) + v);
    return {
      otherCores: round(s.reduce((a, x) => a + x.other, 0) / seconds, 2),
      otherCoresMax: round(Math.max(0, ...s.map((x) => x.other / (x.dt || 1))), 2),
      ownCores: round(s.reduce((a, x) => a + x.own, 0) / seconds, 2),
      top: [...byCmd.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .filter(([, v]) => v / seconds >= 0.05)
        .map(([k, v]) => `${round(v / seconds, 2)} ${k}`),
    };
  }
}

let monitor: CpuMonitor | null = null;

/** Starts watching the machine's CPU (every 2 s); run.ts calls it first. */
export function startCpuMonitor(): void {
  monitor ??= new CpuMonitor(2000);
}

/** CPU used by other processes between `from` (performance.now()) and now. */
export function contention(from: number): Contention | null {
  return monitor ? monitor.window(from) : null;
}

export function contentionText(c: Contention | null): string {
  if (!c) return 'not measured';
  return `other processes used ${c.otherCores} cores on average (max ${c.otherCoresMax}), this benchmark ${c.ownCores}${c.top.length ? `; top: ${c.top.join(' | ')}` : ''}`;
}

/** Signs in through the app itself: the session cookie, and the headers a POST needs (cookie and CSRF token). */
export async function signInInject(app: FastifyInstance, username: string, password: string): Promise<{ cookie: string; post: Record<string, string> }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in ${username}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const cookie = `lindung_session=${res.cookies.find((c) => c.name === 'lindung_session')!.value}`;
  return { cookie, post: { cookie, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken } };
}

/**
 * One bulk statement with the history triggers standing aside (as for a restore): the millions of
 * rows a benchmark database is built from are not what is measured, and their history would take
 * minutes to write.
 */
export function bulkWithoutHistory(db: Db, sql: string, params: (string | number)[]): Promise<void> {
  return asSystem(db, 'bench', async (tx) => {
    await tx.query(`SELECT set_config('lindung.restoring', 'on', true)`);
    await tx.query(sql, params);
  });
}
