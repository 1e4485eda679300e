/**
 * `startup`: the real CLI, `serve --demo-if-empty`, timed from spawn.
 *  - first start on an empty data folder (or empty PostgreSQL database) until "Demo data ready"
 *    with 100,000 workers (target ≤ 30 s);
 *  - restarts on that data until GET /api/health answers and until "Lindung is running" (target ≤ 3 s);
 *  - baseline: starting tsx itself (`tsx -e ''`) and bare node, which every CLI start pays.
 * Restarts on the 1M databases of the demo benchmark are added when they exist.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  CliProcess, OUT, cliEnvFor, TSX, contention, dbDir, freePort, log, median, memoryOf, printTable, record, rmrf, secs, startPostgres, verdict, waitHealthy,
  type Engine, type Options, type PgCluster,
} from './lib.js';

export const FIRST_START_TARGET_MS = 30_000;
export const RESTART_TARGET_MS = 3_000;

interface StartRun {
  engine: Engine;
  kind: 'first start' | 'restart';
  data: string;
  runningMs: number;
  healthMs: number;
  readyMs: number | null;
  /** The app's own "after N ms" figures (from its process start, without tsx's own start). */
  appRunningMs: number | null;
  appReadyMs: number | null;
  peakRssKb: number | null;
  /** CPU cores other people's processes used meanwhile. */
  otherCores: number | null;
}

function afterMs(text: string): number | null {
  const m = /after (\d+) ms/.exec(text);
  return m ? Number(m[1]) : null;
}

async function serveOnce(engine: Engine, kind: StartRun['kind'], data: string, env: Record<string, string>, demoSize: number): Promise<StartRun> {
  const port = await freePort();
  const c0 = performance.now();
  const cli = new CliProcess(['serve', '--demo-if-empty', '--demo-size', String(demoSize)], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  try {
    const healthP = waitHealthy(port, cli.t0, cli, 120_000, 10);
    const running = await cli.waitFor(/Lindung is running/, 120_000);
    const healthMs = await healthP;
    let ready = null;
    if (kind === 'first start') ready = await cli.waitFor(/Demo data ready/, 900_000);
    const pid = await cli.appPid();
    const mem = memoryOf(pid);
    return {
      engine, kind, data,
      runningMs: Math.round(running.at),
      healthMs: Math.round(healthMs),
      readyMs: ready ? Math.round(ready.at) : null,
      appRunningMs: afterMs(running.text),
      appReadyMs: ready ? afterMs(ready.text) : null,
      peakRssKb: mem?.hwmKb ?? null,
      otherCores: contention(c0)?.otherCores ?? null,
    };
  } finally {
    await cli.stop();
  }
}

/** ms from spawn to exit of a trivial command. */
function timeCommand(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    c.once('error', reject);
    c.once('exit', () => resolve(performance.now() - t0));
  });
}

