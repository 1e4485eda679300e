/**
 * What a claim is worth under the benefit rules in force on the event date (domain.md §4).
 *
 * Pure: the caller loads the rules and the coverage answer; no I/O, no clock. Amounts are dated rows
 * (table benefit_rule), never constants: a claim type's amount is the sum of its components in force
 * on the event date whose membership-length condition holds, so "death in the first 3 months:
 * Rp10,000,000" and "JKM: Rp42,000,000" are two sets of rows told apart by membership months.
 *
 * Rules of the computation (choices where the law or the issue is silent are marked):
 * - In force: valid_from ≤ event date ≤ valid_to (or open). Per component, a regional rule whose
 *   area contains the member's village wins over a national one; among equals the latest
 *   valid_from wins.
 * - Membership months: whole calendar months from the start of cover to the event date (15 Jan →
 *   14 Apr is 2, 15 Apr is 3; 31 Jan → 28 Feb counts as one month: a month ending on its last day
 *   is complete). A component applies when min ≤ months ≤ max.
 * - Amount: fixed rupiah, or multiple × declared income, scaled by the disability percentage /100,
 *   by days of incapacity /30 (days beyond 365 at later_days_factor), or the medical bill as
 *   presented (a rule amount, if any, caps it). Exact rational arithmetic, rounded half up to whole
 *   rupiah once per component (choice).
 * - Not covered on the event date → not entitled, total 0, the coverage reason first.
 * - Scholarship (per child, paid at enrolment, not part of the total): JKM death needs the rule's
 *   minimum contribution months (36), JKK death and total disability need none (choice: the law
 *   pays JKK scholarship for death and total permanent disability; domain.md says "JKK … 2 children").
 */
import { formatDate, isDate, lastDay, monthOf } from './billing.js';
import type { Message } from './messages.js';
import { formatRupiah } from './money.js';
import { UserError } from './user-error.js';

export const CLAIM_TYPES = ['jkm_death', 'jkk_death', 'jkk_medical', 'jkk_temporary', 'jkk_disability_total', 'jkk_disability_partial', 'funeral'] as const;
export type ClaimType = (typeof CLAIM_TYPES)[number];

export function isClaimType(value: unknown): value is ClaimType {
  return typeof value === 'string' && (CLAIM_TYPES as readonly string[]).includes(value);
}

export const CLAIM_TYPE_LABEL: Record<ClaimType, Message> = {
  jkm_death: { id: 'JKM — meninggal dunia (bukan kecelakaan kerja)', en: 'JKM — death (not a work accident)' },
  jkk_death: { id: 'JKK — meninggal dunia akibat kecelakaan kerja', en: 'JKK — death from a work accident' },
  jkk_medical: { id: 'JKK — perawatan dan pengobatan', en: 'JKK — medical care' },
  jkk_temporary: { id: 'JKK — sementara tidak mampu bekerja (STMB)', en: 'JKK — temporary incapacity (STMB)' },
  jkk_disability_total: { id: 'JKK — cacat total tetap', en: 'JKK — total permanent disability' },
  jkk_disability_partial: { id: 'JKK — cacat sebagian', en: 'JKK — partial disability' },
  funeral: { id: 'Biaya pemakaman', en: 'Funeral costs' },
};

/** Which programme benefit (programme.benefits) must be in the membership for the claim type. */
export function benefitOf(type: ClaimType): 'JKM' | 'JKK' {
  return type === 'jkm_death' || type === 'funeral' ? 'JKM' : 'JKK';
}

/** Benefits paid to the living member himself, not to heirs. */
export function paidToMember(type: ClaimType): boolean {
  return type === 'jkk_medical' || type === 'jkk_temporary' || type === 'jkk_disability_total' || type === 'jkk_disability_partial';
}

export function isDeath(type: ClaimType): boolean {
  return type === 'jkm_death' || type === 'jkk_death';
}

export type BenefitScale = 'none' | 'disability_percent' | 'incapacity_days' | 'medical_cost';

/** One row of table benefit_rule. */
export interface BenefitRule {
  id: number;
  claimType: ClaimType;
  component: string;
  label: Message;
  amount: number | null;
  incomeMultiple: number | null;
  scale: BenefitScale;
  laterDaysFactor: number | null;
  minMembershipMonths: number;
  maxMembershipMonths: number | null;
  validFrom: string;
  validTo: string | null;
  legalBasis: string;
  verified: boolean;
  areaCode: string | null;
}

