/**
 * Allocation of a programme's total quota across regencies.
 *
 * Pure: no I/O. Each regency gets a part in proportion to an indicator (for
 * example its poor population). The parts are rounded with the largest-remainder
 * (Hamilton) method, so they always add up to the total, which plain rounding
 * does not guarantee. Two options:
 *
 * - `minimum`: every regency without an override gets at least this many. A
 *   regency whose proportional part is below the minimum is raised to it and the
 *   rest is shared out again among the others; raising one regency shrinks what
 *   the others get, so this repeats until no part falls below the minimum.
 * - `overrides`: fixed quotas decided by a person (with a reason, kept in the
 *   history elsewhere). They are taken off the total first; the minimum does not
 *   apply to them, because an override is an explicit decision.
 *
 * The arithmetic is exact. Indicator values are read as the decimals they print
 * as (76042.4 is 760424/10) and parts are compared as BigInt fractions, so a tie
 * between remainders is a real tie, broken by the documented rule (larger
 * remainder, then larger indicator value, then code), never by floating-point
 * noise.
 */
import type { Message } from './messages.js';

export type QuotaMethod = 'proportional' | 'minimum' | 'override';

export interface IndicatorValue {
  /** Kemendagri regency code, e.g. '53.01'. */
  code: string;
  value: number;
}

export interface QuotaOverride {
  code: string;
  quota: number;
  reason: string;
}

export interface QuotaInput {
  total: number;
  indicator: readonly IndicatorValue[];
  minimum?: number;
  overrides?: readonly QuotaOverride[];
}

export interface QuotaAllocation {
  code: string;
  quota: number;
  /**
   * Exact (unrounded) share of the whole total in plain proportion to the
   * indicator, before the minimum and the overrides: the reference a reader
   * compares the quota with.
   */
  share: number;
  /**
   * Exact (unrounded) value the quota was rounded from: for 'proportional' the
   * regency's part of what was left after overrides and minimums (the quota is
   * its floor or its ceiling); for 'minimum' and 'override' the quota itself.
   */
  exact: number;
  method: QuotaMethod;
  /** The override's reason; null for the other methods. */
  reason: string | null;
}

export const QUOTA_ERROR_CODES = [
  'quota_total_invalid',
  'quota_minimum_invalid',
  'quota_no_regencies',
  'quota_indicator_invalid',
  'quota_indicator_duplicate',
  'quota_indicator_all_zero',
  'quota_minimum_too_high',
  'quota_override_invalid',
  'quota_override_no_reason',
  'quota_override_duplicate',
  'quota_override_unknown',
  'quota_overrides_exceed_total',
  'quota_overrides_leave_remainder',
] as const;

export type QuotaErrorCode = (typeof QUOTA_ERROR_CODES)[number];

/** Thrown for input that cannot be allocated; `text` tells the user what to change. */
export class QuotaError extends Error {
  readonly code: QuotaErrorCode;
  readonly text: Message;

  constructor(code: QuotaErrorCode, text: Message) {
    super(text.en);
    this.name = 'QuotaError';
    this.code = code;
    this.text = text;
  }
}

// ---------------------------------------------------------------------------
// Small helpers

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** 100000 -> '100.000' (id) or '100,000' (en); other values as written. */
function num(n: number, lang: 'id' | 'en'): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'id' ? '.' : ',');
  return n < 0 ? `-${digits}` : digits;
}

function shown(x: unknown): string {
  return typeof x === 'string' ? `"${x}"` : String(x);
}

/** A finite non-negative number as an exact decimal: digits / 10^scale. */
function toDecimal(x: number): { digits: bigint; scale: number } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x));
  if (!match?.[1]) throw new RangeError(`not a non-negative finite number: ${x}`);
  const frac = match[2] ?? '';
  let digits = BigInt(match[1] + frac);
  let scale = frac.length - Number(match[3] ?? 0);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

/** numerator / denominator as a number, without overflowing for huge BigInts. */
function ratio(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) return 0;
  const whole = numerator / denominator;
  const rest = ((numerator % denominator) * 10n ** 15n) / denominator;
  return Number(whole) + Number(rest) / 1e15;
}

function sum(values: readonly bigint[]): bigint {
  return values.reduce((a, b) => a + b, 0n);
}

interface Row {
  code: string;
  value: number;
  /** The indicator value scaled to an integer by the common power of ten. */
  weight: bigint;
}

// ---------------------------------------------------------------------------
// Validation

