import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { openIntakeFile, type Cell, type OpenedFile, type SheetRow } from '../../src/features/intake/read-file.js';
import { TEMPLATE_COLUMNS, TEMPLATE_SHEETS, writeIntakeTemplate, type TemplateVillage } from '../../src/features/intake/template.js';
import { REPORT_COLUMNS, writeBatchReport, type ReportRow } from '../../src/features/intake/report-xlsx.js';
import { FIELD_LABELS, findHeaderRow, mapHeaders, matchHeader } from '../../src/features/intake/headers.js';
import { MARITAL_LABELS, MARITAL_STATUSES, OCCUPATION_LABELS, OCCUPATIONS } from '../../src/domain/person-codes.js';
import { normaliseMaritalStatus, normaliseOccupation } from '../../src/features/intake/values.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lindung-template-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function saved(buf: Buffer): Promise<string> {
  const path = join(dir, `${++counter}.xlsx`);
  await writeFile(path, buf);
  return path;
}

async function allRows(file: OpenedFile): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const chunk of file.rows()) out.push(...chunk);
  return out;
}

async function loadWorkbook(buf: Buffer | string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  if (typeof buf === 'string') await wb.xlsx.readFile(buf);
  else await wb.xlsx.load(buf as unknown as ArrayBuffer);
  return wb;
}

/** ExcelJS reads range validations back per cell, as `dataValidations.model`; its typings omit it. */
function validationsOf(ws: ExcelJS.Worksheet): Record<string, ExcelJS.DataValidation & { type: string }> {
  return (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation & { type: string }> } }).dataValidations.model;
}

const VILLAGES: TemplateVillage[] = Array.from({ length: 3_442 }, (_, i) => ({
  code: `53.${String(1 + (i % 22)).padStart(2, '0')}.${String(1 + (i % 30)).padStart(2, '0')}.${String(2001 + i).padStart(4, '0')}`,
  village: `Desa ${i + 1}`,
  district: `Kecamatan ${1 + (i % 315)}`,
  regency: `Kabupaten ${1 + (i % 22)}`,
}));

