/**
 * The XLSX template villages fill in. Its column titles are the ones `matchHeader` knows best, so
 * a filled template always maps with no header problem; the formats and drop-down lists stop the
 * usual damage at the source: NIK and KK columns are text, so Excel keeps all 16 digits instead of
 * showing 5,30101E+15 and dropping the last ones; dates are dd/mm/yyyy; coded columns offer their
 * codes. Nothing in the template is needed to read the file back: a village may retype it from
 * scratch with the same titles.
 */
import ExcelJS from 'exceljs';
import type { Lang, Message } from '../../domain/messages.js';
import { MARITAL_LABELS, MARITAL_STATUSES, OCCUPATION_LABELS, OCCUPATIONS } from '../../domain/person-codes.js';
import { FIELD_LABELS, columnLetter, type Field } from './headers.js';

export interface TemplateVillage {
  code: string;
  village: string;
  district: string;
  regency: string;
}

export interface TemplateOptions {
  /** Language of the pop-up help on the column titles and drop-downs. The titles stay Indonesian. */
  lang?: Lang;
  /** Adds a "Wilayah" sheet listing these villages with their Kemendagri codes. */
  villages?: readonly TemplateVillage[];
}

type Kind = 'text' | 'digits' | 'date' | 'money' | 'plain';

export interface TemplateColumn {
  field: Field;
  width: number;
  kind: Kind;
  /** Required for every row ('area' = required unless Kode Wilayah is filled). */
  required: boolean | 'area';
  help: Message;
  example: string;
}

/** The sheet names; the reader does not depend on them. */
export const TEMPLATE_SHEETS = { data: 'Data', help: 'Petunjuk', codes: 'Kode', areas: 'Wilayah' } as const;

/** Rows that get drop-downs and checks: far more than any village list. */
const DATA_ROWS = 10_000;

