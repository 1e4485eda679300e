/**
 * BPU contribution tariffs as dated data, and the lookup of what one person
 * costs in one contribution month.
 *
 * Pure: no I/O, no clock. Amounts change by regulation (two changes in 2025
 * alone, domain.md §3), so every amount is a row with a validity period and a
 * legal basis, never a constant in code; DEMO_TARIFFS below is sample data for
 * the demo and the tests, and the real table lives in the database.
 *
 * Rules of the lookup:
 *
 * - **The tariff in force on the first day of the contribution month applies to
 *   the whole month.** BPJS bills whole months and the contribution is due by
 *   the 15th of the month itself (paid in advance), so the amount has to be
 *   known when the month starts. A change dated 1 April applies to April; a
 *   change dated 15 April applies from May (April is billed at the old rate).
 * - **Brackets** (a choice: domain.md gives only the lowest basis).
 *   `basisIncome` is the lower bound of a declared-income bracket: among the
 *   rows of the benefit in force for the person's funding (or 'any'), the one
 *   with the highest basis not above the declared income applies. A flat
 *   benefit (JKM) therefore needs a single row at the minimum basis, and the
 *   top bracket is open-ended. A declared income below the lowest basis has no
 *   tariff. The bracket is chosen before the funding, so a missing halved row
 *   for a higher bracket falls back to that bracket's full price, never to a
 *   lower bracket's halved one.
 * - **Funding.** Within the bracket, a row for the person's funding source
 *   ('apbd' or 'non_apbd') wins over a row for 'any'. PP 50/2025 halves
 *   JKK/JKM in 2026 for everyone except participants paid from APBN/APBD, which
 *   is why the halved rows are 'non_apbd' and a province-paid programme keeps
 *   paying full price.
 * - **Overlaps are errors.** Two rows for the same benefit, segment, funding
 *   and basis that are both in force on some date leave the amount undecided.
 *   `checkTariffs` reports them when the table is edited; a lookup that meets
 *   one reports the benefit as missing instead of picking a row.
 */
import { firstDay, formatDate, formatMonth, isDate } from './billing.js';
import type { Message } from './messages.js';
import { formatRupiah } from './money.js';

export type Benefit = 'JKK' | 'JKM' | 'JHT';

export const BENEFITS: readonly Benefit[] = ['JKK', 'JKM', 'JHT'];

export type Funding = 'apbd' | 'non_apbd';

export interface TariffRow {
  id?: number;
  benefit: Benefit;
  segment: 'BPU';
  /** Declared-income bracket the amount applies to: its lower bound, in rupiah. */
  basisIncome: number;
  /** Rupiah per person per month. */
  amount: number;
  /** YYYY-MM-DD, first day in force. */
  validFrom: string;
  /** YYYY-MM-DD, last day in force (inclusive); null while no end is known. */
  validTo: string | null;
  /** PP 50/2025 halving excludes APBD-paid participants. */
  funding: 'any' | Funding;
  legalBasis: string;
}

export interface TariffQuery {
  benefits: readonly Benefit[];
  /** Rupiah per month, as declared at registration (Rp1,000,000 for the NTT programme). */
  declaredIncome: number;
  /** YYYY-MM, the contribution month. */
  month: string;
  funding: Funding;
}

export interface TariffPart {
  benefit: Benefit;
  amount: number;
  tariff: TariffRow;
}

export type TariffResult =
  | { ok: true; perPersonPerMonth: number; parts: TariffPart[] }
  | { ok: false; message: Message; missing: Benefit[] };

/**
 * Sample data (domain.md §3). Legal bases are as reported in the news and
 * BPJS pages; check them against the regulation text before real use.
 */
export const DEMO_TARIFFS: readonly TariffRow[] = [
  // JKK for BPU at the lowest bracket: 1% of Rp1,000,000. The higher brackets
  // (up to Rp20,700,000) are not needed by the demo programme.
  { benefit: 'JKK', segment: 'BPU', basisIncome: 1_000_000, amount: 10_000, validFrom: '2015-07-01', validTo: null, funding: 'any', legalBasis: 'PP 44/2015 Lampiran II' },
  // JKM for BPU is flat, whatever the declared income.
  { benefit: 'JKM', segment: 'BPU', basisIncome: 1_000_000, amount: 6_800, validFrom: '2015-07-01', validTo: null, funding: 'any', legalBasis: 'PP 44/2015' },
  // JHT is optional for BPU and not part of the NTT programme: 2% of the basis.
  { benefit: 'JHT', segment: 'BPU', basisIncome: 1_000_000, amount: 20_000, validFrom: '2015-07-01', validTo: null, funding: 'any', legalBasis: 'PP 46/2015' },
  // PP 50/2025: JKK and JKM halved for April–December 2026, except for
  // participants paid from APBN/APBD. Transport workers get the halving earlier
  // and longer (January 2026 – March 2027); rows carry no occupation, so they
  // would need a segment of their own before that can be recorded here.
  { benefit: 'JKK', segment: 'BPU', basisIncome: 1_000_000, amount: 5_000, validFrom: '2026-04-01', validTo: '2026-12-31', funding: 'non_apbd', legalBasis: 'PP 50/2025' },
  { benefit: 'JKM', segment: 'BPU', basisIncome: 1_000_000, amount: 3_400, validFrom: '2026-04-01', validTo: '2026-12-31', funding: 'non_apbd', legalBasis: 'PP 50/2025' },
];

