/**
 * The regents' pledges (Pakta): import from CSV/XLSX all or nothing with errors naming row and
 * column, one pledge through the API, the report against what each regency's own programme
 * enrolled and paid (computed here from the raw rows), row-level security (Kupang cannot change
 * Ende's pledge), the screen, and the CLI (pledges import/list, scenario add, budget --json,
 * summary --out).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { firstVillage, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { asSystem } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import type { PledgeProblem, PledgeReport } from '../../src/features/enrollment/pledges.js';

let f: Fixture;
let national: Client;
let dir: string;
const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);

function upload(c: Client, name: string, body: Buffer | string, type: string) {
  const boundary = '----lindungpakta';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
  const payload = Buffer.concat([Buffer.from(head), Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return c.request('POST', '/api/pledges/import', payload, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}

/** A regency programme with members in several states; the active ones billed for February. */
async function regencyProgramme(code: string, regency: string, plan: Record<string, number>, nikBase: number): Promise<void> {
  const village = await firstVillage(f.db, regency);
  await sys(async (tx) => {
    const [existing] = await tx.query<{ id: number }>('SELECT id FROM programme WHERE code = $1', [code]);
    if (!existing) {
      await tx.query(
        `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
         VALUES ($1, $2, 'regency', $3, $4, 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, 500)`,
        [code, `Program ${code}`, regency, `Pemerintah ${code}`],
      );
    }
    const p = await getProgramme(tx, code);
    let i = 0;
    for (const [state, n] of Object.entries(plan)) {
      for (let k = 0; k < n; k++) {
        i++;
        const [person] = await tx.query<{ id: number }>(
          `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation) VALUES ($1, $2, '1980-01-01', 'P', $3, 'nelayan') RETURNING id`,
          [`${regency.replace('.', '')}01${String(nikBase + i).padStart(10, '0')}`, `Anggota ${code} ${i}`, village],
        );
        const [m] = await tx.query<{ id: number }>(
          'INSERT INTO membership (programme_id, person_id, state, village_code) VALUES ($1, $2, $3, $4) RETURNING id', [p.id, person!.id, state, village]);
        if (state === 'active') await tx.query(`INSERT INTO coverage_period (membership_id, from_date) VALUES ($1, '2026-02-01')`, [m!.id]);
      }
    }
  });
  const bill = await sys(async (tx) => runBilling(tx, await getProgramme(tx, code), '2026-02', 'test'));
  await sys((tx) => recordPayment(tx, bill.id, { sp2d: `${code}/SP2D/01`, paidOn: '2026-02-10', amount: Math.floor(bill.amount / 3) }, 'test'));
}

