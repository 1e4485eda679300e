/**
 * `lindung billing reconcile|invoices|invoice|withdraw-invoice`: BPJS's invoice (tagihan) against our
 * bill. Attached to the `billing` group that enrollment-commands.ts creates.
 */
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { formatRupiah } from '../domain/money.js';
import { differences, FINDING_LABELS, FINDINGS } from '../domain/reconciliation.js';
import { getProgramme } from '../features/programmes/programmes.js';
import { writeInvoiceReport } from '../features/enrollment/invoice-report.js';
import { getInvoice, listInvoices, reconcileInvoice, withdrawInvoice, type InvoiceSummary } from '../features/enrollment/reconcile.js';
import { CliError, note, print, withDb } from './common.js';

const n = (v: number) => v.toLocaleString('id-ID');

function summaryText(i: InvoiceSummary): string {
  const head = `BPJS invoice #${i.id} ${i.programmeCode} ${i.month}${i.number ? ` (${i.number})` : ''}: ${n(i.lines)} lines, ${formatRupiah(i.amount)}; our bill #${i.billId}: ${n(i.billPersons)} people, ${formatRupiah(i.billAmount)}; difference ${formatRupiah(i.difference)}${i.status === 'withdrawn' ? ` — WITHDRAWN (${i.withdrawalReason})` : ''}`;
  const rows = FINDINGS.map((k) => {
    const f = i.findings[k];
    return `  ${FINDING_LABELS[k].en.padEnd(26)} ${n(f.lines).padStart(10)}  billed ${formatRupiah(f.amount).padStart(18)}  ours ${formatRupiah(f.expected).padStart(18)}`;
  });
  return [head, ...rows, `  ${differences(i.findings) ? `${n(differences(i.findings))} lines for BPJS to answer` : 'Everything matches.'}`].join('\n');
}

function billingGroup(program: Command): Command {
  return program.commands.find((c) => c.name() === 'billing') ?? program.command('billing').description('Monthly bills and payments');
}

export function registerInvoiceCommands(program: Command): void {
  const billing = billingGroup(program);
  billing
    .command('reconcile <file>')
    .description('Import BPJS\'s invoice (XLSX or CSV) and compare it line by line with our bill of the month — all or nothing')
    .requiredOption('--programme <code>', 'programme code')
    .option('--month <yyyy-mm>', 'contribution month (default: the "Bulan" in the file\'s control area; both must agree)')
    .option('--number <text>', 'BPJS\'s invoice number (default: "Nomor Tagihan" in the file)')
    .option('--report <file>', 'write the report to send back to BPJS (…xlsx or …csv)')
    .option('--differences-only', 'leave matching lines out of the report')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { programme: string; month?: string; number?: string; report?: string; differencesOnly?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => reconcileInvoice(tx, await getProgramme(tx, opts.programme), file, { month: opts.month, number: opts.number }, 'cli'));
        for (const w of r.warnings) note(`Warning: ${w.en}`);
        if (opts.report) {
          const report = opts.report;
          await asSystem(db, 'cli', (tx) => writeInvoiceReport(tx, r, report, { differencesOnly: opts.differencesOnly }));
          note(`Report written to ${report}`);
        }
        print(Boolean(opts.json), r, () => summaryText(r));
      });
    });
  billing
    .command('invoices')
    .description('BPJS invoices of a programme and what the reconciliation found')
    .requiredOption('--programme <code>', 'programme code')
    .option('--json', 'print JSON')
    .action(async (opts: { programme: string; json?: boolean }) => {
      await withDb(async (db) => {
        const items = await asSystem(db, 'cli', async (tx) => listInvoices(tx, await getProgramme(tx, opts.programme)));
        print(Boolean(opts.json), items, () =>
          items.map((i) => `#${i.id} ${i.month} ${(i.number ?? '').padEnd(20)} ${n(i.lines).padStart(10)} lines ${formatRupiah(i.amount).padStart(18)}  ${n(differences(i.findings))} differences  ${i.status}`).join('\n') || '(no invoices)',
        );
      });
    });
  billing
    .command('invoice <id>')
    .description('One BPJS invoice: the reconciliation summary, and its report')
    .option('--report <file>', 'write the report to send back to BPJS (…xlsx or …csv)')
    .option('--differences-only', 'leave matching lines out of the report')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { report?: string; differencesOnly?: boolean; json?: boolean }) => {
      const invoiceId = Number(id);
      if (!Number.isSafeInteger(invoiceId) || invoiceId < 1) throw new CliError('the invoice id is a whole number');
      await withDb(async (db) => {
        const i = await asSystem(db, 'cli', async (tx) => {
          const inv = await getInvoice(tx, invoiceId);
          if (opts.report) await writeInvoiceReport(tx, inv, opts.report, { differencesOnly: opts.differencesOnly });
          return inv;
        });
        if (opts.report) note(`Report written to ${opts.report}`);
        print(Boolean(opts.json), i, () => summaryText(i));
      });
    });
  billing
    .command('withdraw-invoice <id>')
    .description('Withdraw a BPJS invoice (a wrong file; a corrected one may then be imported); kept in history')
    .requiredOption('--reason <text>', 'why')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { reason: string; json?: boolean }) => {
      const invoiceId = Number(id);
      if (!Number.isSafeInteger(invoiceId) || invoiceId < 1) throw new CliError('the invoice id is a whole number');
      await withDb(async (db) => {
        const i = await asSystem(db, 'cli', (tx) => withdrawInvoice(tx, invoiceId, opts.reason, 'cli'));
        print(Boolean(opts.json), i, () => `BPJS invoice #${i.id} ${i.programmeCode} ${i.month} withdrawn: ${i.withdrawalReason}`);
      });
    });
}