// ---------------------------------------------------------------------------
// Helpers

const FUNDING_TEXT: Record<TariffRow['funding'], Message> = {
  any: { id: 'semua sumber dana', en: 'any funding' },
  apbd: { id: 'dana APBN/APBD', en: 'APBN/APBD funding' },
  non_apbd: { id: 'dana selain APBN/APBD', en: 'non-APBN/APBD funding' },
};

function inForce(row: TariffRow, date: string): boolean {
  return row.validFrom <= date && (row.validTo === null || row.validTo >= date);
}

function describe(row: TariffRow, lang: 'id' | 'en'): string {
  const ref = row.id === undefined ? '' : lang === 'id' ? ` (baris ${row.id})` : ` (row ${row.id})`;
  const to = row.validTo === null ? (lang === 'id' ? 'seterusnya' : 'open-ended') : isDate(row.validTo) ? formatDate(row.validTo, lang) : row.validTo;
  const from = isDate(row.validFrom) ? formatDate(row.validFrom, lang) : row.validFrom;
  const basis = Number.isSafeInteger(row.basisIncome) ? formatRupiah(row.basisIncome, lang) : String(row.basisIncome);
  return lang === 'id'
    ? `${row.benefit} ${row.segment} dasar ${basis}, ${FUNDING_TEXT[row.funding].id}, ${from} s.d. ${to}${ref}`
    : `${row.benefit} ${row.segment} basis ${basis}, ${FUNDING_TEXT[row.funding].en}, ${from} to ${to}${ref}`;
}

// ---------------------------------------------------------------------------
// Checking the table

/**
 * Everything wrong with a tariff table, one message per problem (empty when
 * the table is sound): malformed rows and overlapping rows.
 */
export function checkTariffs(rows: readonly TariffRow[]): Message[] {
  const messages: Message[] = [];
  const sound: TariffRow[] = [];
  for (const row of rows) {
    const problems: Message[] = [];
    if (!BENEFITS.includes(row.benefit)) problems.push({ id: `program "${String(row.benefit)}" tidak dikenal (JKK, JKM atau JHT)`, en: `unknown benefit "${String(row.benefit)}" (JKK, JKM or JHT)` });
    if (!Number.isSafeInteger(row.amount) || row.amount < 0) problems.push({ id: `iuran ${row.amount} bukan rupiah bulat 0 atau lebih`, en: `amount ${row.amount} is not whole rupiah of 0 or more` });
    if (!Number.isSafeInteger(row.basisIncome) || row.basisIncome <= 0) problems.push({ id: `dasar penghasilan ${row.basisIncome} bukan rupiah bulat lebih dari 0`, en: `basis income ${row.basisIncome} is not whole rupiah above 0` });
    if (!isDate(row.validFrom)) problems.push({ id: `tanggal mulai "${row.validFrom}" bukan tanggal (TTTT-BB-HH)`, en: `start date "${row.validFrom}" is not a date (YYYY-MM-DD)` });
    if (row.validTo !== null && !isDate(row.validTo)) problems.push({ id: `tanggal akhir "${row.validTo}" bukan tanggal (TTTT-BB-HH)`, en: `end date "${row.validTo}" is not a date (YYYY-MM-DD)` });
    else if (row.validTo !== null && row.validTo < row.validFrom) problems.push({ id: 'tanggal akhir sebelum tanggal mulai', en: 'the end date is before the start date' });
    if (row.legalBasis.trim() === '') problems.push({ id: 'dasar hukum kosong', en: 'the legal basis is empty' });
    for (const p of problems) {
      messages.push({
        id: `Tarif ${describe(row, 'id')}: ${p.id}. Perbaiki baris tarif ini.`,
        en: `Tariff ${describe(row, 'en')}: ${p.en}. Correct this tariff row.`,
      });
    }
    if (problems.length === 0) sound.push(row);
  }

  const sorted = [...sound].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    if (!a) continue;
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j];
      if (!b) continue;
      if (a.benefit !== b.benefit || a.segment !== b.segment || a.funding !== b.funding || a.basisIncome !== b.basisIncome) continue;
      // Sorted by start: b overlaps a when b starts before a ends.
      if (a.validTo !== null && b.validFrom > a.validTo) continue;
      messages.push({
        id: `Dua tarif berlaku bersamaan mulai ${formatDate(b.validFrom, 'id')}: ${describe(a, 'id')} dan ${describe(b, 'id')}. Akhiri tarif lama sehari sebelum tarif baru mulai berlaku.`,
        en: `Two tariffs are in force at once from ${formatDate(b.validFrom, 'en')}: ${describe(a, 'en')} and ${describe(b, 'en')}. End the old tariff the day before the new one starts.`,
      });
    }
  }
  return messages;
}

