/**
 * The bank file of a payout batch, in the configured layout (table file_layout 'bank_payout'):
 * XLSX with the transfers on sheet "Transfer" and the control figures on sheet "Kontrol", or CSV
 * (`;`, UTF-8, CRLF; the transfers only, with their header row — a bank's upload screen takes
 * nothing else). References and account numbers stay text, so Excel never turns them into numbers.
 */
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/types.js';
import { formatRupiah } from '../../domain/money.js';
import { terbilangRupiah } from '../../domain/terbilang.js';
import { layoutRow, TEXT_FIELDS, type LayoutColumn, type PayoutFileLine } from '../../domain/payout.js';
import { RELATION_LABEL, isHeirRelation } from '../../domain/heirs.js';
import { getPayoutBatchSummary, getPayoutLayout, type PayoutBatchSummary } from './payouts.js';

export type PayoutFileFormat = 'xlsx' | 'csv';

export interface PayoutFile {
  body: Buffer;
  fileName: string;
  contentType: string;
  batch: PayoutBatchSummary;
  lines: number;
  amount: number;
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** WITA (UTC+8), the province's clock: a batch made at 07:30 WITA is that day's, not yesterday's. */
function witaDay(isoTime: string): string {
  return new Date(Date.parse(isoTime) + 8 * 3600_000).toISOString().slice(0, 10);
}

const relationText = (r: string) => (isHeirRelation(r) ? RELATION_LABEL[r].id : r === 'peserta' || r === 'self' || r === 'member' ? 'peserta' : r);

/** Every line of the batch as sent, in line order. */
export async function payoutFileLines(tx: Queryable, batch: PayoutBatchSummary): Promise<PayoutFileLine[]> {
  const rows = await tx.query<{ reference: string; bank_account: string; account_holder: string; bank_name: string; amount: number; payee_name: string; relation: string; claim_no: string; claim_type: string; member_name: string }>(
    `SELECT l.reference, l.bank_account, y.account_holder, y.bank_name, l.amount, y.full_name AS payee_name, y.relation, c.claim_no, c.type AS claim_type,
            coalesce(p.full_name, '') AS member_name
       FROM payout_line l JOIN claim c ON c.id = l.claim_id JOIN claim_payee y ON y.id = l.payee_id LEFT JOIN person p ON p.id = c.person_id
      WHERE l.batch_id = $1 ORDER BY l.id`,
    [batch.id],
  );
  const day = witaDay(batch.createdAt);
  return rows.map((r, i) => ({
    lineNo: i + 1, reference: r.reference, bankAccount: r.bank_account, accountHolder: r.account_holder, bankName: r.bank_name, amount: r.amount,
    payeeName: r.payee_name, relation: relationText(r.relation), claimNo: r.claim_no, claimType: r.claim_type, memberName: r.member_name,
    batchId: batch.id, batchDate: day,
  }));
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function payoutCsv(layout: readonly LayoutColumn[], lines: readonly PayoutFileLine[]): Buffer {
  const out = [layout.map((c) => csvCell(c.header)).join(';'), ...lines.map((l) => layoutRow(layout, l).map(csvCell).join(';'))];
  return Buffer.from(`${out.join('\r\n')}\r\n`, 'utf8');
}

export async function payoutXlsx(layout: readonly LayoutColumn[], lines: readonly PayoutFileLine[], batch: PayoutBatchSummary): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lindung';
  const sheet = wb.addWorksheet('Transfer', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = layout.map((c) => {
    const text = 'field' in c ? TEXT_FIELDS.has(c.field) : true;
    return { header: c.header, width: Math.max(10, Math.min(40, c.header.length + 4, 'field' in c && c.field === 'remark' ? 36 : 24)), style: text ? { numFmt: '@' } : {} };
  });
  sheet.getRow(1).font = { bold: true };
  for (const l of lines) {
    sheet.addRow(layoutRow(layout, l).map((v, i) => {
      const c = layout[i]!;
      return 'field' in c && TEXT_FIELDS.has(c.field) ? String(v) : v;
    }));
  }
  const total = lines.reduce((s, l) => s + l.amount, 0);
  const control = wb.addWorksheet('Kontrol');
  control.columns = [{ header: 'Keterangan', width: 28 }, { header: 'Nilai', width: 70 }];
  control.getRow(1).font = { bold: true };
  const rows: [string, string | number][] = [
    ['Batch', batch.id],
    ['Tanggal batch', witaDay(batch.createdAt)],
    ['Dibuat oleh', batch.createdBy],
    ['Wilayah', `${batch.areaCode}${batch.areaName ? ` ${batch.areaName}` : ''}`],
    ['Jumlah transfer', lines.length],
    ['Total nominal (Rp)', total],
    ['Total', formatRupiah(total, 'id')],
    ['Terbilang', terbilangRupiah(total)],
    ['Referensi pertama', lines[0]?.reference ?? ''],
    ['Referensi terakhir', lines[lines.length - 1]?.reference ?? ''],
    ['Catatan', 'Setiap referensi dibayar satu kali saja. Kirim konfirmasi per referensi: BERHASIL, GAGAL (dengan alasan) atau DIBATALKAN (dana kembali), dengan referensi bank.'],
  ];
  for (const r of rows) control.addRow(r);
  control.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The batch's file (the same lines each time it is asked for, in the layout in force). */
export async function payoutFile(tx: Queryable, batchId: number, format: PayoutFileFormat): Promise<PayoutFile> {
  const batch = await getPayoutBatchSummary(tx, batchId);
  const { columns } = await getPayoutLayout(tx);
  const lines = await payoutFileLines(tx, batch);
  const amount = lines.reduce((s, l) => s + l.amount, 0);
  const base = `pembayaran-klaim-batch-${batch.id}-${witaDay(batch.createdAt)}`;
  if (format === 'csv') return { body: payoutCsv(columns, lines), fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', batch, lines: lines.length, amount };
  return { body: await payoutXlsx(columns, lines, batch), fileName: `${base}.xlsx`, contentType: XLSX_TYPE, batch, lines: lines.length, amount };
}
