/**
 * One spreadsheet row → one staging record: every field normalised, every problem with its row,
 * column and code, and the eligibility rules that need no database (decile, occupation, age,
 * residency). Pure: the area index, the rules and the dates come in as arguments.
 */
import type { AreaCodes } from '../../domain/nik.js';
import { evaluateEligibility, type EligibilityRules, type RuleCode } from '../../domain/eligibility.js';
import type { Message } from '../../domain/messages.js';
import { resolveArea, type AreaIndex } from './area-resolver.js';
import { columnLetter, FIELD_LABELS, type Field, type HeaderMapping } from './headers.js';
import {
  normaliseBankAccount,
  normaliseBankName,
  normaliseBirthDate,
  normaliseBirthPlaceDate,
  normaliseDecile,
  normaliseDisability,
  normaliseFlag,
  normaliseKk,
  normaliseMaritalStatus,
  normaliseName,
  normaliseNik,
  normaliseOccupation,
  normalisePhone,
  normaliseRupiah,
  normaliseSex,
  normaliseText,
  requireValue,
  type Problem,
  type Result,
} from './values.js';

/** A problem on one row, located for the person who fixes the file. */
export interface RowProblem extends Problem {
  field?: Field;
  /** Column letter and header as in the file: "B (NIK)". */
  column?: string;
  /** For area problems: village codes the operator may have meant. */
  suggestions?: { code: string; label: string }[];
  /** For an unusable NIK: the registry person the rest of the row points to (see check.ts). */
  match?: { personId: number; nik: string; name: string; birthDate: string | null; score: number };
}

export interface StagingRecord {
  rowNo: number;
  raw: unknown[];
  nik: string | null;
  kk: string | null;
  fullName: string | null;
  birthPlace: string | null;
  birthDate: string | null;
  sex: 'L' | 'P' | null;
  maritalStatus: string | null;
  address: string | null;
  villageCode: string | null;
  phone: string | null;
  occupation: string | null;
  declaredIncome: number | null;
  dtsenDecile: number | null;
  extremePoor: boolean;
  disability: boolean;
  motherName: string | null;
  bankName: string | null;
  bankAccount: string | null;
  problems: RowProblem[];
  errors: number;
  warnings: number;
  /**
   * 'error' when any problem is an error, 'ineligible' when a rule decided here fails; otherwise
   * 'eligible', which the check's later steps (duplicates, active BPJS, other programmes) may still
   * change. Staged that way so that the rows nothing else touches are never rewritten.
   */
  status: 'error' | 'ineligible' | 'eligible';
  /** The eligibility rule that decided when the row is ineligible on its own data. */
  decidedBy: RuleCode | null;
}

export interface RowContext {
  mapping: HeaderMapping;
  headers: readonly string[];
  areaIndex: AreaIndex;
  areaCodes: AreaCodes;
  /** The uploader's area: every row's village must lie inside it. */
  batchArea: string;
  batchAreaLabel: string;
  rules: EligibilityRules;
  coverageStart: string;
  /** YYYY-MM-DD in NTT. */
  today: string;
}

function cellOf(ctx: RowContext, cells: readonly unknown[], field: Field): unknown {
  const i = ctx.mapping.mapping[field];
  return i === undefined ? null : cells[i] ?? null;
}

function columnOf(ctx: RowContext, field: Field): string | undefined {
  const i = ctx.mapping.mapping[field];
  return i === undefined ? undefined : `${columnLetter(i)} (${ctx.headers[i] ?? FIELD_LABELS[field].id})`;
}

function inArea(code: string, area: string): boolean {
  return code === area || code.startsWith(`${area}.`);
}