export type SchoolLevel = 'tk' | 'sd' | 'smp' | 'sma' | 's1';

export const SCHOOL_LEVEL_LABEL: Record<SchoolLevel, Message> = {
  tk: { id: 'TK', en: 'kindergarten' },
  sd: { id: 'SD', en: 'primary school' },
  smp: { id: 'SMP', en: 'junior secondary' },
  sma: { id: 'SMA', en: 'senior secondary' },
  s1: { id: 'S1/pelatihan', en: 'university/training' },
};

/** One row of table scholarship_rule. */
export interface ScholarshipRule {
  id: number;
  level: SchoolLevel;
  amountPerYear: number;
  years: number;
  maxChildren: number;
  maxAge: number;
  jkmMinContributionMonths: number;
  validFrom: string;
  validTo: string | null;
  legalBasis: string;
  verified: boolean;
}

export interface EntitlementInput {
  type: ClaimType;
  eventDate: string;
  /** Covered on the event date (coverage answer); when false, `notCoveredReason` says why. */
  covered: boolean;
  notCoveredReason?: Message | null;
  /** The member's start of cover (YYYY-MM-DD); membership months count from it. */
  coverageStart: string | null;
  /** Declared monthly income (rupiah) reported to BPJS; the base of income multiples. */
  declaredIncome: number | null;
  disabilityPercent?: number | null;
  incapacityDays?: number | null;
  medicalCost?: number | null;
  /** All rules of every date; the ones in force on eventDate are chosen here. */
  rules: readonly BenefitRule[];
  scholarshipRules?: readonly ScholarshipRule[];
  /** The member's village, for regional rules (area_code); national rules otherwise. */
  villageCode?: string | null;
}

export interface EntitlementComponent {
  ruleId: number;
  component: string;
  label: Message;
  amount: number;
  /** How the amount came about: rule, dates, base amounts, legal basis. */
  reason: Message;
  legalBasis: string;
  validFrom: string;
  verified: boolean;
}

export interface ScholarshipEntitlement {
  /** Whether the claim type and membership length allow it at all. */
  eligible: boolean;
  levels: { level: SchoolLevel; amountPerYear: number; years: number; total: number; ruleId: number; verified: boolean }[];
  /** Most one child can receive over all levels. */
  perChildMax: number;
  maxChildren: number;
  maxAge: number;
  minContributionMonths: number;
  /** The conditions in words (paid per child at enrolment, not part of the total). */
  conditions: Message;
  legalBasis: string | null;
}

export interface Entitlement {
  type: ClaimType;
  eventDate: string;
  entitled: boolean;
  /** Sum of the components, whole rupiah; 0 when not entitled. */
  total: number;
  /** Whole months from coverageStart to eventDate; null when unknown. */
  membershipMonths: number | null;
  coverageStart: string | null;
  declaredIncome: number | null;
  components: EntitlementComponent[];
  /** Rules in force but not applied (membership length outside their range), with why. */
  skipped: { ruleId: number; component: string; reason: Message }[];
  scholarship: ScholarshipEntitlement | null;
  /** The whole reasoning in order, first line the summary. */
  reasons: Message[];
  /** Some amount rests on a rule marked unverified against the law. */
  unverified: boolean;
}

/**
 * Whole months from `from` to `to`; negative when `to` is before `from`. A month is complete on the
 * same day of a later month, or on that month's last day when the month is shorter (31 Jan → 28 Feb
 * is one month).
 */
export function wholeMonths(from: string, to: string): number {
  if (!isDate(from) || !isDate(to)) throw new RangeError(`not dates (YYYY-MM-DD): ${from}, ${to}`);
  if (to < from) return -wholeMonths(to, from);
  const [ay, am, ad] = from.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = to.split('-').map(Number) as [number, number, number];
  let months = (by - ay) * 12 + (bm - am);
  if (bd < ad && to !== lastDay(monthOf(to))) months -= 1;
  return months;
}