function readIndicator(indicator: readonly IndicatorValue[]): Row[] {
  const seen = new Set<string>();
  const decimals: { code: string; value: number; digits: bigint; scale: number }[] = [];
  for (const { code, value } of indicator) {
    if (seen.has(code)) {
      throw new QuotaError('quota_indicator_duplicate', {
        id: `Kabupaten/kota ${code} muncul lebih dari sekali pada data indikator. Setiap kabupaten/kota hanya boleh punya satu nilai; hapus baris gandanya.`,
        en: `Regency/city ${code} appears more than once in the indicator data. Each regency/city may have only one value; remove the duplicate row.`,
      });
    }
    seen.add(code);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new QuotaError('quota_indicator_invalid', {
        id: `Nilai indikator untuk ${code} tidak sah (${shown(value)}); nilai harus angka 0 atau lebih. Perbaiki data indikator.`,
        en: `The indicator value for ${code} is invalid (${shown(value)}); it must be a number of 0 or more. Correct the indicator data.`,
      });
    }
    decimals.push({ code, value, ...toDecimal(value) });
  }
  const scale = Math.max(0, ...decimals.map((d) => d.scale));
  return decimals.map((d) => ({ code: d.code, value: d.value, weight: d.digits * 10n ** BigInt(scale - d.scale) }));
}

function readOverrides(overrides: readonly QuotaOverride[], known: ReadonlySet<string>, total: number): Map<string, QuotaOverride> {
  const byCode = new Map<string, QuotaOverride>();
  for (const o of overrides) {
    if (!known.has(o.code)) {
      throw new QuotaError('quota_override_unknown', {
        id: `Kabupaten/kota ${o.code} pada penetapan manual tidak ada dalam data indikator. Periksa kode wilayahnya atau tambahkan nilai indikatornya.`,
        en: `Regency/city ${o.code} in the manual overrides is not in the indicator data. Check the area code or add its indicator value.`,
      });
    }
    if (byCode.has(o.code)) {
      throw new QuotaError('quota_override_duplicate', {
        id: `Kuota kabupaten/kota ${o.code} ditetapkan manual lebih dari sekali. Simpan satu penetapan saja per kabupaten/kota.`,
        en: `The quota of regency/city ${o.code} is overridden more than once. Keep one override per regency/city.`,
      });
    }
    if (!isCount(o.quota)) {
      throw new QuotaError('quota_override_invalid', {
        id: `Kuota yang ditetapkan manual untuk ${o.code} harus bilangan bulat 0 atau lebih, bukan ${shown(o.quota)}.`,
        en: `The overridden quota for ${o.code} must be a whole number of 0 or more, not ${shown(o.quota)}.`,
      });
    }
    if (typeof o.reason !== 'string' || o.reason.trim() === '') {
      throw new QuotaError('quota_override_no_reason', {
        id: `Penetapan manual kuota ${o.code} harus disertai alasan. Tuliskan alasannya, misalnya nomor surat atau keputusan rapat.`,
        en: `The override of the quota of ${o.code} needs a reason. Write it down, for example a letter number or a meeting decision.`,
      });
    }
    byCode.set(o.code, o);
  }
  const fixed = [...byCode.values()].reduce((a, o) => a + o.quota, 0);
  if (fixed > total) {
    throw new QuotaError('quota_overrides_exceed_total', {
      id: `Jumlah kuota yang ditetapkan manual (${num(fixed, 'id')}) melebihi kuota total (${num(total, 'id')}). Kurangi penetapan manual atau naikkan kuota total.`,
      en: `The overridden quotas add up to ${num(fixed, 'en')}, more than the total quota (${num(total, 'en')}). Lower the overrides or raise the total.`,
    });
  }
  return byCode;
}

// ---------------------------------------------------------------------------
// Allocation

/**
 * Splits `total` across the regencies of `indicator` (result in the same order).
 * The quotas always add up to `total`. Throws `QuotaError` for input that cannot
 * be allocated.
 */