export const TEMPLATE_COLUMNS: readonly TemplateColumn[] = [
  { field: 'row_no', width: 6, kind: 'plain', required: false, example: '1', help: { id: 'Nomor urut baris (boleh dikosongkan).', en: 'Row number (may be left empty).' } },
  { field: 'nik', width: 20, kind: 'digits', required: true, example: '5301016107800001', help: { id: 'NIK 16 angka sesuai KTP/KK. Kolom ini berformat teks: ketik angkanya saja, tanpa titik atau spasi.', en: 'The 16-digit NIK as on the KTP/KK. This column is text: type the digits only, no dots or spaces.' } },
  { field: 'kk', width: 20, kind: 'digits', required: false, example: '5301010101090001', help: { id: 'Nomor Kartu Keluarga, 16 angka.', en: 'Family card (KK) number, 16 digits.' } },
  { field: 'full_name', width: 28, kind: 'plain', required: true, example: 'Maria Goreti Ndun', help: { id: 'Nama lengkap sesuai KTP, tanpa gelar.', en: 'Full name as on the KTP, without titles.' } },
  { field: 'birth_place', width: 16, kind: 'plain', required: false, example: 'Kupang', help: { id: 'Kota/kabupaten tempat lahir.', en: 'Town or regency of birth.' } },
  { field: 'birth_date', width: 14, kind: 'date', required: true, example: '21/07/1980', help: { id: 'Tanggal lahir sesuai KTP, ditulis tanggal/bulan/tahun, misalnya 21/07/1980.', en: 'Date of birth as on the KTP, written day/month/year, for example 21/07/1980.' } },
  { field: 'sex', width: 10, kind: 'plain', required: true, example: 'P', help: { id: 'L (laki-laki) atau P (perempuan).', en: 'L (male) or P (female).' } },
  { field: 'marital_status', width: 18, kind: 'plain', required: false, example: 'Kawin', help: { id: 'Pilih dari daftar: Belum Kawin, Kawin, Cerai Hidup, Cerai Mati.', en: 'Choose from the list: Belum Kawin (not married), Kawin (married), Cerai Hidup (divorced), Cerai Mati (widowed).' } },
  { field: 'address', width: 30, kind: 'plain', required: false, example: 'RT 002/RW 001, Dusun Oesapa', help: { id: 'Alamat: jalan/dusun, RT/RW.', en: 'Address: street or hamlet, RT/RW.' } },
  { field: 'village', width: 18, kind: 'plain', required: 'area', example: 'Oesapa', help: { id: 'Nama desa/kelurahan. Wajib bila Kode Wilayah kosong.', en: 'Village name. Required when the area code is empty.' } },
  { field: 'district', width: 16, kind: 'plain', required: 'area', example: 'Kelapa Lima', help: { id: 'Nama kecamatan. Wajib bila Kode Wilayah kosong.', en: 'District (kecamatan) name. Required when the area code is empty.' } },
  { field: 'regency', width: 16, kind: 'plain', required: 'area', example: 'Kota Kupang', help: { id: 'Nama kabupaten/kota. Wajib bila Kode Wilayah kosong.', en: 'Regency or city name. Required when the area code is empty.' } },
  { field: 'area_code', width: 16, kind: 'text', required: 'area', example: '53.71.05.1003', help: { id: 'Kode desa Kemendagri, misalnya 53.01.08.2006 (lihat lembar Wilayah). Bila diisi, nama wilayah boleh kosong.', en: 'Kemendagri village code, e.g. 53.01.08.2006 (see the Wilayah sheet). When filled, the area names may be empty.' } },
  { field: 'phone', width: 16, kind: 'digits', required: false, example: '081234567890', help: { id: 'Nomor HP/WhatsApp, misalnya 081234567890.', en: 'Mobile/WhatsApp number, for example 081234567890.' } },
  { field: 'occupation', width: 22, kind: 'plain', required: false, example: 'Penenun', help: { id: 'Pilih pekerjaan dari daftar; bila tidak ada, pilih Lainnya dan tulis pekerjaannya di Keterangan.', en: 'Choose the occupation from the list; if it is not there, choose Lainnya (other) and write it under Keterangan.' } },
  { field: 'declared_income', width: 14, kind: 'money', required: false, example: '750000', help: { id: 'Penghasilan per bulan dalam rupiah, angka saja, misalnya 750000.', en: 'Monthly income in rupiah, digits only, for example 750000.' } },
  { field: 'dtsen_decile', width: 10, kind: 'plain', required: false, example: '2', help: { id: 'Desil DTSEN 1 (termiskin) sampai 10; kosongkan bila tidak diketahui.', en: 'DTSEN decile 1 (poorest) to 10; leave empty if unknown.' } },
  { field: 'extreme_poor', width: 12, kind: 'plain', required: false, example: 'Ya', help: { id: 'Ya bila terdata miskin ekstrem (P3KE), selain itu Tidak.', en: 'Ya (yes) if listed as extreme poor (P3KE), otherwise Tidak (no).' } },
  { field: 'disability', width: 12, kind: 'plain', required: false, example: 'Tidak', help: { id: 'Ya atau Tidak; boleh juga jenis disabilitasnya (misalnya Tuna Netra).', en: 'Ya (yes) or Tidak (no); the kind of disability may be written too (e.g. Tuna Netra).' } },
  { field: 'mother_name', width: 24, kind: 'plain', required: false, example: 'Yosefina Bire', help: { id: 'Nama ibu kandung (untuk pendaftaran BPJS).', en: 'Mother’s maiden name (for the BPJS registration).' } },
  { field: 'bank_name', width: 14, kind: 'plain', required: false, example: 'Bank NTT', help: { id: 'Nama bank rekening peserta, bila ada.', en: 'Bank of the participant’s account, if any.' } },
  { field: 'bank_account', width: 20, kind: 'digits', required: false, example: '0012345678', help: { id: 'Nomor rekening; kolom teks, angka nol di depan tetap tersimpan.', en: 'Account number; a text column, so leading zeros are kept.' } },
  { field: 'note', width: 30, kind: 'plain', required: false, example: '', help: { id: 'Catatan bebas untuk petugas.', en: 'Free notes for the officers.' } },
];

// Excel refuses a file whose validation title is over 32 characters or message over 255.
const MAX_PROMPT_TITLE = 32;
const MAX_PROMPT = 255;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** ExcelJS writes validations for whole ranges and prompt-only validations ('any'), but its typings know neither. */
interface Validation extends Omit<ExcelJS.DataValidation, 'type'> {
  type: ExcelJS.DataValidation['type'] | 'any';
}

