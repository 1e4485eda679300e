/**
 * Reconciling a BPJS invoice (tagihan) with our own bill: what each finding means, how the
 * invoice's columns and control area are recognised, how its month is read, and the words that
 * explain a line to the people who send the report back to BPJS.
 *
 * Pure: no I/O. The comparison itself is set-based SQL (features/enrollment/reconcile.ts); this
 * module only names and explains what that SQL finds.
 */
import type { Lang, Message } from './messages.js';
import { formatMonth } from './billing.js';
import { formatRupiah } from './money.js';

// ---------------------------------------------------------------------------
// Findings

/** What a line of the invoice is, compared with our bill of the same programme and month. */
export const LINE_FINDINGS = ['match', 'amount_differs', 'billed_not_active', 'other_funder', 'unknown', 'duplicate_line'] as const;
export type LineFinding = (typeof LINE_FINDINGS)[number];

/** Line findings plus people on our bill whom BPJS did not bill (found by query, not by a line). */
export const FINDINGS = [...LINE_FINDINGS, 'active_not_billed'] as const;
export type Finding = (typeof FINDINGS)[number];

export const FINDING_LABELS: Readonly<Record<Finding, Message>> = {
  match: { id: 'Cocok', en: 'Match' },
  amount_differs: { id: 'Iuran berbeda', en: 'Amount differs' },
  billed_not_active: { id: 'Ditagih tetapi tidak aktif', en: 'Billed but not active' },
  other_funder: { id: 'Ditanggung pendana lain', en: 'Covered by another funder' },
  unknown: { id: 'Tidak dikenal', en: 'Unknown' },
  duplicate_line: { id: 'Baris ganda', en: 'Duplicate line' },
  active_not_billed: { id: 'Aktif tetapi tidak ditagih', en: 'Active but not billed' },
};

export const FINDING_HELP: Readonly<Record<Finding, Message>> = {
  match: { id: 'Peserta ada di tagihan kami bulan ini dengan iuran yang sama.', en: 'On our bill for the month with the same amount.' },
  amount_differs: {
    id: 'Peserta ada di tagihan kami, tetapi iuran yang ditagih BPJS berbeda dari iuran menurut tarif.',
    en: 'On our bill, but BPJS bills a different amount than the tariff gives.',
  },
  billed_not_active: {
    id: 'BPJS menagih orang yang tidak dilindungi program ini pada bulan itu (belum aktif, non-aktif, berakhir, atau tidak terdaftar di program ini).',
    en: 'BPJS bills someone this programme did not cover that month (not yet active, lapsed, ended, or not in this programme).',
  },
  other_funder: {
    id: 'Orang ini pada bulan itu dilindungi program/pendana lain; tagihannya harus ditujukan ke pendana itu.',
    en: 'This person was covered that month by another programme/funder; the line belongs on that funder\'s bill.',
  },
  unknown: {
    id: 'KPJ dan NIK tidak ditemukan di data kami, atau keduanya menunjuk orang yang berbeda.',
    en: 'Neither the KPJ nor the NIK is known to us, or they point to different people.',
  },
  duplicate_line: { id: 'Orang yang sama ditagih lebih dari sekali dalam tagihan ini.', en: 'The same person is billed more than once in this invoice.' },
  active_not_billed: {
    id: 'Peserta aktif di tagihan kami bulan ini, tetapi tidak ada di tagihan BPJS.',
    en: 'Active and on our bill for the month, but missing from BPJS\'s invoice.',
  },
};

/** Per finding: lines (people, for active_not_billed), BPJS's amount, and our amount. */
export interface FindingTotals {
  lines: number;
  /** What BPJS bills on these lines (0 for active_not_billed). */
  amount: number;
  /** What our bill says for these people (0 where we owe nothing). */
  expected: number;
}

export type Findings = Record<Finding, FindingTotals>;

export function emptyFindings(): Findings {
  return Object.fromEntries(FINDINGS.map((f) => [f, { lines: 0, amount: 0, expected: 0 }])) as Findings;
}

