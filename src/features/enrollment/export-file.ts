/**
 * The submission file for BPJS: XLSX (sheet "Peserta" with the lines, sheet "Kontrol" with the
 * control figures) or CSV (`;`, UTF-8 with BOM so Excel opens it right).
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';

export interface SubmissionFile {
  headers: string[];
  rows: (string | number | null)[][];
  control: [string, string | number][];
}

/** NIK, KK, phone and account columns stay text: Excel would otherwise damage them. */
const TEXT_HEADERS = /nik|kk|hp|rekening|kpj/i;

export async function writeSubmissionFile(file: string, data: SubmissionFile): Promise<void> {
  if (file.toLowerCase().endsWith('.csv')) {
    const cell = (v: string | number | null) => (v === null ? '' : `"${String(v).replace(/"/g, '""')}"`);
    const lines = [data.headers.map(cell).join(';'), ...data.rows.map((r) => r.map(cell).join(';'))];
    await fs.promises.writeFile(file, `\ufeff${lines.join('\r\n')}\r\n`);
    return;
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  const sheet = wb.addWorksheet('Peserta', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = data.headers.map((h) => ({ header: h, width: Math.max(12, h.length + 2), style: TEXT_HEADERS.test(h) ? { numFmt: '@' } : {} }));
  sheet.getRow(1).font = { bold: true };
  for (const r of data.rows) sheet.addRow(r.map((v, i) => (v !== null && TEXT_HEADERS.test(data.headers[i] ?? '') ? String(v) : v))).commit();
  await sheet.commit();
  const control = wb.addWorksheet('Kontrol');
  control.columns = [{ header: 'Keterangan', width: 24 }, { header: 'Nilai', width: 60 }];
  for (const [k, v] of data.control) control.addRow([k, v]).commit();
  await control.commit();
  await wb.commit();
}
