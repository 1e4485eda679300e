/**
 * BPJS invoice (tagihan) reconciliation on the engine under test, with real files: a `;` CSV in
 * Windows-1252 with Indonesian amounts and a control area, an XLSX written by exceljs with a cover
 * sheet and JKK/JKM columns, bad files refused whole, the same file twice, withdraw and re-import,
 * the report opened with exceljs, the API and screens as a province officer, and the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstVillage, PASSWORD, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { asSystem } from '../../src/db/scope.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { openDatabase } from '../../src/db/open.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { ensureDemoProgrammes } from '../../src/features/programmes/demo-programmes.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { runBilling } from '../../src/features/enrollment/billing.js';
import { getInvoice, listInvoices, reconcileInvoice, withdrawInvoice, type InvoiceSummary } from '../../src/features/enrollment/reconcile.js';
import { writeInvoiceReport } from '../../src/features/enrollment/invoice-report.js';
import { addUser } from '../../src/features/users/users.js';
import { UserError } from '../../src/domain/user-error.js';
import type { Finding } from '../../src/domain/reconciliation.js';

/** The people behind the invoice lines: key → NIK, KPJ. */
interface Person {
  nik: string;
  kpj: string | null;
  name: string;
}
type People = Record<string, Person>;

/**
 * NTT-2026: A1…A6 active all year (on our bill), E1 ended by death in February, L1 lapsed since
 * February, N1 in the registry but in no programme; MABAR-2026 (the regency's own programme): O1.
 */