// ---------------------------------------------------------------------------
// Lookup

/**
 * What one person costs in `month`: the sum of the listed benefits' amounts,
 * each from the row chosen by the rules in the module comment. Benefits listed
 * twice are charged once. When a benefit has no row (or two rows that
 * overlap), the result is not ok and names every such benefit, so the bill is
 * never made from a partial price.
 *
 * Throws RangeError for a malformed month or a declared income that is not a
 * whole number of rupiah (programming errors, not data gaps).
 */
export function tariffFor(rows: readonly TariffRow[], query: TariffQuery): TariffResult {
  const day = firstDay(query.month);
  if (!Number.isSafeInteger(query.declaredIncome) || query.declaredIncome < 0) {
    throw new RangeError(`declaredIncome must be whole rupiah of 0 or more, not ${query.declaredIncome}`);
  }
  const benefits = [...new Set(query.benefits)];
  const monthId = formatMonth(query.month, 'id');
  const monthEn = formatMonth(query.month, 'en');
  if (benefits.length === 0) {
    return {
      ok: false,
      missing: [],
      message: {
        id: 'Program ini belum memilih manfaat yang dibayar (JKK, JKM, JHT). Pilih manfaatnya pada pengaturan program.',
        en: 'This programme has no benefits selected (JKK, JKM, JHT). Choose them in the programme settings.',
      },
    };
  }

  const parts: TariffPart[] = [];
  const missing: Benefit[] = [];
  const income = { id: formatRupiah(query.declaredIncome, 'id'), en: formatRupiah(query.declaredIncome, 'en') };
  const why: Message[] = [];
  for (const benefit of benefits) {
    const candidates = rows.filter(
      (r) => r.benefit === benefit && r.segment === 'BPU' && (r.funding === 'any' || r.funding === query.funding) && inForce(r, day),
    );
    const bases = candidates.map((r) => r.basisIncome).filter((b) => b <= query.declaredIncome);
    if (bases.length === 0) {
      missing.push(benefit);
      if (candidates.length > 0) {
        const lowest = Math.min(...candidates.map((r) => r.basisIncome));
        why.push({
          id: `penghasilan ${income.id} di bawah dasar terendah ${benefit} (${formatRupiah(lowest, 'id')}): daftarkan penghasilan paling sedikit sebesar itu`,
          en: `the income of ${income.en} is below the lowest ${benefit} basis (${formatRupiah(lowest, 'en')}): declare at least that much`,
        });
      } else {
        why.push({ id: `tidak ada tarif ${benefit} yang berlaku`, en: `no ${benefit} tariff is in force` });
      }
      continue;
    }
    const basis = Math.max(...bases);
    const inBracket = candidates.filter((r) => r.basisIncome === basis);
    const specific = inBracket.filter((r) => r.funding === query.funding);
    const chosen = specific.length > 0 ? specific : inBracket;
    const [row] = chosen;
    if (!row || chosen.length > 1) {
      missing.push(benefit);
      why.push({
        id: `tarif ${benefit} tumpang tindih: ${chosen.map((r) => describe(r, 'id')).join('; ')}`,
        en: `overlapping ${benefit} tariffs: ${chosen.map((r) => describe(r, 'en')).join('; ')}`,
      });
      continue;
    }
    if (!Number.isSafeInteger(row.amount) || row.amount < 0) {
      // Money is never a float: a broken row must not turn into a rounded bill.
      throw new RangeError(`tariff amount is not whole rupiah: ${row.amount} (${describe(row, 'en')})`);
    }
    parts.push({ benefit, amount: row.amount, tariff: row });
  }

  if (missing.length > 0) {
    const list = missing.join(', ');
    const funding = FUNDING_TEXT[query.funding];
    return {
      ok: false,
      missing,
      message: {
        id: `Iuran ${list} bulan ${monthId} (penghasilan ${income.id}, ${funding.id}) tidak dapat dihitung: ${why.map((w) => w.id).join('; ')}. Lengkapi atau perbaiki tabel tarif agar tepat satu tarif berlaku pada ${formatDate(day, 'id')}, atau perbaiki penghasilan yang didaftarkan.`,
        en: `The ${list} contribution for ${monthEn} (income ${income.en}, ${funding.en}) cannot be worked out: ${why.map((w) => w.en).join('; ')}. Add or correct the tariff table so that exactly one tariff is in force on ${formatDate(day, 'en')}, or correct the declared income.`,
      },
    };
  }
  return { ok: true, perPersonPerMonth: parts.reduce((sum, p) => sum + p.amount, 0), parts };
}
