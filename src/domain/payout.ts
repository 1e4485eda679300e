/**
 * Payouts to Bank NTT, the pure part: the bank file's configurable layout, the words the bank uses
 * in its confirmation, which status a transfer may move to, and what that means for the claim.
 *
 * A payout line is one transfer attempt to one payee. It is `sent` when it is in a batch file,
 * then the bank says `success`, `failed` or — later, after a success — `reversed` (the money came
 * back). A payee whose transfer failed or was reversed gets a new line (a retry, `retry_of` the
 * old one); the database allows at most one line per payee that is `sent` or `success`, so nobody
 * is paid twice.
 */
import type { Message } from './messages.js';

export const PAYOUT_LINE_STATUSES = ['sent', 'success', 'failed', 'reversed', 'cancelled'] as const;
export type PayoutLineStatus = (typeof PAYOUT_LINE_STATUSES)[number];

export const LINE_STATUS_LABEL: Record<PayoutLineStatus, Message> = {
  sent: { id: 'Dikirim ke bank', en: 'Sent to the bank' },
  success: { id: 'Berhasil', en: 'Succeeded' },
  failed: { id: 'Gagal', en: 'Failed' },
  reversed: { id: 'Dibatalkan (dana kembali)', en: 'Reversed (money returned)' },
  cancelled: { id: 'Dibatalkan sebelum dikirim', en: 'Cancelled before sending' },
};

export const BATCH_STATUS_LABEL: Record<'open' | 'confirmed', Message> = {
  open: { id: 'Menunggu konfirmasi bank', en: 'Awaiting the bank\'s confirmation' },
  confirmed: { id: 'Dikonfirmasi bank', en: 'Confirmed by the bank' },
};

/** Transfer references: our prefix and the line id, so a reference names exactly one line. */
export function payoutReference(lineId: number): string {
  return `LDG${String(lineId).padStart(9, '0')}`;
}

