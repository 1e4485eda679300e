import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { IntakeFileError, openIntakeFile, type Cell, type OpenedFile, type SheetRow } from '../../src/features/intake/read-file.js';
import { findHeaderRow, mapHeaders } from '../../src/features/intake/headers.js';

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lindung-intake-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fixture(content: Buffer | string, name = `f${++counter}.bin`): Promise<string> {
  const path = join(dir, `${++counter}-${name}`);
  await writeFile(path, content);
  return path;
}

async function allRows(file: OpenedFile): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const chunk of file.rows()) out.push(...chunk);
  return out;
}

async function openCsvText(text: string, opts?: Parameters<typeof openIntakeFile>[1]): Promise<{ file: OpenedFile; rows: SheetRow[] }> {
  const file = await openIntakeFile(await fixture(Buffer.from(text, 'utf8'), 'data.csv'), opts);
  return { file, rows: await allRows(file) };
}

/** Runs `fn` and returns the IntakeFileError it throws (fails the test if it does not). */
async function fileErrorOf(fn: () => Promise<unknown>): Promise<IntakeFileError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(IntakeFileError);
    return e as IntakeFileError;
  }
  throw new Error('expected an IntakeFileError');
}

async function readAllOf(path: string, opts?: Parameters<typeof openIntakeFile>[1]): Promise<SheetRow[]> {
  return allRows(await openIntakeFile(path, opts));
}

const HEADER = ['No', 'NIK', 'Nama Lengkap', 'Tanggal Lahir', 'Jenis Kelamin', 'Kode Wilayah'];

// ---------------------------------------------------------------------------
// Zip files by hand, for what Excel never writes: broken, lying or hostile archives.

interface ZipPart {
  name: string;
  data: Buffer;
  /** Stored (0) or deflated (8, default). */
  method?: 0 | 8;
  /** Size to claim in the directory instead of the real one. */
  declaredSize?: number;
}