describe('writeIntakeTemplate', () => {
  it('reads back with every column mapped and no problem at all', async () => {
    const file = await openIntakeFile(await saved(await writeIntakeTemplate({})));
    expect(file.format).toBe('xlsx');
    expect(file.sheet).toBe(TEMPLATE_SHEETS.data);
    expect(file.sheets).toEqual(['Data', 'Petunjuk', 'Kode']);
    expect(file.warnings).toEqual([]);
    const rows = await allRows(file);
    // No example row in Data: the header only.
    expect(rows).toHaveLength(1);
    const header = rows[0];
    expect(header?.rowNo).toBe(1);
    expect(header?.cells).toEqual(TEMPLATE_COLUMNS.map((c) => FIELD_LABELS[c.field].id));
    const mapped = mapHeaders(header?.cells ?? []);
    expect(mapped.problems).toEqual([]);
    expect(mapped.ok).toBe(true);
    expect(mapped.area).toBe('code');
    TEMPLATE_COLUMNS.forEach((c, i) => expect(mapped.mapping[c.field]).toBe(i));
  });

  it('has the columns in the agreed order', () => {
    expect(TEMPLATE_COLUMNS.map((c) => FIELD_LABELS[c.field].id)).toEqual([
      'No', 'NIK', 'No. KK', 'Nama Lengkap', 'Tempat Lahir', 'Tanggal Lahir', 'Jenis Kelamin', 'Status Perkawinan', 'Alamat',
      'Desa/Kelurahan', 'Kecamatan', 'Kabupaten/Kota', 'Kode Wilayah', 'No. HP', 'Pekerjaan', 'Penghasilan', 'Desil DTSEN',
      'Miskin Ekstrem (P3KE)', 'Disabilitas', 'Nama Ibu Kandung', 'Bank', 'No. Rekening', 'Keterangan',
    ]);
  });

  it('formats digit columns as text and the date as dd/mm/yyyy, with a frozen header', async () => {
    const wb = await loadWorkbook(await writeIntakeTemplate({}));
    const ws = wb.getWorksheet('Data');
    expect(ws).toBeDefined();
    if (!ws) return;
    const colOf = (label: string) => TEMPLATE_COLUMNS.findIndex((c) => FIELD_LABELS[c.field].id === label) + 1;
    for (const label of ['NIK', 'No. KK', 'No. HP', 'No. Rekening', 'Kode Wilayah']) expect(ws.getColumn(colOf(label)).numFmt).toBe('@');
    expect(ws.getColumn(colOf('Tanggal Lahir')).numFmt).toBe('dd/mm/yyyy');
    expect(ws.getColumn(colOf('Nama Lengkap')).numFmt).toBeUndefined();
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.getColumn(colOf('NIK')).width).toBeGreaterThanOrEqual(18);
  });

  it('offers drop-downs and checks, and help on every column title within Excel’s limits', async () => {
    const wb = await loadWorkbook(await writeIntakeTemplate({ lang: 'en' }));
    const ws = wb.getWorksheet('Data');
    if (!ws) throw new Error('no Data sheet');
    const dv = validationsOf(ws);
    const at = (label: string, row: number) => {
      const col = TEMPLATE_COLUMNS.findIndex((c) => FIELD_LABELS[c.field].id === label);
      return dv[`${String.fromCharCode(65 + col)}${row}`];
    };
    expect(at('Jenis Kelamin', 2)).toMatchObject({ type: 'list', formulae: ['"L,P"'], errorStyle: 'stop' });
    expect(at('Jenis Kelamin', 10_001)).toMatchObject({ type: 'list' });
    expect(at('Miskin Ekstrem (P3KE)', 500)).toMatchObject({ type: 'list', formulae: ['"Ya,Tidak"'] });
    expect(at('Disabilitas', 2)).toMatchObject({ type: 'list', errorStyle: 'warning' });
    expect(at('Desil DTSEN', 2)).toMatchObject({ type: 'whole', formulae: [1, 10], operator: 'between' });
    expect(at('Status Perkawinan', 2)?.formulae[0]).toBe("'Kode'!$D$2:$D$5");
    expect(at('Pekerjaan', 2)?.formulae[0]).toBe(`'Kode'!$G$2:$G$${OCCUPATIONS.length + 1}`);
    expect(at('Tanggal Lahir', 2)).toMatchObject({ type: 'date', errorStyle: 'warning' });
    TEMPLATE_COLUMNS.forEach((c, i) => {
      const title = dv[`${String.fromCharCode(65 + i)}1`];
      expect(title?.showInputMessage).toBe(true);
      expect(title?.prompt).toBe(c.help.en);
    });
    for (const v of Object.values(dv)) {
      expect((v.promptTitle ?? '').length).toBeLessThanOrEqual(32);
      expect((v.errorTitle ?? '').length).toBeLessThanOrEqual(32);
      expect((v.prompt ?? '').length).toBeLessThanOrEqual(255);
      expect((v.error ?? '').length).toBeLessThanOrEqual(255);
    }
  });

  it('lists codes the value readers accept as they are', async () => {
    const wb = await loadWorkbook(await writeIntakeTemplate({}));
    const codes = wb.getWorksheet('Kode');
    if (!codes) throw new Error('no Kode sheet');
    const column = (letter: string) => codes.getColumn(letter).values.slice(2).filter((v) => v !== null && v !== undefined);
    expect(column('A')).toEqual(['L', 'P']);
    expect(column('D')).toEqual(MARITAL_STATUSES.map((s) => MARITAL_LABELS[s].id));
    expect(column('G')).toEqual(OCCUPATIONS.map((o) => OCCUPATION_LABELS[o].id));
    expect(column('J')).toEqual(['Ya', 'Tidak']);
    for (const s of MARITAL_STATUSES) {
      const r = normaliseMaritalStatus(MARITAL_LABELS[s].id);
      expect(r).toEqual({ ok: true, value: s, warnings: [] });
    }
    for (const o of OCCUPATIONS) {
      const r = normaliseOccupation(OCCUPATION_LABELS[o].id);
      expect(r.ok && r.value).toBe(o);
    }
  });

  it('explains how to fill it in, in Indonesian then English, with an example', async () => {
    const wb = await loadWorkbook(await writeIntakeTemplate({}));
    const help = wb.getWorksheet('Petunjuk');
    if (!help) throw new Error('no Petunjuk sheet');
    const texts: string[] = [];
    help.eachRow((row) => row.eachCell((cell) => texts.push(String(cell.value))));
    const all = texts.join('\n');
    const indonesian = all.indexOf('PETUNJUK PENGISIAN');
    const english = all.indexOf('HOW TO FILL IN');
    expect(indonesian).toBeGreaterThanOrEqual(0);
    expect(english).toBeGreaterThan(indonesian);
    expect(all).toMatch(/5,30101E\+15/);
    expect(all).toMatch(/21\/07\/1980/);
    expect(all).toMatch(/send|unggah/i);
    // The example row is there, as text so Excel does not round the NIK.
    expect(texts).toContain('5301016107800001');
  });

  it('adds a Wilayah sheet for 3,442 villages and still reads back cleanly', async () => {
    const buf = await writeIntakeTemplate({ villages: VILLAGES });
    const file = await openIntakeFile(await saved(buf));
    expect(file.sheets).toEqual(['Data', 'Petunjuk', 'Kode', 'Wilayah']);
    expect(file.sheet).toBe('Data');
    expect(file.warnings).toEqual([]);
    const wilayah = await openIntakeFile(await saved(buf), { sheet: 'Wilayah' });
    const rows = await allRows(wilayah);
    expect(rows).toHaveLength(3_443);
    expect(rows[0]?.cells).toEqual(['Kode Wilayah', 'Desa/Kelurahan', 'Kecamatan', 'Kabupaten/Kota']);
    expect(rows[3_442]?.cells).toEqual([VILLAGES[3_441]?.code, VILLAGES[3_441]?.village, VILLAGES[3_441]?.district, VILLAGES[3_441]?.regency]);
  });

  it('keeps a filled-in NIK as 16 digits of text and a typed date as a date', async () => {
    const wb = await loadWorkbook(await writeIntakeTemplate({}));
    const ws = wb.getWorksheet('Data');
    if (!ws) throw new Error('no Data sheet');
    ws.getRow(2).values = [1, '5301016107800001', '5301010101090001', 'Maria Goreti Ndun', 'Kupang', new Date(Date.UTC(1980, 6, 21)), 'P', 'Kawin', 'RT 002', 'Oesapa', 'Kelapa Lima', 'Kota Kupang', '53.71.05.1003', '081234567890', 'Penenun', 750000, 2, 'Ya', 'Tidak', 'Yosefina Bire', 'Bank NTT', '0012345678'];
    const path = join(dir, `${++counter}-filled.xlsx`);
    await wb.xlsx.writeFile(path);
    const rows = await allRows(await openIntakeFile(path));
    expect(rows[1]?.rowNo).toBe(2);
    expect(rows[1]?.cells[1]).toBe('5301016107800001');
    expect(rows[1]?.cells[5]).toEqual(new Date(Date.UTC(1980, 6, 21)));
    expect(rows[1]?.cells[21]).toBe('0012345678');
  });
});