/** Exact (a × b × … / d) rounded half up to a whole rupiah. Factors are scaled to integers first. */
function exactAmount(factors: readonly number[], divisor: number): number {
  let num = 1n;
  let den = BigInt(divisor);
  for (const f of factors) {
    // Rule values are numeric(8,3) / numeric(5,2): at most 3 decimals, exact after ×1000.
    const scaled = Math.round(f * 1000);
    if (Math.abs(scaled - f * 1000) > 1e-6) throw new RangeError(`more than 3 decimals: ${f}`);
    num *= BigInt(scaled);
    den *= 1000n;
  }
  const q = (2n * num + den) / (2n * den);
  return Number(q);
}

function rupiah(n: number): Message {
  return { id: formatRupiah(n, 'id'), en: formatRupiah(n, 'en') };
}

function dec(n: number, lang: 'id' | 'en'): string {
  return lang === 'id' ? String(n).replace('.', ',') : String(n);
}

function basis(rule: BenefitRule): Message {
  const v = rule.verified ? { id: '', en: '' } : { id: ' (besaran belum diverifikasi terhadap peraturan)', en: ' (amount not yet verified against the regulation)' };
  const when = { id: `berlaku sejak ${formatDate(rule.validFrom, 'id')}`, en: `in force since ${formatDate(rule.validFrom, 'en')}` };
  const area = rule.areaCode ? { id: `, aturan daerah ${rule.areaCode}`, en: `, regional rule ${rule.areaCode}` } : { id: '', en: '' };
  return { id: `${rule.legalBasis}, ${when.id}${area.id}${v.id}`, en: `${rule.legalBasis}, ${when.en}${area.en}${v.en}` };
}

/** Area codes are dotted and fixed-width per level ('53.08' contains '53.08.01.2001'). */
export function inArea(code: string, area: string): boolean {
  return code === area || code.startsWith(`${area}.`);
}

function inForce(from: string, to: string | null, date: string): boolean {
  return from <= date && (to === null || date <= to);
}

/** The rules of the type in force on the date, one per component: the most local, then the latest. */
export function rulesInForce(rules: readonly BenefitRule[], type: ClaimType, date: string, villageCode?: string | null): BenefitRule[] {
  const best = new Map<string, BenefitRule>();
  for (const r of rules) {
    if (r.claimType !== type || !inForce(r.validFrom, r.validTo, date)) continue;
    if (r.areaCode && !inArea(villageCode ?? '', r.areaCode)) continue;
    const held = best.get(r.component);
    const specificity = (x: BenefitRule): number => x.areaCode?.length ?? 0;
    if (!held || specificity(r) > specificity(held) || (specificity(r) === specificity(held) && (r.validFrom > held.validFrom || (r.validFrom === held.validFrom && r.id > held.id)))) {
      best.set(r.component, r);
    }
  }
  return [...best.values()].sort((a, b) => a.id - b.id);
}

function need(what: Message, code: string): never {
  throw new UserError('invalid', code, what);
}

function needIncome(input: EntitlementInput, rule: BenefitRule): number {
  if (input.declaredIncome === null || !Number.isSafeInteger(input.declaredIncome) || input.declaredIncome <= 0) {
    need(
      {
        id: `Upah yang dilaporkan ke BPJS tidak diketahui, padahal ${rule.label.id} dihitung dari upah. Lengkapi upah pada data program atau peserta.`,
        en: `The income reported to BPJS is unknown, but ${rule.label.en} is a multiple of it. Fill in the declared income of the programme or the person.`,
      },
      'income_unknown',
    );
  }
  return input.declaredIncome;
}

