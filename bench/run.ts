/**
 * Benchmarks of issues #2–#4. Usage:
 *
 *   npm run bench -- NAME [--engine pglite|postgres|both] [--size N] [--profile-size N] [--queries N] [--restarts N] [--rows N]
 *
 *   NAME      startup | demo | search | health | memory | intake | billing | reconcile | summary | claims | all
 *   --engine  default: both for startup, demo, search and intake; pglite for health and memory
 *             (intake: the XLSX file on pglite only, unless --engine is given)
 *   --size    workers; default the target size (startup 100,000; the others 1,000,000)
 *   --rows    intake: data rows of the proposal file (default 100,000)
 *   billing, reconcile: --size is the active memberships (default 1,000,000); both engines by default
 *   summary: the programme summary page at --size memberships (default 1,000,000), both engines,
 *            --queries requests per shape (default 50); its own databases bench/out/db/summary-*
 *   claims:  entitlement decision and claims dashboard at --size members (default 1,000,000) and
 *            --claims claims (default 10,000), both engines, --queries per shape (default 50);
 *            its own databases bench/out/db/claims-*
 *
 * health and memory are measured in the same server run, so either name reports both.
 * Every benchmark prints tables and appends its figures to bench/out/results.jsonl.
 * Run one at a time (2-core machines): `all` runs them in sequence: demo first, whose 1M
 * databases (bench/out/db/) search reuses.
 */
import { contention, contentionText, log, machine, record, startCpuMonitor, type Engine, type Options } from './lib.js';
import { runStartup } from './startup.js';
import { runDemo } from './demo.js';
import { runSearch } from './search.js';
import { reportHealth, runHealthMemory } from './health.js';
import { reportMemory } from './memory.js';
import { runIntake } from './intake.js';
import { runEnrollmentBench } from './enrollment.js';
import { runSummary } from './summary.js';
import { runClaims } from './claims.js';

const NAMES = ['startup', 'demo', 'search', 'health', 'memory', 'intake', 'billing', 'reconcile', 'summary', 'claims', 'all'] as const;
type Name = (typeof NAMES)[number];

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error('usage: npm run bench -- startup|demo|search|health|memory|intake|billing|reconcile|summary|claims|all [--engine pglite|postgres|both] [--size N] [--profile-size N] [--queries N] [--restarts N] [--rows N] [--claims N]');
  process.exit(2);
}

function parse(argv: string[]): { name: Name; engine: string | null; rows: number | undefined; claims: number | undefined; opts: Omit<Options, 'engines'> } {
  let name: Name | null = null;
  let engine: string | null = null;
  let rows: number | undefined;
  let claims: number | undefined;
  const opts: Omit<Options, 'engines'> = {};
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v?.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 1) usage(`${flag} needs a whole number, not '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--engine') engine = argv[++i] ?? '';
    else if (a === '--size') opts.size = num(a, argv[++i]);
    else if (a === '--profile-size') opts.profileSize = num(a, argv[++i]);
    else if (a === '--queries') opts.queries = num(a, argv[++i]);
    else if (a === '--restarts') opts.restarts = num(a, argv[++i]);
    else if (a === '--rows') rows = num(a, argv[++i]);
    else if (a === '--claims') claims = num(a, argv[++i]);
    else if (a === '--help' || a === '-h') usage();
    else if ((NAMES as readonly string[]).includes(a) && !name) name = a as Name;
    else usage(`unknown argument '${a}'`);
  }
  if (!name) usage('which benchmark?');
  if (engine !== null && !['pglite', 'postgres', 'both'].includes(engine)) usage(`--engine must be pglite, postgres or both, not '${engine}'`);
  return { name, engine, rows, claims, opts };
}

function engines(flag: string | null, fallback: Engine[]): Engine[] {
  if (flag === 'both') return ['pglite', 'postgres'];
  if (flag === 'pglite' || flag === 'postgres') return [flag];
  return fallback;
}

async function main(): Promise<void> {
  const { name, engine, rows, claims, opts } = parse(process.argv.slice(2));
  // Ctrl-C / SIGTERM: exit, so the 'exit' handlers stop the servers and clusters we started.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  startCpuMonitor();
  const m = machine();
  log(`${name} on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, load ${m.loadavg.join(' ')}`);
  const both: Engine[] = ['pglite', 'postgres'];
  const t0 = performance.now();
  switch (name) {
    case 'startup':
      await runStartup({ ...opts, engines: engines(engine, both) });
      break;
    case 'demo':
      await runDemo({ ...opts, engines: engines(engine, both) });
      break;
    case 'search':
      await runSearch({ ...opts, engines: engines(engine, both) });
      break;
    case 'health':
    case 'memory': {
      // One server run measures both: the health polls and the memory during the same load.
      const hm = await runHealthMemory({ ...opts, engines: engines(engine, ['pglite']) });
      reportHealth(hm);
      reportMemory(hm);
      break;
    }
    case 'billing':
    case 'reconcile':
      await runEnrollmentBench(name, { ...opts, engines: engines(engine, both) });
      break;
    case 'summary':
      await runSummary({ ...opts, engines: engines(engine, both) });
      break;
    case 'claims':
      await runClaims({ ...opts, claims, engines: engines(engine, both) });
      break;
    case 'intake':
      // The XLSX file only on PGlite unless the engines are named (to save time).
      await runIntake({ ...opts, rows, engines: engines(engine, both), xlsxEngines: engine === null ? ['pglite'] : engines(engine, both) });
      break;
    case 'all': {
      await runDemo({ ...opts, engines: engines(engine, both) });
      await runSearch({ ...opts, engines: engines(engine, both) });
      await runStartup({ ...opts, size: undefined, engines: engines(engine, both) });
      const hm = await runHealthMemory({ ...opts, engines: engines(engine, ['pglite']) });
      reportHealth(hm);
      reportMemory(hm);
      break;
    }
  }
  const c = contention(t0);
  log(`${name}: while it ran, ${contentionText(c)}`);
  record(name, [{ kind: 'contention', phase: 'whole run', seconds: Math.round((performance.now() - t0) / 1000), ...c }]);
  log(`${name} done in ${Math.round((performance.now() - t0) / 1000)} s; load ${machine().loadavg.join(' ')}; figures appended to bench/out/results.jsonl`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