function makeZip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const method = part.method ?? 8;
    const body = method === 8 ? deflateRawSync(part.data) : part.data;
    const name = Buffer.from(part.name, 'utf8');
    const size = part.declaredSize ?? part.data.length;
    const crc = crc32(part.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const WORKBOOK_XML = (sheets: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${sheets}</sheets></workbook>`;
const RELS_XML = (targets: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${targets
    .map((t, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="${t}"/>`)
    .join('')}</Relationships>`;

function minimalXlsx(sheetXml: string, extra: ZipPart[] = [], sheetPart: Partial<ZipPart> = {}): Buffer {
  return makeZip([
    { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK_XML('<sheet name="Data" sheetId="1" r:id="rId1"/>')) },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(RELS_XML(['worksheets/sheet1.xml'])) },
    { name: 'xl/worksheets/sheet1.xml', data: Buffer.from(sheetXml), ...sheetPart },
    ...extra,
  ]);
}

async function xlsxFixture(build: (wb: ExcelJS.Workbook) => void, name = 'data.xlsx'): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return fixture(Buffer.from(await wb.xlsx.writeBuffer()), name);
}

// ---------------------------------------------------------------------------

describe('openIntakeFile: CSV', () => {
  it('reads a comma-separated UTF-8 file, keeping cell text as written', async () => {
    const { file, rows } = await openCsvText(`${HEADER.join(',')}\n1,5301016107800001, Maria Ndun ,21/07/1980,P,53.01.08.2006\n2,5301012107800002,Yohanes,1980-07-21,L,53.01.08.2006\n`);
    expect(file.format).toBe('csv');
    expect(file.encoding).toBe('utf-8');
    expect(file.delimiter).toBe(',');
    expect(file.warnings).toEqual([]);
    expect(rows).toEqual([
      { rowNo: 1, cells: HEADER },
      { rowNo: 2, cells: ['1', '5301016107800001', ' Maria Ndun ', '21/07/1980', 'P', '53.01.08.2006'] },
      { rowNo: 3, cells: ['2', '5301012107800002', 'Yohanes', '1980-07-21', 'L', '53.01.08.2006'] },
    ]);
  });

  it('detects semicolons even when unquoted addresses hold commas', async () => {
    const header = [...HEADER, 'Alamat', 'Tempat, Tanggal Lahir'];
    const { file, rows } = await openCsvText(
      `${header.join(';')}\n1;5301016107800001;Maria;21/07/1980;P;53.01.08.2006;Jl. Timor Raya, RT 01;Kupang, 21-07-1980\n` +
        `2;5301012107800002;Yohanes;21/07/1980;L;53.01.08.2006;Dusun A, RT 02, RW 01;Kupang, 21-07-1980\n`,
    );
    expect(file.delimiter).toBe(';');
    expect(rows[1]?.cells[6]).toBe('Jl. Timor Raya, RT 01');
    expect(rows[2]?.cells).toHaveLength(8);
  });

  it('detects tabs', async () => {
    const { file, rows } = await openCsvText(`${HEADER.join('\t')}\n1\t5301016107800001\tMaria, Ndun\t21/07/1980\tP\t53.01.08.2006\n`);
    expect(file.delimiter).toBe('\t');
    expect(rows[1]?.cells[2]).toBe('Maria, Ndun');
  });

  it('detects the delimiter by the header row when counting alone would not', async () => {
    // One data row only, and a title line: the header decides.
    const { file } = await openCsvText(`DAFTAR USULAN PESERTA DESA OESAPA\n${HEADER.join(';')}\n1;5301016107800001;Ndun, Maria;21/07/1980;P;53.01.08.2006\n`);
    expect(file.delimiter).toBe(';');
  });

  it('follows an Excel "sep=" line and numbers rows as Excel shows them, without it', async () => {
    const { file, rows } = await openCsvText(`sep=;\n${HEADER.join(';')}\n1;5301016107800001;Maria;21/07/1980;P;53.01.08.2006\n`);
    expect(file.delimiter).toBe(';');
    expect(rows.map((r) => r.rowNo)).toEqual([1, 2]);
    expect(rows[0]?.cells[0]).toBe('No');
  });

  it('strips a UTF-8 BOM', async () => {
    const file = await openIntakeFile(await fixture(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER.join(',')}\n1,5301016107800001,Dóminggus,21/07/1980,L,53.01.08.2006\n`)])));
    const rows = await allRows(file);
    expect(file.encoding).toBe('utf-8');
    expect(file.warnings).toEqual([]);
    expect(rows[0]?.cells[0]).toBe('No');
    expect(rows[1]?.cells[2]).toBe('Dóminggus');
  });

  it('reads Windows-1252 when the bytes are not UTF-8, with a warning', async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER.join(';')}\n1;5301016107800001;D`), Buffer.from([0xf3]), Buffer.from('minggus Ndun;21/07/1980;L;53.01.08.2006\n')]);
    const file = await openIntakeFile(await fixture(bytes, 'ansi.csv'));
    const rows = await allRows(file);
    expect(file.encoding).toBe('windows-1252');
    expect(rows[1]?.cells[2]).toBe('Dóminggus Ndun');
    expect(file.warnings.map((w) => w.code)).toEqual(['csv_windows_1252']);
    expect(file.warnings[0]?.severity).toBe('warning');
    expect(file.warnings[0]?.id).toMatch(/UTF-8/);
    expect(file.warnings[0]?.en).toMatch(/save it again/);
  });

  it('reads Excel "Unicode Text" (UTF-16 with BOM, tab-separated)', async () => {
    const text = `${HEADER.join('\t')}\r\n1\t5301016107800001\tDóminggus\t21/07/1980\tL\t53.01.08.2006\r\n`;
    const file = await openIntakeFile(await fixture(iconv.encode(text, 'utf16le', { addBOM: true }), 'unicode.txt'));
    const rows = await allRows(file);
    expect(file.encoding).toBe('utf-16le');
    expect(file.delimiter).toBe('\t');
    expect(rows[1]?.cells[2]).toBe('Dóminggus');
  });

  it('keeps quoted delimiters, doubled quotes and line breaks inside a value; CRLF ends rows; numbering follows Excel', async () => {
    const text = `${HEADER.join(',')},Alamat\r\n1,5301016107800001,"Ndun, Maria ""Ina""",21/07/1980,P,53.01.08.2006,"RT 01\r\nDusun Oesapa"\r\n\r\n2,5301012107800002,Yohanes,21/07/1980,L,53.01.08.2006,Kupang\r\n`;
    const { rows } = await openCsvText(text);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toEqual({ rowNo: 2, cells: ['1', '5301016107800001', 'Ndun, Maria "Ina"', '21/07/1980', 'P', '53.01.08.2006', 'RT 01\nDusun Oesapa'] });
    // The value over two lines is one row (2); the blank line is row 3 and is skipped.
    expect(rows[2]?.rowNo).toBe(4);
    expect(rows[2]?.cells[6]).toBe('Kupang');
  });

  it('unwraps ="…", the trick that keeps digits as text in Excel', async () => {
    const { rows } = await openCsvText(`${HEADER.join(',')}\n1,="5301016107800001",Maria,21/07/1980,P,53.01.08.2006\n`);
    expect(rows[1]?.cells[1]).toBe('5301016107800001');
  });

  it('hands out chunks of at most 2,000 rows, streaming', async () => {
    const lines = [HEADER.join(',')];
    for (let i = 1; i <= 4_500; i++) lines.push(`${i},${5301010000000000 + i},Orang ${i},21/07/1980,P,53.01.08.2006`);
    const file = await openIntakeFile(await fixture(lines.join('\n')));
    const sizes: number[] = [];
    let lastRowNo = 0;
    for await (const chunk of file.rows()) {
      sizes.push(chunk.length);
      lastRowNo = chunk[chunk.length - 1]?.rowNo ?? 0;
    }
    expect(sizes).toEqual([2000, 2000, 501]);
    expect(lastRowNo).toBe(4501);
    // A second pass reads the file again and gives the same rows.
    expect((await allRows(file)).length).toBe(4501);
  });

  it('gives the SHA-256 and size of the bytes', async () => {
    const bytes = Buffer.from(`${HEADER.join(',')}\n1,5301016107800001,Maria,21/07/1980,P,53.01.08.2006\n`);
    const file = await openIntakeFile(await fixture(bytes));
    expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(file.bytes).toBe(bytes.length);
  });

  it('warns when a CSV was named .xlsx', async () => {
    const file = await openIntakeFile(await fixture(`${HEADER.join(',')}\n1,5301016107800001,Maria,21/07/1980,P,53.01.08.2006\n`), { fileName: 'usulan.xlsx' });
    expect(file.format).toBe('csv');
    expect(file.warnings.map((w) => w.code)).toEqual(['file_extension_mismatch']);
  });

  it('refuses a quote that is never closed, naming the row', async () => {
    const file = await openIntakeFile(await fixture(`${HEADER.join(',')}\n1,5301016107800001,Maria,21/07/1980,P,53.01.08.2006\n2,5301012107800002,"Yohanes,21/07/1980,L,53.01.08.2006\n3,x,y,z,L,q\n`));
    const err = await fileErrorOf(() => allRows(file));
    expect(err.code).toBe('csv_unclosed_quote');
    expect(err.id).toMatch(/^Baris 3:/);
    expect(err.en).toMatch(/^Row 3:/);
  });

  it('warns, while reading, about quotes that are not paired, once per row', async () => {
    const file = await openIntakeFile(await fixture(`${HEADER.join(',')}\n1,5301016107800001,"Maria "Ina" Ndun",21/07/1980,P,53.01.08.2006\n2,5301012107800002,Yohanes,21/07/1980,L,53.01.08.2006\n`));
    expect(file.warnings).toEqual([]);
    const rows = await allRows(file);
    expect(rows[1]?.cells[2]).toBe('Maria "Ina" Ndun');
    expect(rows[2]?.cells[2]).toBe('Yohanes');
    expect(file.warnings.map((w) => w.code)).toEqual(['csv_invalid_quotes']);
    expect(file.warnings[0]?.en).toMatch(/^Row 2:/);
    await allRows(file);
    expect(file.warnings).toHaveLength(1);
  });

  it('stops a runaway quoted value after a few MB instead of holding the file', async () => {
    const filler = 'x,'.repeat(3_000_000);
    const file = await openIntakeFile(await fixture(`${HEADER.join(',')}\n1,"${filler}\n${filler}\n`));
    const err = await fileErrorOf(() => allRows(file));
    expect(err.code).toBe('csv_record_too_long');
    expect(err.en).toMatch(/Row 2 /);
  });

  it('refuses an empty file, and one with only blank lines or empty cells', async () => {
    for (const content of ['', '\n\n\r\n  \n', ';;;;\n;;;;\n', '\ufeff\n']) {
      const err = await fileErrorOf(async () => openIntakeFile(await fixture(content)));
      expect(err.code).toBe('file_empty');
      expect(err.id).toMatch(/kosong/);
      expect(err.en).toMatch(/empty/);
    }
  });
});

