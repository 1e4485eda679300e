/**
 * The dated data claims are judged by, for administrators: benefit rules (append-only: a change is a
 * new row from a date, the latest valid_from in force wins — old decisions keep their rule), the
 * scholarship schedule (read-only, seeded from the law) and the public holidays the SLA skips.
 * Writes need a national account (RLS: lindung_scope_is_national); every write is in history.
 */
import type { Queryable } from '../../db/types.js';
import { DbError } from '../../db/types.js';
import { formatDate, isDate } from '../../domain/billing.js';
import { CLAIM_TYPES, isClaimType, rulesInForce, type BenefitRule, type BenefitScale, type ClaimType, type ScholarshipRule } from '../../domain/entitlement.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import { loadBenefitRules, loadScholarshipRules } from './entitlement.js';
import { loadHolidays, type PublicHoliday } from './sla.js';

export interface BenefitRuleView extends BenefitRule {
  /** In force on the date asked about (the one a claim of that date would use). */
  inForce: boolean;
}

function invalid(code: string, text: Message): never {
  throw new UserError('invalid', code, text);
}

async function requireNational(tx: Queryable, what: Message): Promise<void> {
  const [r] = await tx.query<{ national: boolean }>('SELECT lindung_scope_is_national() AS national');
  if (!r?.national) {
    throw new UserError('forbidden', 'rules_national_only', {
      id: `${what.id} berlaku untuk seluruh provinsi, jadi hanya dapat diubah oleh akun tingkat nasional (tanpa wilayah). Minta administrator nasional.`,
      en: `${what.en} apply to the whole province, so only a national account (no area) may change them. Ask the national administrator.`,
    });
  }
}

/** Benefit rules (of a type), each marked whether a claim on `on` would use it. */
export async function listBenefitRules(tx: Queryable, opts: { type?: ClaimType; on?: string; villageCode?: string | null } = {}): Promise<BenefitRuleView[]> {
  if (opts.type !== undefined && !isClaimType(opts.type)) invalid('claim_type_invalid', { id: `Jenis klaim tidak dikenal: "${String(opts.type)}". Pilih: ${CLAIM_TYPES.join(', ')}.`, en: `Unknown claim type: "${String(opts.type)}". Choose: ${CLAIM_TYPES.join(', ')}.` });
  if (opts.on !== undefined && !isDate(opts.on)) invalid('date_invalid', { id: `Tanggal tidak sah: "${opts.on}" (TTTT-BB-HH).`, en: `Not a valid date: "${opts.on}" (YYYY-MM-DD).` });
  const rules = await loadBenefitRules(tx, opts.type);
  const on = opts.on;
  if (!on) return rules.map((r) => ({ ...r, inForce: false }));
  const live = new Set<number>();
  for (const t of CLAIM_TYPES) for (const r of rulesInForce(rules, t, on, opts.villageCode ?? null)) live.add(r.id);
  return rules.map((r) => ({ ...r, inForce: live.has(r.id) }));
}

export async function listScholarshipRules(tx: Queryable): Promise<ScholarshipRule[]> {
  return loadScholarshipRules(tx);
}

export interface NewBenefitRule {
  claimType: string;
  component: string;
  labelId: string;
  labelEn: string;
  amount?: number | null;
  incomeMultiple?: number | null;
  scale?: string;
  laterDaysFactor?: number | null;
  minMembershipMonths?: number;
  maxMembershipMonths?: number | null;
  validFrom: string;
  validTo?: string | null;
  legalBasis: string;
  verified?: boolean;
  areaCode?: string | null;
}

const SCALES: readonly BenefitScale[] = ['none', 'disability_percent', 'incapacity_days', 'medical_cost'];

