/**
 * Bank NTT's confirmation of a payout batch (XLSX or CSV): per transfer our reference, the status
 * (BERHASIL / GAGAL / DIBATALKAN — a reversal, the money came back), the bank's own reference and
 * the reason of a failure. Column titles are recognised (see CONFIRMATION_HEADERS); a "Batch"
 * above the header row, when present, must be this batch.
 *
 * All or nothing: an unknown reference, a reference of another batch, a line twice, an amount or
 * account that differs from what we sent, a word we do not understand, or a change the line cannot
 * make (a success after a failure: a retry may be on its way) refuses the whole file, each line
 * named. Otherwise every line takes its status in one statement, and the claims follow: confirmed
 * when every payee's money arrived, back to approved (to be retried) when a transfer failed or was
 * reversed. A bank may confirm a batch in parts, and send a reversal later: each file is applied
 * to the lines it names.
 */
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/types.js';
import type { Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import {
  confirmationHeaderRow,
  controlBatch,
  normaliseAccount,
  normaliseReference,
  parseBankOutcome,
  transition,
  type BankOutcome,
  type ConfirmationColumns,
  type PayoutLineStatus,
} from '../../domain/payout.js';
import { UserError } from '../../domain/user-error.js';
import { IntakeFileError, openIntakeFile, type Cell, type OpenedFile } from '../intake/read-file.js';
import { getPayoutBatchSummary, settleClaims, type ClaimChange, type PayoutBatchSummary } from './payouts.js';

/** A confirmation covers one batch: a few thousand lines at most. */
export const CONFIRMATION_MAX_BYTES = 10 * 1024 * 1024;
const HEADER_SCAN_ROWS = 30;
const SHOWN_PROBLEMS = 30;

export interface ConfirmationLine {
  rowNo: number;
  reference: string;
  statusText: string;
  outcome: BankOutcome | null;
  bankReference: string | null;
  reason: string | null;
  amount: number | null;
  account: string | null;
}

export interface ConfirmationFile {
  sha256: string;
  format: 'csv' | 'xlsx';
  sheet: string | null;
  batch: number | null;
  columns: ConfirmationColumns;
  lines: ConfirmationLine[];
  problems: Message[];
  warnings: Message[];
}

export interface ConfirmationResult {
  batch: PayoutBatchSummary;
  fileName: string | null;
  /** Lines whose status changed, by new status; lines named again with the same status; lines still in process. */
  applied: { success: number; failed: number; reversed: number };
  unchanged: number;
  pending: number;
  /** Lines of the batch the file did not name (still awaiting the bank). */
  notInFile: number;
  claims: ClaimChange[];
  warnings: Message[];
}

const text = (c: Cell | undefined): string =>
  c === null || c === undefined ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c).replace(/^\ufeff/, '').trim();

function amountOf(c: Cell | undefined): number | null | 'bad' {
  if (c === null || c === undefined || c === '') return null;
  if (typeof c === 'number') return Number.isSafeInteger(c) && c >= 0 ? c : 'bad';
  const t = text(c).replace(/^rp\.?\s*/i, '');
  if (t === '') return null;
  // 42.000.000 or 42,000,000 or 42000000 (whole rupiah; ",00" or ".00" cents allowed).
  const m = /^(\d{1,3}(?:([.,])\d{3})*|\d+)(?:[.,]00)?$/.exec(t);
  if (!m) return 'bad';
  return Number(m[1]!.replace(/[.,]/g, ''));
}

function unreadable(e: IntakeFileError): UserError {
  return new UserError('invalid', 'confirmation_unreadable', { id: e.id, en: e.en });
}

async function open(path: string, fileName: string | undefined, maxBytes: number, sheet?: string): Promise<OpenedFile | null> {
  try {
    return await openIntakeFile(path, { fileName, maxBytes, sheet });
  } catch (e) {
    // The intake reader looks for participant columns (NIK…); a confirmation has none.
    if (e instanceof IntakeFileError && e.code === 'xlsx_no_data_sheet') return null;
    if (e instanceof IntakeFileError) throw unreadable(e);
    throw e;
  }
}

async function sheetNames(path: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets.map((w) => w.name);
}

