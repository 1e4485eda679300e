/** `lindung enrollment|members|billing|budget`: BPJS submissions, coverage, bills, payments, budget. */
import fs from 'node:fs';
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { formatRupiah, parseRupiah } from '../domain/money.js';
import { UserError } from '../domain/user-error.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { budgetOf, getBill, listBills, recordPayment, runBilling } from '../features/enrollment/billing.js';
import { writeSubmissionFile } from '../features/enrollment/export-file.js';
import { readResponseFile } from '../features/enrollment/response-file.js';
import { memberStatus } from '../features/enrollment/status.js';
import { applyResponse, checkLayout, createSubmission, DEFAULT_LAYOUT, submissionRows } from '../features/enrollment/submissions.js';
import { todayInNtt } from '../clock.js';
import { CliError, print, withDb } from './common.js';

const n = (v: number) => v.toLocaleString('id-ID');

function dateOption(v: string | undefined, name: string): string {
  if (v === undefined) return todayInNtt();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new CliError(`${name} must be YYYY-MM-DD`);
  return v;
}

export function registerEnrollmentCommands(program: Command): void {
  const enrollment = program.command('enrollment').description('Submissions to BPJS Ketenagakerjaan and their answers');
  enrollment
    .command('export')
    .description('Put the candidates of a programme (in an area) in a new submission batch and write its file for BPJS (XLSX or CSV by extension)')
    .option('--programme <code>', 'programme code (for a new batch)')
    .option('--area <code>', 'only candidates in this area, e.g. a regency 53.08 (default: the whole programme)')
    .option('--batch <n>', 'write the file of an existing batch instead', (v) => Number(v))
    .option('--layout <file>', 'column layout as JSON [{"header": "NIK", "field": "nik"}, …] (default: docs/enrollment.md)')
    .requiredOption('--out <file>', 'where to write (…xlsx or …csv)')
    .option('--json', 'print JSON')
    .action(async (opts: { programme?: string; area?: string; batch?: number; layout?: string; out: string; json?: boolean }) => {
      const layout = opts.layout ? checkLayout(JSON.parse(fs.readFileSync(opts.layout, 'utf8'))) : DEFAULT_LAYOUT;
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => {
          let id = opts.batch;
          if (id === undefined) {
            if (!opts.programme) throw new CliError('Give --programme CODE (a new batch) or --batch N (an existing one).');
            const p = await getProgramme(tx, opts.programme);
            id = (await createSubmission(tx, p, opts.area ?? p.funderAreaCode, 'cli')).id;
          }
          return submissionRows(tx, id, layout);
        });
        await writeSubmissionFile(opts.out, r);
        print(Boolean(opts.json), { batch: r.batch.id, lines: r.rows.length, file: opts.out }, () => `Submission batch #${r.batch.id}: ${n(r.rows.length)} people written to ${opts.out}`);
      });
    });
  enrollment
    .command('import-response <file>')
    .description('Apply BPJS\'s answer (NIK, KPJ, Status DITERIMA/DITOLAK, TMT, Alasan) to a batch — all or nothing')
    .requiredOption('--batch <n>', 'the submission batch answered', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { batch: number; json?: boolean }) => {
      const { lines, sha256 } = await readResponseFile(file, todayInNtt());
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => applyResponse(tx, opts.batch, lines, sha256));
        print(Boolean(opts.json), r, () => `Batch #${r.batch}: ${n(r.accepted)} accepted (active members), ${n(r.rejected)} rejected (back to candidates)${r.unanswered ? `, ${n(r.unanswered)} still unanswered` : ''}`);
      });
    });

  program
    .command('members')
    .description('Memberships')
    .command('status <nik>')
    .description('Was this person covered on a date, by which programme and funder?')
    .option('--on <date>', 'YYYY-MM-DD (default: today in NTT)')
    .option('--json', 'print JSON')
    .action(async (nik: string, opts: { on?: string; json?: boolean }) => {
      const on = dateOption(opts.on, '--on');
      await withDb(async (db) => {
        const s = await memberStatus(db, nik, on);
        print(Boolean(opts.json), s, () => {
          const a = s.answer;
          const head = !a.covered
            ? `${s.fullName} (${s.nik}) was NOT covered on ${on}: ${a.reason.en}`
            : a.conflict
              ? `${s.fullName} (${s.nik}): CONFLICT on ${on}: ${a.reason.en}`
              : `${s.fullName} (${s.nik}) was covered on ${on} by ${a.programmeCode}, paid by ${a.funderName} (period ${a.period.from} to ${a.period.to}).`;
          const since = (m: (typeof s.memberships)[number]) =>
            m.state === 'lapsed' && m.lapsedOn ? ` since ${m.lapsedOn}` : m.state === 'ended' && m.endedOn ? ` on ${m.endedOn}${m.endedReason && typeof m.endedReason !== 'string' ? ` (${m.endedReason.en})` : ''}` : '';
          return [head, ...s.memberships.map((m) => `  ${m.programmeCode}: ${m.stateLabel.id} / ${m.stateLabel.en}${since(m)}${m.kpj ? `, KPJ ${m.kpj}` : ''}; covered ${m.periods.map((p) => `${p.from}…${p.to ?? ''}`).join(', ') || '—'}`)].join('\n');
        });
      });
    });

  const billing = program.command('billing').description('Monthly bills and payments');
  billing
    .command('run')
    .description('Compute the bill of a month: every membership covered in it, at the tariff in force on its first day')
    .requiredOption('--programme <code>', 'programme code')
    .requiredOption('--month <yyyy-mm>', 'contribution month')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; month: string; json?: boolean }) => {
      await withDb(async (db) => {
        const b = await asSystem(db, 'cli', async (tx) => runBilling(tx, await getProgramme(tx, opts.programme), opts.month, 'cli'));
        print(Boolean(opts.json), b, () => `Bill #${b.id} ${b.programmeCode} ${b.month}: ${n(b.persons)} people × ${formatRupiah(b.perPerson)} = ${formatRupiah(b.amount)}, due ${b.dueDate}`);
      });
    });
  billing
    .command('list')
    .description('Bills of a programme with what was paid')
    .requiredOption('--programme <code>', 'programme code')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; json?: boolean }) => {
      await withDb(async (db) => {
        const bills = await listBills(db, await getProgramme(db, opts.programme));
        print(Boolean(opts.json), bills, () => bills.map((b) => `#${b.id} ${b.month} ${n(b.persons).padStart(9)} × ${formatRupiah(b.perPerson)} = ${formatRupiah(b.amount).padStart(18)}  paid ${formatRupiah(b.paid)}  ${b.status}`).join('\n') || '(no bills)');
      });
    });
  billing
    .command('pay <bill>')
    .description('Record a payment (SP2D) of a bill; the same SP2D twice and overpayment are refused')
    .requiredOption('--sp2d <number>', 'SP2D number')
    .requiredOption('--date <date>', 'paid on, YYYY-MM-DD')
    .requiredOption('--amount <rupiah>', 'amount as written: 1.680.000.000 or Rp1.680.000.000,00')
    .option('--json', 'print JSON')
    .action(async (bill: string, opts: { sp2d: string; date: string; amount: string; json?: boolean }) => {
      const amount = parseRupiah(opts.amount);
      if (!amount.ok) throw new UserError('invalid', 'amount_invalid', amount.message);
      const paidOn = dateOption(opts.date, '--date');
      await withDb(async (db) => {
        const b = await asSystem(db, 'cli', (tx) => recordPayment(tx, Number(bill), { sp2d: opts.sp2d, paidOn, amount: amount.value }, 'cli'));
        print(Boolean(opts.json), b, () => `Bill #${b.id}: paid ${formatRupiah(b.paid)} of ${formatRupiah(b.amount)} (${b.status})`);
      });
    });
  billing
    .command('show <bill>')
    .description('One bill')
    .option('--json', 'print JSON')
    .action(async (bill: string, opts: { json?: boolean }) => {
      await withDb(async (db) => {
        const b = await getBill(db, Number(bill));
        print(Boolean(opts.json), b, () => `#${b.id} ${b.programmeCode} ${b.month}: ${n(b.persons)} × ${formatRupiah(b.perPerson)} = ${formatRupiah(b.amount)}; paid ${formatRupiah(b.paid)}; ${b.status}; due ${b.dueDate}`);
      });
    });

  program
    .command('budget <code>')
    .description('A programme\'s budget: quota × months × tariff, allocation, billed, paid, committed, remaining, scenarios')
    .option('--today <date>', 'YYYY-MM-DD (default: today in NTT)')
    .option('--json', 'print JSON')
    .action(async (code: string, opts: { today?: string; json?: boolean }) => {
      const today = dateOption(opts.today, '--today');
      await withDb(async (db) => {
        const b = await budgetOf(db, await getProgramme(db, code), today);
        print(Boolean(opts.json), b, () => [
          `${b.code}: ${n(b.quota)} workers × ${b.months} months × ${formatRupiah(b.perPersonPerMonth)} = ${formatRupiah(b.total)}`,
          `Allocation ${b.allocation === null ? '—' : formatRupiah(b.allocation)}; billed ${formatRupiah(b.billed)}; paid ${formatRupiah(b.paid)}; outstanding ${formatRupiah(b.outstanding)}`,
          `Committed ${formatRupiah(b.committed)}${b.remaining === null ? '' : `; remaining ${formatRupiah(b.remaining)}`}${b.shortfall ? `; SHORTFALL ${formatRupiah(b.shortfall)}` : ''}`,
          `Members: ${b.members.candidates} candidates, ${b.members.submitted} submitted, ${b.members.active} active, ${b.members.lapsed} lapsed, ${b.members.ended} ended`,
          ...b.scenarios.map((s) => `Scenario ${s.name}: ${n(s.workers)} × ${s.months} × ${formatRupiah(s.perPersonPerMonth)} = ${formatRupiah(s.total)}`),
        ].join('\n'));
      });
    });
}
