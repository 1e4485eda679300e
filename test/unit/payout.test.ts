import { describe, expect, it } from 'vitest';
import {
  checkLayout,
  claimPayoutState,
  confirmationHeaderRow,
  controlBatch,
  DEFAULT_PAYOUT_LAYOUT,
  layoutOrDefault,
  layoutRow,
  normaliseReference,
  parseBankOutcome,
  payoutReference,
  transition,
  type PayoutFileLine,
} from '../../src/domain/payout.js';

const line: PayoutFileLine = {
  lineNo: 1, reference: 'LDG000000042', bankAccount: '0012345678901', accountHolder: 'Maria Tefa', bankName: 'Bank NTT', amount: 42_000_000,
  payeeName: 'Maria Tefa', relation: 'istri', claimNo: 'KLM-2026-0001', claimType: 'jkm_death', memberName: 'Yohanes Tefa', batchId: 7, batchDate: '2026-03-10',
};

describe('payout references', () => {
  it('are LDG and the zero-padded line id, read back whatever the case and spacing', () => {
    expect(payoutReference(42)).toBe('LDG000000042');
    expect(normaliseReference(" 'ldg 000000042 ")).toBe('LDG000000042');
  });
});

describe('bank file layout', () => {
  it('the default has what a transfer needs and renders a line', () => {
    expect(checkLayout(DEFAULT_PAYOUT_LAYOUT).ok).toBe(true);
    expect(layoutRow(DEFAULT_PAYOUT_LAYOUT, line)).toEqual([1, 'LDG000000042', '0012345678901', 'Maria Tefa', 'Bank NTT', 42_000_000, 'Manfaat JKM KLM-2026-0001']);
  });

  it('takes fixed texts and any order of fields', () => {
    const c = checkLayout([{ header: 'Kode Bank', value: 'NTT' }, { header: 'Rek', field: 'bank_account' }, { header: 'Jumlah', field: 'amount' }, { header: 'Ref', field: 'reference' }, { header: 'Jenis', field: 'claim_type' }]);
    expect(c.ok).toBe(true);
    if (c.ok) expect(layoutRow(c.columns, { ...line, claimType: 'jkk_death' })).toEqual(['NTT', '0012345678901', 42_000_000, 'LDG000000042', 'JKK']);
  });

  it('refuses a layout without reference, account or amount, unknown fields, twice the same title, both field and value', () => {
    const c = checkLayout([{ header: 'Nama', field: 'payee_name' }, { header: 'nama', field: 'nope' }, { header: 'X', field: 'amount', value: '1' }, { header: '' }]);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      const all = c.problems.map((p) => p.en).join('\n');
      expect(all).toMatch(/title "nama" is used twice/);
      expect(all).toMatch(/unknown field "nope"/);
      expect(all).toMatch(/not both or neither/);
      expect(all).toMatch(/Column 4: a title is required/);
      expect(all).toMatch(/reference.*required/);
      expect(all).toMatch(/Destination account number, required" is required/);
    }
    expect(checkLayout([]).ok).toBe(false);
    expect(checkLayout('x').ok).toBe(false);
    expect(layoutOrDefault({ broken: true })).toEqual(DEFAULT_PAYOUT_LAYOUT);
  });
});

describe('the bank\'s confirmation', () => {
  it('understands BERHASIL, GAGAL, DIBATALKAN and their synonyms, in any case', () => {
    expect(parseBankOutcome('BERHASIL')).toBe('success');
    expect(parseBankOutcome('Sukses')).toBe('success');
    expect(parseBankOutcome('gagal')).toBe('failed');
    expect(parseBankOutcome('DITOLAK')).toBe('failed');
    expect(parseBankOutcome('DIBATALKAN')).toBe('reversed');
    expect(parseBankOutcome('Reversal')).toBe('reversed');
    expect(parseBankOutcome('Dalam Proses')).toBe('pending');
    expect(parseBankOutcome('MUNGKIN')).toBeNull();
  });

  it('finds the header row by its titles (Referensi vs Referensi Bank, Alasan before Keterangan)', () => {
    expect(confirmationHeaderRow(['No', 'Referensi', 'Referensi Bank', 'Status', 'Keterangan', 'Alasan', 'Nominal'])).toEqual({ reference: 1, bank_reference: 2, status: 3, reason: 5, amount: 6 });
    expect(confirmationHeaderRow(['No. Referensi', 'STATUS TRANSFER', 'No. Rekening'])).toEqual({ reference: 0, status: 1, account: 2 });
    expect(confirmationHeaderRow(['Nama', 'Nominal'])).toBeNull();
  });

  it('reads the batch named above the header', () => {
    expect(controlBatch(['Nomor Batch', '12'])).toBe(12);
    expect(controlBatch(['Batch: 7'])).toBe(7);
    expect(controlBatch(['Tanggal', '2026-03-10'])).toBeNull();
  });

  it('moves a line only where money can go: a success after a failure is refused (a retry may pay twice)', () => {
    expect(transition('sent', 'success')).toEqual({ next: 'success', changed: true });
    expect(transition('sent', 'failed')).toEqual({ next: 'failed', changed: true });
    expect(transition('sent', 'pending')).toEqual({ next: 'sent', changed: false });
    expect(transition('success', 'reversed')).toEqual({ next: 'reversed', changed: true });
    expect(transition('success', 'success')).toEqual({ next: 'success', changed: false });
    expect(transition('failed', 'failed')).toEqual({ next: 'failed', changed: false });
    expect(transition('reversed', 'failed')).toEqual({ next: 'reversed', changed: false });
    const late = transition('failed', 'success');
    expect('problem' in late && late.problem.en).toMatch(/nobody is paid twice/);
    const wrong = transition('success', 'failed');
    expect('problem' in wrong && wrong.problem.en).toMatch(/DIBATALKAN/);
    expect('problem' in transition('cancelled', 'success')).toBe(true);
  });
});

describe('the claim follows its payees\' transfers', () => {
  it('confirmed when all arrived, paid when all are on their way, approved while someone waits', () => {
    expect(claimPayoutState([])).toBe('approved');
    expect(claimPayoutState([{ sentOrSuccess: 'success' }, { sentOrSuccess: 'success' }])).toBe('confirmed');
    expect(claimPayoutState([{ sentOrSuccess: 'success' }, { sentOrSuccess: 'sent' }])).toBe('paid');
    expect(claimPayoutState([{ sentOrSuccess: 'success' }, { sentOrSuccess: null }])).toBe('approved');
  });
});
