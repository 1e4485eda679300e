/** `lindung programme|quota|import` as an operator uses them, on the engine under test. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';

let config: TestConfig;
let env: NodeJS.ProcessEnv;
const json = <T>(s: string) => JSON.parse(s) as T;

interface ImportJson {
  batch: number;
  status: string;
  rows: number;
  valid: number;
  invalid: number;
  warnings: number;
  exactDuplicates: number;
  fuzzyDuplicates: number;
  eligible: number;
  withinQuota: number;
  waiting: number;
  format: string;
  problems: { row: number; status: string; problems: { code: string; column?: string; message: { id: string; en: string } }[] }[];
}

beforeAll(async () => {
  config = await freshConfig('cli-intake');
  env = cliEnv(config);
  const demo = await runCli(['demo', '--size', '3000', '--json'], env);
  if (demo.code !== 0) throw new Error(demo.stderr);
}, 120_000);
afterAll(async () => config?.cleanup());

describe('lindung programme, quota and import', () => {
  it('every new command has --help', async () => {
    for (const args of [['programme', 'list'], ['programme', 'show'], ['programme', 'create'], ['quota', 'allocate'], ['quota', 'set'], ['statistics', 'import'], ['bpjs-participants', 'import'],
      ['import'], ['import', 'template'], ['import', 'submit'], ['import', 'approve'], ['import', 'return'], ['import', 'reviews'], ['import', 'decide'], ['import', 'report']]) {
      const r = await runCli([...args, '--help'], env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Usage: lindung/);
    }
  });

  it('lists and shows the demo programmes with quotas per regency', async () => {
    const list = json<{ code: string; totalQuota: number }[]>((await runCli(['programme', 'list', '--json'], env)).stdout);
    expect(list.map((p) => p.code).sort()).toEqual(['MABAR-2026', 'NTT-2025', 'NTT-2026']);
    const show = json<{ quotas: { quota: number; approved: number }[] }>((await runCli(['programme', 'show', 'NTT-2026', '--json'], env)).stdout);
    expect(show.quotas.reduce((s, q) => s + q.quota, 0)).toBe(50_000);
    expect(show.quotas.some((q) => q.approved > 0)).toBe(true);
    const text = (await runCli(['programme', 'show', 'NTT-2026'], env)).stdout;
    expect(text).toMatch(/Kabupaten Kupang/);
  });

  it('quota allocate and set keep the total; a bad regency is explained', async () => {
    const set = await runCli(['quota', 'set', 'NTT-2026', '53.08', '5000', '--reason', 'SK 12/2026', '--json'], env);
    expect(set.code, set.stderr).toBe(0);
    const allocation = json<{ code: string; quota: number; method: string }[]>(set.stdout);
    expect(allocation.reduce((s, a) => s + a.quota, 0)).toBe(50_000);
    expect(allocation.find((a) => a.code === '53.08')).toMatchObject({ quota: 5000, method: 'override' });
    const again = json<{ code: string; quota: number }[]>((await runCli(['quota', 'allocate', 'NTT-2026', '--minimum', '300', '--json'], env)).stdout);
    expect(again.find((a) => a.code === '53.08')!.quota).toBe(5000);
    const unknown = await runCli(['programme', 'show', 'NOPE-1'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/There is no programme NOPE-1/);
  });

  it('demo --replace works while synthetic people are candidates of programmes (before any real person is approved)', async () => {
    const r = await runCli(['demo', '--size', '500', '--replace', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ persons: number }>(r.stdout).persons).toBe(500);
  });

  it('imports an XLSX made from the template and reports every row in JSON; the same file twice is refused', async () => {
    const template = path.join(config.dataDir, 'templat.xlsx');
    expect((await runCli(['import', 'template', '--out', template, '--area', '53.01'], env)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(template);
    // The template's Wilayah sheet lists the area's village codes.
    const village = String(wb.getWorksheet('Wilayah')!.getRow(2).getCell(1).value);
    expect(village).toMatch(/^53\.01\.\d{2}\.\d{4}$/);
    const sheet = wb.getWorksheet('Data')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const set = (r: number, label: string, v: ExcelJS.CellValue) => { sheet.getRow(r).getCell(headers.indexOf(label) + 1).value = v; };
    for (let r = 2; r <= Math.max(sheet.rowCount, 2); r++) sheet.getRow(r).values = [];
    // Row 2: fine. Row 3: a NIK Excel turned into a number. Row 4: area by names with a slip.
    set(2, 'NIK', '5301015506910001'); set(2, 'Nama Lengkap', 'Fransina Tlonaen'); set(2, 'Tanggal Lahir', new Date(Date.UTC(1991, 5, 15))); set(2, 'Jenis Kelamin', 'P');
    set(2, 'Kode Wilayah', village); set(2, 'Pekerjaan', 'Petani'); set(2, 'Desil DTSEN', 2);
    set(3, 'NIK', 5301010101800000); set(3, 'Nama Lengkap', 'Yakobus Nubatonis'); set(3, 'Tanggal Lahir', '01/01/1980'); set(3, 'Jenis Kelamin', 'L');
    set(3, 'Kode Wilayah', village); set(3, 'Pekerjaan', 'Nelayan'); set(3, 'Desil DTSEN', 1);
    const file = path.join(config.dataDir, 'usulan.xlsx');
    await wb.xlsx.writeFile(file);

    const r = await runCli(['import', file, '--programme', 'NTT-2026', '--area', '53.01', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = json<ImportJson>(r.stdout);
    expect(out).toMatchObject({ status: 'checked', format: 'xlsx', rows: 2, valid: 1, invalid: 1, eligible: 1, withinQuota: 1, waiting: 0, exactDuplicates: 0, fuzzyDuplicates: 0 });
    const row3 = out.problems.find((x) => x.row === 3)!;
    expect(row3.status).toBe('error');
    expect(row3.problems[0]!.code).toMatch(/^nik_/);
    expect(row3.problems[0]!.message.id.length).toBeGreaterThan(20);

    const twice = await runCli(['import', file, '--programme', 'NTT-2026', '--area', '53.01'], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already imported as batch #\d+/);

    // Maker-checker from the command line: submit, then a verifier approves.
    expect((await runCli(['import', 'submit', String(out.batch)], env)).code).toBe(0);
    const approved = await runCli(['import', 'approve', String(out.batch), '--by', 'verifikator', '--json'], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(json<{ candidates: number }>(approved.stdout).candidates).toBe(1);

    const report = path.join(config.dataDir, 'laporan.xlsx');
    expect((await runCli(['import', 'report', String(out.batch), '--out', report], env)).code).toBe(0);
    expect(fs.statSync(report).size).toBeGreaterThan(1000);
  });

  it('imports the BPJS participant list, all or nothing', async () => {
    const good = path.join(config.dataDir, 'bpjs.csv');
    fs.writeFileSync(good, 'nik;kpj;segmen;status\n5301011111700008;21000000001;BPU;aktif\n5301011111700009;21000000002;BPU;nonaktif\n');
    const r = await runCli(['bpjs-participants', 'import', good, '--as-of', '2026-10-31', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ saved: number; active: number }>(r.stdout)).toEqual({ saved: 2, active: 1 });
    const bad = path.join(config.dataDir, 'bpjs-bad.csv');
    fs.writeFileSync(bad, 'nik;kpj\n53010111117000;1\n');
    const b = await runCli(['bpjs-participants', 'import', bad, '--as-of', '2026-10-31'], env);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/line 2: nik "53010111117000" is not 16 digits/);
  });

  it('a file that is not a spreadsheet fails with exit 1 and a reason in both languages', async () => {
    const bad = path.join(config.dataDir, 'foto.xlsx');
    fs.writeFileSync(bad, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00', 'binary'));
    const r = await runCli(['import', bad, '--programme', 'NTT-2026'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/failed/);
  });
});