/** Checks a new rule and says what to fix; the database CHECKs stay as the last line. */
export function checkBenefitRule(r: NewBenefitRule): Omit<BenefitRule, 'id' | 'label'> & { labelId: string; labelEn: string } {
  if (!isClaimType(r.claimType)) invalid('claim_type_invalid', { id: `Jenis klaim tidak dikenal: "${r.claimType}". Pilih: ${CLAIM_TYPES.join(', ')}.`, en: `Unknown claim type: "${r.claimType}". Choose: ${CLAIM_TYPES.join(', ')}.` });
  const component = (r.component ?? '').trim();
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(component)) invalid('component_invalid', { id: `Nama komponen "${component}" harus huruf kecil, angka atau garis bawah (misalnya lump_sum, funeral).`, en: `Component "${component}" must be lower-case letters, digits or underscores (e.g. lump_sum, funeral).` });
  const labelId = (r.labelId ?? '').trim();
  const labelEn = (r.labelEn ?? '').trim();
  if (!labelId || !labelEn) invalid('label_required', { id: 'Nama komponen dalam bahasa Indonesia dan Inggris wajib diisi.', en: 'The component name in Indonesian and English is required.' });
  const scale = (r.scale ?? 'none') as BenefitScale;
  if (!SCALES.includes(scale)) invalid('scale_invalid', { id: `Skala "${r.scale}" tidak dikenal. Pilih: ${SCALES.join(', ')}.`, en: `Unknown scale "${r.scale}". Choose: ${SCALES.join(', ')}.` });
  const amount = r.amount ?? null;
  const multiple = r.incomeMultiple ?? null;
  if (amount !== null && !(Number.isSafeInteger(amount) && amount >= 0)) invalid('amount_invalid', { id: `Jumlah harus rupiah bulat, tidak negatif, bukan ${amount}.`, en: `The amount must be whole rupiah, not negative, not ${amount}.` });
  if (multiple !== null && !(Number.isFinite(multiple) && multiple >= 0 && Math.abs(Math.round(multiple * 1000) - multiple * 1000) < 1e-6 && multiple < 100_000)) invalid('multiple_invalid', { id: `Kelipatan upah harus angka tidak negatif dengan paling banyak 3 desimal, bukan ${multiple}.`, en: `The income multiple must be a non-negative number with at most 3 decimals, not ${multiple}.` });
  if (scale === 'medical_cost') {
    if (multiple !== null) invalid('medical_multiple', { id: 'Komponen biaya perawatan dibayar sesuai tagihan: isi tanpa kelipatan upah (jumlah, bila diisi, menjadi plafon).', en: 'A medical-cost component pays the bill: give no income multiple (an amount, if given, is a ceiling).' });
  } else if ((amount === null) === (multiple === null)) {
    invalid('amount_or_multiple', { id: 'Isi salah satu saja: jumlah tetap (rupiah) atau kelipatan upah.', en: 'Give exactly one of: a fixed amount (rupiah) or an income multiple.' });
  } else if (scale !== 'none' && multiple === null) {
    invalid('scale_needs_multiple', { id: `Skala ${scale} mengalikan kelipatan upah; isi kelipatan upah, bukan jumlah tetap.`, en: `Scale ${scale} scales an income multiple; give an income multiple, not a fixed amount.` });
  }
  const later = r.laterDaysFactor ?? null;
  if (later !== null && (scale !== 'incapacity_days' || !(later >= 0 && later <= 9.999))) invalid('later_days_factor_invalid', { id: 'Faktor hari berikutnya hanya untuk skala incapacity_days, antara 0 dan 9,999.', en: 'The later-days factor is only for scale incapacity_days, between 0 and 9.999.' });
  const min = r.minMembershipMonths ?? 0;
  const max = r.maxMembershipMonths ?? null;
  if (!Number.isSafeInteger(min) || min < 0 || (max !== null && (!Number.isSafeInteger(max) || max < min))) invalid('membership_months_invalid', { id: `Masa kepesertaan minimal/maksimal tidak sah (${min}–${max ?? '…'} bulan): bilangan bulat, maksimal tidak kurang dari minimal.`, en: `Membership months min/max are not valid (${min}–${max ?? '…'}): whole numbers, max not below min.` });
  if (!isDate(r.validFrom)) invalid('valid_from_invalid', { id: `Tanggal mulai berlaku tidak sah: "${r.validFrom}" (TTTT-BB-HH).`, en: `Not a valid start date: "${r.validFrom}" (YYYY-MM-DD).` });
  const validTo = r.validTo ?? null;
  if (validTo !== null && (!isDate(validTo) || validTo < r.validFrom)) invalid('valid_to_invalid', { id: `Tanggal akhir berlaku "${validTo}" harus tanggal yang tidak sebelum ${r.validFrom}.`, en: `The end date "${validTo}" must be a date not before ${r.validFrom}.` });
  const legalBasis = (r.legalBasis ?? '').trim();
  if (legalBasis.length < 3) invalid('legal_basis_required', { id: 'Dasar hukum wajib diisi (misalnya "PP 82/2019 Pasal 34").', en: 'The legal basis is required (e.g. "PP 82/2019 art. 34").' });
  return {
    claimType: r.claimType, component, labelId, labelEn, amount, incomeMultiple: multiple, scale, laterDaysFactor: later,
    minMembershipMonths: min, maxMembershipMonths: max, validFrom: r.validFrom, validTo, legalBasis, verified: r.verified ?? false, areaCode: r.areaCode ?? null,
  };
}