function componentOf(input: EntitlementInput, rule: BenefitRule): EntitlementComponent {
  const make = (amount: number, how: Message): EntitlementComponent => {
    const b = basis(rule);
    return {
      ruleId: rule.id,
      component: rule.component,
      label: rule.label,
      amount,
      reason: { id: `${rule.label.id}: ${how.id} = ${formatRupiah(amount, 'id')} (${b.id}).`, en: `${rule.label.en}: ${how.en} = ${formatRupiah(amount, 'en')} (${b.en}).` },
      legalBasis: rule.legalBasis,
      validFrom: rule.validFrom,
      verified: rule.verified,
    };
  };

  if (rule.scale === 'medical_cost') {
    const cost = input.medicalCost;
    if (cost === null || cost === undefined || !Number.isSafeInteger(cost) || cost < 0) {
      need({ id: 'Biaya perawatan (rupiah, bilangan bulat) wajib diisi untuk klaim perawatan JKK.', en: 'The medical cost (whole rupiah) is required for a JKK medical claim.' }, 'medical_cost_required');
    }
    if (rule.amount !== null && cost > rule.amount) {
      return make(rule.amount, { id: `tagihan ${formatRupiah(cost, 'id')}, dibatasi plafon ${formatRupiah(rule.amount, 'id')}`, en: `bill of ${formatRupiah(cost, 'en')}, capped at ${formatRupiah(rule.amount, 'en')}` });
    }
    return make(cost, { id: `sesuai tagihan perawatan, tanpa plafon`, en: `the medical bill as presented, no ceiling` });
  }

  if (rule.amount !== null) {
    return make(rule.amount, { id: 'jumlah tetap', en: 'fixed amount' });
  }

  const multiple = rule.incomeMultiple ?? 0;
  const income = needIncome(input, rule);
  const base = { id: `${dec(multiple, 'id')} × upah ${formatRupiah(income, 'id')}`, en: `${dec(multiple, 'en')} × income ${formatRupiah(income, 'en')}` };

  if (rule.scale === 'disability_percent') {
    const pct = input.disabilityPercent;
    if (pct === null || pct === undefined || !(pct > 0 && pct <= 100)) {
      need({ id: 'Persentase cacat (lebih dari 0 sampai 100, menurut tabel cacat dan surat dokter) wajib diisi untuk cacat sebagian.', en: 'The disability percentage (above 0 up to 100, from the disability table and the doctor\'s report) is required for partial disability.' }, 'disability_percent_required');
    }
    const amount = exactAmount([pct, multiple, income], 100);
    return make(amount, { id: `${dec(pct, 'id')}% × ${base.id}`, en: `${dec(pct, 'en')}% × ${base.en}` });
  }

  if (rule.scale === 'incapacity_days') {
    const days = input.incapacityDays;
    if (days === null || days === undefined || !Number.isSafeInteger(days) || days <= 0) {
      need({ id: 'Jumlah hari tidak mampu bekerja (bilangan bulat, menurut surat dokter) wajib diisi untuk STMB.', en: 'The number of days unable to work (a whole number, from the doctor\'s report) is required for temporary incapacity.' }, 'incapacity_days_required');
    }
    const first = Math.min(days, 365);
    const later = days - first;
    const factor = rule.laterDaysFactor ?? 1;
    const a = exactAmount([multiple, income, first], 30);
    const b = later > 0 ? exactAmount([multiple, income, later, factor], 30) : 0;
    const how: Message = later > 0
      ? {
          id: `${base.id} × ${first}/30 hari (365 hari pertama) + ${dec(factor * 100, 'id')}% × ${base.id} × ${later}/30 hari berikutnya`,
          en: `${base.en} × ${first}/30 days (first 365 days) + ${dec(factor * 100, 'en')}% × ${base.en} × ${later}/30 later days`,
        }
      : { id: `${base.id} × ${days}/30 hari`, en: `${base.en} × ${days}/30 days` };
    return make(a + b, how);
  }

  return make(exactAmount([multiple, income], 1), base);
}

