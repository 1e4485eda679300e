/**
 * Eligibility rules as data, per programme, and their evaluation.
 *
 * Pure: no I/O, no clock. The coverage start date is a parameter, so a decision
 * can be replayed later with the same result. Rules are plain JSON (stored with
 * the programme); an absent rule is not checked. Every failing rule is reported,
 * in the fixed order of RULE_CODES, and the first one is recorded as the rule
 * that decided, so a screen can say "rejected by: age" and still list the rest.
 */
import type { Message } from './messages.js';
import { OCCUPATIONS } from './person-codes.js';

export interface EligibilityRules {
  /** DTSEN decile at most this (1 = poorest … 10). */
  maxDecile?: number;
  /** Occupation must be one of `informalOccupations` (BPU, not wage earners). */
  requireInformalOccupation?: boolean;
  /** Occupation codes counted as informal; DEFAULT_INFORMAL_OCCUPATIONS when absent. */
  informalOccupations?: string[];
  /** Age in whole years on the coverage start date. */
  minAge?: number;
  maxAge?: number;
  /** Kemendagri code of the funder's area ('53', '53.08', …); the village must be inside it. */
  residencyArea?: string;
  excludeActiveBpjs?: boolean;
  excludeOtherActiveProgramme?: boolean;
  /** Extreme poor (P3KE) people without a DTSEN decile still pass `maxDecile`. */
  priorityExtremePoor?: boolean;
  /** People with a disability without a DTSEN decile still pass `maxDecile`. */
  priorityDisability?: boolean;
}

/** All occupation categories of the registry are informal; "none" (null) is not an occupation. */
export const DEFAULT_INFORMAL_OCCUPATIONS: readonly string[] = OCCUPATIONS;

export interface Candidate {
  /** YYYY-MM-DD */
  birthDate: string;
  /** Kemendagri village code, e.g. '53.08.01.2001'. */
  villageCode: string;
  occupation: string | null;
  dtsenDecile: number | null;
  extremePoor: boolean;
  disability: boolean;
  activeBpjs: boolean;
  /** Code of another programme the person is active in, or null. */
  otherActiveProgramme: string | null;
}

export interface EligibilityContext {
  /** YYYY-MM-DD: ages are taken on this date. */
  coverageStart: string;
}

/** Evaluation order: cheap, objective data first; the first failure decides. */
export const RULE_CODES = [
  'decile',
  'informal_occupation',
  'birth_date',
  'min_age',
  'max_age',
  'residency',
  'active_bpjs',
  'other_programme',
] as const;

export type RuleCode = (typeof RULE_CODES)[number];

export interface RuleFailure {
  rule: RuleCode;
  message: Message;
}

export interface EligibilityDecision {
  eligible: boolean;
  decidedBy: RuleCode | 'all_rules_passed';
  failures: RuleFailure[];
}

// ---------------------------------------------------------------------------
// Dates and ages

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const MONTHS_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function parseDate(s: string): Ymd | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return m >= 1 && m <= 12 && d >= 1 && d <= days ? { y, m, d } : null;
}

function formatDate({ y, m, d }: Ymd, lang: 'id' | 'en'): string {
  return `${d} ${(lang === 'id' ? MONTHS_ID : MONTHS_EN)[m - 1]} ${y}`;
}

/**
 * Whole years completed on `on`. The birthday counts from its day: someone born
 * on 29 February turns a year older on 1 March in common years (28 February is
 * still before the birthday). This is a choice, stated so tests can pin it.
 */
export function ageOn(birth: string, on: string): number | null {
  const b = parseDate(birth);
  const o = parseDate(on);
  if (!b || !o) return null;
  const beforeBirthday = o.m < b.m || (o.m === b.m && o.d < b.d);
  return o.y - b.y - (beforeBirthday ? 1 : 0);
}

// ---------------------------------------------------------------------------
// Rules