function addValidation(ws: ExcelJS.Worksheet, range: string, v: Validation): void {
  const rangeApi = (ws as unknown as { dataValidations: { add(range: string, v: Validation): void } }).dataValidations;
  rangeApi.add(range, {
    ...v,
    ...(v.promptTitle ? { promptTitle: clip(v.promptTitle, MAX_PROMPT_TITLE) } : {}),
    ...(v.prompt ? { prompt: clip(v.prompt, MAX_PROMPT) } : {}),
    ...(v.errorTitle ? { errorTitle: clip(v.errorTitle, MAX_PROMPT_TITLE) } : {}),
    ...(v.error ? { error: clip(v.error, MAX_PROMPT) } : {}),
  });
}

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const REQUIRED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };
const AREA_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const BOLD: Partial<ExcelJS.Font> = { bold: true };
const THIN_BORDER: Partial<ExcelJS.Borders> = { bottom: { style: 'thin', color: { argb: 'FF7F7F7F' } } };

const YES_NO = ['Ya', 'Tidak'];
const SEXES: readonly [string, Message][] = [
  ['L', { id: 'Laki-laki', en: 'Male' }],
  ['P', { id: 'Perempuan', en: 'Female' }],
];

interface CodeList {
  title: string;
  values: readonly string[];
  meanings: readonly Message[];
}

/** The code lists, one block of columns each on the Kode sheet; drop-downs point at them. */
function codeLists(): Record<'sex' | 'marital' | 'occupation' | 'yesNo', CodeList> {
  return {
    sex: { title: 'Daftar Jenis Kelamin', values: SEXES.map(([c]) => c), meanings: SEXES.map(([, m]) => m) },
    marital: { title: 'Daftar Status Perkawinan', values: MARITAL_STATUSES.map((s) => MARITAL_LABELS[s].id), meanings: MARITAL_STATUSES.map((s) => MARITAL_LABELS[s]) },
    occupation: { title: 'Daftar Pekerjaan', values: OCCUPATIONS.map((o) => OCCUPATION_LABELS[o].id), meanings: OCCUPATIONS.map((o) => OCCUPATION_LABELS[o]) },
    yesNo: { title: 'Daftar Ya/Tidak', values: YES_NO, meanings: [{ id: 'Ya', en: 'Yes' }, { id: 'Tidak', en: 'No' }] },
  };
}

function addCodesSheet(wb: ExcelJS.Workbook, lang: Lang): Record<keyof ReturnType<typeof codeLists>, string> {
  const ws = wb.addWorksheet(TEMPLATE_SHEETS.codes, { views: [{ state: 'frozen', ySplit: 1 }] });
  const lists = codeLists();
  const ranges = {} as Record<keyof typeof lists, string>;
  let col = 1;
  for (const key of Object.keys(lists) as (keyof typeof lists)[]) {
    const list = lists[key];
    const valueCol = columnLetter(col - 1);
    ws.getColumn(col).width = Math.max(14, ...list.values.map((v) => v.length + 2));
    ws.getColumn(col + 1).width = Math.max(16, ...list.meanings.map((m) => m[lang === 'id' ? 'en' : 'id'].length + 2));
    ws.getCell(1, col).value = list.title;
    ws.getCell(1, col + 1).value = lang === 'id' ? 'Arti (English)' : 'Arti (Indonesia)';
    for (const c of [col, col + 1]) {
      ws.getCell(1, c).font = BOLD;
      ws.getCell(1, c).fill = HEADER_FILL;
    }
    list.values.forEach((v, i) => {
      ws.getCell(i + 2, col).value = v;
      const meaning = list.meanings[i];
      if (meaning) ws.getCell(i + 2, col + 1).value = lang === 'id' ? meaning.en : meaning.id;
    });
    ranges[key] = `'${TEMPLATE_SHEETS.codes}'!$${valueCol}$2:$${valueCol}$${list.values.length + 1}`;
    col += 3;
  }
  return ranges;
}