function scholarshipOf(input: EntitlementInput, months: number | null): ScholarshipEntitlement | null {
  const applies = input.type === 'jkm_death' || input.type === 'jkk_death' || input.type === 'jkk_disability_total';
  if (!applies) return null;
  const rows = (input.scholarshipRules ?? []).filter((r) => inForce(r.validFrom, r.validTo, input.eventDate));
  const byLevel = new Map<SchoolLevel, ScholarshipRule>();
  for (const r of rows) {
    const held = byLevel.get(r.level);
    if (!held || r.validFrom > held.validFrom) byLevel.set(r.level, r);
  }
  const order: SchoolLevel[] = ['tk', 'sd', 'smp', 'sma', 's1'];
  const chosen = order.map((l) => byLevel.get(l)).filter((r): r is ScholarshipRule => r !== undefined);
  const [first] = chosen;
  if (!first) {
    return {
      eligible: false, levels: [], perChildMax: 0, maxChildren: 0, maxAge: 0, minContributionMonths: 0, legalBasis: null,
      conditions: { id: `Tidak ada aturan beasiswa yang berlaku pada ${formatDate(input.eventDate, 'id')}.`, en: `No scholarship rule was in force on ${formatDate(input.eventDate, 'en')}.` },
    };
  }
  const minMonths = input.type === 'jkm_death' ? Math.max(...chosen.map((r) => r.jkmMinContributionMonths)) : 0;
  const maxChildren = Math.min(...chosen.map((r) => r.maxChildren));
  const maxAge = Math.min(...chosen.map((r) => r.maxAge));
  const levels = chosen.map((r) => ({ level: r.level, amountPerYear: r.amountPerYear, years: r.years, total: r.amountPerYear * r.years, ruleId: r.id, verified: r.verified }));
  const perChildMax = levels.reduce((s, l) => s + l.total, 0);
  const eligible = input.covered && (minMonths === 0 || (months !== null && months >= minMonths));
  const schedule = {
    id: levels.map((l) => `${SCHOOL_LEVEL_LABEL[l.level].id} ${formatRupiah(l.amountPerYear, 'id')}/tahun × ${l.years} tahun`).join('; '),
    en: levels.map((l) => `${SCHOOL_LEVEL_LABEL[l.level].en} ${formatRupiah(l.amountPerYear, 'en')}/year × ${l.years} years`).join('; '),
  };
  const cap = { id: `paling banyak ${formatRupiah(perChildMax, 'id')} per anak, ${formatRupiah(perChildMax * maxChildren, 'id')} untuk ${maxChildren} anak`, en: `at most ${formatRupiah(perChildMax, 'en')} per child, ${formatRupiah(perChildMax * maxChildren, 'en')} for ${maxChildren} children` };
  const unverified = chosen.some((r) => !r.verified) ? { id: ' Besaran beasiswa belum diverifikasi terhadap peraturan.', en: ' The scholarship amounts are not yet verified against the regulation.' } : { id: '', en: '' };
  let head: Message;
  if (!input.covered) {
    head = { id: 'Beasiswa tidak diberikan: peserta tidak dilindungi pada tanggal kejadian.', en: 'No scholarship: the member was not covered on the event date.' };
  } else if (eligible) {
    head = minMonths > 0
      ? { id: `Beasiswa dapat diberikan: masa iur ${months} bulan memenuhi syarat minimal ${minMonths} bulan.`, en: `Scholarship available: ${months} months of contributions meet the minimum of ${minMonths}.` }
      : { id: 'Beasiswa dapat diberikan (JKK: tanpa masa iur minimal).', en: 'Scholarship available (JKK: no minimum contribution period).' };
  } else {
    head = { id: `Beasiswa tidak diberikan: masa iur ${months ?? 0} bulan, kurang dari syarat minimal ${minMonths} bulan untuk JKM.`, en: `No scholarship: ${months ?? 0} months of contributions, fewer than the ${minMonths} months JKM requires.` };
  }
  return {
    eligible,
    levels,
    perChildMax,
    maxChildren,
    maxAge,
    minContributionMonths: minMonths,
    legalBasis: first.legalBasis,
    conditions: {
      id: `${head.id} Untuk paling banyak ${maxChildren} anak yang bersekolah, dibayar per tahun sesuai jenjang (${schedule.id}), ${cap.id}; berhenti pada usia ${maxAge} tahun, menikah, atau bekerja. Tidak termasuk dalam jumlah santunan di atas. Dasar: ${first.legalBasis}.${unverified.id}`,
      en: `${head.en} For at most ${maxChildren} children in school, paid yearly by level (${schedule.en}), ${cap.en}; ends at age ${maxAge}, marriage or work. Not part of the benefit total above. Basis: ${first.legalBasis}.${unverified.en}`,
    },
  };
}