/** A reference as typed or exported by the bank: spaces, a leading apostrophe and case do not matter. */
export function normaliseReference(text: string): string {
  return text.replace(/\s+/g, '').replace(/^'/, '').toUpperCase();
}

/** Account numbers as the bank file needs them: digits only (spaces, dots and dashes removed). */
export function normaliseAccount(text: string): string {
  return text.trim().replace(/^'/, '').replace(/[\s.-]/g, '');
}

export const ACCOUNT_RE = /^[0-9]{6,20}$/;

// ---------------------------------------------------------------------------
// The bank file layout (table file_layout, kind 'bank_payout')

export const PAYOUT_FIELDS = [
  'line_no', 'reference', 'bank_account', 'account_holder', 'bank_name', 'amount', 'payee_name', 'relation',
  'claim_no', 'claim_type', 'member_name', 'remark', 'batch_id', 'batch_date', 'currency',
] as const;
export type PayoutField = (typeof PAYOUT_FIELDS)[number];

export const PAYOUT_FIELD_LABEL: Record<PayoutField, Message> = {
  line_no: { id: 'Nomor urut baris (1, 2, 3…)', en: 'Line number (1, 2, 3…)' },
  reference: { id: 'Referensi transfer Lindung (LDG…), wajib', en: 'Lindung transfer reference (LDG…), required' },
  bank_account: { id: 'Nomor rekening tujuan, wajib', en: 'Destination account number, required' },
  account_holder: { id: 'Nama pemilik rekening', en: 'Account holder' },
  bank_name: { id: 'Nama bank tujuan', en: 'Destination bank' },
  amount: { id: 'Nominal (rupiah bulat), wajib', en: 'Amount (whole rupiah), required' },
  payee_name: { id: 'Nama penerima (ahli waris atau peserta)', en: 'Payee (heir or member)' },
  relation: { id: 'Hubungan penerima dengan peserta', en: 'Payee\'s relation to the member' },
  claim_no: { id: 'Nomor klaim', en: 'Claim number' },
  claim_type: { id: 'Jenis klaim (JKM/JKK)', en: 'Claim type (JKM/JKK)' },
  member_name: { id: 'Nama peserta', en: 'Member' },
  remark: { id: 'Keterangan transfer (mis. "Manfaat JKM KLM-2026-000012")', en: 'Transfer remark (e.g. "Manfaat JKM KLM-2026-000012")' },
  batch_id: { id: 'Nomor batch', en: 'Batch number' },
  batch_date: { id: 'Tanggal batch (YYYY-MM-DD)', en: 'Batch date (YYYY-MM-DD)' },
  currency: { id: 'Mata uang (IDR)', en: 'Currency (IDR)' },
};

/** Fields the file cannot do without: the bank must know where and how much, and name the line back. */
export const REQUIRED_PAYOUT_FIELDS: readonly PayoutField[] = ['reference', 'bank_account', 'amount'];

/** A column: its title in the file and either a field of the line or a fixed text (e.g. a bank code). */
export type LayoutColumn = { header: string; field: PayoutField } | { header: string; value: string };

/**
 * The default layout (documented in docs/claims.md). Bank NTT's bulk-transfer template was not
 * available to us; this one carries what any bulk transfer needs and is replaced by the real one
 * through the layout screen or `PUT /api/claims/payout-layout`.
 */
export const DEFAULT_PAYOUT_LAYOUT: readonly LayoutColumn[] = [
  { header: 'No', field: 'line_no' },
  { header: 'Referensi', field: 'reference' },
  { header: 'Nomor Rekening', field: 'bank_account' },
  { header: 'Nama Pemilik Rekening', field: 'account_holder' },
  { header: 'Bank', field: 'bank_name' },
  { header: 'Nominal', field: 'amount' },
  { header: 'Keterangan', field: 'remark' },
];

export const MAX_LAYOUT_COLUMNS = 30;

export type LayoutCheck = { ok: true; columns: LayoutColumn[] } | { ok: false; problems: Message[] };

const isPayoutField = (v: unknown): v is PayoutField => typeof v === 'string' && (PAYOUT_FIELDS as readonly string[]).includes(v);

/** Checks a layout as given (JSON from a form, the API or the CLI). */
export function checkLayout(input: unknown): LayoutCheck {
  const problems: Message[] = [];
  if (!Array.isArray(input) || input.length === 0) {
    return { ok: false, problems: [{ id: 'Tata letak harus berupa daftar kolom (paling sedikit satu).', en: 'A layout is a list of columns (at least one).' }] };
  }
  if (input.length > MAX_LAYOUT_COLUMNS) {
    problems.push({ id: `Paling banyak ${MAX_LAYOUT_COLUMNS} kolom.`, en: `At most ${MAX_LAYOUT_COLUMNS} columns.` });
  }
  const columns: LayoutColumn[] = [];
  const seen = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const n = i + 1;
    const c = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    const header = typeof c.header === 'string' ? c.header.trim() : '';
    if (!header || header.length > 60) {
      problems.push({ id: `Kolom ${n}: judul kolom wajib diisi (paling panjang 60 huruf).`, en: `Column ${n}: a title is required (at most 60 characters).` });
      return;
    }
    const key = header.toLowerCase();
    if (seen.has(key)) problems.push({ id: `Kolom ${n}: judul "${header}" dipakai dua kali.`, en: `Column ${n}: the title "${header}" is used twice.` });
    seen.add(key);
    const hasField = c.field !== undefined && c.field !== null && c.field !== '';
    const hasValue = typeof c.value === 'string';
    if (hasField === hasValue) {
      problems.push({ id: `Kolom ${n} ("${header}"): pilih salah satu, isian dari data (field) atau teks tetap (value).`, en: `Column ${n} ("${header}"): give either a data field or a fixed text (value), not both or neither.` });
      return;
    }
    if (hasField) {
      if (!isPayoutField(c.field)) {
        problems.push({ id: `Kolom ${n} ("${header}"): isian "${String(c.field)}" tidak dikenal; pilihan: ${PAYOUT_FIELDS.join(', ')}.`, en: `Column ${n} ("${header}"): unknown field "${String(c.field)}"; choose one of ${PAYOUT_FIELDS.join(', ')}.` });
        return;
      }
      columns.push({ header, field: c.field });
    } else {
      const value = String(c.value).trim();
      if (value.length > 100) problems.push({ id: `Kolom ${n} ("${header}"): teks tetap paling panjang 100 huruf.`, en: `Column ${n} ("${header}"): a fixed text is at most 100 characters.` });
      columns.push({ header, value });
    }
  });
  for (const f of REQUIRED_PAYOUT_FIELDS) {
    if (!columns.some((c) => 'field' in c && c.field === f)) {
      problems.push({ id: `Kolom untuk "${PAYOUT_FIELD_LABEL[f].id}" wajib ada.`, en: `A column for "${PAYOUT_FIELD_LABEL[f].en}" is required.` });
    }
  }
  return problems.length ? { ok: false, problems } : { ok: true, columns };
}