/** Reads the findings stored on an invoice (jsonb); missing kinds count zero. */
export function readFindings(stored: unknown): Findings {
  const out = emptyFindings();
  if (!stored || typeof stored !== 'object') return out;
  for (const f of FINDINGS) {
    const v = (stored as Record<string, unknown>)[f];
    if (v && typeof v === 'object') {
      const t = v as Partial<Record<keyof FindingTotals, unknown>>;
      out[f] = { lines: Number(t.lines ?? 0), amount: Number(t.amount ?? 0), expected: Number(t.expected ?? 0) };
    }
  }
  return out;
}

/** Lines that need an answer from BPJS: everything but matches. */
export function differences(f: Findings): number {
  return FINDINGS.filter((k) => k !== 'match').reduce((s, k) => s + f[k].lines, 0);
}

// ---------------------------------------------------------------------------
// Columns and control area

/** Words compared without case, accents, punctuation or a "(Rp)" note. */
export function labelKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter((w) => w && w !== 'rp' && w !== 'idr')
    .join(' ');
}

export const INVOICE_COLUMNS = ['kpj', 'nik', 'name', 'amount', 'jkk', 'jkm'] as const;
export type InvoiceColumn = (typeof INVOICE_COLUMNS)[number];

/** Accepted column titles (after labelKey). Documented in docs/enrollment.md. */
export const INVOICE_HEADERS: Readonly<Record<InvoiceColumn, readonly string[]>> = {
  kpj: [
    'kpj', 'no kpj', 'nomor kpj', 'kpj peserta', 'no kpj peserta', 'no peserta', 'nomor peserta', 'no kartu peserta', 'nomor kartu peserta',
    'no kepesertaan', 'nomor kepesertaan', 'participant number', 'kpj number',
  ],
  nik: ['nik', 'no nik', 'nomor nik', 'nik peserta', 'nik ktp', 'no ktp', 'nomor ktp', 'nomor induk kependudukan', 'national id', 'id number'],
  name: ['nama', 'nama peserta', 'nama lengkap', 'nama tenaga kerja', 'nama tk', 'nama pekerja', 'name', 'full name'],
  amount: [
    'iuran', 'jumlah iuran', 'total iuran', 'iuran per bulan', 'iuran bulanan', 'nominal', 'nominal iuran', 'jumlah', 'jumlah tagihan', 'tagihan',
    'total tagihan', 'nilai tagihan', 'nilai iuran', 'total', 'total bayar', 'jumlah bayar', 'iuran jkk jkm', 'iuran jkk dan jkm', 'jkk jkm',
    'jkk dan jkm', 'amount', 'contribution',
  ],
  jkk: ['jkk', 'iuran jkk'],
  jkm: ['jkm', 'iuran jkm'],
};

const COLUMN_BY_KEY = new Map<string, InvoiceColumn>();
for (const c of INVOICE_COLUMNS) for (const h of INVOICE_HEADERS[c]) COLUMN_BY_KEY.set(h, c);

export function invoiceColumn(header: string): InvoiceColumn | null {
  return COLUMN_BY_KEY.get(labelKey(header)) ?? null;
}

export type ColumnMap = Partial<Record<InvoiceColumn, number>>;

/**
 * The row's columns when it is the invoice's header row: a KPJ or NIK column and an amount (or JKK
 * and/or JKM) column; null otherwise. The first column of each kind wins.
 */
export function invoiceHeaderRow(cells: readonly string[]): ColumnMap | null {
  const map: ColumnMap = {};
  cells.forEach((c, i) => {
    const col = c.length <= 60 ? invoiceColumn(c) : null;
    if (col && map[col] === undefined) map[col] = i;
  });
  const who = map.kpj !== undefined || map.nik !== undefined;
  const money = map.amount !== undefined || map.jkk !== undefined || map.jkm !== undefined;
  return who && money ? map : null;
}

export type ControlField = 'number' | 'month';

export const CONTROL_LABELS: Readonly<Record<ControlField, readonly string[]>> = {
  number: [
    'nomor tagihan', 'no tagihan', 'nomor invoice', 'no invoice', 'invoice no', 'invoice number', 'nomor surat tagihan', 'no surat tagihan',
    'nomor tagihan iuran', 'no tagihan iuran', 'nomor referensi', 'no referensi', 'no ref',
  ],
  month: [
    'bulan', 'bulan tagihan', 'tagihan bulan', 'bulan iuran', 'iuran bulan', 'periode', 'periode tagihan', 'periode iuran', 'masa iuran', 'masa tagihan',
    'month', 'period', 'billing month',
  ],
};

