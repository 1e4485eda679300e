import { describe, expect, it } from 'vitest';
import {
  controlFacts,
  differences,
  emptyFindings,
  explainLine,
  FINDINGS,
  invoiceColumn,
  invoiceHeaderRow,
  isTotalLabel,
  parseInvoiceMonth,
  readFindings,
} from '../../src/domain/reconciliation.js';

describe('invoice columns', () => {
  it('recognises the titles BPJS branches use, whatever the case, punctuation or "(Rp)"', () => {
    expect(invoiceColumn('No. KPJ')).toBe('kpj');
    expect(invoiceColumn('NOMOR PESERTA')).toBe('kpj');
    expect(invoiceColumn('NIK')).toBe('nik');
    expect(invoiceColumn('Nama Tenaga Kerja')).toBe('name');
    expect(invoiceColumn('Iuran (Rp)')).toBe('amount');
    expect(invoiceColumn('Jumlah Iuran')).toBe('amount');
    expect(invoiceColumn('Iuran JKK + JKM')).toBe('amount');
    expect(invoiceColumn('Iuran JKK')).toBe('jkk');
    expect(invoiceColumn('JKM')).toBe('jkm');
    expect(invoiceColumn('Tanggal Lahir')).toBeNull();
  });

  it('a header row needs a KPJ or NIK and an amount (or JKK/JKM); the first column of a kind wins', () => {
    expect(invoiceHeaderRow(['No', 'KPJ', 'NIK', 'Nama', 'Iuran'])).toEqual({ kpj: 1, nik: 2, name: 3, amount: 4 });
    expect(invoiceHeaderRow(['NIK', 'Nama', 'Iuran JKK', 'Iuran JKM'])).toEqual({ nik: 0, name: 1, jkk: 2, jkm: 3 });
    expect(invoiceHeaderRow(['Nomor Tagihan', 'TAG/1'])).toBeNull();
    expect(invoiceHeaderRow(['KPJ', 'Nama'])).toBeNull();
    expect(invoiceHeaderRow(['Iuran', 'Jumlah', 'KPJ'])).toEqual({ amount: 0, kpj: 2 });
  });
});

describe('control area', () => {
  it('reads "label | value" and "Label: value"', () => {
    expect(controlFacts(['Nomor Tagihan', '', 'TAG/BPU/2026/03/0042'])).toEqual({ number: 'TAG/BPU/2026/03/0042' });
    expect(controlFacts(['Periode Tagihan: Maret 2026'])).toEqual({ month: 'Maret 2026' });
    expect(controlFacts(['No. Invoice', 'INV-7', 'Bulan', '2026-03'])).toEqual({ number: 'INV-7', month: '2026-03' });
    expect(controlFacts(['TAGIHAN IURAN BPU'])).toEqual({});
  });

  it('knows a total row by its label', () => {
    expect(isTotalLabel('TOTAL')).toBe(true);
    expect(isTotalLabel('Jumlah Keseluruhan')).toBe(true);
    expect(isTotalLabel('Grand Total')).toBe(true);
    expect(isTotalLabel('Maria Total')).toBe(false);
  });
});

describe('parseInvoiceMonth', () => {
  it('reads the ways a month is written', () => {
    for (const s of ['2026-03', '2026/3', '03/2026', '3-2026', '202603', 'Maret 2026', 'MARET 2026', 'Mar 2026', 'Bulan Maret 2026', '1 Maret 2026', '01/03/2026', '2026-03-01', 'March 2026']) {
      expect(parseInvoiceMonth(s), s).toBe('2026-03');
    }
    expect(parseInvoiceMonth('Pebruari 2026')).toBe('2026-02');
    expect(parseInvoiceMonth('Agt 2025')).toBe('2025-08');
    expect(parseInvoiceMonth(new Date(Date.UTC(2026, 2, 1)))).toBe('2026-03');
  });

  it('says null for anything else', () => {
    for (const s of ['', '2026-13', 'Maret', '13/2026', 'Semester 1 2026', '2026']) expect(parseInvoiceMonth(s), s).toBeNull();
    expect(parseInvoiceMonth(null)).toBeNull();
  });
});

describe('findings', () => {
  it('reads stored findings, missing kinds as zero, and counts what BPJS must answer', () => {
    const f = readFindings({ match: { lines: 10, amount: 168_000, expected: 168_000 }, unknown: { lines: 2, amount: 33_600, expected: 0 }, active_not_billed: { lines: 1, amount: 0, expected: 16_800 } });
    expect(f.amount_differs).toEqual({ lines: 0, amount: 0, expected: 0 });
    expect(differences(f)).toBe(3);
    expect(Object.keys(emptyFindings())).toEqual([...FINDINGS]);
    expect(readFindings(null)).toEqual(emptyFindings());
  });

  it('explains each line in Indonesian and English', () => {
    const base = { amount: 16_800, expected: null, month: '2026-03' };
    expect(explainLine({ ...base, finding: 'amount_differs', amount: 17_000, expected: 16_800 }, 'id')).toBe('BPJS menagih Rp17.000, menurut tarif Rp16.800.');
    expect(explainLine({ ...base, finding: 'other_funder', otherProgramme: { code: 'MABAR-2026', funderName: 'Pemerintah Kabupaten Manggarai Barat' } }, 'en'))
      .toBe('In March 2026 covered by programme MABAR-2026 (Pemerintah Kabupaten Manggarai Barat).');
    const ended = { state: 'ended', effectiveDate: '2026-01-01', endedOn: '2026-02-10', endedReason: 'death', lapsedOn: null };
    expect(explainLine({ ...base, finding: 'billed_not_active', membership: ended }, 'id')).toBe('Kepesertaan berakhir 2026-02-10 (meninggal).');
    expect(explainLine({ ...base, finding: 'billed_not_active', membership: { ...ended, state: 'lapsed', lapsedOn: '2026-02-01' } }, 'en')).toBe('Lapsed (unpaid) since 2026-02-01.');
    expect(explainLine({ ...base, finding: 'billed_not_active', membership: { ...ended, state: 'candidate' } }, 'en')).toBe('Not active yet (candidate).');
    expect(explainLine({ ...base, finding: 'billed_not_active', membership: null }, 'id')).toBe('Tidak terdaftar di program ini.');
    expect(explainLine({ ...base, finding: 'duplicate_line', firstLine: 9 }, 'id')).toBe('Orang yang sama sudah ditagih di baris 9.');
    expect(explainLine({ ...base, finding: 'unknown', conflicting: true }, 'en')).toMatch(/two different people/);
    expect(explainLine({ ...base, finding: 'active_not_billed', amount: null, expected: 16_800 }, 'id')).toMatch(/Rp16\.800/);
    expect(explainLine({ ...base, finding: 'match' }, 'id')).toBe('');
  });
});