function addDataSheet(wb: ExcelJS.Workbook, lang: Lang, ranges: Record<'sex' | 'marital' | 'occupation' | 'yesNo', string>): void {
  const ws = wb.getWorksheet(TEMPLATE_SHEETS.data);
  if (!ws) return;
  const last = DATA_ROWS + 1;
  TEMPLATE_COLUMNS.forEach((c, i) => {
    const column = ws.getColumn(i + 1);
    column.width = c.width;
    const letter = columnLetter(i);
    const range = `${letter}2:${letter}${last}`;
    if (c.kind === 'digits' || c.kind === 'text') column.numFmt = '@';
    else if (c.kind === 'date') column.numFmt = 'dd/mm/yyyy';
    else if (c.kind === 'money') column.numFmt = '#,##0';

    const cell = ws.getCell(1, i + 1);
    cell.value = FIELD_LABELS[c.field].id;
    cell.font = BOLD;
    cell.fill = c.required === true ? REQUIRED_FILL : c.required === 'area' ? AREA_FILL : HEADER_FILL;
    cell.border = THIN_BORDER;
    cell.alignment = { vertical: 'middle', wrapText: true };
    // Header cells keep the general format: a text-formatted title would show as text anyway.
    cell.numFmt = 'General';
    const required = c.required === true ? { id: ' (wajib)', en: ' (required)' } : { id: '', en: '' };
    addValidation(ws, `${letter}1`, {
      type: 'any',
      formulae: [],
      showInputMessage: true,
      promptTitle: `${FIELD_LABELS[c.field].id}${required[lang]}`,
      prompt: c.help[lang],
    });

    const hint = { promptTitle: FIELD_LABELS[c.field].id, prompt: c.help[lang], showInputMessage: true, showErrorMessage: true };
    const list = (source: string, strict: boolean): Validation => ({
      ...hint,
      type: 'list',
      allowBlank: true,
      formulae: [source],
      errorStyle: strict ? 'stop' : 'warning',
      errorTitle: lang === 'id' ? 'Isian tidak ada di daftar' : 'Not in the list',
      error: lang === 'id' ? `Pilih salah satu isian dari daftar. ${c.help.id}` : `Choose one of the values in the list. ${c.help.en}`,
    });
    switch (c.field) {
      case 'sex':
        addValidation(ws, range, list(`"${SEXES.map(([code]) => code).join(',')}"`, true));
        break;
      case 'marital_status':
        addValidation(ws, range, list(ranges.marital, false));
        break;
      case 'occupation':
        addValidation(ws, range, list(ranges.occupation, false));
        break;
      case 'extreme_poor':
        addValidation(ws, range, list(`"${YES_NO.join(',')}"`, true));
        break;
      case 'disability':
        // A written kind of disability ("Tuna Netra") is accepted too: warn, do not block.
        addValidation(ws, range, list(`"${YES_NO.join(',')}"`, false));
        break;
      case 'dtsen_decile':
        addValidation(ws, range, {
          ...hint,
          type: 'whole',
          operator: 'between',
          allowBlank: true,
          formulae: [1, 10],
          errorStyle: 'stop',
          errorTitle: lang === 'id' ? 'Desil tidak valid' : 'Invalid decile',
          error: c.help[lang],
        });
        break;
      case 'birth_date':
        // Warn only: an Excel set to another language may keep 21/07/1980 as text, which we read fine.
        addValidation(ws, range, {
          ...hint,
          type: 'date',
          operator: 'between',
          allowBlank: true,
          formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2099, 11, 31))],
          errorStyle: 'warning',
          errorTitle: lang === 'id' ? 'Bukan tanggal' : 'Not a date',
          error: c.help[lang],
        });
        break;
      case 'nik':
      case 'kk':
        addValidation(ws, range, {
          ...hint,
          type: 'textLength',
          operator: 'equal',
          allowBlank: true,
          formulae: [16],
          errorStyle: 'warning',
          errorTitle: lang === 'id' ? 'Harus 16 angka' : 'Must be 16 digits',
          error: c.help[lang],
        });
        break;
      default:
        break;
    }
  });
  ws.getRow(1).height = 30;
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: TEMPLATE_COLUMNS.length } };
}

interface HelpLine {
  text: string;
  style?: 'title' | 'heading' | 'table';
}

