/** `lindung summary|scenario|pledges`: the programme summary per regency, budget scenarios, the regents' pledges. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { formatRupiah, parseRupiah } from '../domain/money.js';
import { UserError } from '../domain/user-error.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { listScenarios } from '../features/enrollment/billing.js';
import { createScenario, deleteScenario, scenarioText } from '../features/enrollment/scenarios.js';
import { programmeSummary, SUMMARY_COLUMNS } from '../features/enrollment/summary.js';
import type { SummaryTotal } from '../domain/summary.js';
import { summaryXlsx } from '../features/enrollment/summary-xlsx.js';
import { summaryPdf } from '../features/enrollment/summary-pdf.js';
import { importPledgeFile, pledgeReport, readPledgeFile, type PledgeProblem } from '../features/enrollment/pledges.js';
import { todayInNtt } from '../clock.js';
import { CliError, print, withDb } from './common.js';

const n = (v: number | null) => (v === null ? '—' : v.toLocaleString('id-ID'));
const rp = (v: number | null) => (v === null ? '—' : formatRupiah(v));

function amountOption(v: string, name: string): number {
  const r = parseRupiah(v);
  if (!r.ok || r.value < 0) throw new CliError(`${name}: ${r.ok ? 'must be 0 or more' : r.message.en}`);
  return r.value;
}

export function registerBudgetCommands(program: Command): void {
  program
    .command('summary <code>')
    .description('Programme summary per regency: quota, candidates, waiting, submitted, active, lapsed, ended, billed, paid, outstanding, total')
    .option('--out <file>', 'also write it as …xlsx or …pdf (Indonesian)')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { out?: string; json?: boolean }) => {
      const ext = opts.out ? path.extname(opts.out).toLowerCase() : null;
      if (ext !== null && ext !== '.xlsx' && ext !== '.pdf') throw new CliError('--out must end in .xlsx or .pdf');
      await withDb(async (db) => {
        const s = await asSystem(db, 'cli', async (tx) => programmeSummary(tx, await getProgramme(tx, code), todayInNtt()));
        if (opts.out) fs.writeFileSync(opts.out, ext === '.pdf' ? await summaryPdf(s) : await summaryXlsx(s));
        print(Boolean(opts.json), s, () => {
          const head = ['Regency'.padEnd(28), ...SUMMARY_COLUMNS.map((c) => c.label.en.padStart(c.money ? 18 : 10))].join(' ');
          const line = (label: string, r: SummaryTotal) =>
            [label.slice(0, 28).padEnd(28), ...SUMMARY_COLUMNS.map((c) => (c.money ? rp(r[c.key]).padStart(18) : n(r[c.key]).padStart(10)))].join(' ');
          return [
            `${s.programme.code} — ${s.programme.name}, as of ${s.asOf}`,
            head,
            ...s.regencies.map((r) => line(r.regencyName, r)),
            line('Total', s.total),
            ...(opts.out ? [`Written to ${opts.out}`] : []),
          ].join('\n');
        });
      });
    });

  const scenario = program.command('scenario').description('Budget scenarios of a programme for next year (workers × months × per person)');
  scenario
    .command('add <code>')
    .description('Add a scenario; the per-person amount defaults to the tariff in force in January of the next fiscal year')
    .requiredOption('--name <name>', 'e.g. "Usulan 2027"')
    .requiredOption('--workers <n>', 'workers, e.g. 50000 or 50.000')
    .option('--months <n>', 'months (1–24)', '12')
    .option('--per-person <rupiah>', 'per person per month, e.g. 16.800')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { name: string; workers: string; months: string; perPerson?: string; json?: boolean }) => {
      const input = {
        name: opts.name,
        workers: amountOption(opts.workers, '--workers'),
        months: amountOption(opts.months, '--months'),
        perPersonPerMonth: opts.perPerson === undefined ? null : amountOption(opts.perPerson, '--per-person'),
      };
      await withDb(async (db) => {
        const s = await asSystem(db, 'cli', async (tx) => createScenario(tx, await getProgramme(tx, code), input));
        print(Boolean(opts.json), s, () => `Scenario #${s.id} ${scenarioText(s)}`);
      });
    });
  scenario
    .command('list <code>')
    .description('The scenarios of a programme with their totals')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const items = await asSystem(db, 'cli', async (tx) => listScenarios(tx, await getProgramme(tx, code)));
        print(Boolean(opts.json), items, () => items.map((s) => `#${s.id} ${scenarioText(s)}`).join('\n') || '(no scenarios)');
      });
    });
  scenario
    .command('remove <code> <name>')
    .description('Remove a scenario (by name or #id); the history keeps it')
    .option('--json', 'print JSON')
    .action(async (code: string, name: string, opts: { json?: boolean }) => {
      const which = /^#?\d+$/.test(name) ? Number(name.replace('#', '')) : name;
      await withDb(async (db) => {
        const s = await asSystem(db, 'cli', async (tx) => deleteScenario(tx, await getProgramme(tx, code), which));
        print(Boolean(opts.json), s, () => `Removed scenario ${scenarioText(s)}`);
      });
    });

  const pledges = program.command('pledges').description('The regents\' co-funding pledges (Pakta Perlindungan)');
  pledges
    .command('import <file>')
    .description('Import pledges from CSV or XLSX: Kabupaten/Kota (name or code), Tahun Anggaran, Jumlah Pekerja, Nilai (Rp), [Tanggal Tanda Tangan], [Nomor Dokumen] — all rows or none')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
      const parsed = await readPledgeFile(file, path.basename(file));
      await withDb(async (db) => {
        try {
          const r = await asSystem(db, 'cli', (tx) => importPledgeFile(tx, parsed, todayInNtt()));
          print(Boolean(opts.json), r, () => `Pledges imported from ${file}: ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged.`);
        } catch (e) {
          // One line per problem on stderr: easier to read than one long sentence.
          if (e instanceof UserError && Array.isArray(e.extra.problems)) {
            throw new CliError(['No pledge was saved:', ...(e.extra.problems as PledgeProblem[]).map((p) => `  ${p.en}`)].join('\n'));
          }
          throw e;
        }
      });
    });
  pledges
    .command('list')
    .description('Pledges of a fiscal year against what each regency\'s own programme has enrolled and paid')
    .option('--year <y>', 'fiscal year (default: the latest with pledges)', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (opts: { year?: number; json?: boolean }) => {
      if (opts.year !== undefined && !(Number.isInteger(opts.year) && opts.year >= 2000 && opts.year <= 2100)) throw new CliError('--year must be a year such as 2026');
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => pledgeReport(tx, { year: opts.year, today: todayInNtt() }));
        print(Boolean(opts.json), r, () => [
          `Pledges for fiscal year ${r.fiscalYear}`,
          ...r.items.map((i) => `${i.regencyCode} ${i.regencyName.padEnd(26)} ${n(i.places).padStart(8)} places ${rp(i.amount).padStart(18)}  enrolled ${n(i.enrolled).padStart(8)}  paid ${rp(i.paid).padStart(18)}  ${i.programmes.join(', ') || '(no programme yet)'}`),
          `Total: ${n(r.total.places)} places, ${rp(r.total.amount)}; enrolled ${n(r.total.enrolled)}, paid ${rp(r.total.paid)}`,
        ].join('\n'));
      });
    });
}
