/**
 * Intake in real Chromium: a village operator downloads the template, fills it in (as Excel
 * would), uploads it, sees which row is wrong and why; a verifier decides the likely duplicate and
 * approves; the programme page shows the regency's quota filling.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { username } from '../helpers/app.js';
import { browserSuite } from '../helpers/browser-suite.js';

const suite = browserSuite('browser-intake');
const { signedIn } = suite;

/** Waits for the batch page to stop checking (it refreshes itself every 2 s meanwhile). */
async function waitChecked(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('#check-progress'), undefined, { timeout: 30_000 });
}

describe('intake in the browser', () => {
  let batchUrl = '';

  it('a village operator fills the template, uploads it and sees what is wrong in which row', async () => {
    const page = await signedIn(username('village_operator'));
    await page.goto(suite.server.url('/intake'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/intake/template.xlsx"]')]);
    const templatePath = path.join(suite.tmp, 'templat.xlsx');
    await download.saveAs(templatePath);

    // Fill the template the way an operator does in Excel: header row kept, people below it.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(templatePath);
    const sheet = wb.getWorksheet('Data')!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const col = (label: string) => headers.indexOf(label) + 1;
    expect(col('NIK')).toBeGreaterThan(0);
    const village = suite.server.fixture.homeVillage;
    const people = [
      { nik: '5301014505900011', name: 'Sofia Bait', birth: '05/05/1990', sex: 'P', job: 'Petani', decile: 2 },
      { nik: '5.30101E+15', name: 'Kornelis Nomleni', birth: '01/02/1970', sex: 'L', job: 'Nelayan', decile: 3 },
      { nik: '5301014101850012', name: 'Maria Tefa', birth: '01/01/1985', sex: 'P', job: 'Pedagang', decile: 2 },
    ];
    let r = 2;
    // Any example rows of the template are overwritten: the people start right under the header.
    for (const p of people) {
      const row = sheet.getRow(r++);
      row.getCell(col('NIK')).value = p.nik;
      row.getCell(col('Nama Lengkap')).value = p.name;
      row.getCell(col('Tanggal Lahir')).value = p.birth;
      row.getCell(col('Jenis Kelamin')).value = p.sex;
      row.getCell(col('Kode Wilayah')).value = village;
      row.getCell(col('Pekerjaan')).value = p.job;
      row.getCell(col('Desil DTSEN')).value = p.decile;
      row.commit();
    }
    for (let extra = r; extra <= sheet.rowCount; extra++) sheet.getRow(extra).values = [];
    const filled = path.join(suite.tmp, 'usulan.xlsx');
    await wb.xlsx.writeFile(filled);

    await page.selectOption('#programme', 'NTT-2026');
    await page.setInputFiles('#file', filled);
    await Promise.all([page.waitForURL(/\/intake\/\d+$/), page.click('form[action^="/intake/upload"] button[type="submit"]')]);
    batchUrl = page.url();
    await waitChecked(page);
    await expect(page.locator('#batch-status').textContent()).resolves.toMatch(/Sudah diperiksa/);
    // The Excel-damaged NIK: its row, its column and what to do, in Indonesian.
    const row3 = page.locator('#row-3');
    await expect(row3.locator('.badge').first().textContent()).resolves.toMatch(/Salah/);
    const problem = (await row3.locator('ul.problems').textContent())!;
    expect(problem).toMatch(/NIK/);
    expect(problem).toMatch(/Excel/);
    // Submit to the verifier.
    await page.click('form[action$="/submit"] button');
    await expect(page.locator('#batch-status').textContent()).resolves.toMatch(/Diajukan/);
  });

  it('a verifier decides the likely duplicate side by side and approves; the quota fills', async () => {
    const page = await signedIn(username('verifier'));
    await page.goto(batchUrl);
    const review = page.locator('article.review').first();
    await expect(review.locator('table.side-by-side').textContent()).resolves.toMatch(/5301014101850002/);
    await review.locator('button[value="same"]').click();
    await expect(page.locator('[role="status"]').first().textContent()).resolves.toMatch(/Keputusan disimpan/);
    await page.click('form[action$="/approve"] button');
    await expect(page.locator('#batch-status').textContent()).resolves.toMatch(/Disetujui/);

    await page.goto(suite.server.url('/programmes/NTT-2026'));
    const kupang = page.locator('#quota-table tbody tr', { hasText: 'Kupang' }).first();
    const cells = await kupang.locator('td').allTextContents();
    // Approved column: Sofia (new) and Maria (the registry record) are candidates.
    expect(cells[3]!.trim()).toBe('2');
    // The budget, rupiah the Indonesian way: 50.000 × 12 months × Rp16.800.
    await expect(page.locator('#budget').textContent()).resolves.toMatch(/50\.000 × 12 bulan × Rp16\.800 = Rp10\.080\.000\.000/);
  });

  it('the one-person form shows an error for a wrong date, in the row it came from', async () => {
    const page = await signedIn(username('village_operator'));
    await page.goto(suite.server.url('/intake/form'));
    await page.fill('#f-nik', '5301012002820006');
    await page.fill('#f-full_name', 'Agustinus Seran');
    await page.fill('#f-birth_date', '31/02/1982');
    await page.fill('#f-area_code', suite.server.fixture.homeVillage);
    await Promise.all([page.waitForURL(/\/intake\/\d+$/), page.click('form[action="/intake/form"] button[type="submit"]')]);
    await waitChecked(page);
    const text = (await page.locator('#rows-table').textContent())!;
    expect(text).toMatch(/Tanggal Lahir/);
    expect(text).toMatch(/31/);
  });
});