describe('writeBatchReport', () => {
  it('adds two column titles the header reader does not take for data', () => {
    for (const m of Object.values(REPORT_COLUMNS)) {
      expect(matchHeader(m.id)).toBeNull();
      expect(matchHeader(m.en)).toBeNull();
    }
  });

  const HEADERS = ['No', 'No. NIK', 'Nama Sesuai KTP', 'Tgl Lahir', 'L/P', 'Kode Desa', 'Kolom Lain'];

  async function reportOf(rows: ReportRow[] | AsyncIterable<ReportRow>, opts: { lang?: 'id' | 'en'; title?: string; headers?: string[] } = {}): Promise<{ file: OpenedFile; rows: SheetRow[] }> {
    const path = join(dir, `${++counter}-report.xlsx`);
    await writeBatchReport(path, { headers: opts.headers ?? HEADERS, rows, lang: opts.lang ?? 'id', title: opts.title });
    const file = await openIntakeFile(path);
    return { file, rows: await allRows(file) };
  }

  it('can be uploaded again: same mapping as the original, the two added columns set aside', async () => {
    const rows: ReportRow[] = [
      { rowNo: 4, cells: [1, 5.30101e15, 'Maria', new Date(Date.UTC(1980, 6, 21)), 'P', '53.01.08.2006', 'x'], status: 'Ditolak', reasons: 'B: NIK tidak valid' },
      { rowNo: 5, cells: [2, '5301012107800002', 'Yohanes', '21/07/1980', 'L', '53.01.08.2006', null, 'tanpa judul'], status: 'Diterima', reasons: '' },
      { rowNo: 9, cells: [3, '5301012107800003', 'Agustina', '01-01-1990', 'P', '53.01.08.2006'], status: 'Ditolak', reasons: 'NIK ini sudah ada di baris 5 berkas ini.' },
    ];
    const { file, rows: back } = await reportOf(rows, { title: 'Batch #7 — PBI-2026 — Oesapa' });
    expect(file.sheet).toBe('Data');
    expect(file.sheets).toEqual(['Data', 'Ringkasan']);
    expect(file.warnings).toEqual([]);
    const headerIndex = findHeaderRow(back.map((r) => r.cells));
    const header = back[headerIndex ?? -1];
    // Rows keep the row numbers they had in the upload; the header sits right above the first.
    expect(header?.rowNo).toBe(3);
    expect(back[0]).toEqual({ rowNo: 1, cells: ['Batch #7 — PBI-2026 — Oesapa'] });
    expect(header?.cells).toEqual([...HEADERS, REPORT_COLUMNS.status.id, REPORT_COLUMNS.reason.id]);
    const again = mapHeaders(header?.cells ?? []);
    const original = mapHeaders(HEADERS);
    expect(again.mapping).toEqual(original.mapping);
    expect(again.unknown).toEqual(['Kolom Lain', REPORT_COLUMNS.status.id, REPORT_COLUMNS.reason.id]);
    expect(again.ok).toBe(original.ok);

    const data = back.slice((headerIndex ?? 0) + 1);
    expect(data.map((r) => r.rowNo)).toEqual([4, 5, 9]);
    // The number Excel made of an NIK comes back as its digits, as text.
    expect(data[0]?.cells).toEqual([1, '5301010000000000', 'Maria', new Date(Date.UTC(1980, 6, 21)), 'P', '53.01.08.2006', 'x', 'Ditolak', 'B: NIK tidak valid']);
    // A cell beyond the titled columns is kept, after the two added ones.
    expect(data[1]?.cells).toEqual([2, '5301012107800002', 'Yohanes', '21/07/1980', 'L', '53.01.08.2006', null, 'Diterima', null, 'tanpa judul']);
    expect(data[2]?.cells.slice(-2)).toEqual(['Ditolak', 'NIK ini sudah ada di baris 5 berkas ini.']);
  });

  it('writes a summary of the statuses', async () => {
    const path = join(dir, `${++counter}-summary.xlsx`);
    await writeBatchReport(path, {
      headers: HEADERS,
      lang: 'en',
      rows: [
        { rowNo: 2, cells: [1], status: 'Rejected', reasons: 'x' },
        { rowNo: 3, cells: [2], status: 'Accepted', reasons: '' },
        { rowNo: 4, cells: [3], status: 'Rejected', reasons: 'y' },
      ],
    });
    const summary = (await loadWorkbook(path)).getWorksheet('Summary');
    if (!summary) throw new Error('no summary');
    const lines = summary.getSheetValues().filter(Boolean).map((r) => (Array.isArray(r) ? r.slice(1) : r));
    expect(lines).toContainEqual(['Rejected', 2]);
    expect(lines).toContainEqual(['Accepted', 1]);
    expect(lines).toContainEqual(['Total', 3]);
    const data = (await loadWorkbook(path)).getWorksheet('Data');
    expect(data?.getRow(1).values).toEqual([undefined, ...HEADERS, REPORT_COLUMNS.status.en, REPORT_COLUMNS.reason.en]);
  });

  it('streams 20,000 rows from an async source to a stream', async () => {
    async function* source(): AsyncGenerator<ReportRow> {
      for (let i = 0; i < 20_000; i++) {
        yield { rowNo: i + 2, cells: [i + 1, `${5301010000000000 + i}`, `Orang ${i}`, '21/07/1980', 'P', '53.01.08.2006'], status: i % 3 ? 'Diterima' : 'Ditolak', reasons: i % 3 ? '' : 'Alasan' };
        if (i % 1000 === 0) await new Promise<void>((r) => setImmediate(r));
      }
    }
    const path = join(dir, `${++counter}-big.xlsx`);
    const out = createWriteStream(path);
    await writeBatchReport(out, { headers: HEADERS, rows: source(), lang: 'id' });
    await finished(out);
    const file = await openIntakeFile(path);
    let n = 0;
    let last: SheetRow | undefined;
    for await (const chunk of file.rows()) {
      n += chunk.length;
      last = chunk[chunk.length - 1];
    }
    expect(n).toBe(20_001);
    expect(last?.rowNo).toBe(20_001);
    expect(last?.cells.slice(0, 3)).toEqual([20_000, '5301010000019999', 'Orang 19999']);
  });

  it('handles a batch with no rows, and rows that start on row 1', async () => {
    const empty = await reportOf([]);
    expect(empty.rows).toEqual([{ rowNo: 1, cells: [...HEADERS, REPORT_COLUMNS.status.id, REPORT_COLUMNS.reason.id] }]);
    const cells: Cell[] = ['a'];
    const first = await reportOf([{ rowNo: 1, cells, status: 'Ditolak', reasons: 'tidak ada judul' }, { rowNo: 2, cells, status: 'Ditolak', reasons: 'tidak ada judul' }]);
    expect(first.rows.map((r) => r.rowNo)).toEqual([1, 2, 3]);
  });
});
