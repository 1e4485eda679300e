/**
 * `lindung claims rules|rule-add|holidays|holiday-add|holiday-remove`: the dated data claims are
 * judged by. Attached to the `claims` group (created by whichever claims module registers first).
 */
import type { Command } from 'commander';
import { asSystem } from '../db/scope.js';
import { formatRupiah } from '../domain/money.js';
import { CLAIM_TYPES, isClaimType, type BenefitRule } from '../domain/entitlement.js';
import { todayInNtt } from '../clock.js';
import { addBenefitRule, addHoliday, listBenefitRules, listHolidays, listScholarshipRules, removeHoliday } from '../features/claims/rules.js';
import { slaDueExplained } from '../features/claims/sla.js';
import { slaRules } from '../features/claims/rules-routes.js';
import { CliError, print, withDb, claimsGroup } from './common.js';

function amountText(r: BenefitRule): string {
  switch (r.scale) {
    case 'medical_cost': return r.amount === null ? 'medical bill, no ceiling' : `medical bill, capped at ${formatRupiah(r.amount)}`;
    case 'disability_percent': return `disability % × ${r.incomeMultiple} × income`;
    case 'incapacity_days': return `${r.incomeMultiple} × income × days/30${r.laterDaysFactor === null ? '' : ` (after 365 days × ${r.laterDaysFactor})`}`;
    default: return r.amount !== null ? formatRupiah(r.amount) : `${r.incomeMultiple} × income`;
  }
}

const int = (v: string | undefined, what: string): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new CliError(`${what} must be a whole number, not "${v}"`);
  return n;
};

