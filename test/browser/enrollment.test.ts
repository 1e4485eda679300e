/**
 * Enrollment in real Chromium: the province makes a submission batch for a regency, the BPJS
 * liaison downloads its file and loads BPJS's answer, the regency sees who was turned away and
 * why, and finance computes a month's bill and records its SP2D.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { PASSWORD, username } from '../helpers/app.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { asSystem } from '../../src/db/scope.js';
import { addUser } from '../../src/features/users/users.js';

const suite = browserSuite('browser-enrollment');
const { signedIn } = suite;
const NIKS = ['5301014404880001', '5301014404880002', '5301014404880003', '5301014404880004'];

beforeAll(async () => {
  // Four approved candidates of NTT-2026 in Kupang, as intake leaves them; the province's finance officer.
  await asSystem(suite.server.fixture.db, 'test', async (tx) => {
    await addUser(tx, { username: 'ntt.keuangan', fullName: 'Keuangan Provinsi', role: 'finance_officer', areaCode: '53', password: PASSWORD });
    for (const [i, nik] of NIKS.entries()) {
      const [p] = await tx.query<{ id: number }>(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation) VALUES ($1, $2, '1988-04-04', 'P', $3, 'penenun') RETURNING id`,
        [nik, `Ibu Tenun ${'ABCD'[i]}`, suite.server.fixture.homeVillage],
      );
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT id, $1, 'candidate', $2 FROM programme WHERE code = 'NTT-2026'`, [p!.id, suite.server.fixture.homeVillage]);
    }
  });
});

describe('enrollment in the browser', () => {
  it('province submits Kupang\'s candidates; the BPJS liaison exchanges the files; the regency sees the rejection', async () => {
    const province = await signedIn(username('province_officer'));
    await province.goto(suite.server.url('/programmes/NTT-2026'));
    await province.click('#programme-work a[href="/programmes/NTT-2026/submissions"]');
    const row = province.locator('#candidates-to-submit tbody tr', { hasText: '53.01' });
    expect(await row.locator('td.num').innerText()).toBe('4');
    await row.locator('button[type="submit"]').click();
    await province.waitForSelector('.notice');
    expect(await province.innerText('.notice')).toMatch(/Batch #\d+ dibuat: 4 orang/);

    const liaison = await signedIn(username('bpjs_liaison'));
    await liaison.goto(suite.server.url('/programmes/NTT-2026/submissions'));
    const batch = liaison.locator('#batches tbody tr').first();
    const [download] = await Promise.all([liaison.waitForEvent('download'), batch.locator('a', { hasText: 'XLSX' }).click()]);
    const file = path.join(suite.tmp, 'pengajuan.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const sent: string[] = [];
    wb.getWorksheet('Peserta')!.eachRow((r, n) => { if (n > 1) sent.push(String(r.getCell(2).value)); });
    expect(sent.sort()).toEqual(NIKS);

    // BPJS's answer as a branch writes it: `;`, DITERIMA/DITOLAK, TMT as dd/mm/yyyy.
    const answer = path.join(suite.tmp, 'jawaban.csv');
    fs.writeFileSync(answer, ['NIK;KPJ;Status;TMT;Keterangan', ...sent.map((nik, i) => (i === 3 ? `${nik};;DITOLAK;;Data KTP tidak sesuai Dukcapil` : `${nik};2601000000${i};DITERIMA;01/03/2026;`))].join('\r\n'));
    await batch.locator('input[type="file"]').setInputFiles(answer);
    await batch.locator('form button[type="submit"]').click();
    await liaison.waitForSelector('.notice');
    expect(await liaison.innerText('.notice')).toContain('3 diterima, 1 ditolak');
    expect(await liaison.locator('#batches tbody tr').first().innerText()).toContain('sudah dijawab');

    const regency = await signedIn(username('regency_operator'));
    await regency.goto(suite.server.url('/programmes/NTT-2026/submissions'));
    const rejected = await regency.innerText('#rejected');
    expect(rejected).toContain('Ibu Tenun D');
    expect(rejected).toContain('Data KTP tidak sesuai Dukcapil');
    // A regency operator can neither make batches nor exchange files.
    expect(await regency.locator('#batches a[href*="/file"]').count()).toBe(0);
  });

  it('finance computes March\'s bill for the three members and records its SP2D', async () => {
    // The bill is the province's (NTT-2026's funder): a province-wide finance officer computes it.
    const finance = await signedIn('ntt.keuangan');
    await finance.goto(suite.server.url('/programmes/NTT-2026/bills'));
    await finance.fill('#month', '2026-03');
    await finance.click('#run-billing button[type="submit"]');
    await finance.waitForSelector('.notice, .alert, h1');
    expect(await finance.locator('.notice').count(), await finance.innerText('body')).toBe(1);
    expect(await finance.innerText('.notice')).toContain('3 orang × Rp16.800 = Rp50.400');
    const bill = finance.locator('#bills tbody tr', { hasText: '2026-03' });
    await bill.locator('input[name="sp2d"]').fill('0042/SP2D/BKAD/2026');
    await bill.locator('input[name="paidOn"]').fill('2026-03-10');
    expect(await bill.locator('input[name="amount"]').inputValue()).toBe('Rp50.400');
    await bill.locator('button[type="submit"]').click();
    await finance.waitForSelector('.notice, .alert');
    expect(await finance.locator('.alert').count(), await finance.innerText('main')).toBe(0);
    expect(await finance.innerText('.notice')).toContain('dibayar Rp50.400 dari Rp50.400');
    expect(await finance.locator('#bills tbody tr', { hasText: '2026-03' }).innerText()).toContain('lunas');
    // The same SP2D again is refused with the reason, and nothing changes.
    await finance.fill('#month', '2026-03');
    await finance.click('#run-billing button[type="submit"]');
    await finance.waitForSelector('.alert');
    expect(await finance.innerText('.alert')).toContain('sudah ditagih');
  });
});