async function seed(db: Db, tag: string): Promise<People> {
  const kupang = await firstVillage(db, '53.01');
  const mabar = await firstVillage(db, '53.15');
  return asSystem(db, 'test', async (tx) => {
    const ntt = await getProgramme(tx, 'NTT-2026');
    const mb = await getProgramme(tx, 'MABAR-2026');
    const people: People = {};
    let serial = 0;
    const add = async (key: string, o: { village: string; programme?: number; state?: string; cover?: [string, string]; ended?: [string, string]; lapsedOn?: string; kpj?: boolean }) => {
      serial++;
      const nik = `5301017${tag}${String(serial).padStart(9 - tag.length, "0")}`;
      const name = key === 'A3' ? 'Joséfina Bria' : `Peserta ${key}`;
      const [p] = await tx.query<{ id: number }>(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile) VALUES ($1, $2, '1980-05-05', 'P', $3, 'petani', 2) RETURNING id`,
        [nik, name, o.village],
      );
      const kpj = o.kpj === false || o.programme === undefined ? null : `2${tag}${String(serial).padStart(9 - tag.length, '0')}`;
      people[key] = { nik, kpj, name };
      if (o.programme === undefined) return;
      const [m] = await tx.query<{ id: number }>(
        `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date, ended_on, ended_reason, lapsed_on)
         VALUES ($1, $2, $3, $4, $5, '2026-01-01', $6, $7, $8) RETURNING id`,
        [o.programme, p!.id, o.state ?? 'active', o.village, kpj, o.ended?.[0] ?? null, o.ended?.[1] ?? null, o.lapsedOn ?? null],
      );
      const [from, to] = o.cover ?? ['2026-01-01', '2026-12-31'];
      await tx.query('INSERT INTO coverage_period (membership_id, from_date, to_date) VALUES ($1, $2, $3)', [m!.id, from, to]);
    };
    for (const k of ['A1', 'A2', 'A3', 'A4', 'A5', 'A6']) await add(k, { village: kupang, programme: ntt.id });
    await add('E1', { village: kupang, programme: ntt.id, state: 'ended', cover: ['2026-01-01', '2026-02-10'], ended: ['2026-02-10', 'death'] });
    await add('L1', { village: kupang, programme: ntt.id, state: 'lapsed', cover: ['2026-01-01', '2026-01-31'], lapsedOn: '2026-02-01' });
    await add('N1', { village: kupang });
    await add('O1', { village: mabar, programme: mb.id });
    for (const month of ['2026-03', '2026-04']) await runBilling(tx, ntt, month, 'test');
    return people;
  });
}

type Line = [kpj: string | null, nik: string | null, name: string, amount: string];

function lines(p: People): { lines: Line[]; expect: Partial<Record<Finding, number>>; total: number } {
  const l = (k: string, amount = '16.800', o: { kpj?: boolean; nik?: boolean } = {}): Line => [o.kpj === false ? null : p[k]!.kpj, o.nik === false ? null : p[k]!.nik, p[k]!.name, amount];
  const out: Line[] = [
    l('A1'), // match
    l('A2', 'Rp17.000'), // amount_differs
    l('A3', '16.800,00'), // match (a name in Windows-1252)
    l('A4', 'Rp 16.800,-'), // match
    l('A4'), // duplicate_line
    l('A5', '16.800', { kpj: false }), // match, by NIK alone
    l('E1'), // billed_not_active: ended (death)
    l('L1'), // billed_not_active: lapsed
    l('N1'), // billed_not_active: not in this programme
    l('O1'), // other_funder: MABAR-2026
    ['29999999999', '5301019999999999', 'Orang Asing', '16.800'], // unknown
    [p.O1!.kpj, p.A6!.nik, 'Peserta Campur', '16.800'], // unknown: KPJ and NIK of two people
  ];
  // A6 is left out: active_not_billed.
  return { lines: out, expect: { match: 4, amount_differs: 1, duplicate_line: 1, billed_not_active: 3, other_funder: 1, unknown: 2, active_not_billed: 1 }, total: 11 * 16_800 + 17_000 };
}

/** The invoice as BPJS's branch writes it: title, control area, header, lines, TOTAL; `;`, Windows-1252. */
function writeCsv(file: string, p: People, o: { month?: string; number?: string; total?: string; extra?: Line[] } = {}): void {
  const { lines: ls, total } = lines(p);
  const rows = [
    'TAGIHAN IURAN PESERTA BPU — BPJS KETENAGAKERJAAN CABANG KUPANG;;;;',
    `Nomor Tagihan;${o.number ?? 'TAG/BPU/2026/03/0042'};;;`,
    `Bulan;${o.month ?? 'Maret 2026'};;;`,
    ';;;;',
    'No;No. KPJ;NIK;Nama Peserta;Iuran (Rp)',
    ...[...ls, ...(o.extra ?? [])].map((x, i) => [String(i + 1), x[0] ?? '', x[1] ?? '', x[2], x[3]].join(';')),
    `;;;TOTAL;${o.total ?? `Rp${total.toLocaleString('id-ID')}`}`,
  ];
  fs.writeFileSync(file, iconv.encode(rows.join('\r\n') + '\r\n', 'windows-1252'));
}

/** The same people in an XLSX: a cover sheet with the control facts, the lines on "Rincian" with JKK and JKM apart. */
async function writeXlsx(file: string, p: People, month: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const cover = wb.addWorksheet('Sampul');
  cover.addRow(['BPJS KETENAGAKERJAAN']);
  cover.addRow(['No. Tagihan', 'INV-2026-04-7']);
  cover.addRow(['Periode Tagihan', month]);
  const s = wb.addWorksheet('Rincian');
  s.addRow(['No', 'KPJ', 'NIK', 'Nama Tenaga Kerja', 'Iuran JKK', 'Iuran JKM']);
  const { lines: ls } = lines(p);
  ls.forEach((x, i) => {
    const jkk = x[3] === 'Rp17.000' ? 10_200 : 10_000;
    // Excel keeps NIKs as text when the column is Text; one KPJ typed as a number.
    s.addRow([i + 1, i === 0 && x[0] ? Number(x[0]) : x[0], x[1], x[2], jkk, 6_800]);
  });
  await wb.xlsx.writeFile(file);
}

let f: Fixture;
let people: People;
let dir: string;
const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);
const reconcile = (file: string, o: { month?: string; number?: string } = {}) => sys(async (tx) => reconcileInvoice(tx, await getProgramme(tx, 'NTT-2026'), file, o, 'test'));

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

const counts = (i: InvoiceSummary) => Object.fromEntries(Object.entries(i.findings).filter(([, v]) => v.lines > 0).map(([k, v]) => [k, v.lines]));

beforeAll(async () => {
  f = await startFixture('reconcile');
  people = await seed(f.db, '1');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lindung-reconcile-'));
  await sys((tx) => addUser(tx, { username: 'prov.ntt', fullName: 'Petugas Provinsi', role: 'province_officer', areaCode: '53', password: PASSWORD }));
  await sys((tx) => addUser(tx, { username: 'keu.ntt', fullName: 'Keuangan Provinsi', role: 'finance_officer', areaCode: '53', password: PASSWORD }));
}, 120_000);
afterAll(async () => {
  await f?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('BPJS invoice reconciliation', () => {
  let march: InvoiceSummary;

  it('refuses an invoice for a month we have not billed, saying to run the billing first', async () => {
    const file = path.join(dir, 'mei.csv');
    writeCsv(file, people, { month: 'Mei 2026' });
    const e = await refusal(reconcile(file));
    expect(e.code).toBe('month_not_billed');
    expect(e.text.en).toContain('lindung billing run --programme NTT-2026 --month 2026-05');
    expect(e.text.id).toContain('belum ditagih');
    expect(await f.db.query('SELECT 1 FROM invoice')).toHaveLength(0);
  });

  it('reads a ; CSV in Windows-1252 with Indonesian amounts and finds every kind of difference', async () => {
    const file = path.join(dir, 'tagihan-maret.csv');
    writeCsv(file, people);
    const r = await reconcile(file);
    march = r;
    const { expect: wanted, total } = lines(people);
    expect(r).toMatchObject({ programmeCode: 'NTT-2026', month: '2026-03', number: 'TAG/BPU/2026/03/0042', lines: 12, amount: total, billPersons: 6, billAmount: 6 * 16_800, status: 'reconciled' });
    expect(r.difference).toBe(total - 6 * 16_800);
    expect(counts(r)).toEqual(wanted);
    expect(r.findings.amount_differs).toEqual({ lines: 1, amount: 17_000, expected: 16_800 });
    expect(r.findings.active_not_billed).toEqual({ lines: 1, amount: 0, expected: 16_800 });
    expect(r.warnings.map((w) => w.en).join(' ')).toMatch(/Windows-1252/);
    // The counts are stored with the invoice; the lines with what was found.
    const [stored] = await f.db.query<{ findings: Record<string, { lines: number }> }>('SELECT findings FROM invoice WHERE id = $1', [r.id]);
    expect(stored!.findings.billed_not_active!.lines).toBe(3);
    const byLine = await f.db.query<{ line_no: number; finding: string; full_name: string; expected_amount: number | null }>(
      'SELECT line_no, finding, full_name, expected_amount FROM invoice_line WHERE invoice_id = $1 ORDER BY line_no', [r.id]);
    // Data starts on row 6 of the file (title, control area, blank, header above).
    expect(byLine.map((l) => l.finding)).toEqual([
      'match', 'amount_differs', 'match', 'match', 'duplicate_line', 'match', 'billed_not_active', 'billed_not_active', 'billed_not_active', 'other_funder', 'unknown', 'unknown',
    ]);
    expect(byLine[0]!.line_no).toBe(6);
    expect(byLine[2]!.full_name).toBe('Joséfina Bria');
    // Each line known to us points at the membership it is about: ours on the bill, ours off the
    // bill (ended, lapsed), another programme's; nobody's for a stranger or a line of two people.
    const tied = await f.db.query<{ line_no: number; full_name: string | null; programme: string | null }>(
      `SELECT l.line_no, p.full_name, g.code AS programme FROM invoice_line l LEFT JOIN membership m ON m.id = l.membership_id
         LEFT JOIN person p ON p.id = m.person_id LEFT JOIN programme g ON g.id = m.programme_id WHERE l.invoice_id = $1 ORDER BY l.line_no`, [r.id]);
    expect(tied.map((t) => [t.full_name, t.programme])).toEqual([
      ['Peserta A1', 'NTT-2026'], ['Peserta A2', 'NTT-2026'], ['Joséfina Bria', 'NTT-2026'], ['Peserta A4', 'NTT-2026'], ['Peserta A4', 'NTT-2026'],
      ['Peserta A5', 'NTT-2026'], ['Peserta E1', 'NTT-2026'], ['Peserta L1', 'NTT-2026'], [null, null], ['Peserta O1', 'MABAR-2026'], [null, null], [null, null],
    ]);
  });

  it('refuses the same file twice', async () => {
    const e = await refusal(reconcile(path.join(dir, 'tagihan-maret.csv')));
    expect(e.kind).toBe('conflict');
    expect(e.code).toBe('invoice_twice');
    expect(e.text.en).toContain(`invoice #${march.id}`);
  });

  it('refuses a second invoice for a month that has one, and a month the file contradicts', async () => {
    const other = path.join(dir, 'tagihan-maret-2.csv');
    writeCsv(other, people, { number: 'TAG/BPU/2026/03/0043' });
    expect((await refusal(reconcile(other))).code).toBe('invoice_month_taken');
    const e = await refusal(reconcile(other, { month: '2026-04' }));
    expect(e.code).toBe('invoice_month_mismatch');
    expect(e.text.en).toMatch(/March 2026.*April 2026/);
  });

  it('refuses a file with unreadable lines whole, naming each line', async () => {
    const bad = path.join(dir, 'rusak.csv');
    writeCsv(bad, people, {
      month: 'April 2026',
      extra: [
        [null, '5.30101E+15', 'Excel Rusak', '16.800'],
        ['21234567890', null, 'Tanpa Iuran', ''],
        ['21234567891', null, 'Sen', '16.80'],
        [null, null, 'Tanpa Nomor', '16.800'],
      ],
      total: 'Rp999',
    });
    const e = await refusal(reconcile(bad));
    expect(e.code).toBe('invoice_unreadable');
    const text = (e.extra.problems as string[]).join('\n');
    expect(text).toMatch(/line 18: NIK "5\.30101E\+15" is written as an Excel number/);
    expect(text).toMatch(/line 19: the amount is empty/);
    expect(text).toMatch(/line 20: .*16\.80/);
    expect(text).toMatch(/line 21: an amount without a KPJ or NIK/);
    expect(await f.db.query(`SELECT 1 FROM invoice WHERE month = '2026-04-01'`)).toHaveLength(0);
    // A total row that disagrees with the lines: a cut or edited file.
    const cut = path.join(dir, 'terpotong.csv');
    writeCsv(cut, people, { month: 'April 2026', total: 'Rp1.000.000' });
    expect(((await refusal(reconcile(cut))).extra.problems as string[]).join()).toMatch(/the total says Rp1,000,000, but the lines add up to Rp201,800/);
  });

  it('reads an XLSX with a cover sheet and JKK/JKM columns', async () => {
    const file = path.join(dir, 'tagihan-april.xlsx');
    await writeXlsx(file, people, 'April 2026');
    const r = await reconcile(file);
    expect(r).toMatchObject({ month: '2026-04', number: 'INV-2026-04-7', lines: 12 });
    expect(counts(r)).toEqual(lines(people).expect);
    expect(r.findings.amount_differs.amount).toBe(17_000);
  });

  it('withdraws an invoice with its reason and history, then takes the corrected file', async () => {
    expect((await refusal(sys((tx) => withdrawInvoice(tx, march.id, '  ', 'test')))).code).toBe('reason_missing');
    const w = await sys((tx) => withdrawInvoice(tx, march.id, 'BPJS mengirim tagihan perbaikan', 'test'));
    expect(w).toMatchObject({ status: 'withdrawn', withdrawnBy: 'test', withdrawalReason: 'BPJS mengirim tagihan perbaikan' });
    expect((await refusal(sys((tx) => withdrawInvoice(tx, march.id, 'lagi', 'test')))).code).toBe('invoice_withdrawn');
    const history = await f.db.query<{ op: string }>(`SELECT op FROM audit_history WHERE table_name = 'invoice' AND row_key = $1 ORDER BY id`, [String(march.id)]);
    expect(history.map((h) => h.op)).toContain('U');
    // The corrected file: A2 at the right amount, A6 added, the duplicate gone.
    const fixed = path.join(dir, 'tagihan-maret-perbaikan.csv');
    const p = people;
    fs.writeFileSync(fixed, ['Bulan;2026-03', 'KPJ;NIK;Nama;Jumlah', ...['A1', 'A2', 'A3', 'A4', 'A5', 'A6'].map((k) => `${p[k]!.kpj};${p[k]!.nik};${p[k]!.name};16.800`)].join('\n'));
    const r = await reconcile(fixed, { number: 'TAG/BPU/2026/03/0042-R1' });
    expect(counts(r)).toEqual({ match: 6 });
    expect(r.difference).toBe(0);
    const list = await sys(async (tx) => listInvoices(tx, await getProgramme(tx, 'NTT-2026')));
    expect(list.map((i) => [i.month, i.status])).toEqual([['2026-04', 'reconciled'], ['2026-03', 'reconciled'], ['2026-03', 'withdrawn']]);
  });

  it('writes the report for BPJS: a summary with counts and rupiah, and a sheet per finding', async () => {
    const out = path.join(dir, 'laporan.xlsx');
    const inv = await sys((tx) => getInvoice(tx, march.id));
    await sys((tx) => writeInvoiceReport(tx, inv, out));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Cocok', 'Iuran berbeda', 'Ditagih tidak aktif', 'Pendana lain', 'Tidak dikenal', 'Baris ganda', 'Aktif tidak ditagih']);
    const summary = wb.getWorksheet('Ringkasan')!;
    const rows: unknown[][] = [];
    summary.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    const row = (label: string) => rows.find((r) => r[0] === label)!;
    expect(row('Cocok').slice(0, 3)).toEqual(['Cocok', 4, 'Rp67.200']);
    expect(row('Iuran berbeda').slice(0, 5)).toEqual(['Iuran berbeda', 1, 'Rp17.000', 'Rp16.800', 'Rp200']);
    expect(row('Ditagih tetapi tidak aktif')[1]).toBe(3);
    expect(row('Aktif tetapi tidak ditagih').slice(0, 4)).toEqual(['Aktif tetapi tidak ditagih', 1, 'Rp0', 'Rp16.800']);
    expect(row('Total tagihan BPJS')[1]).toBe('Rp201.800');
    expect(row('Total tagihan kami')[1]).toBe('Rp100.800');
    expect(row('Status')[1]).toMatch(/DITARIK/);
    const sheetRows = (name: string) => wb.getWorksheet(name)!.actualRowCount - 1;
    expect([sheetRows('Cocok'), sheetRows('Ditagih tidak aktif'), sheetRows('Tidak dikenal'), sheetRows('Aktif tidak ditagih')]).toEqual([4, 3, 2, 1]);
    const other = (wb.getWorksheet('Pendana lain')!.getRow(2).values as unknown[]).slice(1);
    expect(other[1]).toBe(people.O1!.kpj);
    expect(String(other[7])).toContain('MABAR-2026 (Pemerintah Kabupaten Manggarai Barat)');
    const why = (name: string) => String((wb.getWorksheet(name)!.getRow(2).values as unknown[])[8]);
    expect(why('Baris ganda')).toContain('baris 9');
    expect(why('Ditagih tidak aktif')).toMatch(/berakhir 2026-02-10 \(meninggal\)/);
    expect(String((wb.getWorksheet('Tidak dikenal')!.getRow(3).values as unknown[])[8])).toContain('dua orang yang berbeda');
    // The CSV alternative: one line per invoice line plus the missing person.
    const csv = path.join(dir, 'laporan.csv');
    await sys((tx) => writeInvoiceReport(tx, inv, csv, { differencesOnly: true }));
    const text = fs.readFileSync(csv, 'utf8');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 12 - 4 + 1);
    expect(text).toContain('"Aktif tetapi tidak ditagih"');
  });
});