/** Enrolled (active + submitted) and paid of a regency's own 2026 programmes, from the raw rows. */
async function achieved(regency: string): Promise<{ enrolled: number; paid: number; billed: number }> {
  const progs = await f.db.query<{ id: number }>(`SELECT id FROM programme WHERE funder_type = 'regency' AND funder_area_code = $1 AND fiscal_year = 2026`, [regency]);
  const ids = progs.map((p) => p.id);
  const [m] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM membership WHERE programme_id = ANY($1::bigint[]) AND state IN ('active', 'submitted')`, [ids]);
  const [y] = await f.db.query<{ s: number }>(`SELECT coalesce(sum(y.amount), 0)::bigint AS s FROM payment y JOIN bill b ON b.id = y.bill_id WHERE b.programme_id = ANY($1::bigint[]) AND y.reversed_at IS NULL`, [ids]);
  const [b] = await f.db.query<{ s: number }>(`SELECT coalesce(sum(amount), 0)::bigint AS s FROM bill WHERE programme_id = ANY($1::bigint[]) AND status <> 'cancelled'`, [ids]);
  return { enrolled: m!.n, paid: y!.s, billed: b!.s };
}

const pledgeCount = async () => (await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pledge'))[0]!.n;

async function goodXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Pakta');
  ws.addRow(['Pakta Perlindungan Pekerja Rentan — komitmen kabupaten/kota']);
  ws.addRow([]);
  ws.addRow(['No', 'Kabupaten/Kota', 'Tahun Anggaran', 'Jumlah Pekerja', 'Nilai (Rp)', 'Tanggal Tanda Tangan', 'Nomor Dokumen']);
  ws.addRow([1, 'Kabupaten Ende', 2026, 1200, 'Rp241.920.000', '21 Juli 2025', 'PAKTA/01/VII/2025']);
  ws.addRow([2, 'Kab. Kupang', '2026', '1.000', 201_600_000, new Date(Date.UTC(2025, 6, 21)), 'PAKTA/02/VII/2025']);
  ws.addRow([3, '5315', 2026, '2.829', '570.326.400,00', '21-07-2025', null]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  f = await startFixture('pledges');
  national = await signInAs(f.app, 'national');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lindung-pledges-'));
  await regencyProgramme('ENDE-2026', '53.08', { active: 3, submitted: 1, candidate: 1, waiting: 2 }, 500);
  await regencyProgramme('KUPANG-2026', '53.01', { active: 2, submitted: 2, ended: 1 }, 600);
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await f?.cleanup();
});

describe('pledges (Pakta)', () => {
  it('refuses a file with bad rows whole, naming each row and column; nothing is saved', async () => {
    const csv = [
      'Kabupaten/Kota;Tahun Anggaran;Jumlah Pekerja;Nilai (Rp);Tanggal Tanda Tangan;Nomor Dokumen',
      'Ende;2026;1.200;Rp241.920.000;21 Juli 2025;PAKTA/01',
      'Endeh;2026;500;100.000.000;;',
      'Sikka;2026;800;1.2.3;;',
      'Kupang;2026;100;16.800.000;;',
      'Kabupaten Sikka;20x6;10;Rp1.000;;',
      'ende;2026;5;Rp1.000;;',
    ].join('\n');
    const res = await upload(national, 'pakta.csv', csv, 'text/csv');
    expect(res.statusCode).toBe(422);
    const problems = (res.json() as { problems: PledgeProblem[] }).problems;
    const at = (row: number) => problems.filter((p) => p.row === row).map((p) => `${p.field}: ${p.en}`).join(' | ');
    expect(at(3)).toMatch(/^regency: Row 3, column "Kabupaten\/Kota \(A\)": regency "Endeh" is not known\. Did you mean Kabupaten Ende \(53\.08\)\?/);
    expect(at(4)).toMatch(/^amount: Row 4, column "Nilai \(Rp\) \(D\)"/);
    expect(at(5)).toMatch(/"Kupang" could be Kabupaten Kupang \(53\.01\) \/ Kota Kupang \(53\.71\)/);
    expect(at(6)).toMatch(/^year: Row 6, column "Tahun Anggaran \(B\)": "20x6" is not a fiscal year/);
    expect(at(7)).toMatch(/Kabupaten Ende 2026 is already on row 2/);
    expect(problems.find((p) => p.row === 3)!.id).toMatch(/^Baris 3, kolom "Kabupaten\/Kota \(A\)": kabupaten\/kota "Endeh" tidak dikenal\. Mungkin maksudnya Kabupaten Ende \(53\.08\)\?/);
    expect(await pledgeCount()).toBe(0);
    const noColumns = await upload(national, 'x.csv', 'Nama;Nilai\nEnde;1\n', 'text/csv');
    expect(noColumns.statusCode).toBe(422);
    expect(noColumns.json()).toMatchObject({ code: 'pledge_columns' });
  });

  it('imports a good XLSX (names, codes, Indonesian amounts and dates), links each regency\'s own programme, and is safe to rerun', async () => {
    const file = await goodXlsx();
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const res = await upload(national, 'pakta.xlsx', file, type);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    const rows = await f.db.query<{ regency_code: string; places: number; amount: number; signed_on: string; document: string | null; code: string | null }>(
      'SELECT pl.regency_code, pl.places, pl.amount, pl.signed_on, pl.document, p.code FROM pledge pl LEFT JOIN programme p ON p.id = pl.programme_id ORDER BY 1');
    expect(rows).toEqual([
      { regency_code: '53.01', places: 1000, amount: 201_600_000, signed_on: '2025-07-21', document: 'PAKTA/02/VII/2025', code: 'KUPANG-2026' },
      { regency_code: '53.08', places: 1200, amount: 241_920_000, signed_on: '2025-07-21', document: 'PAKTA/01/VII/2025', code: 'ENDE-2026' },
      { regency_code: '53.15', places: 2829, amount: 570_326_400, signed_on: '2025-07-21', document: null, code: 'MABAR-2026' },
    ]);
    expect((await upload(national, 'pakta.xlsx', file, type)).json()).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    const history = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'pledge'`);
    expect(history[0]!.n).toBe(3);
  });

  it('reports pledged places and money against what each regency\'s own programme enrolled and paid', async () => {
    const res = await national.request('GET', '/api/pledges?year=2026');
    expect(res.statusCode).toBe(200);
    const r = res.json() as PledgeReport;
    expect(r.fiscalYear).toBe(2026);
    expect(r.years).toEqual([2026]);
    for (const code of ['53.01', '53.08', '53.15']) {
      const item = r.items.find((i) => i.regencyCode === code)!;
      expect(item, code).toMatchObject(await achieved(code));
    }
    expect(r.items.find((i) => i.regencyCode === '53.08')!.programmes).toEqual(['ENDE-2026']);
    expect(r.total.places).toBe(1000 + 1200 + 2829);
    expect(r.total.paid).toBe((await achieved('53.01')).paid + (await achieved('53.08')).paid + (await achieved('53.15')).paid);
    const screen = await national.request('GET', '/pledges?year=2026');
    expect(screen.statusCode).toBe(200);
    expect(screen.body).toContain('Rp241.920.000');
    expect(screen.body).toContain('href="/pledges"');
    expect(screen.body).toMatch(/<tr data-regency="53.08">[\s\S]*?<a href="\/programmes\/ENDE-2026\/report">ENDE-2026<\/a>/);
  });

  it('row-level security: a Kupang user cannot change Ende\'s pledge, but can change Kupang\'s; Ende\'s achievements stay hidden from Kupang', async () => {
    const kupang = await signInAs(f.app, username('regency_operator'));
    const before = await f.db.query('SELECT * FROM pledge WHERE regency_code = $1', ['53.08']);
    const ende = await kupang.request('POST', '/api/pledges', { regency: '53.08', fiscalYear: 2026, places: 1, amount: 'Rp1.000' });
    expect(ende.statusCode).toBe(422);
    expect((ende.json() as { problems: PledgeProblem[] }).problems[0]!.en).toMatch(/Kabupaten Ende \(53\.08\) is outside your account's area/);
    const file = await upload(kupang, 'pakta.csv', 'Kabupaten/Kota,Tahun Anggaran,Jumlah Pekerja,Nilai\nKabupaten Kupang,2026,1100,Rp221.760.000\nEnde,2026,1,1\n', 'text/csv');
    expect(file.statusCode).toBe(422);
    expect(JSON.stringify(file.json())).toMatch(/Row 3, column \\"Kabupaten\/Kota \(A\)\\": Kabupaten Ende \(53\.08\) is outside/);
    expect(await f.db.query('SELECT * FROM pledge WHERE regency_code = $1', ['53.08'])).toEqual(before);
    expect((await f.db.query<{ places: number }>(`SELECT places FROM pledge WHERE regency_code = '53.01'`))[0]!.places).toBe(1000);
    // Even straight at the database, as the Kupang user, the policy refuses the row.
    const refused = await asSystem(f.db, 'probe', async (tx) => {
      await tx.query(`SELECT set_config('lindung.area', '53.01', true)`);
      await tx.exec('SET LOCAL ROLE lindung_user');
      return tx.query(`UPDATE pledge SET places = 1 WHERE regency_code = '53.08' RETURNING id`);
    });
    expect(refused).toEqual([]);
    const own = await kupang.request('POST', '/api/pledges', { regency: 'Kabupaten Kupang', fiscalYear: 2026, places: '1.100', amount: 'Rp221.760.000', signedOn: '21/07/2025' });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ created: 0, updated: 1 });
    const seen = (await kupang.request('GET', '/api/pledges?year=2026')).json() as PledgeReport;
    expect(seen.items.find((i) => i.regencyCode === '53.08')).toMatchObject({ places: 1200, enrolled: null, paid: null });
    expect(seen.items.find((i) => i.regencyCode === '53.01')).toMatchObject({ places: 1100, ...(await achieved('53.01')) });
    // The Ende operator changes Ende's own pledge.
    const endeUser = await signInAs(f.app, 'ende.operator');
    const changed = await endeUser.request('POST', '/api/pledges', { regency: 'Ende', fiscalYear: 2026, places: 1300, amount: 262_080_000 });
    expect(changed.json()).toMatchObject({ updated: 1 });
    // A viewer reads the pledges but may not write them.
    const viewer = await signInAs(f.app, username('viewer'));
    expect((await viewer.request('GET', '/api/pledges')).statusCode).toBe(200);
    expect((await viewer.request('POST', '/api/pledges', { regency: '53.01', fiscalYear: 2026, places: 1, amount: 1 })).statusCode).toBe(403);
  });

  it('the form on the screen saves one pledge and shows a refusal in Indonesian', async () => {
    const post = (body: Record<string, string>) => national.request('POST', '/pledges', new URLSearchParams({ _csrf: national.csrf, ...body }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    const bad = await post({ regency: '53.07', fiscalYear: '2026', places: 'seribu', amount: '' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('bukan jumlah orang');
    const ok = await post({ regency: '53.07', fiscalYear: '2027', places: '900', amount: '181.440.000', signedOn: '2026-07-21', document: 'PAKTA/07/2026' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Pakta disimpan.');
    expect((await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pledge WHERE regency_code = '53.07' AND fiscal_year = 2027`))[0]!.n).toBe(1);
  });
});

describe('CLI: pledges, scenarios, budget and summary', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    config = await freshConfig('pledges-cli');
    env = cliEnv(config);
  });
  afterAll(async () => config?.cleanup());

  it('imports and lists pledges; a bad file exits 1 with one line per problem', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'Kabupaten/Kota;Tahun Anggaran;Jumlah Pekerja;Nilai (Rp)\nSikka;2026;800;Rp1,5\n');
    const r1 = await runCli(['pledges', 'import', bad], env);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/No pledge was saved:\n {2}Row 2, column "Nilai \(Rp\) \(D\)"/);
    const good = path.join(dir, 'good.xlsx');
    fs.writeFileSync(good, await goodXlsx());
    const r2 = await runCli(['pledges', 'import', good, '--json'], env);
    expect(r2.code, r2.stderr).toBe(0);
    expect(JSON.parse(r2.stdout)).toMatchObject({ created: 3 });
    const list = await runCli(['pledges', 'list', '--year', '2026', '--json'], env);
    const report = JSON.parse(list.stdout) as PledgeReport;
    expect(report.items.map((i) => [i.regencyCode, i.places, i.amount])).toEqual([['53.01', 1000, 201_600_000], ['53.08', 1200, 241_920_000], ['53.15', 2829, 570_326_400]]);
  });

  it('scenario add, budget --json with the documented fields, summary --out as PDF and XLSX', async () => {
    const programme = path.join(dir, 'programme.json');
    fs.writeFileSync(programme, JSON.stringify({
      code: 'SIKKA-2026', name: 'Program Kabupaten Sikka 2026', funderType: 'regency', funderAreaCode: '53.07', funderName: 'Pemerintah Kabupaten Sikka',
      fiscalYear: 2026, coverageStart: '2026-01-01', coverageEnd: '2026-12-31', benefits: ['JKK', 'JKM'], declaredIncome: 1_000_000, totalQuota: 50_000, rules: {},
    }));
    expect((await runCli(['programme', 'create', programme], env)).code).toBe(0);
    const add = await runCli(['scenario', 'add', 'SIKKA-2026', '--name', 'Usulan 2027', '--workers', '50.000', '--json'], env);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ workers: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 });
    const budget = await runCli(['budget', 'SIKKA-2026', '--today', '2026-11-24', '--json'], env);
    expect(budget.code, budget.stderr).toBe(0);
    const b = JSON.parse(budget.stdout) as Record<string, unknown>;
    expect(b).toMatchObject({ quota: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000, allocation: null, committed: 0, billed: 0, paid: 0, remaining: null });
    expect(b.forecast).toMatchObject({ restOfYear: { from: '2026-11', to: '2026-12', months: 2, activeMembers: 0, total: 0 }, nextYear: { fiscalYear: 2027, scenarios: [{ name: 'Usulan 2027', total: 10_080_000_000 }] } });
    const pdf = path.join(dir, 'ringkasan.pdf');
    const s = await runCli(['summary', 'SIKKA-2026', '--out', pdf], env);
    expect(s.code, s.stderr).toBe(0);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = path.join(dir, 'ringkasan.xlsx');
    expect((await runCli(['summary', 'SIKKA-2026', '--out', xlsx, '--json'], env)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(String(wb.getWorksheet('Ringkasan')!.getCell('A1').value)).toContain('SIKKA-2026');
    const removed = await runCli(['scenario', 'remove', 'SIKKA-2026', 'Usulan 2027'], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await runCli(['scenario', 'list', 'SIKKA-2026'], env)).stdout).toMatch(/no scenarios/);
  });
});
