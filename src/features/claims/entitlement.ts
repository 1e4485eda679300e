/**
 * A claim's assessment before anything is stored: who the person is, whether and by what they were
 * covered on the event date, and what the benefit rules in force then give.
 *
 * Coverage is memberStatus's answer (the same words everywhere), narrowed by two claim facts:
 * the covering programme must include the benefit the claim type belongs to (JKM or JKK), and two
 * memberships covering the same day is a data error that must be fixed first (no funder is picked
 * silently), so such a claim counts as not covered until then.
 *
 * Membership months count from the member's start of cover in the covering membership (its
 * effective date, else its first covered day). A membership that continues, without a gap, one that
 * ended the day before (the next year's programme, a replacement's own period excluded) carries the
 * earlier start: BPJS sees one continuous participation. A lapse inside a membership does not restart
 * the count (choice: the issue and domain.md count months of membership, not of uninterrupted cover).
 *
 * The income multiplied is the programme's declared income (what BPJS was told and paid on), else
 * the person's.
 */
import type { Queryable } from '../../db/types.js';
import { addDays, formatDate, isDate } from '../../domain/billing.js';
import {
  CLAIM_TYPE_LABEL,
  CLAIM_TYPES,
  benefitOf,
  computeEntitlement,
  isClaimType,
  type BenefitRule,
  type BenefitScale,
  type ClaimType,
  type Entitlement,
  type ScholarshipRule,
  type SchoolLevel,
} from '../../domain/entitlement.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import { memberStatus, type MemberStatus } from '../enrollment/status.js';

export interface AssessClaimInput {
  nik: string;
  type: ClaimType;
  eventDate: string;
  disabilityPercent?: number | null;
  incapacityDays?: number | null;
  medicalCost?: number | null;
}

export interface ClaimPerson {
  id: number;
  nik: string;
  fullName: string;
  sex: 'L' | 'P';
  villageCode: string;
  declaredIncome: number | null;
}

export interface ClaimCoverage {
  /** memberStatus(tx, nik, eventDate).answer */
  answer: MemberStatus['answer'];
  /** Covered for this claim type: answer covered, no conflict, the programme has the benefit. */
  covered: boolean;
  /** Why not covered (the answer's reason, or the missing benefit); null when covered. */
  reason: Message | null;
  /** The membership covering the event date; all null when none did (or two did). */
  membershipId: number | null;
  programmeId: number | null;
  programmeCode: string | null;
  funderName: string | null;
  /** The member's start of cover membership months count from (YYYY-MM-DD). */
  coverageStart: string | null;
  /** The income basis the multiples use (programme's declared income, else the person's). */
  declaredIncome: number | null;
}

export interface ClaimAssessment {
  person: ClaimPerson;
  coverage: ClaimCoverage;
  entitlement: Entitlement;
}

interface MembershipRow {
  id: number;
  programme_id: number;
  code: string;
  funder_name: string;
  benefits: string[];
  declared_income: number;
  start: string | null;
  first_from: string | null;
  last_to: string | null;
  covers: boolean;
}

function invalid(code: string, text: Message): never {
  throw new UserError('invalid', code, text);
}

/** Checks the facts a caller (form, API, CLI) passed; throws UserError naming what to fix. */
export function checkAssessInput(input: AssessClaimInput): void {
  if (!isClaimType(input.type)) {
    invalid('claim_type_invalid', {
      id: `Jenis klaim tidak dikenal: "${String(input.type)}". Pilih salah satu: ${CLAIM_TYPES.join(', ')}.`,
      en: `Unknown claim type: "${String(input.type)}". Choose one of: ${CLAIM_TYPES.join(', ')}.`,
    });
  }
  if (!isDate(input.eventDate)) {
    invalid('event_date_invalid', { id: `Tanggal kejadian tidak sah: "${input.eventDate}". Tulis sebagai TTTT-BB-HH, misalnya 2025-08-14.`, en: `Not a valid event date: "${input.eventDate}". Write it as YYYY-MM-DD, e.g. 2025-08-14.` });
  }
  const { disabilityPercent: pct, incapacityDays: days, medicalCost: cost } = input;
  if (pct !== null && pct !== undefined && !(Number.isFinite(pct) && pct > 0 && pct <= 100 && Math.abs(Math.round(pct * 100) - pct * 100) < 1e-6)) {
    invalid('disability_percent_invalid', { id: `Persentase cacat harus lebih dari 0 sampai 100 (paling banyak 2 desimal), bukan ${pct}.`, en: `The disability percentage must be above 0 up to 100 (at most 2 decimals), not ${pct}.` });
  }
  if (days !== null && days !== undefined && !(Number.isSafeInteger(days) && days > 0)) {
    invalid('incapacity_days_invalid', { id: `Jumlah hari tidak mampu bekerja harus bilangan bulat lebih dari 0, bukan ${days}.`, en: `Days unable to work must be a whole number above 0, not ${days}.` });
  }
  if (cost !== null && cost !== undefined && !(Number.isSafeInteger(cost) && cost >= 0)) {
    invalid('medical_cost_invalid', { id: `Biaya perawatan harus rupiah bulat, tidak negatif, bukan ${cost}.`, en: `The medical cost must be whole rupiah, not negative, not ${cost}.` });
  }
}