interface Scan {
  found: boolean;
  columns: ConfirmationColumns;
  batch: number | null;
  lines: ConfirmationLine[];
  problems: Message[];
  firstRow: string[];
}

async function scan(file: OpenedFile): Promise<Scan> {
  const out: Scan = { found: false, columns: {}, batch: null, lines: [], problems: [], firstRow: [] };
  let seen = 0;
  for await (const chunk of file.rows()) {
    for (const row of chunk) {
      const cells = row.cells.map(text);
      if (!out.found) {
        const cols = confirmationHeaderRow(cells);
        if (cols) {
          out.found = true;
          out.columns = cols;
          continue;
        }
        out.batch ??= controlBatch(cells);
        if (!out.firstRow.length && cells.some(Boolean)) out.firstRow = cells.filter(Boolean);
        if (++seen >= HEADER_SCAN_ROWS) return out;
        continue;
      }
      const c = out.columns;
      const reference = normaliseReference(cells[c.reference!] ?? '');
      const statusText = cells[c.status!] ?? '';
      if (!reference && !statusText) continue;
      // A total row under the lines ("TOTAL", "JUMLAH") carries no reference.
      if (!reference && cells.some((x) => /^(total|jumlah|grand total)\b/i.test(x))) continue;
      const problem = (m: Message) => out.problems.push({ id: `baris ${row.rowNo}: ${m.id}`, en: `line ${row.rowNo}: ${m.en}` });
      if (!reference) {
        problem({ id: 'referensi kosong', en: 'the reference is empty' });
        continue;
      }
      const outcome = parseBankOutcome(statusText);
      if (!statusText) problem({ id: `status ${reference} kosong (BERHASIL, GAGAL atau DIBATALKAN)`, en: `the status of ${reference} is empty (BERHASIL, GAGAL or DIBATALKAN)` });
      else if (!outcome) problem({ id: `status "${statusText}" tidak dikenal; tulis BERHASIL, GAGAL atau DIBATALKAN`, en: `status "${statusText}" is not understood; write BERHASIL, GAGAL or DIBATALKAN` });
      const amt = c.amount === undefined ? null : amountOf(row.cells[c.amount]);
      if (amt === 'bad') problem({ id: `nominal "${text(row.cells[c.amount!])}" bukan rupiah bulat`, en: `amount "${text(row.cells[c.amount!])}" is not whole rupiah` });
      const account = c.account === undefined ? null : normaliseAccount(cells[c.account] ?? '') || null;
      out.lines.push({
        rowNo: row.rowNo,
        reference,
        statusText,
        outcome,
        bankReference: c.bank_reference === undefined ? null : (cells[c.bank_reference] ?? '').slice(0, 100) || null,
        reason: c.reason === undefined ? null : (cells[c.reason] ?? '').replace(/\s+/g, ' ').slice(0, 500) || null,
        amount: amt === 'bad' ? null : amt,
        account,
      });
    }
  }
  return out;
}

/** Reads a confirmation file; lines that cannot be read are in `problems` (the caller applies nothing then). */
export async function readConfirmationFile(path: string, opts: { fileName?: string; maxBytes?: number } = {}): Promise<ConfirmationFile> {
  const maxBytes = Math.min(opts.maxBytes ?? CONFIRMATION_MAX_BYTES, CONFIRMATION_MAX_BYTES);
  const first = await open(path, opts.fileName, maxBytes);
  let file = first;
  let result = first ? await scan(first) : null;
  if (!result?.found && (first === null || first.format === 'xlsx')) {
    for (const name of first?.sheets ?? (await sheetNames(path))) {
      if (first && name === first.sheet) continue;
      const f = await open(path, opts.fileName, maxBytes, name);
      if (!f) continue;
      const r = await scan(f);
      result ??= r;
      if (r.found) {
        file = f;
        result = r;
        break;
      }
    }
  }
  if (!result?.found || !file) {
    const seen = result?.firstRow ?? [];
    throw new UserError('invalid', 'confirmation_columns', {
      id: `Baris judul kolom konfirmasi bank tidak ditemukan. Berkas konfirmasi harus punya kolom Referensi (referensi LDG… dari berkas pembayaran) dan Status (BERHASIL, GAGAL atau DIBATALKAN), serta boleh Referensi Bank, Alasan, Nominal dan Nomor Rekening${seen.length ? `; baris pertama berkas: ${seen.slice(0, 10).join(', ')}` : ''}.`,
      en: `The confirmation's row of column titles was not found. A bank confirmation needs a Referensi column (the LDG… reference from the payout file) and a Status column (BERHASIL, GAGAL or DIBATALKAN); Referensi Bank, Alasan, Nominal and Nomor Rekening may be there too${seen.length ? `; the file's first row: ${seen.slice(0, 10).join(', ')}` : ''}.`,
    });
  }
  return {
    sha256: file.sha256,
    format: file.format,
    sheet: file.sheet ?? null,
    batch: result.batch,
    columns: result.columns,
    lines: result.lines,
    problems: result.problems,
    warnings: file.warnings.map((w) => ({ id: w.id, en: w.en })),
  };
}

