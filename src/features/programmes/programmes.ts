/**
 * Programmes: who pays for whom, when, under which rules, for how many people.
 */
import type { Queryable } from '../../db/types.js';
import { checkRules, type EligibilityRules } from '../../domain/eligibility.js';
import { UserError } from '../../domain/user-error.js';

export type FunderType = 'province' | 'regency' | 'village' | 'company';
export type Benefit = 'JKK' | 'JKM' | 'JHT';

export interface ProgrammeInput {
  code: string;
  name: string;
  legalBasis?: string | null;
  funderType: FunderType;
  funderAreaCode: string;
  funderName: string;
  budgetLine?: string | null;
  fiscalYear: number;
  coverageStart: string;
  coverageEnd: string;
  benefits: Benefit[];
  declaredIncome: number;
  totalQuota: number;
  rules: EligibilityRules;
}

export interface Programme extends ProgrammeInput {
  id: number;
  status: 'draft' | 'active' | 'closed';
  /** The budget line's allocation (APBD), in rupiah; null until entered. */
  budgetAllocation: number | null;
}

interface ProgrammeRow {
  id: number;
  code: string;
  name: string;
  legal_basis: string | null;
  funder_type: FunderType;
  funder_area_code: string;
  funder_name: string;
  budget_line: string | null;
  fiscal_year: number;
  coverage_start: string;
  coverage_end: string;
  benefits: Benefit[] | string;
  declared_income: number;
  total_quota: number;
  rules: EligibilityRules;
  status: Programme['status'];
  budget_allocation: number | null;
}

/** PGlite returns text[] as an array; node-postgres too (parsers.ts) — both are handled. */
function benefitsOf(v: Benefit[] | string): Benefit[] {
  if (Array.isArray(v)) return v;
  return v.replace(/^\{|\}$/g, '').split(',').filter(Boolean) as Benefit[];
}

function fromRow(r: ProgrammeRow): Programme {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    legalBasis: r.legal_basis,
    funderType: r.funder_type,
    funderAreaCode: r.funder_area_code,
    funderName: r.funder_name,
    budgetLine: r.budget_line,
    fiscalYear: r.fiscal_year,
    coverageStart: r.coverage_start,
    coverageEnd: r.coverage_end,
    benefits: benefitsOf(r.benefits),
    declaredIncome: r.declared_income,
    totalQuota: r.total_quota,
    rules: r.rules,
    status: r.status,
    budgetAllocation: r.budget_allocation,
  };
}

const SELECT = `SELECT id, code, name, legal_basis, funder_type, funder_area_code, funder_name, budget_line, fiscal_year,
  coverage_start, coverage_end, benefits::text AS benefits, declared_income, total_quota, rules, status, budget_allocation FROM programme`;

export async function listProgrammes(tx: Queryable): Promise<Programme[]> {
  return (await tx.query<ProgrammeRow>(`${SELECT} ORDER BY coverage_start DESC, code`)).map(fromRow);
}

export async function findProgramme(tx: Queryable, code: string): Promise<Programme | null> {
  const [row] = await tx.query<ProgrammeRow>(`${SELECT} WHERE code = $1`, [code.trim().toUpperCase()]);
  return row ? fromRow(row) : null;
}

export async function getProgramme(tx: Queryable, code: string): Promise<Programme> {
  const p = await findProgramme(tx, code);
  if (!p) {
    const known = (await tx.query<{ code: string }>('SELECT code FROM programme ORDER BY code')).map((r) => r.code);
    throw new UserError('not_found', 'programme_unknown', {
      id: `Program ${code} tidak ada. Program yang ada: ${known.join(', ') || '(belum ada)'}.`,
      en: `There is no programme ${code}. Programmes: ${known.join(', ') || '(none yet)'}.`,
    });
  }
  return p;
}

export async function getProgrammeById(tx: Queryable, id: number): Promise<Programme> {
  const [row] = await tx.query<ProgrammeRow>(`${SELECT} WHERE id = $1`, [id]);
  if (!row) throw new UserError('not_found', 'programme_unknown', { id: `Program #${id} tidak ada.`, en: `There is no programme #${id}.` });
  return fromRow(row);
}

/** Checks a programme's fields beyond their types; every problem in one error. */
export function programmeProblems(p: ProgrammeInput): string[] {
  const out: string[] = [];
  if (!/^[A-Z0-9][A-Z0-9-]{1,30}$/.test(p.code)) out.push('code: 2–31 capital letters, digits or dashes, e.g. NTT-2026');
  if (p.coverageEnd < p.coverageStart) out.push('coverageEnd: must not be before coverageStart');
  if (!Number.isSafeInteger(p.totalQuota) || p.totalQuota <= 0) out.push('totalQuota: a whole number above 0');
  if (!Number.isSafeInteger(p.declaredIncome) || p.declaredIncome <= 0) out.push('declaredIncome: whole rupiah above 0');
  if (p.benefits.length === 0) out.push('benefits: at least one of JKK, JKM, JHT');
  for (const r of checkRules(p.rules)) out.push(`rules.${r.field}: ${r.message.en}`);
  return out;
}

export async function createProgramme(tx: Queryable, input: ProgrammeInput): Promise<Programme> {
  const code = input.code.trim().toUpperCase();
  const p = { ...input, code };
  const problems = programmeProblems(p);
  if (problems.length) {
    throw new UserError('invalid', 'programme_invalid', {
      id: `Data program belum benar: ${problems.join('; ')}.`,
      en: `The programme is not valid: ${problems.join('; ')}.`,
    }, { problems });
  }
  if (await findProgramme(tx, code)) {
    throw new UserError('conflict', 'programme_exists', { id: `Kode program ${code} sudah dipakai. Pilih kode lain.`, en: `Programme code ${code} is taken. Choose another code.` });
  }
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO programme (code, name, legal_basis, funder_type, funder_area_code, funder_name, budget_line, fiscal_year,
        coverage_start, coverage_end, benefits, declared_income, total_quota, rules)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text[], $12, $13, $14) RETURNING id`,
    [code, p.name, p.legalBasis ?? null, p.funderType, p.funderAreaCode, p.funderName, p.budgetLine ?? null, p.fiscalYear,
      p.coverageStart, p.coverageEnd, `{${p.benefits.join(',')}}`, p.declaredIncome, p.totalQuota, JSON.stringify(p.rules)],
  );
  return getProgrammeById(tx, row!.id);
}