/** Every benefit rule of a claim type (all dates: the domain picks the one in force). */
export async function loadBenefitRules(tx: Queryable, type?: ClaimType): Promise<BenefitRule[]> {
  const rows = await tx.query<{
    id: number; claim_type: ClaimType; component: string; label_id: string; label_en: string; amount: number | null; income_multiple: string | null;
    scale: BenefitScale; later_days_factor: string | null; min_membership_months: number; max_membership_months: number | null;
    valid_from: string; valid_to: string | null; legal_basis: string; verified: boolean; area_code: string | null;
  }>(
    `SELECT id, claim_type, component, label_id, label_en, amount, income_multiple::text, scale, later_days_factor::text,
            min_membership_months, max_membership_months, valid_from, valid_to, legal_basis, verified, area_code
       FROM benefit_rule WHERE ($1::text IS NULL OR claim_type = $1) ORDER BY claim_type, component, valid_from, id`,
    [type ?? null],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    claimType: r.claim_type,
    component: r.component,
    label: { id: r.label_id, en: r.label_en },
    amount: r.amount === null ? null : Number(r.amount),
    incomeMultiple: r.income_multiple === null ? null : Number(r.income_multiple),
    scale: r.scale,
    laterDaysFactor: r.later_days_factor === null ? null : Number(r.later_days_factor),
    minMembershipMonths: r.min_membership_months,
    maxMembershipMonths: r.max_membership_months,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    legalBasis: r.legal_basis,
    verified: r.verified,
    areaCode: r.area_code,
  }));
}