/** A multipart body with fields and one file. */
function multipart(fields: Record<string, string>, file: { name: string; data: Buffer; type: string }, after: Record<string, string> = {}): { body: Buffer; type: string } {
  const b = '----lindunginvoice';
  const field = ([k, v]: [string, string]) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const parts: Buffer[] = Object.entries(fields).map(field);
  parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  parts.push(...Object.entries(after).map(field), Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${b}` };
}

describe('BPJS invoices through the API and the screens', () => {
  let prov: Client;
  let id = 0;

  beforeAll(async () => {
    prov = await signInAs(f.app, 'prov.ntt');
    await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-05', 'test'));
  });

  it('uploads an invoice, lists it, shows the findings with NIKs masked for a finance officer', async () => {
    const file = path.join(dir, 'mei-api.csv');
    writeCsv(file, people, { month: 'Mei 2026', number: 'TAG/05' });
    const m = multipart({ month: '2026-05' }, { name: 'tagihan mei.csv', data: fs.readFileSync(file), type: 'text/csv' });
    const res = await prov.request('POST', '/api/programmes/NTT-2026/invoices', m.body, { 'content-type': m.type });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json() as InvoiceSummary;
    id = r.id;
    expect(r).toMatchObject({ month: '2026-05', number: 'TAG/05', fileName: 'tagihan mei.csv', lines: 12 });
    expect(counts(r)).toEqual(lines(people).expect);

    const list = await prov.request('GET', '/api/programmes/NTT-2026/invoices');
    expect((list.json() as { items: { id: number }[] }).items.map((i) => i.id)).toContain(id);
    const detail = await prov.request('GET', `/api/invoices/${id}`);
    expect(detail.statusCode).toBe(200);
    const d = detail.json() as InvoiceSummary & { samples: Record<string, { nik: string; kpj: string; otherProgramme: { code: string } | null }[]> };
    expect(d.samples.other_funder![0]!.otherProgramme!.code).toBe('MABAR-2026');
    expect(d.samples.other_funder![0]!.nik).toBe(people.O1!.nik);
    const logged = await f.db.query(`SELECT 1 FROM data_access_log WHERE subject_type = 'invoice' AND purpose = 'invoice.summary'`);
    expect(logged.length).toBeGreaterThan(0);
    // A finance officer sees the same, NIKs masked.
    const keu = await signInAs(f.app, 'keu.ntt');
    const masked = (await keu.request('GET', `/api/invoices/${id}`)).json() as typeof d;
    expect(masked.samples.other_funder![0]!.nik).toMatch(/^5301x+\d{4}$/);
  });

  it('explains a refused upload as problem details; a regency operator may not reconcile the province\'s invoice', async () => {
    const file = path.join(dir, 'juni-api.csv');
    writeCsv(file, people, { month: 'Juni 2026' });
    const m = multipart({}, { name: 'juni.csv', data: fs.readFileSync(file), type: 'text/csv' });
    const res = await prov.request('POST', '/api/programmes/NTT-2026/invoices', m.body, { 'content-type': m.type, 'accept-language': 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.json() as { code: string; detail: string }).code).toBe('month_not_billed');
    const same = path.join(dir, 'mei-api.csv');
    const twice = multipart({}, { name: 'lagi.csv', data: fs.readFileSync(same), type: 'text/csv' });
    expect((await prov.request('POST', '/api/programmes/NTT-2026/invoices', twice.body, { 'content-type': twice.type })).statusCode).toBe(409);
    const op = await signInAs(f.app, username('province_officer'));
    const kupang = await op.request('POST', '/api/programmes/NTT-2026/invoices', twice.body, { 'content-type': twice.type });
    expect(kupang.statusCode).toBe(403);
  });

  it('downloads the report and withdraws through the API', async () => {
    const res = await prov.request('GET', `/api/invoices/${id}/report.xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Baris ganda')!.actualRowCount).toBe(2);
    const w = await prov.request('POST', `/api/invoices/${id}/withdraw`, { reason: 'salah bulan' });
    expect(w.statusCode).toBe(200);
    expect(w.json()).toMatchObject({ status: 'withdrawn', withdrawnBy: 'prov.ntt', withdrawalReason: 'salah bulan' });
    expect((await prov.request('POST', `/api/invoices/${id}/withdraw`, { reason: 'lagi' })).statusCode).toBe(409);
  });

  it('shows the screens: the list with its upload form, an invoice with its findings, a withdrawal', async () => {
    const prog = await prov.request('GET', '/programmes/NTT-2026');
    expect(prog.body).toContain('href="/programmes/NTT-2026/invoices"');
    const list = await prov.request('GET', '/programmes/NTT-2026/invoices');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('enctype="multipart/form-data"');
    expect(list.body).toContain(`href="/invoices/${id}"`);
    // Upload through the form (CSRF token in the query for a multipart form).
    const file = path.join(dir, 'mei-web.csv');
    writeCsv(file, people, { month: 'Mei 2026', number: 'TAG/05-R' });
    // The number after the file: fields are read in any order.
    const m = multipart({ month: '2026-05' }, { name: 'mei.csv', data: fs.readFileSync(file), type: 'text/csv' }, { number: 'TAG/05-WEB' });
    const up = await f.app.inject({ method: 'POST', url: `/programmes/NTT-2026/invoices?_csrf=${encodeURIComponent(prov.csrf)}`, payload: m.body, headers: { cookie: prov.cookie, 'content-type': m.type } });
    expect(up.statusCode, up.body).toBe(303);
    const page = await prov.request('GET', up.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="findings"');
    expect(page.body).toContain('id="lines-other_funder"');
    expect(page.body).toContain('MABAR-2026');
    expect(page.body).toContain('Rp201.800');
    expect(page.body).toContain('TAG/05-WEB');
    const again = await f.app.inject({ method: 'POST', url: `/programmes/NTT-2026/invoices?_csrf=${encodeURIComponent(prov.csrf)}`, payload: m.body, headers: { cookie: prov.cookie, 'content-type': m.type } });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('sudah pernah diimpor');
    const newId = Number((up.headers.location as string).split('/').pop());
    const report = await prov.request('GET', `/invoices/${newId}/report.xlsx`);
    expect(report.statusCode).toBe(200);
    const w = await prov.request('POST', `/invoices/${newId}/withdraw`, { _csrf: prov.csrf, reason: 'uji layar' });
    expect(w.statusCode).toBe(303);
    expect((await prov.request('GET', `/invoices/${newId}`)).body).toContain('uji layar');
  });
});