function refused(batchId: number, problems: readonly Message[]): UserError {
  const more = problems.length > SHOWN_PROBLEMS ? problems.length - SHOWN_PROBLEMS : 0;
  return new UserError('invalid', 'confirmation_refused', {
    id: `Konfirmasi bank untuk batch #${batchId} tidak diimpor (tidak ada yang berubah): ${problems.slice(0, SHOWN_PROBLEMS).map((p) => p.id).join('; ')}${more ? `; dan ${more} lagi` : ''}. Minta bank memperbaiki berkasnya, atau pilih batch yang benar.`,
    en: `Bank confirmation for batch #${batchId} was not imported (nothing changed): ${problems.slice(0, SHOWN_PROBLEMS).map((p) => p.en).join('; ')}${more ? `; and ${more} more` : ''}. Ask the bank to correct the file, or choose the right batch.`,
  }, { problems: problems.map((p) => p.en) });
}

/** Imports one confirmation for one batch; the caller's transaction makes it all or nothing. */
export async function importConfirmation(
  tx: Queryable,
  batchId: number,
  path: string,
  opts: { fileName?: string | null; maxBytes?: number },
  label: string,
): Promise<ConfirmationResult> {
  const batch = await getPayoutBatchSummary(tx, batchId);
  const file = await readConfirmationFile(path, { fileName: opts.fileName ?? undefined, maxBytes: opts.maxBytes });
  if (batch.confirmationSha256 === file.sha256) {
    throw new UserError('conflict', 'confirmation_twice', {
      id: `Berkas konfirmasi ini sudah diimpor untuk batch #${batchId}. Berkas yang sama tidak diimpor dua kali.`,
      en: `This confirmation file was already imported for batch #${batchId}. The same file is not imported twice.`,
    });
  }
  const problems: Message[] = [];
  if (file.batch !== null && file.batch !== batchId) {
    problems.push({ id: `berkas ini menyebut batch #${file.batch}, bukan batch #${batchId}`, en: `the file names batch #${file.batch}, not batch #${batchId}` });
  }
  problems.push(...file.problems);
  if (file.lines.length === 0 && problems.length === 0) {
    throw new UserError('invalid', 'confirmation_empty', {
      id: 'Berkas konfirmasi tidak berisi satu baris transfer pun di bawah baris judul kolom.',
      en: 'The confirmation file has no transfer line under its row of column titles.',
    });
  }

  const refs = [...new Set(file.lines.map((l) => l.reference))];
  const known = await tx.query<{ id: number; batch_id: number; reference: string; status: PayoutLineStatus; amount: number; bank_account: string; claim_id: number }>(
    'SELECT id, batch_id, reference, status, amount, bank_account, claim_id FROM payout_line WHERE reference = ANY($1::text[]) FOR UPDATE',
    [refs],
  );
  const byRef = new Map(known.map((k) => [k.reference, k]));
  const firstRow = new Map<string, number>();
  const updates: { id: number; status: PayoutLineStatus; bankReference: string | null; reason: string | null; claimId: number }[] = [];
  let unchanged = 0;
  let pending = 0;
  for (const l of file.lines) {
    const at = (m: Message) => problems.push({ id: `baris ${l.rowNo}: ${m.id}`, en: `line ${l.rowNo}: ${m.en}` });
    const earlier = firstRow.get(l.reference);
    if (earlier !== undefined) {
      at({ id: `referensi ${l.reference} sudah ada di baris ${earlier}`, en: `reference ${l.reference} is already on line ${earlier}` });
      continue;
    }
    firstRow.set(l.reference, l.rowNo);
    const line = byRef.get(l.reference);
    if (!line) {
      at({ id: `referensi ${l.reference} tidak dikenal (bukan transfer dari Lindung, atau di luar wilayah Anda)`, en: `reference ${l.reference} is unknown (not a Lindung transfer, or outside your area)` });
      continue;
    }
    if (line.batch_id !== batchId) {
      at({ id: `referensi ${l.reference} milik batch #${line.batch_id}, bukan batch #${batchId}`, en: `reference ${l.reference} belongs to batch #${line.batch_id}, not batch #${batchId}` });
      continue;
    }
    if (l.amount !== null && l.amount !== line.amount) {
      at({ id: `nominal ${l.reference} ${formatRupiah(l.amount, 'id')}, padahal yang dikirim ${formatRupiah(line.amount, 'id')}`, en: `the amount of ${l.reference} is ${formatRupiah(l.amount, 'en')}, but ${formatRupiah(line.amount, 'en')} was sent` });
      continue;
    }
    if (l.account !== null && l.account !== line.bank_account) {
      at({ id: `rekening ${l.reference} berbeda dengan rekening yang dikirim`, en: `the account of ${l.reference} differs from the account sent` });
      continue;
    }
    if (!l.outcome) continue;
    const t = transition(line.status, l.outcome);
    if ('problem' in t) {
      at({ id: `${l.reference}: ${t.problem.id}`, en: `${l.reference}: ${t.problem.en}` });
      continue;
    }
    if (l.outcome === 'pending') pending++;
    else if (!t.changed) unchanged++;
    else {
      updates.push({
        id: line.id,
        status: t.next,
        bankReference: l.bankReference,
        reason: t.next === 'success' ? null : (l.reason ?? (t.next === 'failed' ? 'GAGAL (tanpa alasan dari bank)' : 'DIBATALKAN (tanpa alasan dari bank)')),
        claimId: line.claim_id,
      });
    }
  }
  if (problems.length) throw refused(batchId, problems);

  if (updates.length) {
    await tx.query(
      `UPDATE payout_line l SET status = x.status, bank_reference = coalesce(x.bank_reference, l.bank_reference), failure_reason = x.reason, updated_at = now()
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS x(id, status, bank_reference, reason)
        WHERE l.id = x.id`,
      [updates.map((u) => u.id), updates.map((u) => u.status), updates.map((u) => u.bankReference), updates.map((u) => u.reason)],
    );
  }
  const claims = await settleClaims(tx, updates.map((u) => u.claimId));
  const [left] = await tx.query<{ sent: number }>(`SELECT count(*)::int AS sent FROM payout_line WHERE batch_id = $1 AND status = 'sent'`, [batchId]);
  const done = left!.sent === 0;
  await tx.query(
    `UPDATE payout_batch SET status = $2, confirmation_sha256 = $3, confirmed_by_label = $4,
            confirmed_at = CASE WHEN $2 = 'confirmed' THEN coalesce(confirmed_at, now()) ELSE NULL END
      WHERE id = $1`,
    [batchId, done ? 'confirmed' : 'open', file.sha256, label],
  );
  const namedInFile = new Set(file.lines.map((l) => l.reference));
  const [all] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_line WHERE batch_id = $1 AND NOT (reference = ANY($2::text[]))', [batchId, [...namedInFile]]);
  return {
    batch: await getPayoutBatchSummary(tx, batchId),
    fileName: opts.fileName ?? null,
    applied: {
      success: updates.filter((u) => u.status === 'success').length,
      failed: updates.filter((u) => u.status === 'failed').length,
      reversed: updates.filter((u) => u.status === 'reversed').length,
    },
    unchanged,
    pending,
    notInFile: all!.n,
    claims,
    warnings: file.warnings,
  };
}