const CONTROL_BY_KEY = new Map<string, ControlField>();
for (const f of ['number', 'month'] as const) for (const l of CONTROL_LABELS[f]) CONTROL_BY_KEY.set(l, f);

/**
 * The control facts on one row above the header: "Nomor Tagihan | 123/TAG/2026" (label, then the
 * next filled cell) or "Bulan: Maret 2026" in one cell.
 */
export function controlFacts(cells: readonly string[]): Partial<Record<ControlField, string>> {
  const out: Partial<Record<ControlField, string>> = {};
  const filled = cells.map((c) => c.trim()).filter(Boolean);
  for (let i = 0; i < filled.length; i++) {
    const cell = filled[i]!;
    const colon = cell.indexOf(':');
    if (colon > 0) {
      const field = CONTROL_BY_KEY.get(labelKey(cell.slice(0, colon)));
      const value = cell.slice(colon + 1).trim();
      if (field && value && out[field] === undefined) {
        out[field] = value;
        continue;
      }
    }
    const field = CONTROL_BY_KEY.get(labelKey(cell));
    const next = filled[i + 1];
    if (field && next !== undefined && out[field] === undefined) {
      out[field] = next.replace(/^:\s*/, '');
      i++;
    }
  }
  return out;
}

/** A label such as "TOTAL" or "Jumlah Keseluruhan" that marks the sum row under the lines. */
export function isTotalLabel(text: string): boolean {
  return /^(grand )?(total|jumlah)( (keseluruhan|seluruhnya|tagihan|iuran|akhir))?$/.test(labelKey(text));
}

// ---------------------------------------------------------------------------
// The month

const MONTH_WORDS: Readonly<Record<string, number>> = {
  januari: 1, january: 1, jan: 1,
  februari: 2, pebruari: 2, february: 2, feb: 2, peb: 2,
  maret: 3, march: 3, mar: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, june: 6, jun: 6,
  juli: 7, july: 7, jul: 7,
  agustus: 8, august: 8, agu: 8, agt: 8, ags: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nopember: 11, nov: 11, nop: 11,
  desember: 12, december: 12, des: 12, dec: 12,
};

const ym = (y: number, m: number): string | null => (y >= 2000 && y <= 2100 && m >= 1 && m <= 12 ? `${y}-${String(m).padStart(2, '0')}` : null);

/**
 * The month an invoice is for, as written in its control area or typed by a person: '2026-03',
 * '03/2026', '3-2026', '202603', 'Maret 2026', 'MAR 2026', 'Bulan Maret 2026', '1 Maret 2026',
 * '01/03/2026' (day/month/year), '2026-03-01', or a date cell. Null when it is not a month.
 */
export function parseInvoiceMonth(value: string | number | Date | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : ym(value.getUTCFullYear(), value.getUTCMonth() + 1);
  const s = String(value).trim().toLowerCase().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})[-/.](\d{1,2})$/.exec(s))) return ym(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{1,2})[-/.](\d{4})$/.exec(s))) return ym(Number(m[2]), Number(m[1]));
  if ((m = /^(\d{4})(\d{2})$/.exec(s))) return ym(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) return ym(Number(m[1]), Number(m[2]));
  if ((m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s))) return ym(Number(m[3]), Number(m[2]));
  const words = s.replace(/[,.]/g, ' ').split(' ').filter((w) => w && w !== 'bulan' && w !== 'periode' && w !== 'month');
  if (words.length === 3 && /^\d{1,2}$/.test(words[0]!)) words.shift();
  if (words.length === 2) {
    const month = MONTH_WORDS[words[0]!];
    if (month && /^\d{4}$/.test(words[1]!)) return ym(Number(words[1]), month);
  }
  return null;
}

// ---------------------------------------------------------------------------
// Explaining a line

export interface LineContext {
  finding: Finding;
  amount: number | null;
  expected: number | null;
  /** For billed_not_active: this programme's membership of the person, if any. */
  membership?: { state: string; effectiveDate: string | null; endedOn: string | null; endedReason: string | null; lapsedOn: string | null } | null;
  /** For other_funder: the programme that covers the person that month. */
  otherProgramme?: { code: string; funderName: string } | null;
  /** For duplicate_line: the first line of the same person. */
  firstLine?: number | null;
  /** For unknown: the KPJ and NIK point to different people (rather than to nobody). */
  conflicting?: boolean;
  month: string;
}