function decileRule(rules: EligibilityRules, c: Candidate): Message | null {
  const max = rules.maxDecile;
  if (max === undefined) return null;
  const d = c.dtsenDecile;
  if (d === null) {
    // Choice: DTSEN does not yet cover everyone. A person flagged extreme poor
    // (P3KE) or with a disability is poor by another official list, so when the
    // programme gives that group priority a missing decile does not shut them out.
    // A decile that IS recorded always counts, even for these groups: DTSEN is the
    // newer list and already merges P3KE.
    if ((rules.priorityExtremePoor && c.extremePoor) || (rules.priorityDisability && c.disability)) return null;
    const ways: { id: string; en: string }[] = [];
    if (rules.priorityExtremePoor) ways.push({ id: 'miskin ekstrem (P3KE)', en: 'extreme poor (P3KE)' });
    if (rules.priorityDisability) ways.push({ id: 'penyandang disabilitas', en: 'a person with a disability' });
    const alt = ways.length
      ? { id: `, atau tandai sebagai ${ways.map((w) => w.id).join(' atau ')} bila memang demikian`, en: `, or flag the person as ${ways.map((w) => w.en).join(' or ')} if that is the case` }
      : { id: '', en: '' };
    return {
      id: `Desil DTSEN belum diisi; program ini hanya untuk desil 1–${max}. Isi desil dari data DTSEN${alt.id}.`,
      en: `The DTSEN decile is missing; the programme only covers deciles 1–${max}. Fill in the decile from DTSEN${alt.en}.`,
    };
  }
  if (!Number.isInteger(d) || d < 1 || d > 10) {
    return {
      id: `Desil DTSEN ${d} tidak sah; desil harus bilangan bulat 1–10. Periksa kembali desil dari data DTSEN.`,
      en: `DTSEN decile ${d} is invalid; a decile is a whole number from 1 to 10. Check the decile in DTSEN.`,
    };
  }
  if (d > max) {
    return {
      id: `Desil DTSEN ${d}; program ini hanya untuk desil 1–${max}. Tidak memenuhi syarat kecuali desilnya diperbarui di DTSEN.`,
      en: `DTSEN decile is ${d}; the programme only covers deciles 1–${max}. Not eligible unless the decile is updated in DTSEN.`,
    };
  }
  return null;
}

function occupationRule(rules: EligibilityRules, c: Candidate): Message | null {
  if (!rules.requireInformalOccupation) return null;
  const occupation = c.occupation?.trim().toLowerCase() ?? '';
  if (occupation === '') {
    return {
      id: 'Pekerjaan belum diisi; program ini hanya untuk pekerja informal (bukan penerima upah). Isi pekerjaan peserta.',
      en: 'The occupation is missing; the programme is only for informal workers (not wage earners). Fill in the occupation.',
    };
  }
  const allowed = rules.informalOccupations ?? DEFAULT_INFORMAL_OCCUPATIONS;
  if (allowed.some((o) => o.trim().toLowerCase() === occupation)) return null;
  return {
    id: `Pekerjaan "${c.occupation}" tidak termasuk pekerjaan informal (BPU) yang diterima program ini (${allowed.join(', ')}). Periksa pekerjaan peserta; pekerja penerima upah didaftarkan oleh pemberi kerjanya.`,
    en: `Occupation "${c.occupation}" is not one of the informal (BPU) occupations this programme accepts (${allowed.join(', ')}). Check the occupation; wage earners are registered by their employer.`,
  };
}

function residencyRule(rules: EligibilityRules, c: Candidate): Message | null {
  const area = rules.residencyArea?.trim();
  if (!area) return null;
  const village = c.villageCode.trim();
  if (village === '') {
    return {
      id: 'Desa/kelurahan domisili belum diisi, sehingga tempat tinggal tidak dapat diperiksa. Isi desa/kelurahan tempat tinggal peserta.',
      en: 'The village of residence is missing, so residency cannot be checked. Fill in the village where the person lives.',
    };
  }
  // Codes are dotted prefixes: '53.08.01.2001' is inside '53.08' but '53.081…' would not be.
  if (village === area || village.startsWith(`${area}.`)) return null;
  return {
    id: `Desa/kelurahan ${village} berada di luar wilayah program (${area}); program ini hanya untuk penduduk wilayah tersebut. Periksa desa domisili peserta, atau daftarkan pada program wilayahnya.`,
    en: `Village ${village} is outside the programme's area (${area}); the programme is only for residents of that area. Check the village of residence, or register the person in their own area's programme.`,
  };
}

/**
 * Evaluates every rule; `decidedBy` is the first failing rule in RULE_CODES order.
 * Throws RangeError for an unreadable coverage start: that is a programme setup
 * error, not something wrong with the candidate.
 */