describe('lindung billing reconcile|invoices|invoice|withdraw-invoice', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;
  let cliPeople: People;

  beforeAll(async () => {
    config = await freshConfig('reconcile-cli');
    env = cliEnv(config);
    const db = await openDatabase(config);
    try {
      await ensureReferenceData(db);
      await ensureDemoProgrammes(db);
      cliPeople = await seed(db, '2');
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => config?.cleanup());

  it('reconciles a file, writes the report, lists, shows and withdraws', async () => {
    for (const args of [['billing', 'reconcile'], ['billing', 'invoices'], ['billing', 'invoice'], ['billing', 'withdraw-invoice']]) {
      const r = await runCli([...args, '--help'], env);
      expect(r.code, args.join(' ')).toBe(0);
    }
    const file = path.join(dir, 'cli-maret.csv');
    writeCsv(file, cliPeople);
    const notBilled = await runCli(['billing', 'reconcile', file, '--programme', 'NTT-2026', '--month', '2026-06'], env);
    expect(notBilled.code).toBe(1);
    expect(notBilled.stderr).toMatch(/invoice_month_mismatch|says March 2026/);
    const report = path.join(dir, 'cli-laporan.xlsx');
    const r = await runCli(['billing', 'reconcile', file, '--programme', 'NTT-2026', '--month', '2026-03', '--report', report, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const inv = JSON.parse(r.stdout) as InvoiceSummary;
    expect(counts(inv)).toEqual(lines(cliPeople).expect);
    expect(fs.existsSync(report)).toBe(true);
    const text = await runCli(['billing', 'invoice', String(inv.id)], env);
    expect(text.stdout).toMatch(/Covered by another funder\s+1/);
    const twice = await runCli(['billing', 'reconcile', file, '--programme', 'NTT-2026'], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already imported/);
    const list = JSON.parse((await runCli(['billing', 'invoices', '--programme', 'NTT-2026', '--json'], env)).stdout) as InvoiceSummary[];
    expect(list.map((i) => i.id)).toEqual([inv.id]);
    const w = await runCli(['billing', 'withdraw-invoice', String(inv.id), '--reason', 'diganti', '--json'], env);
    expect(w.code, w.stderr).toBe(0);
    expect(JSON.parse(w.stdout)).toMatchObject({ status: 'withdrawn', withdrawalReason: 'diganti' });
    const mei = path.join(dir, 'cli-mei.csv');
    writeCsv(mei, cliPeople, { month: 'Mei 2026' });
    const none = await runCli(['billing', 'reconcile', mei, '--programme', 'NTT-2026'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('lindung billing run --programme NTT-2026 --month 2026-05');
  }, 120_000);
});
