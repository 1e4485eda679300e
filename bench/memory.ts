/**
 * `memory`: peak memory (VmHWM from /proc/PID/status) of the server's node process with 1,000,000
 * workers, measured in the run of the health benchmark (during the demo load, then serving API
 * searches), and in a fresh server on the same data serving the same searches (target ≤ 1 GB,
 * judged as 1 GiB = 1,048,576 KiB).
 */
import { printTable, record, round, verdict, type Mem } from './lib.js';
import type { HealthMemoryResult } from './health.js';

export const MEMORY_TARGET_KB = 1024 * 1024;

export function reportMemory(results: HealthMemoryResult[]): void {
  const m = (x: Mem | null, key: keyof Mem) => (x ? `${Math.round(x[key] / 1024)} MiB` : '-');
  const rows: (string | number)[][] = [];
  for (const r of results) {
    rows.push(
      [r.engine, 'after start (empty database)', m(r.memory.afterStart, 'rssKb'), m(r.memory.afterStart, 'hwmKb'), ''],
      [r.engine, `end of the ${r.size.toLocaleString('en')}-worker load`, m(r.memory.load, 'rssKb'), m(r.memory.load, 'hwmKb'), ''],
      [r.engine, `+ 300 API searches (same process)`, m(r.memory.loadPlusSearches, 'rssKb'), m(r.memory.loadPlusSearches, 'hwmKb'), verdict((r.memory.loadPlusSearches?.hwmKb ?? Infinity) <= MEMORY_TARGET_KB)],
      [r.engine, 'fresh server on that data, idle', m(r.memory.freshServerIdle, 'rssKb'), m(r.memory.freshServerIdle, 'hwmKb'), ''],
      [r.engine, 'fresh server + 300 API searches', m(r.memory.freshServerSearches, 'rssKb'), m(r.memory.freshServerSearches, 'hwmKb'), verdict((r.memory.freshServerSearches?.hwmKb ?? Infinity) <= MEMORY_TARGET_KB)],
    );
  }
  printTable('memory: the server\'s node process (PGlite runs in a worker thread inside it), /proc/PID/status (target peak ≤ 1 GiB)', ['engine', 'moment', 'VmRSS', 'VmHWM (peak so far)', 'target'], rows);
  printTable(
    'memory (context): the API searches of that run, ms (HTTP, signed in as provinsi, incl. access log)',
    ['engine', 'server', 'n', 'p50', 'p95', 'p99', 'max'],
    results.flatMap((r) => [
      [r.engine, 'after the load', r.searchesHttp?.count ?? 0, r.searchesHttp?.p50 ?? '-', r.searchesHttp?.p95 ?? '-', r.searchesHttp?.p99 ?? '-', r.searchesHttp?.max ?? '-'],
      [r.engine, 'fresh', r.searchesHttpFresh?.count ?? 0, r.searchesHttpFresh?.p50 ?? '-', r.searchesHttpFresh?.p95 ?? '-', r.searchesHttpFresh?.p99 ?? '-', r.searchesHttpFresh?.max ?? '-'],
    ]),
  );
  record('memory', results.map((r) => {
    const peakKb = Math.max(r.memory.loadPlusSearches?.hwmKb ?? 0, r.memory.freshServerSearches?.hwmKb ?? 0);
    return { engine: r.engine, size: r.size, ...r.memory, peakKb, peakMiB: round(peakKb / 1024, 0), searchesHttp: r.searchesHttp, searchesHttpFresh: r.searchesHttpFresh, targetKb: MEMORY_TARGET_KB, pass: peakKb <= MEMORY_TARGET_KB };
  }));
}