export function evaluateEligibility(rules: EligibilityRules, c: Candidate, ctx: EligibilityContext): EligibilityDecision {
  const start = parseDate(ctx.coverageStart);
  if (!start) throw new RangeError(`coverageStart must be a real date written YYYY-MM-DD, got "${ctx.coverageStart}"`);
  const startId = formatDate(start, 'id');
  const startEn = formatDate(start, 'en');
  const failures: RuleFailure[] = [];
  const fail = (rule: RuleCode, message: Message | null): void => {
    if (message) failures.push({ rule, message });
  };

  fail('decile', decileRule(rules, c));
  fail('informal_occupation', occupationRule(rules, c));

  if (rules.minAge !== undefined || rules.maxAge !== undefined) {
    const birth = parseDate(c.birthDate);
    const age = ageOn(c.birthDate, ctx.coverageStart);
    if (!birth || age === null) {
      fail('birth_date', {
        id: `Tanggal lahir "${c.birthDate}" tidak terbaca, sehingga umur tidak dapat diperiksa. Isi tanggal lahir sesuai KTP.`,
        en: `Birth date "${c.birthDate}" cannot be read, so the age cannot be checked. Enter the birth date as on the KTP.`,
      });
    } else if (age < 0) {
      fail('birth_date', {
        id: `Tanggal lahir ${formatDate(birth, 'id')} jatuh sesudah awal kepesertaan (${startId}). Periksa tanggal lahir sesuai KTP.`,
        en: `Birth date ${formatDate(birth, 'en')} is after the coverage start (${startEn}). Check the birth date on the KTP.`,
      });
    } else {
      if (rules.minAge !== undefined && age < rules.minAge) {
        fail('min_age', {
          id: `Umur pada awal kepesertaan (${startId}) ${age} tahun; batas minimal program ${rules.minAge} tahun. Belum memenuhi syarat; periksa tanggal lahir bila keliru.`,
          en: `Age at coverage start (${startEn}) is ${age}; the programme's minimum is ${rules.minAge}. Not yet eligible; check the birth date if it is wrong.`,
        });
      }
      if (rules.maxAge !== undefined && age > rules.maxAge) {
        fail('max_age', {
          id: `Umur pada awal kepesertaan (${startId}) ${age} tahun; batas program ${rules.maxAge} tahun. Tidak memenuhi syarat; periksa tanggal lahir bila keliru.`,
          en: `Age at coverage start (${startEn}) is ${age}; the programme's limit is ${rules.maxAge}. Not eligible; check the birth date if it is wrong.`,
        });
      }
    }
  }

  fail('residency', residencyRule(rules, c));

  if (rules.excludeActiveBpjs && c.activeBpjs) {
    fail('active_bpjs', {
      id: 'Sudah tercatat sebagai peserta aktif BPJS Ketenagakerjaan, sehingga tidak dapat didaftarkan lagi. Bila kepesertaan itu sudah tidak aktif, perbarui daftar peserta BPJS lalu periksa ulang.',
      en: 'Already recorded as an active BPJS Ketenagakerjaan participant, so cannot be registered again. If that membership has ended, update the BPJS participant list and check again.',
    });
  }

  const other = c.otherActiveProgramme?.trim();
  if (rules.excludeOtherActiveProgramme && other) {
    fail('other_programme', {
      id: `Sudah menjadi peserta aktif program ${other}; seseorang hanya boleh ikut satu program aktif. Daftarkan setelah kepesertaan di ${other} berakhir.`,
      en: `Already an active participant of programme ${other}; a person can be in only one active programme. Register them once the membership in ${other} has ended.`,
    });
  }

  const first = failures[0];
  return { eligible: !first, decidedBy: first ? first.rule : 'all_rules_passed', failures };
}

// ---------------------------------------------------------------------------
// Checking the rules themselves (they are stored data, edited in a form)

export interface RulesProblem {
  field: keyof EligibilityRules;
  message: Message;
}

/** Problems in a rule set, for the programme form; empty when the rules are usable. */
export function checkRules(rules: EligibilityRules): RulesProblem[] {
  const problems: RulesProblem[] = [];
  const { maxDecile, minAge, maxAge, residencyArea, informalOccupations } = rules;
  if (maxDecile !== undefined && !(Number.isInteger(maxDecile) && maxDecile >= 1 && maxDecile <= 10)) {
    problems.push({
      field: 'maxDecile',
      message: { id: `Desil maksimal harus bilangan bulat 1–10, bukan ${maxDecile}.`, en: `The maximum decile must be a whole number from 1 to 10, not ${maxDecile}.` },
    });
  }
  for (const [field, value] of [['minAge', minAge], ['maxAge', maxAge]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 150)) {
      problems.push({
        field,
        message: { id: `Batas umur harus bilangan bulat 0–150 tahun, bukan ${value}.`, en: `An age limit must be a whole number of years from 0 to 150, not ${value}.` },
      });
    }
  }
  if (minAge !== undefined && maxAge !== undefined && minAge > maxAge) {
    problems.push({
      field: 'minAge',
      message: { id: `Umur minimal (${minAge}) lebih besar dari umur maksimal (${maxAge}); tidak ada yang bisa memenuhi syarat.`, en: `The minimum age (${minAge}) is above the maximum age (${maxAge}); nobody could qualify.` },
    });
  }
  if (residencyArea !== undefined && !/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/.test(residencyArea)) {
    problems.push({
      field: 'residencyArea',
      message: { id: `Wilayah program "${residencyArea}" bukan kode Kemendagri (contoh: 53 atau 53.08).`, en: `Programme area "${residencyArea}" is not a Kemendagri code (for example 53 or 53.08).` },
    });
  }
  if (informalOccupations !== undefined && (informalOccupations.length === 0 || informalOccupations.some((o) => o.trim() === ''))) {
    problems.push({
      field: 'informalOccupations',
      message: { id: 'Daftar pekerjaan informal tidak boleh kosong atau berisi nama kosong.', en: 'The list of informal occupations cannot be empty or contain blank names.' },
    });
  }
  return problems;
}