export async function loadScholarshipRules(tx: Queryable): Promise<ScholarshipRule[]> {
  const rows = await tx.query<{
    id: number; level: SchoolLevel; amount_per_year: number; years: number; max_children: number; max_age: number;
    jkm_min_contribution_months: number; valid_from: string; valid_to: string | null; legal_basis: string; verified: boolean;
  }>(
    `SELECT id, level, amount_per_year, years, max_children, max_age, jkm_min_contribution_months, valid_from, valid_to, legal_basis, verified
       FROM scholarship_rule ORDER BY valid_from, id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    level: r.level,
    amountPerYear: Number(r.amount_per_year),
    years: r.years,
    maxChildren: r.max_children,
    maxAge: r.max_age,
    jkmMinContributionMonths: r.jkm_min_contribution_months,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    legalBasis: r.legal_basis,
    verified: r.verified,
  }));
}

/** Start of the participation the covering membership belongs to (see the module comment). */
function startOfCover(covering: MembershipRow, all: readonly MembershipRow[]): string | null {
  let start = covering.start ?? covering.first_from;
  if (!start) return null;
  const seen = new Set<number>([covering.id]);
  for (;;) {
    const dayBefore = addDays(start, -1);
    const previous = all.find((m) => !seen.has(m.id) && m.last_to === dayBefore && (m.start ?? m.first_from) !== null);
    if (!previous) return start;
    seen.add(previous.id);
    start = (previous.start ?? previous.first_from) as string;
  }
}

export async function assessClaim(tx: Queryable, input: AssessClaimInput): Promise<ClaimAssessment> {
  checkAssessInput(input);
  const status = await memberStatus(tx, input.nik, input.eventDate);
  const [p] = await tx.query<{ sex: 'L' | 'P'; village_code: string; declared_income: number | null }>(
    'SELECT sex, village_code, declared_income FROM person WHERE id = $1',
    [status.personId],
  );
  if (!p) throw new Error(`person ${status.personId} vanished between two reads`);
  const person: ClaimPerson = {
    id: status.personId,
    nik: status.nik,
    fullName: status.fullName,
    sex: p.sex,
    villageCode: p.village_code,
    declaredIncome: p.declared_income === null ? null : Number(p.declared_income),
  };

  // Periods clipped to the programme's window, as coveredOn does, so "which membership" agrees with it.
  const memberships = await tx.query<MembershipRow>(
    `SELECT m.id, m.programme_id, g.code, g.funder_name, g.benefits, g.declared_income,
            m.effective_date AS start,
            (SELECT min(greatest(c.from_date, g.coverage_start)) FROM coverage_period c WHERE c.membership_id = m.id) AS first_from,
            (SELECT max(least(coalesce(c.to_date, g.coverage_end), g.coverage_end)) FROM coverage_period c WHERE c.membership_id = m.id) AS last_to,
            EXISTS (SELECT 1 FROM coverage_period c WHERE c.membership_id = m.id
                     AND greatest(c.from_date, g.coverage_start) <= $2::date
                     AND $2::date <= least(coalesce(c.to_date, g.coverage_end), g.coverage_end)) AS covers
       FROM membership m JOIN programme g ON g.id = m.programme_id
      WHERE m.person_id = $1 AND m.state IN ('active', 'lapsed', 'ended')
      ORDER BY g.coverage_start, m.id`,
    [person.id, input.eventDate],
  );

  const answer = status.answer;
  const none = { membershipId: null, programmeId: null, programmeCode: null, funderName: null, coverageStart: null, declaredIncome: person.declaredIncome };
  let coverage: ClaimCoverage;
  if (!answer.covered) {
    coverage = { answer, covered: false, reason: answer.reason, ...none };
  } else if (answer.conflict) {
    coverage = { answer, covered: false, reason: answer.reason, ...none };
  } else {
    const covering = memberships.find((m) => m.covers && m.code === answer.programmeCode);
    if (!covering) throw new Error(`coverage answer names ${answer.programmeCode} but no membership of person ${person.id} covers ${input.eventDate}`);
    const benefit = benefitOf(input.type);
    const found = {
      membershipId: Number(covering.id),
      programmeId: Number(covering.programme_id),
      programmeCode: covering.code,
      funderName: covering.funder_name,
      coverageStart: startOfCover(covering, memberships),
      declaredIncome: Number(covering.declared_income),
    };
    if (!covering.benefits.includes(benefit)) {
      const label = CLAIM_TYPE_LABEL[input.type];
      coverage = {
        answer,
        covered: false,
        reason: {
          id: `Tidak dilindungi untuk ${label.id}: program ${covering.code} (dana ${covering.funder_name}) hanya membayar ${covering.benefits.join(' dan ')}, tidak ${benefit}, pada ${formatDate(input.eventDate, 'id')}.`,
          en: `Not covered for ${label.en}: programme ${covering.code} (funded by ${covering.funder_name}) pays only ${covering.benefits.join(' and ')}, not ${benefit}, on ${formatDate(input.eventDate, 'en')}.`,
        },
        ...found,
      };
    } else {
      coverage = { answer, covered: true, reason: null, ...found };
    }
  }

  // One after the other: a transaction is one connection.
  const rules = await loadBenefitRules(tx, input.type);
  const scholarshipRules = await loadScholarshipRules(tx);
  const entitlement = computeEntitlement({
    type: input.type,
    eventDate: input.eventDate,
    covered: coverage.covered,
    notCoveredReason: coverage.reason,
    coverageStart: coverage.coverageStart,
    declaredIncome: coverage.declaredIncome,
    disabilityPercent: input.disabilityPercent ?? null,
    incapacityDays: input.incapacityDays ?? null,
    medicalCost: input.medicalCost ?? null,
    rules,
    scholarshipRules,
    villageCode: person.villageCode,
  });
  return { person, coverage, entitlement };
}