/** Reads the stored layout; a missing or damaged one falls back to the default. */
export function layoutOrDefault(stored: unknown): LayoutColumn[] {
  const c = checkLayout(stored);
  return c.ok ? c.columns : [...DEFAULT_PAYOUT_LAYOUT];
}

/** What one transfer line of the file knows. */
export interface PayoutFileLine {
  lineNo: number;
  reference: string;
  bankAccount: string;
  accountHolder: string;
  bankName: string;
  amount: number;
  payeeName: string;
  relation: string;
  claimNo: string;
  claimType: string;
  memberName: string;
  batchId: number;
  batchDate: string;
}

/** "JKM" or "JKK" from a claim type (jkm_death, jkk_…; funeral costs are JKM's). */
export function benefitCode(claimType: string): 'JKM' | 'JKK' {
  return claimType.startsWith('jkk') ? 'JKK' : 'JKM';
}

export function remarkOf(l: Pick<PayoutFileLine, 'claimType' | 'claimNo'>): string {
  return `Manfaat ${benefitCode(l.claimType)} ${l.claimNo}`.slice(0, 60);
}

export function fieldValue(l: PayoutFileLine, f: PayoutField): string | number {
  switch (f) {
    case 'line_no': return l.lineNo;
    case 'reference': return l.reference;
    case 'bank_account': return l.bankAccount;
    case 'account_holder': return l.accountHolder;
    case 'bank_name': return l.bankName;
    case 'amount': return l.amount;
    case 'payee_name': return l.payeeName;
    case 'relation': return l.relation;
    case 'claim_no': return l.claimNo;
    case 'claim_type': return benefitCode(l.claimType);
    case 'member_name': return l.memberName;
    case 'remark': return remarkOf(l);
    case 'batch_id': return l.batchId;
    case 'batch_date': return l.batchDate;
    case 'currency': return 'IDR';
  }
}

export function layoutRow(layout: readonly LayoutColumn[], l: PayoutFileLine): (string | number)[] {
  return layout.map((c) => ('field' in c ? fieldValue(l, c.field) : c.value));
}

/** Fields kept as text in a workbook: Excel would turn long digit strings into damaged numbers. */
export const TEXT_FIELDS: ReadonlySet<PayoutField> = new Set(['reference', 'bank_account', 'claim_no', 'batch_date']);

// ---------------------------------------------------------------------------
// The bank's confirmation

export type BankOutcome = 'success' | 'failed' | 'reversed' | 'pending';

const OUTCOME_WORDS: Record<string, BankOutcome> = {
  berhasil: 'success', sukses: 'success', success: 'success', successful: 'success', ok: 'success', selesai: 'success', lunas: 'success', dibayar: 'success',
  gagal: 'failed', failed: 'failed', fail: 'failed', ditolak: 'failed', tolak: 'failed', rejected: 'failed', reject: 'failed',
  dibatalkan: 'reversed', batal: 'reversed', reversed: 'reversed', reversal: 'reversed', retur: 'reversed', dikembalikan: 'reversed', returned: 'reversed', refund: 'reversed',
  proses: 'pending', diproses: 'pending', dalamproses: 'pending', pending: 'pending', menunggu: 'pending', processing: 'pending',
};

/** BERHASIL / GAGAL / DIBATALKAN (and the usual synonyms, any case); null when not understood. */
export function parseBankOutcome(text: string): BankOutcome | null {
  const k = text.toLowerCase().replace(/[^a-z]/g, '');
  return OUTCOME_WORDS[k] ?? null;
}

export type ConfirmationField = 'reference' | 'status' | 'bank_reference' | 'reason' | 'amount' | 'account';

/** Accepted column titles, in order of preference (lower case, punctuation as spaces). */
export const CONFIRMATION_HEADERS: Record<ConfirmationField, readonly string[]> = {
  reference: ['referensi', 'no referensi', 'nomor referensi', 'referensi lindung', 'referensi transfer', 'kode referensi', 'reference', 'ref', 'no ref', 'customer reference'],
  status: ['status', 'status transfer', 'status transaksi', 'hasil', 'hasil transfer', 'result'],
  bank_reference: ['referensi bank', 'no referensi bank', 'nomor referensi bank', 'bank reference', 'no transaksi', 'nomor transaksi', 'id transaksi', 'no jurnal', 'nomor jurnal', 'journal', 'trx id'],
  reason: ['alasan', 'alasan gagal', 'keterangan gagal', 'reason', 'catatan', 'pesan', 'keterangan'],
  amount: ['nominal', 'jumlah', 'nilai', 'amount'],
  account: ['nomor rekening', 'no rekening', 'rekening', 'no rek', 'account', 'account number'],
};