export function normaliseRow(ctx: RowContext, rowNo: number, cells: readonly unknown[]): StagingRecord {
  const problems: RowProblem[] = [];
  const take = <T>(field: Field, result: Result<T>, fallback: T): T => {
    const column = columnOf(ctx, field);
    for (const w of result.warnings) problems.push({ ...w, field, column });
    if (!result.ok) {
      problems.push({ ...result.error, field, column });
      return fallback;
    }
    return result.value;
  };

  // Birth date and place: separate columns, or one "TTL" column.
  let birthPlace: string | null = null;
  let birthDate: string | null = null;
  if (ctx.mapping.mapping.birth_date !== undefined || ctx.mapping.mapping.birth_place_date === undefined) {
    birthDate = take('birth_date', requireValue(normaliseBirthDate(cellOf(ctx, cells, 'birth_date'), ctx.today), FIELD_LABELS.birth_date), null);
    birthPlace = take('birth_place', normaliseName(cellOf(ctx, cells, 'birth_place'), { label: FIELD_LABELS.birth_place }), null);
  } else {
    const both = take('birth_place_date', normaliseBirthPlaceDate(cellOf(ctx, cells, 'birth_place_date'), ctx.today), { place: null, date: null });
    birthPlace = both.place;
    birthDate = both.date;
    if (!birthDate && !problems.some((p) => p.field === 'birth_place_date' && p.severity === 'error')) {
      problems.push({
        code: 'required_missing',
        severity: 'error',
        field: 'birth_place_date',
        column: columnOf(ctx, 'birth_place_date'),
        id: 'Tanggal lahir wajib diisi. Tulis tempat dan tanggal lahir, misalnya "Kupang, 21-07-1980".',
        en: 'The date of birth is required. Write place and date of birth, for example "Kupang, 21-07-1980".',
      });
    }
  }

  const fullName = take('full_name', requireValue(normaliseName(cellOf(ctx, cells, 'full_name')), FIELD_LABELS.full_name), null);
  const sex = take('sex', requireValue(normaliseSex(cellOf(ctx, cells, 'sex')), FIELD_LABELS.sex), null);

  // The area first: the NIK's soft checks compare with the domicile.
  let villageCode: string | null = null;
  const area = resolveArea(ctx.areaIndex, {
    code: cellOf(ctx, cells, 'area_code'),
    village: cellOf(ctx, cells, 'village'),
    district: cellOf(ctx, cells, 'district'),
    regency: cellOf(ctx, cells, 'regency'),
  });
  const areaField: Field = ctx.mapping.mapping.area_code !== undefined ? 'area_code' : 'village';
  for (const w of area.warnings) problems.push({ ...w, field: areaField, column: columnOf(ctx, areaField) });
  if (area.ok) {
    if (inArea(area.code, ctx.batchArea)) villageCode = area.code;
    else {
      problems.push({
        code: 'area_outside_batch',
        severity: 'error',
        field: areaField,
        column: columnOf(ctx, areaField),
        id: `${area.label} berada di luar wilayah Anda (${ctx.batchAreaLabel}). Usulkan hanya warga wilayah Anda; warga wilayah lain diusulkan oleh operator wilayahnya.`,
        en: `${area.label} lies outside your area (${ctx.batchAreaLabel}). Propose only residents of your area; others are proposed by their own area's operator.`,
      });
    }
  } else {
    problems.push({
      ...area.error,
      field: areaField,
      column: columnOf(ctx, areaField),
      suggestions: area.suggestions.slice(0, 5).map((s) => ({ code: s.code, label: s.label })),
    });
  }

  const nik = take(
    'nik',
    requireValue(normaliseNik(cellOf(ctx, cells, 'nik'), { areas: ctx.areaCodes, today: ctx.today, person: { birthDate, sex, villageCode } }), FIELD_LABELS.nik),
    null,
  );
  const kk = take('kk', normaliseKk(cellOf(ctx, cells, 'kk'), { areas: ctx.areaCodes, today: ctx.today, person: { villageCode } }), null);
  const maritalStatus = take('marital_status', normaliseMaritalStatus(cellOf(ctx, cells, 'marital_status')), null);
  const address = take('address', normaliseText(cellOf(ctx, cells, 'address')), null);
  const phone = take('phone', normalisePhone(cellOf(ctx, cells, 'phone')), null);
  const occupation = take('occupation', normaliseOccupation(cellOf(ctx, cells, 'occupation')), null);
  const declaredIncome = take('declared_income', normaliseRupiah(cellOf(ctx, cells, 'declared_income')), null);
  const dtsenDecile = take('dtsen_decile', normaliseDecile(cellOf(ctx, cells, 'dtsen_decile')), null);
  const extremePoor = take('extreme_poor', normaliseFlag(cellOf(ctx, cells, 'extreme_poor'), FIELD_LABELS.extreme_poor), false);
  const disability = take('disability', normaliseDisability(cellOf(ctx, cells, 'disability')), false);
  const motherName = take('mother_name', normaliseName(cellOf(ctx, cells, 'mother_name'), { label: FIELD_LABELS.mother_name }), null);
  const bankName = take('bank_name', normaliseBankName(cellOf(ctx, cells, 'bank_name')), null);
  const bankAccount = take('bank_account', normaliseBankAccount(cellOf(ctx, cells, 'bank_account')), null);

  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  let status: StagingRecord['status'] = errors > 0 ? 'error' : 'eligible';
  let decidedBy: RuleCode | null = null;
  if (status === 'eligible' && birthDate && villageCode) {
    // The database rules (active BPJS participant, other programme) are decided after matching.
    const decision = evaluateEligibility({ ...ctx.rules, excludeActiveBpjs: false, excludeOtherActiveProgramme: false }, {
      birthDate,
      villageCode,
      occupation,
      dtsenDecile,
      extremePoor,
      disability,
      activeBpjs: false,
      otherActiveProgramme: null,
    }, { coverageStart: ctx.coverageStart });
    if (!decision.eligible) {
      status = 'ineligible';
      decidedBy = decision.decidedBy === 'all_rules_passed' ? null : decision.decidedBy;
      for (const f of decision.failures) problems.push(eligibilityProblem(f.rule, f.message));
    }
  }
  return {
    rowNo,
    raw: [...cells],
    nik,
    kk,
    fullName,
    birthPlace,
    birthDate,
    sex,
    maritalStatus,
    address,
    villageCode,
    phone,
    occupation,
    declaredIncome,
    dtsenDecile,
    extremePoor,
    disability,
    motherName,
    bankName,
    bankAccount,
    problems,
    errors,
    warnings,
    status,
    decidedBy,
  };
}

/** An eligibility failure as a row problem: not an error in the file, a reason the person does not qualify. */
export function eligibilityProblem(rule: RuleCode, message: Message): RowProblem {
  return { code: `rule_${rule}`, severity: 'warning', ...message };
}