export async function runStartup(opts: Options): Promise<void> {
  const size = opts.size ?? 100_000;
  const restarts = opts.restarts ?? 3;
  const runs: StartRun[] = [];

  log('startup: baseline (node, tsx)');
  const nodeMs: number[] = [];
  const tsxMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    nodeMs.push(await timeCommand(process.execPath, ['-e', '']));
    tsxMs.push(await timeCommand(TSX, ['-e', '']));
  }

  for (const engine of opts.engines) {
    let pg: PgCluster | null = null;
    const dir = path.join(OUT, 'db', `startup-${engine}`);
    try {
      rmrf(dir);
      if (engine === 'postgres') pg = await startPostgres(dir, false);
      const env = cliEnvFor(engine, dir, pg);
      log(`startup: ${engine}: first start with ${size} demo workers`);
      runs.push(await serveOnce(engine, 'first start', `empty → ${size.toLocaleString('en')}`, env, size));
      for (let i = 0; i < restarts; i++) {
        log(`startup: ${engine}: restart ${i + 1}/${restarts}`);
        runs.push(await serveOnce(engine, 'restart', `${size.toLocaleString('en')} workers`, env, size));
      }
    } finally {
      await pg?.stop();
      if (engine === 'pglite') rmrf(dir);
    }

    // Restart on the 1M database of the demo benchmark, when there is one.
    const big = dbDir(engine, 1_000_000);
    if (fs.existsSync(big)) {
      let bigPg: PgCluster | null = null;
      try {
        if (engine === 'postgres') bigPg = await startPostgres(big, true);
        const env = cliEnvFor(engine, big, bigPg);
        for (let i = 0; i < restarts; i++) {
          log(`startup: ${engine}: restart on the 1M database ${i + 1}/${restarts}`);
          runs.push(await serveOnce(engine, 'restart', '1,000,000 workers', env, size));
        }
      } finally {
        await bigPg?.stop();
      }
    }
  }

  // ---- report ----------------------------------------------------------------------------------
  const firsts = runs.filter((r) => r.kind === 'first start');
  printTable(
    `startup: first start, spawn of \`tsx src/cli/main.ts serve --demo-if-empty\` on empty data → "Demo data ready" (target ≤ ${secs(FIRST_START_TARGET_MS)})`,
    ['engine', 'data', '"running"', 'health 200', '"Demo data ready"', 'app\'s own ready', 'peak RSS', 'other CPU', 'target'],
    firsts.map((r) => [r.engine, r.data, secs(r.runningMs), secs(r.healthMs), secs(r.readyMs ?? NaN), secs(r.appReadyMs ?? NaN), r.peakRssKb ? `${Math.round(r.peakRssKb / 1024)} MiB` : '-', r.otherCores === null ? '-' : `${r.otherCores} cores`, verdict((r.readyMs ?? Infinity) <= FIRST_START_TARGET_MS)]),
  );
  const groups = new Map<string, StartRun[]>();
  for (const r of runs.filter((x) => x.kind === 'restart')) {
    const key = `${r.engine}|${r.data}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  // The first restart after a load replays PGlite's WAL (see docs/performance.md): shown on its own.
  const restartRows = [...groups.values()].flatMap((g) => {
    const row = (label: string, runs: StartRun[]) => {
      const health = runs.map((r) => r.healthMs);
      return [
        runs[0]!.engine, runs[0]!.data, label, runs.length,
        secs(median(runs.map((r) => r.runningMs))), secs(median(health)), secs(Math.max(...health)),
        `${median(runs.map((r) => r.appRunningMs ?? NaN))} ms`,
        `${Math.max(...runs.map((r) => r.otherCores ?? 0))} cores`,
        verdict(Math.max(...health) <= RESTART_TARGET_MS),
      ];
    };
    const fresh = !g[0]!.data.startsWith('1,000,000');
    return fresh && g.length > 1 ? [row('1st, right after the load', g.slice(0, 1)), row('later', g.slice(1))] : [row('all', g)];
  });
  printTable(
    `startup: restart on existing data, spawn → health 200 (target ≤ ${secs(RESTART_TARGET_MS)}, judged on the worst run)`,
    ['engine', 'data', 'restart', 'runs', '"running" median', 'health median', 'health worst', 'app\'s own "after"', 'other CPU (max)', 'target'],
    restartRows,
  );
  printTable('startup: baseline, spawn → exit of an empty script (median of 3)', ['command', 'time'], [
    ['node -e ""', `${Math.round(median(nodeMs))} ms`],
    ['tsx -e ""', `${Math.round(median(tsxMs))} ms`],
  ]);

  record('startup', [
    ...runs.map((r) => ({
      ...r,
      size,
      targetMs: r.kind === 'first start' ? FIRST_START_TARGET_MS : RESTART_TARGET_MS,
      pass: r.kind === 'first start' ? (r.readyMs ?? Infinity) <= FIRST_START_TARGET_MS : r.healthMs <= RESTART_TARGET_MS,
    })),
    { kind: 'baseline', nodeMs: Math.round(median(nodeMs)), tsxMs: Math.round(median(tsxMs)) },
  ]);
}