describe('openIntakeFile: files that are not what they claim', () => {
  it('refuses a binary file renamed .csv', async () => {
    const bytes = Buffer.concat([Buffer.from('NIK,Nama\n'), Buffer.from([0, 1, 2, 3, 0, 0, 255, 254]), Buffer.from('more')]);
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(bytes, 'renamed.csv')));
    expect(err.code).toBe('file_binary');
    expect(err.id).toMatch(/Simpan Sebagai/);
  });

  it('refuses the old .xls format with a clear way out', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 0)]);
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(ole, 'lama.xls')));
    expect(err.code).toBe('file_xls_old');
    expect(err.id).toMatch(/\.xlsx/);
    expect(err.en).toMatch(/Save As/);
    expect(err.en).toMatch(/CSV/);
  });

  it('names a PDF or a photo sent instead of a spreadsheet', async () => {
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 'data.xlsx')));
    expect(err.code).toBe('file_not_spreadsheet');
    expect(err.id).toMatch(/PDF/);
    const jpeg = await fileErrorOf(async () => openIntakeFile(await fixture(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]), 'foto.csv')));
    expect(jpeg.en).toMatch(/JPEG/);
  });

  it('refuses a web page saved with an Excel name', async () => {
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(Buffer.from('<html><body><table><tr><td>NIK</td></tr></table></body></html>'), 'export.xls')));
    expect(err.code).toBe('file_html');
  });

  it('refuses a file over the size limit, stating the limit and suggesting to split', async () => {
    const path = await fixture(Buffer.from(`${HEADER.join(',')}\n${'1,5301016107800001,Maria,21/07/1980,P,53.01.08.2006\n'.repeat(40_000)}`));
    const err = await fileErrorOf(() => openIntakeFile(path, { maxBytes: 1024 * 1024 }));
    expect(err.code).toBe('file_too_large');
    expect(err.id).toMatch(/batasnya 1 MB/);
    expect(err.id).toMatch(/Pecah/);
    expect(err.en).toMatch(/the limit is 1 MB/);
    expect(err.en).toMatch(/Split/);
  });

  it('refuses a path that is not there', async () => {
    const err = await fileErrorOf(() => openIntakeFile(join(dir, 'missing.csv')));
    expect(err.code).toBe('file_unreadable');
  });

  it('refuses a zip that holds no workbook', async () => {
    const zip = makeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]);
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(zip, 'data.xlsx')));
    expect(err.code).toBe('xlsx_no_workbook');
    expect(err.en).toMatch(/zip archive/);
    const docx = makeZip([{ name: 'word/document.xml', data: Buffer.from('<w:document/>') }]);
    expect((await fileErrorOf(async () => openIntakeFile(await fixture(docx, 'data.xlsx')))).en).toMatch(/Word document/);
  });

  it('refuses a truncated workbook as damaged', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(HEADER);
      for (let i = 0; i < 200; i++) ws.addRow([i, `53010161078${String(i).padStart(5, '0')}`, `Orang ${i}`, '21/07/1980', 'P', '53.01.08.2006']);
    });
    const bytes = await readFile(path);
    const err = await fileErrorOf(async () => openIntakeFile(await fixture(bytes.subarray(0, Math.floor(bytes.length / 2)), 'cut.xlsx')));
    expect(err.code).toBe('xlsx_damaged');
  });

  it('refuses a zip bomb from its declared sizes, before inflating it', async () => {
    const sheet = `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row></sheetData>${' '.repeat(40 * 1024 * 1024)}</worksheet>`;
    const path = await fixture(minimalXlsx(sheet), 'bomb.xlsx');
    const started = Date.now();
    const err = await fileErrorOf(() => openIntakeFile(path));
    expect(err.code).toBe('xlsx_too_big_unpacked');
    expect(err.en).toMatch(/too large once unpacked/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a zip bomb that lies about its sizes, by counting what it inflates', async () => {
    const rows = HEADER.map((h, i) => `<c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('');
    const sheet = `<worksheet><sheetData><row r="1">${rows}</row>${'<row/>'.repeat(3_000_000)}</sheetData></worksheet>`;
    const path = await fixture(minimalXlsx(sheet, [], { declaredSize: 4_000 }), 'liar.xlsx');
    const err = await fileErrorOf(() => openIntakeFile(path));
    expect(err.code).toBe('xlsx_too_big_unpacked');
  });
});

describe('openIntakeFile: XLSX cells', () => {
  it('keeps numbers, dates, booleans and texts as Excel holds them', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow([...HEADER, 'Penghasilan', 'Disabilitas', 'Keterangan', 'Hitung', 'Nama Besar', 'Rumus Kosong']);
      const row = ws.addRow([
        1,
        5.30101e15, // an NIK Excel turned into a number: the caller must see the number, to say so
        { richText: [{ text: 'Maria ' }, { font: { bold: true }, text: 'Ndun' }] },
        new Date(Date.UTC(1980, 6, 21)),
        'P',
        '53.01.08.2006',
        750000,
        true,
        { error: '#N/A' },
        { formula: 'G2*2', result: 1500000 },
        { formula: 'UPPER(C2)', result: 'MARIA NDUN' },
        { formula: 'G2+1' },
      ]);
      row.getCell(4).numFmt = 'dd/mm/yyyy';
      ws.addRow([2, '5301012107800002', 'Yohanes', new Date(Date.UTC(2001, 0, 31)), 'L', '53.01.08.2006']);
    });
    const file = await openIntakeFile(path);
    const rows = await allRows(file);
    expect(file.format).toBe('xlsx');
    expect(file.sheet).toBe('Data');
    expect(file.sheets).toEqual(['Data']);
    const cells = rows[1]?.cells ?? [];
    expect(cells[1]).toBe(5301010000000000);
    expect(typeof cells[1]).toBe('number');
    expect(cells[2]).toBe('Maria Ndun');
    expect(cells[3]).toEqual(new Date(Date.UTC(1980, 6, 21)));
    expect(cells.slice(4, 9)).toEqual(['P', '53.01.08.2006', 750000, true, '#N/A']);
    expect(cells[9]).toBe(1500000);
    expect(cells[10]).toBe('MARIA NDUN');
    // The empty formula cell is last: trailing empty cells are not returned.
    expect(cells).toHaveLength(11);
    expect(rows[2]?.cells).toEqual([2, '5301012107800002', 'Yohanes', new Date(Date.UTC(2001, 0, 31)), 'L', '53.01.08.2006']);
    // The formula without a saved result is named.
    expect(file.warnings.map((w) => w.code)).toEqual(['xlsx_formula_no_value']);
    expect(file.warnings[0]?.id).toMatch(/'L2'/);
    expect(file.warnings[0]?.en).toMatch(/press F9/);
  });

  it('reads what other generators write: prefixes, inline rich text, ISO and 1904 dates, formula errors, missing addresses', async () => {
    const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
    const header = ['NIK', 'Nama Lengkap', 'Tanggal Lahir', 'Jenis Kelamin'];
    const headerCells = header
      .map((h, i) => (i === 1
        ? '<x:c t="inlineStr"><x:is><x:r><x:t>Nama </x:t></x:r><x:r><x:rPr><x:b/></x:rPr><x:t>Lengkap</x:t></x:r><x:rPh><x:t>yomi</x:t></x:rPh></x:is></x:c>'
        : `<x:c r="${String.fromCharCode(65 + i)}1" t="inlineStr"><x:is><x:t>${h}</x:t></x:is></x:c>`))
      .join('');
    const sheet =
      `<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="${ns}"><x:sheetData>` +
      `<x:row r="1">${headerCells}</x:row>` +
      '<x:row r="2"><x:c r="A2" s="1"><x:v>29423</x:v></x:c><x:c r="B2" t="e"><x:f>VLOOKUP(A2,X!A:B,2,0)</x:f><x:v>#N/A</x:v></x:c>' +
      '<x:c r="C2" t="b"><x:v>1</x:v></x:c><x:c r="D2" t="d"><x:v>1980-07-21T00:00:00</x:v></x:c>' +
      '<x:c r="E2" t="inlineStr"><x:is><x:t xml:space="preserve">RT 01_x000D_&#10;Dusun &amp; Kebun</x:t></x:is></x:c>' +
      '<x:c t="s"><x:v>0</x:v></x:c><x:c r="G2" s="3"><x:v>5301016107800001</x:v></x:c><x:c r="H2"><x:f>1+1</x:f></x:c><x:c r="I2" s="2"><x:v>60</x:v></x:c>' +
      '<x:c r="J2" t="str"><x:f>IF(A2="","",A2)</x:f><x:v></x:v></x:c><x:c r="K2"><x:f>A2+1</x:f><x:v/></x:c></x:row>' +
      '<x:row><x:c r="A3" t="s"><x:v>1</x:v></x:c></x:row>' +
      '</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A3:B3"/></x:mergeCells></x:worksheet>';
    const styles =
      `<styleSheet xmlns="${ns}"><numFmts count="1"><numFmt numFmtId="164" formatCode="[$-421]dd mmmm yyyy;@"/></numFmts>` +
      '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="49"/></cellXfs></styleSheet>';
    const zip = makeZip([
      { name: 'xl/workbook.xml', data: Buffer.from(WORKBOOK_XML('<sheet name="Data" sheetId="1" r:id="rId1"/>').replace('<sheets>', '<workbookPr date1904="1"/><sheets>')) },
      { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(RELS_XML(['/xl/worksheets/data.xml'])) },
      { name: 'xl/worksheets/data.xml', data: Buffer.from(sheet) },
      { name: 'xl/styles.xml', data: Buffer.from(styles), method: 0 },
      { name: 'xl/sharedStrings.xml', data: Buffer.from(`<sst xmlns="${ns}"><si><t>Kupang</t></si><si><r><t>Dusun </t></r><r><t>Oebobo</t></r></si></sst>`) },
    ]);
    const file = await openIntakeFile(await fixture(zip, 'other.xlsx'));
    const rows = await allRows(file);
    expect(rows.map((r) => r.rowNo)).toEqual([1, 2, 3]);
    expect(rows[0]?.cells).toEqual(header);
    expect(rows[1]?.cells).toEqual([
      new Date(Date.UTC(1904, 0, 1) + 29423 * 86_400_000),
      '#N/A',
      true,
      new Date(Date.UTC(1980, 6, 21)),
      'RT 01\r\nDusun & Kebun',
      'Kupang',
      5301016107800001,
      null,
      // Serial 60 in a 1904 workbook is an ordinary date.
      new Date(Date.UTC(1904, 0, 1) + 60 * 86_400_000),
      // A formula that returned "" is an empty text, not a missing result.
      '',
    ]);
    expect(rows[2]?.cells).toEqual(['Dusun Oebobo']);
    expect(file.warnings.map((w) => w.code).sort()).toEqual(['xlsx_formula_no_value', 'xlsx_merged_cells']);
    expect(file.warnings.find((w) => w.code === 'xlsx_formula_no_value')?.en).toMatch(/^2 cells have formulas without a saved result: 'H2', 'K2';/);
    expect(file.warnings.find((w) => w.code === 'xlsx_merged_cells')?.en).toMatch(/'A3:B3'/);
  });

  it('keeps Excel’s fake 29 February 1900 a number, so the date check can say so', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(HEADER);
      const row = ws.addRow([1, '5301016107800001', 'Maria', 60, 'P', '53.01.08.2006']);
      row.getCell(4).numFmt = 'dd/mm/yyyy';
      const row2 = ws.addRow([2, '5301016107800002', 'Maria', 59, 'P', '53.01.08.2006']);
      row2.getCell(4).numFmt = 'dd/mm/yyyy';
    });
    const rows = await readAllOf(path);
    expect(rows[1]?.cells[3]).toBe(60);
    expect(rows[2]?.cells[3]).toEqual(new Date(Date.UTC(1900, 1, 28)));
  });

  it('hands out chunks of at most 2,000 rows', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Data');
      ws.addRow(HEADER);
      for (let i = 1; i <= 2_500; i++) ws.addRow([i, `${5301010000000000 + i}`, `Orang ${i}`, '21/07/1980', 'P', '53.01.08.2006']);
    });
    const file = await openIntakeFile(path);
    const sizes: number[] = [];
    for await (const chunk of file.rows()) sizes.push(chunk.length);
    expect(sizes).toEqual([2000, 501]);
  });

  it('gives the SHA-256 of the file bytes', async () => {
    const path = await xlsxFixture((wb) => {
      wb.addWorksheet('Data').addRow(HEADER);
    });
    const file = await openIntakeFile(path);
    expect(file.sha256).toBe(createHash('sha256').update(await readFile(path)).digest('hex'));
  });
});

describe('openIntakeFile: XLSX sheets', () => {
  function titled(ws: ExcelJS.Worksheet, people: Cell[][]): void {
    ws.getCell('A1').value = 'DAFTAR USULAN PESERTA BPJS KETENAGAKERJAAN DESA OESAPA';
    ws.mergeCells('A1:F1');
    ws.addRow([]);
    ws.getRow(3).values = HEADER;
    people.forEach((p, i) => {
      ws.getRow(4 + i).values = p;
    });
  }

  it('finds the header row under a title on the second sheet', async () => {
    const path = await xlsxFixture((wb) => {
      const cover = wb.addWorksheet('Petunjuk');
      cover.addRow(['Isi data di lembar Usulan']);
      cover.addRow(['Kontak: kantor desa']);
      titled(wb.addWorksheet('Usulan'), [[1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006']]);
    });
    const file = await openIntakeFile(path);
    expect(file.sheet).toBe('Usulan');
    expect(file.sheets).toEqual(['Petunjuk', 'Usulan']);
    // The merged title above the header is harmless and not reported.
    expect(file.warnings).toEqual([]);
    const rows = await allRows(file);
    const headerIndex = findHeaderRow(rows.map((r) => r.cells));
    expect(headerIndex).not.toBeNull();
    expect(rows[headerIndex ?? 0]?.rowNo).toBe(3);
    expect(mapHeaders(rows[headerIndex ?? 0]?.cells ?? []).ok).toBe(true);
    expect(rows[rows.length - 1]).toEqual({ rowNo: 4, cells: [1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006'] });
  });

  it('reads the sheet asked for, and lists the sheets when it is not there', async () => {
    const path = await xlsxFixture((wb) => {
      titled(wb.addWorksheet('Usulan'), [[1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006']]);
      const other = wb.addWorksheet('Tambahan');
      other.addRow(HEADER);
      other.addRow([1, '5301012107800002', 'Yohanes', '21/07/1980', 'L', '53.01.08.2006']);
    });
    const asked = await openIntakeFile(path, { sheet: 'Tambahan' });
    expect(asked.sheet).toBe('Tambahan');
    expect((await allRows(asked))[1]?.cells[2]).toBe('Yohanes');
    expect((await openIntakeFile(path, { sheet: ' tambahan ' })).sheet).toBe('Tambahan');
    const err = await fileErrorOf(() => openIntakeFile(path, { sheet: 'Data' }));
    expect(err.code).toBe('xlsx_sheet_not_found');
    expect(err.id).toMatch(/'Usulan', 'Tambahan'/);
    expect(err.en).toMatch(/There is no sheet 'Data'/);
  });

  it('warns when another visible sheet also holds participants', async () => {
    const path = await xlsxFixture((wb) => {
      titled(wb.addWorksheet('Usulan'), [[1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006']]);
      titled(wb.addWorksheet('Usulan (2)'), [[1, '5301012107800002', 'Yohanes', '21/07/1980', 'L', '53.01.08.2006']]);
    });
    const file = await openIntakeFile(path);
    expect(file.sheet).toBe('Usulan');
    expect(file.warnings.map((w) => w.code)).toEqual(['xlsx_other_data_sheets']);
    expect(file.warnings[0]?.id).toMatch(/'Usulan \(2\)'/);
  });

  it('prefers a visible participant sheet over a hidden one and over a lookup table', async () => {
    const path = await xlsxFixture((wb) => {
      const lookup = wb.addWorksheet('Wilayah');
      lookup.addRow(['Kode Wilayah', 'Desa/Kelurahan', 'Kecamatan', 'Kabupaten/Kota']);
      lookup.addRow(['53.01.08.2006', 'Oesapa', 'Kelapa Lima', 'Kota Kupang']);
      const old = wb.addWorksheet('Lama', { state: 'hidden' });
      old.addRow(HEADER);
      titled(wb.addWorksheet('Baru'), [[1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006']]);
    });
    const file = await openIntakeFile(path);
    expect(file.sheet).toBe('Baru');
    expect(file.warnings).toEqual([]);
  });

  it('reads a hidden sheet when it is the only one with participants, and says so', async () => {
    const path = await xlsxFixture((wb) => {
      wb.addWorksheet('Catatan').addRow(['Tidak ada data di sini']);
      const old = wb.addWorksheet('Lama', { state: 'hidden' });
      old.addRow(HEADER);
      old.addRow([1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006']);
    });
    const file = await openIntakeFile(path);
    expect(file.sheet).toBe('Lama');
    expect(file.warnings.map((w) => w.code)).toEqual(['xlsx_hidden_sheet']);
  });

  it('refuses a workbook with no header row, listing the sheets and the expected columns', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Sheet1');
      for (let i = 0; i < 30; i++) ws.addRow([i, i * 2, `baris ${i}`]);
      wb.addWorksheet('Sheet2');
    });
    const err = await fileErrorOf(() => openIntakeFile(path));
    expect(err.code).toBe('xlsx_no_data_sheet');
    expect(err.id).toMatch(/'Sheet1', 'Sheet2'/);
    expect(err.id).toMatch(/NIK, Nama Lengkap, Tanggal Lahir, Jenis Kelamin/);
    expect(err.en).toMatch(/Expected columns:/);
  });

  it('names merged cells in the header and data, not in the title', async () => {
    const path = await xlsxFixture((wb) => {
      const ws = wb.addWorksheet('Usulan');
      titled(ws, [
        [1, '5301016107800001', 'Maria', '21/07/1980', 'P', '53.01.08.2006'],
        [2, '5301012107800002', 'Yohanes', '21/07/1980', 'L', null],
      ]);
      ws.mergeCells('F4:F5');
    });
    const file = await openIntakeFile(path);
    expect(file.warnings.map((w) => w.code)).toEqual(['xlsx_merged_cells']);
    expect(file.warnings[0]?.id).toMatch(/'F4:F5'/);
    expect(file.warnings[0]?.id).not.toMatch(/A1:F1/);
    expect(file.warnings[0]?.en).toMatch(/top-left cell only/);
    // The value belongs to the top-left cell; the cell below reads empty.
    const rows = await allRows(file);
    expect(rows.find((r) => r.rowNo === 4)?.cells[5]).toBe('53.01.08.2006');
    expect(rows.find((r) => r.rowNo === 5)?.cells[5] ?? null).toBeNull();
  });
});