export function registerClaimRuleCommands(program: Command): void {
  const claims = claimsGroup(program);
  claims
    .command('rules')
    .description('Benefit rules (marked: in force on --on), scholarship schedule, SLA rules')
    .option('--type <type>', `claim type: ${CLAIM_TYPES.join(', ')}`)
    .option('--on <date>', 'event date the "in force" mark is for (default today)')
    .option('--json', 'print JSON')
    .action(async (opts: { type?: string; on?: string; json?: boolean }) => {
      if (opts.type !== undefined && !isClaimType(opts.type)) throw new CliError(`unknown claim type "${opts.type}"; one of ${CLAIM_TYPES.join(', ')}`);
      const on = opts.on ?? todayInNtt();
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', async (tx) => ({
          on,
          benefits: await listBenefitRules(tx, { type: opts.type as BenefitRule['claimType'] | undefined, on }),
          scholarships: await listScholarshipRules(tx),
          sla: await slaRules(tx),
        }));
        print(Boolean(opts.json), r, () => [
          `Benefit rules (* = in force on ${on}; ? = amount not verified against the regulation):`,
          ...r.benefits.map((b) => `${b.inForce ? '*' : ' '} #${String(b.id).padEnd(4)} ${b.claimType.padEnd(22)} ${b.component.padEnd(12)} ${(amountText(b) + (b.verified ? '' : ' ?')).padEnd(40)} months ${b.minMembershipMonths}–${b.maxMembershipMonths ?? '…'}  ${b.validFrom} – ${b.validTo ?? '…'}${b.areaCode ? ` [${b.areaCode}]` : ''}  ${b.legalBasis}`),
          'Scholarship per child:',
          ...r.scholarships.map((s) => `  ${s.level.padEnd(4)} ${formatRupiah(s.amountPerYear).padStart(13)}/year × ${s.years}  (≤ ${s.maxChildren} children, to age ${s.maxAge}; JKM ≥ ${s.jkmMinContributionMonths} months)  from ${s.validFrom}  ${s.legalBasis}`),
          'SLA:',
          ...r.sla.map((s) => `  ${s.workingDays} working days from a complete file, from ${s.validFrom}  ${s.legalBasis}`),
        ].join('\n'));
      });
    });
  claims
    .command('rule-add')
    .description('Add a benefit rule from a date (rules are never edited: the latest in force wins); national, in history')
    .requiredOption('--type <type>', `claim type: ${CLAIM_TYPES.join(', ')}`)
    .requiredOption('--component <code>', 'component code, e.g. lump_sum, periodic, funeral, early_death')
    .requiredOption('--label-id <text>', 'name in Indonesian')
    .requiredOption('--label-en <text>', 'name in English')
    .option('--amount <rupiah>', 'fixed amount in rupiah')
    .option('--multiple <n>', 'or a multiple of the declared income')
    .option('--scale <scale>', 'none | disability_percent | incapacity_days | medical_cost', 'none')
    .option('--later-days-factor <n>', 'incapacity days beyond 365 are paid at this factor (e.g. 0.5)')
    .option('--min-months <n>', 'membership months the component needs at least', '0')
    .option('--max-months <n>', 'membership months the component allows at most')
    .requiredOption('--from <date>', 'first day in force (YYYY-MM-DD)')
    .option('--to <date>', 'last day in force')
    .requiredOption('--basis <text>', 'legal basis, e.g. "PP 82/2019"')
    .option('--verified', 'the amount has been checked against the regulation')
    .option('--area <code>', 'a regional rule (area code); national when left out')
    .option('--json', 'print JSON')
    .action(async (o: { type: string; component: string; labelId: string; labelEn: string; amount?: string; multiple?: string; scale: string; laterDaysFactor?: string; minMonths: string; maxMonths?: string; from: string; to?: string; basis: string; verified?: boolean; area?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const r = await asSystem(db, 'cli', (tx) => addBenefitRule(tx, {
          claimType: o.type, component: o.component, labelId: o.labelId, labelEn: o.labelEn,
          amount: int(o.amount, '--amount'), incomeMultiple: o.multiple === undefined ? null : Number(o.multiple), scale: o.scale,
          laterDaysFactor: o.laterDaysFactor === undefined ? null : Number(o.laterDaysFactor),
          minMembershipMonths: int(o.minMonths, '--min-months') ?? 0, maxMembershipMonths: int(o.maxMonths, '--max-months'),
          validFrom: o.from, validTo: o.to ?? null, legalBasis: o.basis, verified: Boolean(o.verified), areaCode: o.area ?? null,
        }));
        print(Boolean(o.json), r, () => `Benefit rule #${r.id} added: ${r.claimType} ${r.component} ${amountText(r)} from ${r.validFrom} (${r.legalBasis})`);
      });
    });
  claims
    .command('holidays')
    .description('Public holidays the SLA skips (national and regional) of a year')
    .option('--year <yyyy>', 'year (default this year)')
    .option('--json', 'print JSON')
    .action(async (opts: { year?: string; json?: boolean }) => {
      const year = int(opts.year, '--year') ?? Number(todayInNtt().slice(0, 4));
      await withDb(async (db) => {
        const items = await asSystem(db, 'cli', (tx) => listHolidays(tx, { year }));
        print(Boolean(opts.json), { year, items }, () => items.map((h) => `${h.day}  ${h.name}${h.areaCode ? `  [${h.areaCode}]` : ''}`).join('\n') || `(no holidays recorded for ${year})`);
      });
    });
  claims
    .command('holiday-add')
    .description('Add a public holiday (national, or regional with --area); moves SLA due dates from now on')
    .requiredOption('--day <date>', 'YYYY-MM-DD')
    .requiredOption('--name <text>', 'e.g. "Cuti bersama Idul Fitri"')
    .option('--area <code>', 'a regional holiday: the area code (e.g. 53.08)')
    .option('--json', 'print JSON')
    .action(async (opts: { day: string; name: string; area?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const h = await asSystem(db, 'cli', (tx) => addHoliday(tx, { day: opts.day, name: opts.name, areaCode: opts.area ?? null }));
        print(Boolean(opts.json), h, () => `Holiday added: ${h.day} ${h.name}${h.areaCode ? ` [${h.areaCode}]` : ' (national)'}`);
      });
    });
  claims
    .command('holiday-remove')
    .description('Remove a public holiday (by date and name)')
    .requiredOption('--day <date>', 'YYYY-MM-DD')
    .requiredOption('--name <text>', 'the holiday\'s name as listed')
    .option('--json', 'print JSON')
    .action(async (opts: { day: string; name: string; json?: boolean }) => {
      await withDb(async (db) => {
        const h = await asSystem(db, 'cli', (tx) => removeHoliday(tx, { day: opts.day, name: opts.name }));
        print(Boolean(opts.json), h, () => `Holiday removed: ${h.day} ${h.name}`);
      });
    });
  claims
    .command('sla-due')
    .description('The SLA due date of a file complete on a date, and the holidays on the way')
    .requiredOption('--complete <date>', 'day the file became complete (YYYY-MM-DD or an ISO timestamp)')
    .option('--area <code>', 'the claim\'s village or regency, for regional holidays')
    .option('--json', 'print JSON')
    .action(async (opts: { complete: string; area?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const d = await asSystem(db, 'cli', (tx) => slaDueExplained(tx, opts.complete, opts.area ?? null));
        print(Boolean(opts.json), d, () => `Complete ${d.completeOn} → due ${d.due} (${d.rule.workingDays} working days, ${d.rule.legalBasis})${d.holidays.length ? `; holidays skipped: ${d.holidays.map((h) => `${h.day} ${h.name}`).join(', ')}` : ''}`);
      });
    });
}