function helpLines(lang: Lang): HelpLine[] {
  const id = lang === 'id';
  const t = (m: Message) => m[lang];
  return [
    { text: t({ id: 'PETUNJUK PENGISIAN TEMPLAT USULAN PESERTA LINDUNG', en: 'HOW TO FILL IN THE LINDUNG PARTICIPANT PROPOSAL TEMPLATE' }), style: 'title' },
    { text: '' },
    { text: t({ id: 'Umum', en: 'General' }), style: 'heading' },
    { text: t({ id: '1. Isi lembar "Data": satu baris untuk satu orang, mulai baris 2. Jangan mengubah judul kolom di baris 1.', en: '1. Fill in the "Data" sheet: one row per person, starting on row 2. Do not change the column titles on row 1.' }) },
    { text: t({ id: '2. Kolom berwarna jingga wajib diisi (NIK, Nama Lengkap, Tanggal Lahir, Jenis Kelamin). Kolom kuning: isi Kode Wilayah, ATAU Desa/Kelurahan, Kecamatan dan Kabupaten/Kota.', en: '2. Orange columns are required (NIK, Nama Lengkap, Tanggal Lahir, Jenis Kelamin). Yellow columns: fill in Kode Wilayah, OR Desa/Kelurahan, Kecamatan and Kabupaten/Kota.' }) },
    { text: t({ id: '3. Jangan menggabungkan sel (merge), jangan memakai rumus, dan jangan menyisipkan baris judul atau baris jumlah di tengah data.', en: '3. Do not merge cells, do not use formulas, and do not insert title or total rows in the middle of the data.' }) },
    { text: t({ id: '4. Bila menyalin dari berkas lain, tempel sebagai nilai: klik kanan > Tempel Spesial > Nilai (agar format teks NIK tidak hilang).', en: '4. When copying from another file, paste as values: right-click > Paste Special > Values (so that the NIK text format is kept).' }) },
    { text: '' },
    { text: t({ id: 'NIK, No. KK, No. HP, No. Rekening', en: 'NIK, No. KK, No. HP, No. Rekening' }), style: 'heading' },
    { text: t({ id: 'Kolom-kolom ini berformat TEKS agar Excel menyimpan ke-16 angka NIK. Bila sebuah sel menampilkan 5,30101E+15, angka terakhirnya sudah hilang: ketik ulang NIK itu di sel berformat teks (atau awali dengan tanda petik: \'5301016107800001).', en: 'These columns are TEXT so that Excel keeps all 16 digits of the NIK. If a cell shows 5.30101E+15, its last digits are already lost: retype that NIK in a text cell (or start it with an apostrophe: \'5301016107800001).' }) },
    { text: '' },
    { text: t({ id: 'Tanggal', en: 'Dates' }), style: 'heading' },
    { text: t({ id: 'Tulis tanggal/bulan/tahun dengan tahun 4 angka: 21/07/1980. Juga dibaca: 21-07-1980, 21.07.1980, 21 Juli 1980. Jangan menulis bulan lebih dulu (07/21/1980).', en: 'Write day/month/year with a 4-digit year: 21/07/1980. Also read: 21-07-1980, 21.07.1980, 21 Juli 1980. Do not put the month first (07/21/1980).' }) },
    { text: '' },
    { text: t({ id: 'Wilayah', en: 'Area' }), style: 'heading' },
    { text: t({ id: 'Kode Wilayah adalah kode desa Kemendagri (misalnya 53.01.08.2006); daftar kode ada di lembar "Wilayah" bila tersedia. Bila kode tidak diketahui, isi nama Desa/Kelurahan, Kecamatan dan Kabupaten/Kota.', en: 'Kode Wilayah is the Kemendagri village code (for example 53.01.08.2006); the codes are listed on the "Wilayah" sheet when present. If the code is not known, fill in the village, district and regency names.' }) },
    { text: '' },
    { text: t({ id: 'Mengirim berkas', en: 'Sending the file' }), style: 'heading' },
    { text: t({ id: 'Simpan berkas apa adanya sebagai .xlsx (atau "CSV UTF-8") lalu unggah. Jangan mengubah nama lembar atau urutan kolom, jangan mengunci berkas dengan kata sandi, dan jangan memotret atau mencetak ke PDF.', en: 'Save the file as it is, as .xlsx (or "CSV UTF-8"), and upload it. Do not rename the sheets or reorder the columns, do not lock the file with a password, and do not photograph it or print it to PDF.' }) },
    { text: '' },
    { text: id ? 'Kolom, cara mengisi, dan contoh satu baris (orang rekaan):' : 'Columns, how to fill them in, and one example row (a made-up person):', style: 'heading' },
  ];
}