export function allocateQuota(input: QuotaInput): QuotaAllocation[] {
  const { total } = input;
  const minimum = input.minimum ?? 0;
  if (!isCount(total)) {
    throw new QuotaError('quota_total_invalid', {
      id: `Kuota total harus bilangan bulat 0 atau lebih, bukan ${shown(total)}. Isi kuota total program tanpa desimal.`,
      en: `The total quota must be a whole number of 0 or more, not ${shown(total)}. Enter the programme's total quota without decimals.`,
    });
  }
  if (!isCount(minimum)) {
    throw new QuotaError('quota_minimum_invalid', {
      id: `Kuota minimum per kabupaten/kota harus bilangan bulat 0 atau lebih, bukan ${shown(minimum)}.`,
      en: `The minimum quota per regency/city must be a whole number of 0 or more, not ${shown(minimum)}.`,
    });
  }
  const rows = readIndicator(input.indicator);
  if (rows.length === 0 && total > 0) {
    throw new QuotaError('quota_no_regencies', {
      id: `Tidak ada kabupaten/kota untuk membagi kuota ${num(total, 'id')}. Pilih indikator yang berisi nilai per kabupaten/kota.`,
      en: `There are no regencies/cities to share the quota of ${num(total, 'en')} among. Choose an indicator with a value per regency/city.`,
    });
  }
  const overrides = readOverrides(input.overrides ?? [], new Set(rows.map((r) => r.code)), total);

  const free = rows.filter((r) => !overrides.has(r.code));
  const remaining = total - [...overrides.values()].reduce((a, o) => a + o.quota, 0);
  if (free.length === 0 && remaining > 0) {
    throw new QuotaError('quota_overrides_leave_remainder', {
      id: `Semua kabupaten/kota ditetapkan manual dengan jumlah ${num(total - remaining, 'id')}, sedangkan kuota total ${num(total, 'id')}; sisa ${num(remaining, 'id')} tidak dapat dibagi. Sesuaikan penetapan manual atau hapus salah satunya agar sisanya dibagi proporsional.`,
      en: `Every regency/city has an override, adding up to ${num(total - remaining, 'en')}, but the total is ${num(total, 'en')}; the remaining ${num(remaining, 'en')} cannot be shared out. Adjust the overrides or remove one so the rest is shared proportionally.`,
    });
  }
  if (minimum * free.length > remaining) {
    const after = overrides.size > 0;
    throw new QuotaError('quota_minimum_too_high', {
      id: `Kuota minimum ${num(minimum, 'id')} × ${free.length} kabupaten/kota = ${num(minimum * free.length, 'id')}, melebihi kuota yang tersedia${after ? ' setelah penetapan manual' : ''} (${num(remaining, 'id')}). Turunkan minimum atau naikkan kuota total.`,
      en: `A minimum of ${num(minimum, 'en')} × ${free.length} regencies/cities = ${num(minimum * free.length, 'en')}, more than the quota available${after ? ' after the overrides' : ''} (${num(remaining, 'en')}). Lower the minimum or raise the total.`,
    });
  }
  if (remaining > 0 && sum(free.map((r) => r.weight)) === 0n) {
    throw new QuotaError('quota_indicator_all_zero', {
      id: `Nilai indikator 0 untuk semua kabupaten/kota yang dibagi proporsional, sehingga kuota ${num(remaining, 'id')} tidak dapat dibagi. Pilih indikator lain atau periksa data indikatornya.`,
      en: `The indicator is 0 for every regency/city to be allocated proportionally, so the quota of ${num(remaining, 'en')} cannot be shared out. Choose another indicator or check its data.`,
    });
  }

  // Raise to the minimum until stable. Every regency below the minimum in a round
  // would also fall below it in any later round (the pool only shrinks relative to
  // the weight), so raising them all at once gives the same result as one by one.
  // The check above guarantees at least one regency stays proportional.
  const raised = new Set<string>();
  let open = free;
  for (;;) {
    const pool = BigInt(remaining - minimum * raised.size);
    const weight = sum(open.map((r) => r.weight));
    const below = open.filter((r) => pool * r.weight < BigInt(minimum) * weight);
    if (below.length === 0) break;
    for (const r of below) raised.add(r.code);
    open = open.filter((r) => !raised.has(r.code));
  }

  // Hamilton: everyone gets the floor of their exact part; the units left over go
  // to the largest remainders. All remainders share the denominator `weight`.
  const pool = BigInt(remaining - minimum * raised.size);
  const weight = sum(open.map((r) => r.weight));
  const parts = open.map((r) => {
    const numerator = pool * r.weight;
    return weight === 0n
      ? { row: r, floor: 0n, remainder: 0n, exact: 0 }
      : { row: r, floor: numerator / weight, remainder: numerator % weight, exact: ratio(numerator, weight) };
  });
  let leftover = pool - sum(parts.map((p) => p.floor));
  const order = [...parts].sort(
    (a, b) =>
      (a.remainder === b.remainder ? 0 : a.remainder > b.remainder ? -1 : 1) ||
      (a.row.weight === b.row.weight ? 0 : a.row.weight > b.row.weight ? -1 : 1) ||
      (a.row.code < b.row.code ? -1 : a.row.code > b.row.code ? 1 : 0),
  );
  const proportional = new Map<string, { quota: number; exact: number }>();
  for (const p of order) {
    const extra = leftover > 0n ? 1n : 0n;
    leftover -= extra;
    proportional.set(p.row.code, { quota: Number(p.floor + extra), exact: p.exact });
  }

  const allWeight = sum(rows.map((r) => r.weight));
  return rows.map((r): QuotaAllocation => {
    const share = ratio(BigInt(total) * r.weight, allWeight);
    const override = overrides.get(r.code);
    if (override) return { code: r.code, quota: override.quota, share, exact: override.quota, method: 'override', reason: override.reason };
    if (raised.has(r.code)) return { code: r.code, quota: minimum, share, exact: minimum, method: 'minimum', reason: null };
    const p = proportional.get(r.code) ?? { quota: 0, exact: 0 };
    return { code: r.code, quota: p.quota, share, exact: p.exact, method: 'proportional', reason: null };
  });
}