const ENDED: Readonly<Record<string, Message>> = {
  death: { id: 'meninggal', en: 'death' },
  moved_away: { id: 'pindah', en: 'moved away' },
  wage_earner: { id: 'menjadi penerima upah', en: 'became a wage earner' },
  age_limit: { id: 'batas usia', en: 'age limit' },
  duplicate: { id: 'duplikat', en: 'duplicate' },
  withdrawn: { id: 'mengundurkan diri', en: 'withdrawn' },
  programme_end: { id: 'program berakhir', en: 'programme ended' },
};

const STATES: Readonly<Record<string, Message>> = {
  waiting: { id: 'daftar tunggu', en: 'waiting list' },
  candidate: { id: 'calon', en: 'candidate' },
  submitted: { id: 'diajukan ke BPJS', en: 'submitted to BPJS' },
};

/** One sentence saying why the line has its finding, for the report and the screen. */
export function explainLine(c: LineContext, lang: Lang): string {
  const rp = (n: number | null) => formatRupiah(n ?? 0, lang);
  const month = formatMonth(c.month, lang);
  const t = (m: Message) => m[lang];
  switch (c.finding) {
    case 'match':
      return '';
    case 'amount_differs':
      return t({ id: `BPJS menagih ${rp(c.amount)}, menurut tarif ${rp(c.expected)}.`, en: `BPJS bills ${rp(c.amount)}; the tariff gives ${rp(c.expected)}.` });
    case 'other_funder': {
      const o = c.otherProgramme;
      return o
        ? t({ id: `Pada ${month} ditanggung program ${o.code} (${o.funderName}).`, en: `In ${month} covered by programme ${o.code} (${o.funderName}).` })
        : t({ id: `Pada ${month} ditanggung program lain.`, en: `In ${month} covered by another programme.` });
    }
    case 'billed_not_active': {
      const m = c.membership;
      if (!m) return t({ id: 'Tidak terdaftar di program ini.', en: 'Not in this programme.' });
      if (m.state === 'ended') {
        const why = m.endedReason ? ENDED[m.endedReason] : undefined;
        return t({
          id: `Kepesertaan berakhir${m.endedOn ? ` ${m.endedOn}` : ''}${why ? ` (${why.id})` : ''}.`,
          en: `Membership ended${m.endedOn ? ` on ${m.endedOn}` : ''}${why ? ` (${why.en})` : ''}.`,
        });
      }
      if (m.state === 'lapsed') {
        return t({ id: `Non-aktif (menunggak)${m.lapsedOn ? ` sejak ${m.lapsedOn}` : ''}.`, en: `Lapsed (unpaid)${m.lapsedOn ? ` since ${m.lapsedOn}` : ''}.` });
      }
      const state = STATES[m.state];
      if (state) return t({ id: `Belum aktif (${state.id}).`, en: `Not active yet (${state.en}).` });
      if (m.effectiveDate) {
        return t({ id: `Tidak dilindungi pada ${month} (TMT ${m.effectiveDate}).`, en: `Not covered in ${month} (effective ${m.effectiveDate}).` });
      }
      return t({ id: `Tidak dilindungi pada ${month}.`, en: `Not covered in ${month}.` });
    }
    case 'unknown':
      return c.conflicting
        ? t({ id: 'KPJ dan NIK pada baris ini milik dua orang yang berbeda.', en: 'The KPJ and the NIK on this line belong to two different people.' })
        : t({ id: 'KPJ dan NIK tidak ditemukan di data kami.', en: 'Neither the KPJ nor the NIK is in our data.' });
    case 'duplicate_line':
      return c.firstLine
        ? t({ id: `Orang yang sama sudah ditagih di baris ${c.firstLine}.`, en: `The same person is already billed on line ${c.firstLine}.` })
        : t({ id: 'Orang yang sama ditagih lebih dari sekali.', en: 'The same person is billed more than once.' });
    case 'active_not_billed':
      return t({ id: `Aktif dan ditagih kami ${rp(c.expected)}, tidak ada di tagihan BPJS.`, en: `Active and on our bill at ${rp(c.expected)}, missing from BPJS's invoice.` });
  }
}
