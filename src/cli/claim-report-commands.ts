/**
 * `lindung claims dashboard|letter`: the claims dashboard (text, JSON or the XLSX) and a claim's
 * decision letter or payout notice as PDF. Joins the `claims` group (or creates it).
 *
 * Without --by the command line sees every claim ("cli", no area limit); with --by USERNAME it sees
 * what that account sees (its role must include claims.read).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { asActor, asSystem } from '../db/scope.js';
import type { Db, Queryable } from '../db/types.js';
import { can, isRole } from '../domain/roles.js';
import { formatRupiah } from '../domain/money.js';
import { CLAIM_STATUS_LABEL, CLAIM_TYPE_LABEL, type ClaimType } from '../domain/claim-dashboard.js';
import { todayInNtt } from '../clock.js';
import { claimList, claimsDashboard, type ClaimsDashboard } from '../features/claims/dashboard.js';
import { claimsDashboardXlsx } from '../features/claims/dashboard-xlsx.js';
import { letterData, letterFileName, letterPdf, type LetterKind } from '../features/claims/letters.js';
import { resolveClaimId } from '../features/claims/claims.js';
import { CliError, note, print, withDb, claimsGroup } from './common.js';

/** Runs `fn` as the named account (needs claims.read), or as the command line itself. */
async function reading<T>(db: Db, by: string | undefined, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  if (!by) return asSystem(db, 'cli', fn);
  const [u] = await db.query<{ id: number; username: string; role: string; area_code: string | null; disabled: boolean }>(
    'SELECT id, username, role, area_code, disabled FROM app_user WHERE lower(username) = lower($1)', [by]);
  if (!u || u.disabled || !isRole(u.role)) throw new CliError(`There is no active account "${by}" (lindung users list).`);
  if (!can(u.role, 'claims.read')) throw new CliError(`Account ${u.username} (${u.role}) may not read claims.`);
  return asActor(db, { userId: Number(u.id), username: u.username, role: u.role, areaCode: u.area_code }, fn);
}

const n = (v: number) => v.toLocaleString('id-ID');

function dashboardText(d: ClaimsDashboard): string {
  const t = d.total;
  const tp = t.timeToPayment;
  const lines = [
    `Claims dashboard as of ${d.asOf} (SLA ${d.slaDays} working days)`,
    `  ${n(t.claims)} claims: ${n(t.open)} open (${n(t.overdue)} overdue, ${n(t.onTime)} within the SLA), ${n(t.approved)} approved, ${n(t.paid)} paid, ${n(t.rejected)} rejected, ${n(t.withdrawn)} withdrawn`,
    `  approved ${formatRupiah(t.approvedAmount)}, paid ${formatRupiah(t.paidAmount)}, confirmed by the bank ${formatRupiah(t.confirmedAmount)}`,
    tp.paid ? `  time to payment: median ${tp.medianDays}, average ${tp.averageDays}, 90% within ${tp.p90Days}, longest ${tp.maxDays} working days; ${n(tp.withinSla)} of ${n(tp.paid)} within the SLA` : '  no claim paid yet',
    '',
    'By status:',
    ...d.byStatus.filter((s) => s.count).map((s) => `  ${CLAIM_STATUS_LABEL[s.status].en.padEnd(34)} ${n(s.count).padStart(7)}  ${formatRupiah(s.approvedAmount).padStart(18)}`),
    'By type:',
    ...d.byType.filter((x) => x.claims).map((x) => `  ${CLAIM_TYPE_LABEL[x.type].en.padEnd(40)} ${n(x.claims).padStart(7)} claims  paid ${formatRupiah(x.paidAmount).padStart(18)}`),
    'By regency:',
    ...d.regencies.filter((r) => r.claims).map((r) => `  ${r.regencyCode} ${r.regencyName.padEnd(28)} ${n(r.claims).padStart(7)} claims  ${n(r.overdue).padStart(5)} overdue  paid ${formatRupiah(r.paidAmount).padStart(18)}`),
  ];
  if (d.overdue.count) {
    lines.push(`Overdue (${n(d.overdue.count)}, oldest due first):`);
    for (const o of d.overdue.items) lines.push(`  ${o.claimNo.padEnd(16)} due ${o.slaDue}  ${String(o.workingDaysLate).padStart(3)} working days late  ${o.regencyName}  ${o.fullName ?? '—'}  (${CLAIM_STATUS_LABEL[o.status].en})`);
  }
  return lines.join('\n');
}

export function registerClaimReportCommands(program: Command): void {
  const claims = claimsGroup(program);
  claims
    .command('dashboard')
    .description('Counts and amounts by type, status and regency, time to payment, overdue claims; --xlsx writes the export')
    .option('--programme <code>', 'only this programme')
    .option('--regency <code>', 'only this regency (e.g. 53.08)')
    .option('--type <type>', 'only this claim type (jkm_death, jkk_death, …)')
    .option('--from <date>', 'events from (YYYY-MM-DD)')
    .option('--to <date>', 'events to (YYYY-MM-DD)')
    .option('--overdue <n>', 'overdue claims listed (default 20)', '20')
    .option('--xlsx <file>', 'write the XLSX export (summary, per regency, time to payment, overdue, every claim)')
    .option('--by <username>', 'see what this account sees')
    .option('--json', 'print JSON')
    .action(async (opts: { programme?: string; regency?: string; type?: string; from?: string; to?: string; overdue: string; xlsx?: string; by?: string; json?: boolean }) => {
      const limit = Number(opts.overdue);
      if (!Number.isSafeInteger(limit) || limit < 0) throw new CliError('--overdue is a whole number');
      await withDb(async (db) => {
        const { d, xlsx } = await reading(db, opts.by, async (tx) => {
          const d = await claimsDashboard(tx, { programme: opts.programme, regency: opts.regency, type: (opts.type ?? null) as ClaimType | null, from: opts.from, to: opts.to }, todayInNtt(), { overdueLimit: limit });
          return { d, xlsx: opts.xlsx ? await claimsDashboardXlsx(d, await claimList(tx, d)) : null };
        });
        if (opts.xlsx && xlsx) {
          fs.writeFileSync(opts.xlsx, xlsx);
          note(`Written to ${opts.xlsx}`);
        }
        print(Boolean(opts.json), d, () => dashboardText(d));
      });
    });
  claims
    .command('letter <claim>')
    .description('A claim\'s decision letter or payout notice as PDF (Indonesian, amount in words); the claim by number (KLM-…) or id')
    .option('--kind <kind>', 'decision or payout', 'decision')
    .option('--out <file>', 'PDF file to write (default: the letter\'s own name in the current folder)')
    .option('--by <username>', 'as this account (its area limits which claims it may print)')
    .action(async (ref: string, opts: { kind: string; out?: string; by?: string }) => {
      if (opts.kind !== 'decision' && opts.kind !== 'payout') throw new CliError(`--kind is decision or payout, not "${opts.kind}"`);
      const kind: LetterKind = opts.kind;
      await withDb(async (db) => {
        const d = await reading(db, opts.by, async (tx) => letterData(tx, await resolveClaimId(tx, ref)));
        const pdf = await letterPdf(kind, d, { printedOn: todayInNtt() });
        const out = opts.out ?? letterFileName(kind, d);
        fs.writeFileSync(out, pdf);
        note(`${kind === 'decision' ? 'Decision letter' : 'Payout notice'} of ${d.claim.claimNo} written to ${out} (${n(pdf.length)} bytes)`);
      });
    });
}