export const headerKey = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

export type ConfirmationColumns = Partial<Record<ConfirmationField, number>>;

/** The columns of a header row, or null when it lacks a reference or a status column. */
export function confirmationHeaderRow(cells: readonly string[]): ConfirmationColumns | null {
  const keys = cells.map(headerKey);
  const out: ConfirmationColumns = {};
  const used = new Set<number>();
  for (const f of Object.keys(CONFIRMATION_HEADERS) as ConfirmationField[]) {
    for (const h of CONFIRMATION_HEADERS[f]) {
      const i = keys.findIndex((k, j) => k === h && !used.has(j));
      if (i >= 0) {
        out[f] = i;
        used.add(i);
        break;
      }
    }
  }
  return out.reference !== undefined && out.status !== undefined ? out : null;
}

/** "Batch: 12" or "Nomor Batch | 12" above the header row: the batch the bank says it answers. */
export function controlBatch(cells: readonly string[]): number | null {
  for (let i = 0; i < cells.length; i++) {
    const k = headerKey(cells[i] ?? '');
    const inline = /^(?:no |nomor |id )?batch (\d+)$/.exec(k);
    if (inline) return Number(inline[1]);
    if (/^(?:no |nomor |id )?batch$/.test(k)) {
      const v = (cells[i + 1] ?? '').replace(/^#/, '').trim();
      if (/^\d+$/.test(v)) return Number(v);
    }
  }
  return null;
}

export type Transition = { next: PayoutLineStatus; changed: boolean } | { problem: Message };

/**
 * What the bank's word does to a line. A success after a failure is refused (a retry may already
 * be on its way: accepting it would pay twice); a failure after a success is refused too (money
 * that comes back is a reversal, DIBATALKAN).
 */
export function transition(current: PayoutLineStatus, outcome: BankOutcome): Transition {
  if (current === 'sent') return outcome === 'pending' ? { next: 'sent', changed: false } : { next: outcome, changed: true };
  if (current === 'success') {
    if (outcome === 'success') return { next: 'success', changed: false };
    if (outcome === 'reversed') return { next: 'reversed', changed: true };
    return {
      problem: outcome === 'failed'
        ? { id: 'transfer ini sudah dikonfirmasi BERHASIL; dana yang kembali sesudahnya ditulis DIBATALKAN, bukan GAGAL — tanyakan ke bank', en: 'this transfer was already confirmed successful; money returned afterwards is DIBATALKAN (reversed), not GAGAL — ask the bank' }
        : { id: 'transfer ini sudah dikonfirmasi BERHASIL, tetapi berkas menyebutnya masih diproses — tanyakan ke bank', en: 'this transfer was already confirmed successful, but the file says it is still in process — ask the bank' },
    };
  }
  if (current === 'failed' || current === 'reversed') {
    if (outcome === 'failed' || outcome === 'reversed') return { next: current, changed: false };
    const was = current === 'failed' ? { id: 'GAGAL', en: 'failed' } : { id: 'DIBATALKAN', en: 'reversed' };
    return {
      problem: {
        id: `transfer ini sudah tercatat ${was.id} dan penerima dapat dikirimi ulang; bila bank kini menyatakan ${outcome === 'success' ? 'BERHASIL' : 'masih diproses'}, selesaikan dulu dengan bank agar tidak dibayar dua kali`,
        en: `this transfer is recorded as ${was.en} and the payee may be paid again by a retry; if the bank now says ${outcome === 'success' ? 'it succeeded' : 'it is still in process'}, settle it with the bank first so nobody is paid twice`,
      },
    };
  }
  return { problem: { id: 'transfer ini dibatalkan sebelum dikirim ke bank', en: 'this transfer was cancelled before it was sent to the bank' } };
}

export type ClaimPayoutState = 'approved' | 'paid' | 'confirmed';

/**
 * A claim's status from its payees' transfers: confirmed when every payee's money arrived, paid
 * when every payee's transfer is at least sent, otherwise approved (someone still waits: a new
 * payee, or a failed or reversed transfer to retry).
 */
export function claimPayoutState(payees: readonly { sentOrSuccess: PayoutLineStatus | null }[]): ClaimPayoutState {
  if (payees.length === 0) return 'approved';
  if (payees.every((p) => p.sentOrSuccess === 'success')) return 'confirmed';
  if (payees.every((p) => p.sentOrSuccess === 'sent' || p.sentOrSuccess === 'success')) return 'paid';
  return 'approved';
}