function addHelpSheet(wb: ExcelJS.Workbook): void {
  const ws = wb.addWorksheet(TEMPLATE_SHEETS.help);
  ws.getColumn(1).width = 24;
  ws.getColumn(2).width = 14;
  ws.getColumn(3).width = 70;
  ws.getColumn(4).width = 24;
  let row = 1;
  const write = (line: HelpLine) => {
    const cell = ws.getCell(row, 1);
    cell.value = line.text;
    if (line.style === 'title') cell.font = { bold: true, size: 14 };
    else if (line.style === 'heading') cell.font = BOLD;
    else if (line.text) ws.mergeCells(row, 1, row, 4);
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (line.text.length > 110 && !line.style) ws.getRow(row).height = 15 * Math.ceil(line.text.length / 110);
    row++;
  };
  for (const lang of ['id', 'en'] as const) {
    if (lang === 'en') {
      row++;
      write({ text: '— ENGLISH —', style: 'heading' });
    }
    helpLines(lang).forEach(write);
    const head = lang === 'id' ? ['Kolom', 'Wajib?', 'Cara mengisi', 'Contoh'] : ['Column', 'Required?', 'How to fill it in', 'Example'];
    head.forEach((h, i) => {
      const cell = ws.getCell(row, i + 1);
      cell.value = h;
      cell.font = BOLD;
      cell.fill = HEADER_FILL;
    });
    row++;
    for (const c of TEMPLATE_COLUMNS) {
      const required = c.required === true ? (lang === 'id' ? 'Ya' : 'Yes') : c.required === 'area' ? (lang === 'id' ? 'Lihat Wilayah' : 'See Area') : lang === 'id' ? 'Tidak' : 'No';
      const values = [FIELD_LABELS[c.field].id, required, c.help[lang], c.example];
      values.forEach((v, i) => {
        const cell = ws.getCell(row, i + 1);
        cell.value = v;
        cell.alignment = { wrapText: true, vertical: 'top' };
        // Examples are text so Excel shows 16-digit numbers and dates as written.
        if (i === 3) cell.numFmt = '@';
      });
      row++;
    }
  }
}

function addAreasSheet(wb: ExcelJS.Workbook, villages: readonly TemplateVillage[]): void {
  const ws = wb.addWorksheet(TEMPLATE_SHEETS.areas, { views: [{ state: 'frozen', ySplit: 1 }] });
  const fields: Field[] = ['area_code', 'village', 'district', 'regency'];
  fields.forEach((f, i) => {
    const cell = ws.getCell(1, i + 1);
    cell.value = FIELD_LABELS[f].id;
    cell.font = BOLD;
    cell.fill = HEADER_FILL;
  });
  ws.getColumn(1).numFmt = '@';
  ws.getColumn(1).width = 16;
  ws.getColumn(2).width = 26;
  ws.getColumn(3).width = 22;
  ws.getColumn(4).width = 22;
  villages.forEach((v, i) => {
    ws.getRow(i + 2).values = [v.code, v.village, v.district, v.regency];
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: 4 } };
}

/** The template as an XLSX file. */
export async function writeIntakeTemplate(opts: TemplateOptions = {}): Promise<Buffer> {
  const lang = opts.lang ?? 'id';
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lindung';
  wb.title = 'Templat usulan peserta Lindung';
  // Sheet order: Data first, so the file opens where the work is.
  wb.addWorksheet(TEMPLATE_SHEETS.data, { views: [{ state: 'frozen', ySplit: 1 }] });
  addHelpSheet(wb);
  const ranges = addCodesSheet(wb, lang);
  if (opts.villages && opts.villages.length) addAreasSheet(wb, opts.villages);
  addDataSheet(wb, lang, ranges);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
