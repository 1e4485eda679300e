/** `lindung programme …`, `lindung quota …`, `lindung statistics …` */
import fs from 'node:fs';
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { createProgramme, getProgramme, listProgrammes, type ProgrammeInput } from '../features/programmes/programmes.js';
import { allocateProgrammeQuota, overrideQuota, quotaStatus } from '../features/programmes/quotas.js';
import { listIndicators, parseStatisticsCsv, saveStatistics } from '../features/programmes/statistics.js';
import { DEMO_INDICATOR } from '../features/programmes/demo-programmes.js';
import { parseParticipantsCsv, replaceParticipants } from '../features/programmes/bpjs-participants.js';
import { CliError, print, withDb } from './common.js';

const n = (v: number) => v.toLocaleString('id-ID');

export function registerProgrammeCommands(program: Command): void {
  const programme = program.command('programme').description('Programmes: who pays for whom, when, for how many');
  programme
    .command('list')
    .description('List programmes')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const rows = await listProgrammes(db);
        print(Boolean(opts.json), rows, () =>
          rows.map((p) => `${p.code.padEnd(12)} ${p.status.padEnd(7)} ${p.coverageStart}…${p.coverageEnd} quota ${n(p.totalQuota).padStart(8)}  ${p.funderName}`).join('\n') || '(no programmes)',
        );
      });
    });
  programme
    .command('show <code>')
    .description('A programme with its rules and its quota per regency (quota, proposed, approved, waiting, free)')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const p = await getProgramme(db, code);
        const quotas = await quotaStatus(db, p.id);
        print(Boolean(opts.json), { ...p, quotas }, () =>
          [
            `${p.code} — ${p.name}`,
            `Funder: ${p.funderName} (${p.funderType}, ${p.funderAreaCode}); budget line: ${p.budgetLine ?? '-'}; legal basis: ${p.legalBasis ?? '-'}`,
            `Coverage ${p.coverageStart} to ${p.coverageEnd}; benefits ${p.benefits.join('+')}; declared income Rp${n(p.declaredIncome)}; quota ${n(p.totalQuota)}; status ${p.status}`,
            `Rules: ${JSON.stringify(p.rules)}`,
            '',
            'Regency'.padEnd(28) + 'Quota'.padStart(9) + 'Proposed'.padStart(10) + 'Approved'.padStart(10) + 'Waiting'.padStart(9) + 'Free'.padStart(9),
            ...quotas.map((q) => `${`${q.regencyCode} ${q.regencyName}`.slice(0, 27).padEnd(28)}${n(q.quota).padStart(9)}${n(q.proposed).padStart(10)}${n(q.approved).padStart(10)}${n(q.waiting).padStart(9)}${n(q.free).padStart(9)}${q.method === 'override' ? `  (set: ${q.reason})` : ''}`),
          ].join('\n'),
        );
      });
    });

  programme
    .command('create <file>')
    .description('Create a programme from a JSON file (the fields of POST /api/programmes; see docs/intake.md)')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      let input: ProgrammeInput;
      try {
        input = JSON.parse(fs.readFileSync(file, 'utf8')) as ProgrammeInput;
      } catch (e) {
        throw new CliError(`Could not read ${file} as JSON: ${(e as Error).message}`);
      }
      await withDb(async (db) => {
        const p = await asSystem(db, 'cli', (tx) => createProgramme(tx, input));
        print(Boolean(opts.json), p, () => `Created programme ${p.code}; divide its quota with: lindung quota allocate ${p.code}`);
      });
    });

  const quota = program.command('quota').description('Quotas per regency');
  quota
    .command('allocate <code>')
    .description('Divide a programme\'s quota across its regencies in proportion to a reference statistic (largest remainder); manual overrides are kept')
    .option('--indicator <name>', 'reference statistic', DEMO_INDICATOR)
    .option('--as-of <date>', 'date of the statistic (default: the latest)')
    .option('--minimum <n>', 'at least this many per regency', (v) => Number(v))
    .option('--reset-overrides', 'drop manual overrides first')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { indicator: string; asOf?: string; minimum?: number; resetOverrides?: boolean; json?: boolean }) => {
      if (opts.minimum !== undefined && !(Number.isInteger(opts.minimum) && opts.minimum >= 0)) throw new CliError('--minimum must be a whole number of 0 or more');
      await withDb(async (db) => {
        const allocation = await asSystem(db, 'cli', async (tx) => {
          const p = await getProgramme(tx, code);
          return allocateProgrammeQuota(tx, p, { indicator: opts.indicator, asOf: opts.asOf, minimum: opts.minimum, keepOverrides: !opts.resetOverrides });
        });
        print(Boolean(opts.json), allocation, () => allocation.map((a) => `${a.code} ${n(a.quota).padStart(8)}  ${a.method}${a.reason ? ` (${a.reason})` : ''}`).join('\n'));
      });
    });
  quota
    .command('set <code> <regency> <quota>')
    .description('Fix one regency\'s quota by hand (with a reason); the rest is divided again')
    .requiredOption('--reason <text>', 'why (e.g. the decree number)')
    .option('--json', 'print JSON')
    .action(async (code: string, regency: string, value: string, opts: { reason: string; json?: boolean }) => {
      const q = Number(value);
      if (!Number.isInteger(q) || q < 0) throw new CliError('The quota must be a whole number of 0 or more');
      await withDb(async (db) => {
        const allocation = await asSystem(db, 'cli', async (tx) => overrideQuota(tx, await getProgramme(tx, code), regency, q, opts.reason));
        print(Boolean(opts.json), allocation, () => allocation.map((a) => `${a.code} ${n(a.quota).padStart(8)}  ${a.method}`).join('\n'));
      });
    });

  program
    .command('bpjs-participants')
    .description('BPJS TK participants (people already insured are not eligible)')
    .command('import <file>')
    .description('Replace the list of BPJS participants: nik;kpj;segmen;status (CSV, comma or semicolon); all or nothing')
    .requiredOption('--as-of <date>', 'date of the list (YYYY-MM-DD)')
    .option('--source <text>', 'where it came from', 'BPJS Ketenagakerjaan')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { asOf: string; source: string; json?: boolean }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.asOf)) throw new CliError('--as-of must be YYYY-MM-DD');
      const rows = parseParticipantsCsv(fs.readFileSync(file, 'utf8'));
      await withDb(async (db) => {
        const saved = await asSystem(db, 'cli', (tx) => replaceParticipants(tx, rows, opts.asOf, opts.source));
        print(Boolean(opts.json), { saved, active: rows.filter((r) => r.active).length }, () => `Saved ${saved} participants (${rows.filter((r) => r.active).length} active) as of ${opts.asOf}`);
      });
    });

  const stats = program.command('statistics').description('Reference statistics per area (for quotas)');
  stats
    .command('import <file>')
    .description('Import indicator;area_code;as_of;value;source lines (CSV, comma or semicolon); all or nothing')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const rows = parseStatisticsCsv(fs.readFileSync(file, 'utf8'));
      await withDb(async (db) => {
        const saved = await asSystem(db, 'cli', (tx) => saveStatistics(tx, rows));
        print(Boolean(opts.json), { saved }, () => `Saved ${saved} values`);
      });
    });
  stats
    .command('list')
    .description('Indicators and their dates')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const rows = await listIndicators(db);
        print(Boolean(opts.json), rows, () => rows.map((r) => `${r.indicator} ${r.asOf} ${r.areas} areas — ${r.source}`).join('\n'));
      });
    });
}