/** A new benefit rule from a date. Earlier rules stay (claims before the date keep using them). */
export async function addBenefitRule(tx: Queryable, input: NewBenefitRule): Promise<BenefitRule> {
  const r = checkBenefitRule(input);
  await requireNational(tx, { id: 'Aturan santunan', en: 'Benefit rules' });
  if (r.areaCode) {
    const [a] = await tx.query<{ level: number }>('SELECT level FROM area WHERE code = $1', [r.areaCode]);
    if (!a) invalid('area_unknown', { id: `Wilayah ${r.areaCode} tidak dikenal.`, en: `Unknown area ${r.areaCode}.` });
  }
  const [same] = await tx.query<{ id: number }>(
    `SELECT id FROM benefit_rule WHERE claim_type = $1 AND component = $2 AND valid_from = $3 AND area_code IS NOT DISTINCT FROM $4 LIMIT 1`,
    [r.claimType, r.component, r.validFrom, r.areaCode],
  );
  if (same) {
    throw new UserError('conflict', 'rule_exists', {
      id: `Sudah ada aturan ${r.claimType}/${r.component} yang berlaku sejak ${formatDate(r.validFrom, 'id')} (#${same.id}). Aturan tidak diubah; tambahkan aturan baru dengan tanggal mulai lain.`,
      en: `A rule ${r.claimType}/${r.component} in force from ${formatDate(r.validFrom, 'en')} already exists (#${same.id}). Rules are not edited; add a new one with another start date.`,
    });
  }
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO benefit_rule (claim_type, component, label_id, label_en, amount, income_multiple, scale, later_days_factor,
                               min_membership_months, max_membership_months, valid_from, valid_to, legal_basis, verified, area_code)
     VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, $8::numeric, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [r.claimType, r.component, r.labelId, r.labelEn, r.amount, r.incomeMultiple === null ? null : String(r.incomeMultiple), r.scale,
      r.laterDaysFactor === null ? null : String(r.laterDaysFactor), r.minMembershipMonths, r.maxMembershipMonths, r.validFrom, r.validTo, r.legalBasis, r.verified, r.areaCode],
  );
  const all = await loadBenefitRules(tx, r.claimType as ClaimType);
  const made = all.find((x) => x.id === Number(row!.id));
  if (!made) throw new Error('inserted benefit rule not readable');
  return made;
}