/** The entitlement for one claim: components with reasons, the total, the scholarship. */
export function computeEntitlement(input: EntitlementInput): Entitlement {
  if (!isDate(input.eventDate)) {
    need({ id: `Tanggal kejadian tidak sah: "${input.eventDate}". Tulis sebagai TTTT-BB-HH.`, en: `Not a valid event date: "${input.eventDate}". Write it as YYYY-MM-DD.` }, 'event_date_invalid');
  }
  const type = input.type;
  const label = CLAIM_TYPE_LABEL[type];
  const date = input.eventDate;
  const months = input.coverageStart && isDate(input.coverageStart) ? Math.max(0, wholeMonths(input.coverageStart, date)) : null;
  const common = { type, eventDate: date, membershipMonths: months, coverageStart: input.coverageStart, declaredIncome: input.declaredIncome };

  if (!input.covered) {
    const why = input.notCoveredReason ?? { id: `Tidak dilindungi pada ${formatDate(date, 'id')}.`, en: `Not covered on ${formatDate(date, 'en')}.` };
    return {
      ...common,
      entitled: false,
      total: 0,
      components: [],
      skipped: [],
      scholarship: scholarshipOf(input, months),
      unverified: false,
      reasons: [
        { id: `${label.id}: tidak ada hak santunan, ${formatRupiah(0, 'id')}.`, en: `${label.en}: no entitlement, ${formatRupiah(0, 'en')}.` },
        why,
      ],
    };
  }

  const rules = rulesInForce(input.rules, type, date, input.villageCode);
  const components: EntitlementComponent[] = [];
  const skipped: Entitlement['skipped'] = [];
  for (const rule of rules) {
    const min = rule.minMembershipMonths;
    const max = rule.maxMembershipMonths;
    if (min > 0 || max !== null) {
      const range: Message = max === null
        ? { id: `minimal ${min} bulan kepesertaan`, en: `at least ${min} months of membership` }
        : { id: `${min} sampai ${max} bulan kepesertaan`, en: `${min} to ${max} months of membership` };
      if (months === null) {
        need(
          { id: `Tanggal mulai perlindungan peserta tidak diketahui, padahal ${rule.label.id} mensyaratkan ${range.id}. Periksa tanggal efektif kepesertaan.`, en: `The member's start of cover is unknown, but ${rule.label.en} requires ${range.en}. Check the membership's effective date.` },
          'coverage_start_unknown',
        );
      }
      if (months < min || (max !== null && months > max)) {
        skipped.push({
          ruleId: rule.id,
          component: rule.component,
          reason: { id: `${rule.label.id}: tidak berlaku, mensyaratkan ${range.id}; peserta ${months} bulan.`, en: `${rule.label.en}: does not apply, requires ${range.en}; the member had ${months}.` },
        });
        continue;
      }
    }
    components.push(componentOf(input, rule));
  }

  const total = components.reduce((s, c) => s + c.amount, 0);
  const unverified = components.some((c) => !c.verified);
  const reasons: Message[] = [];
  if (components.length === 0) {
    reasons.push({
      id: `${label.id}: tidak ada aturan santunan yang berlaku pada ${formatDate(date, 'id')} untuk masa kepesertaan ${months ?? '?'} bulan; ${formatRupiah(0, 'id')}. Periksa tabel aturan santunan.`,
      en: `${label.en}: no benefit rule in force on ${formatDate(date, 'en')} for ${months ?? '?'} months of membership; ${formatRupiah(0, 'en')}. Check the benefit rule table.`,
    });
  } else {
    const total$ = rupiah(total);
    reasons.push({ id: `${label.id}: berhak atas ${total$.id}.`, en: `${label.en}: entitled to ${total$.en}.` });
  }
  if (input.coverageStart && months !== null) {
    reasons.push({
      id: `Dilindungi pada tanggal kejadian ${formatDate(date, 'id')}; perlindungan sejak ${formatDate(input.coverageStart, 'id')}, masa kepesertaan ${months} bulan penuh.`,
      en: `Covered on the event date ${formatDate(date, 'en')}; covered since ${formatDate(input.coverageStart, 'en')}, ${months} whole months of membership.`,
    });
  }
  for (const c of components) reasons.push(c.reason);
  for (const s of skipped) reasons.push(s.reason);
  if (unverified) {
    reasons.push({ id: 'Sebagian besaran belum diverifikasi terhadap peraturan; cocokkan dengan keputusan BPJS sebelum menyetujui.', en: 'Some amounts are not yet verified against the regulation; compare them with the BPJS decision before approving.' });
  }
  return { ...common, entitled: components.length > 0 && total > 0, total, components, skipped, scholarship: scholarshipOf(input, months), unverified, reasons };
}