/** Holidays of a year (or a range), national and regional. */
export async function listHolidays(tx: Queryable, opts: { from?: string; to?: string; year?: number; areaCode?: string | null } = {}): Promise<PublicHoliday[]> {
  let from = opts.from;
  let to = opts.to;
  if (opts.year !== undefined) {
    if (!Number.isSafeInteger(opts.year) || opts.year < 2000 || opts.year > 2100) invalid('year_invalid', { id: `Tahun tidak sah: ${opts.year}.`, en: `Not a valid year: ${opts.year}.` });
    from = `${opts.year}-01-01`;
    to = `${opts.year}-12-31`;
  }
  from ??= '2000-01-01';
  to ??= '2100-12-31';
  if (!isDate(from) || !isDate(to)) invalid('date_invalid', { id: 'Rentang tanggal tidak sah (TTTT-BB-HH).', en: 'Not a valid date range (YYYY-MM-DD).' });
  if (opts.areaCode === undefined) {
    // Every holiday, regional ones included: the administrator's view.
    const rows = await tx.query<{ day: string; name: string; area_code: string | null }>(
      'SELECT day, name, area_code FROM public_holiday WHERE day BETWEEN $1::date AND $2::date ORDER BY day, area_code NULLS FIRST, name',
      [from, to],
    );
    return rows.map((r) => ({ day: r.day, name: r.name, areaCode: r.area_code }));
  }
  return loadHolidays(tx, from, to, opts.areaCode);
}

export async function addHoliday(tx: Queryable, h: { day: string; name: string; areaCode?: string | null }): Promise<PublicHoliday> {
  const name = (h.name ?? '').trim();
  if (!isDate(h.day)) invalid('holiday_day_invalid', { id: `Tanggal libur tidak sah: "${h.day}" (TTTT-BB-HH).`, en: `Not a valid holiday date: "${h.day}" (YYYY-MM-DD).` });
  if (name.length < 3 || name.length > 120) invalid('holiday_name_invalid', { id: 'Nama hari libur wajib diisi (3–120 huruf), misalnya "Cuti bersama Idul Fitri".', en: 'The holiday name is required (3–120 characters), e.g. "Cuti bersama Idul Fitri".' });
  const areaCode = h.areaCode?.trim() || null;
  await requireNational(tx, { id: 'Hari libur', en: 'Public holidays' });
  if (areaCode) {
    const [a] = await tx.query<{ level: number }>('SELECT level FROM area WHERE code = $1', [areaCode]);
    if (!a) invalid('area_unknown', { id: `Wilayah ${areaCode} tidak dikenal.`, en: `Unknown area ${areaCode}.` });
  }
  try {
    await tx.query('INSERT INTO public_holiday (day, name, area_code) VALUES ($1, $2, $3)', [h.day, name, areaCode]);
  } catch (e) {
    if (e instanceof DbError && e.code === '23505') {
      throw new UserError('conflict', 'holiday_exists', { id: `Hari libur "${name}" pada ${formatDate(h.day, 'id')} sudah tercatat.`, en: `The holiday "${name}" on ${formatDate(h.day, 'en')} is already recorded.` });
    }
    throw e;
  }
  return { day: h.day, name, areaCode };
}

export async function removeHoliday(tx: Queryable, h: { day: string; name: string }): Promise<PublicHoliday> {
  if (!isDate(h.day)) invalid('holiday_day_invalid', { id: `Tanggal libur tidak sah: "${h.day}" (TTTT-BB-HH).`, en: `Not a valid holiday date: "${h.day}" (YYYY-MM-DD).` });
  await requireNational(tx, { id: 'Hari libur', en: 'Public holidays' });
  const [gone] = await tx.query<{ day: string; name: string; area_code: string | null }>(
    'DELETE FROM public_holiday WHERE day = $1 AND name = $2 RETURNING day, name, area_code',
    [h.day, (h.name ?? '').trim()],
  );
  if (!gone) {
    throw new UserError('not_found', 'holiday_unknown', { id: `Tidak ada hari libur "${h.name}" pada ${formatDate(h.day, 'id')}.`, en: `There is no holiday "${h.name}" on ${formatDate(h.day, 'en')}.` });
  }
  return { day: gone.day, name: gone.name, areaCode: gone.area_code };
}
