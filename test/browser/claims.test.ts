/**
 * A death from registration to a confirmed payout, in real Chromium: the regency operator
 * registers it and sees the coverage and the amount at once, records the widow as heir with her
 * account, uploads the documents and submits the file; a verifier approves; the finance officer
 * makes the payout batch and downloads the bank file; the Bank NTT liaison loads the bank's
 * confirmation; the claim ends confirmed, with its decision letter as PDF.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { todayInNtt } from '../../src/clock.js';
import { asSystem } from '../../src/db/scope.js';
import { addDays } from '../../src/domain/billing.js';
import { username } from '../helpers/app.js';
import { browserSuite } from '../helpers/browser-suite.js';

const suite = browserSuite('browser-claims');
const { signedIn } = suite;
const NIK = '5301011207700001';
const EVENT = addDays(todayInNtt(), -10);

beforeAll(async () => {
  // A fisherman of Kupang, an active member of NTT-2026 since January (as the BPJS answer leaves him).
  await asSystem(suite.server.fixture.db, 'test', async (tx) => {
    const [p] = await tx.query<{ id: number }>(
      `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, marital_status) VALUES ($1, 'Yohanis Bria', '1970-07-12', 'L', $2, 'nelayan', 'kawin') RETURNING id`,
      [NIK, suite.server.fixture.homeVillage],
    );
    const [m] = await tx.query<{ id: number }>(
      `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date, coverage_start)
       SELECT id, $1, 'active', $2, '26000000001', coverage_start, coverage_start FROM programme WHERE code = 'NTT-2026' RETURNING id`,
      [p!.id, suite.server.fixture.homeVillage],
    );
    await tx.query(`INSERT INTO coverage_period (membership_id, from_date) SELECT $1, coverage_start FROM programme WHERE code = 'NTT-2026'`, [m!.id]);
  });
});

const step = (page: Page, action: string) => page.locator(`form:has(input[name="action"][value="${action}"]) button[type="submit"]`).first();

describe('a claim in the browser', () => {
  it('takes a death from registration to the bank\'s confirmation', async () => {
    const operator = await signedIn(username('regency_operator'));
    await operator.goto(suite.server.url('/claims'));
    await operator.goto(suite.server.url('/claims/new'));
    await operator.fill('#nik', NIK);
    await operator.selectOption('#type', 'jkm_death');
    await operator.fill('#eventDate', EVENT);
    await operator.fill('#eventPlace', 'Rumah, Desa Oelnasi');
    await operator.click('button[name="do"][value="preview"]');
    const preview = await operator.innerText('#preview');
    expect(preview).toContain('NTT-2026');
    expect(preview).toContain('Rp42.000.000');
    await operator.click('button[name="do"][value="register"]');
    await operator.waitForURL(/\/claims\/\d+\?done=registered$/);
    const claimUrl = operator.url().replace(/\?.*$/, '');
    expect(await operator.getAttribute('[data-testid="claim-status"]', 'data-status')).toBe('draft');

    // The widow, with her Bank NTT account.
    await operator.locator('#add-heir').evaluate((f) => f.closest('details')?.setAttribute('open', ''));
    await operator.locator('#add-heir [name="fullName"]').fill('Maria Bria');
    await operator.locator('#add-heir [name="relation"]').selectOption('istri');
    await operator.locator('#add-heir [name="nik"]').fill('5301015003750002');
    await operator.locator('#add-heir [name="proof"]').fill('Surat keterangan ahli waris Desa Oelnasi No. 12/2026');
    await operator.locator('#add-heir [name="bankName"]').fill('Bank NTT');
    await operator.locator('#add-heir [name="bankAccount"]').fill('001234567890');
    await operator.locator('#add-heir [name="accountHolder"]').fill('Maria Bria');
    await operator.locator('#add-heir button[type="submit"]').click();
    await operator.waitForURL(/done=heir_added/);
    expect(await operator.innerText('#heir-list')).toContain('Maria Bria');

    // Every required document, as scans (PDF); a renamed text file is refused first.
    await operator.setInputFiles('#doc-file', { name: 'akta.pdf', mimeType: 'application/pdf', buffer: Buffer.from('bukan pdf, hanya teks') });
    await operator.click('#upload button[type="submit"]');
    expect(await operator.innerText('.alert')).toMatch(/bukan PDF, JPEG, atau PNG/);
    await operator.goto(claimUrl);
    for (let i = 0; i < 12; i++) {
      const missing = await operator.locator('#checklist li[data-done="no"]').evaluateAll((li) => li.map((l) => l.getAttribute('data-kind')));
      const kind = missing.find((k) => k !== 'other');
      if (!kind) break;
      await operator.selectOption('#doc-kind', kind);
      await operator.setInputFiles('#doc-file', { name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4\n% ${kind}\n%%EOF\n`) });
      await operator.click('#upload button[type="submit"]');
      await operator.waitForSelector(`#checklist li[data-kind="${kind}"][data-done="yes"]`);
    }
    await step(operator, 'complete').click();
    await operator.waitForSelector('[data-testid="claim-status"][data-status="documents_complete"]');
    await step(operator, 'submit').click();
    await operator.waitForSelector('[data-testid="claim-status"][data-status="submitted"]');

    const verifier = await signedIn(username('verifier'));
    await verifier.goto(claimUrl);
    await verifier.click('#approve button[type="submit"]');
    await verifier.waitForSelector('[data-testid="claim-status"][data-status="approved"]');
    expect(await verifier.innerText('#payee-list')).toContain('Rp42.000.000');

    const finance = await signedIn(username('finance_officer'));
    await finance.goto(suite.server.url('/claims/payouts'));
    await finance.locator('#create-batch button[name="all"][value="1"]').click();
    await finance.waitForURL(/\/claims\/payouts\/\d+/);
    const [download] = await Promise.all([finance.waitForEvent('download'), finance.click('#batch-downloads a[href$="file.csv"]')]);
    const sent = fs.readFileSync(await download.path(), 'utf8');
    const reference = /LDG\d+/.exec(sent)?.[0];
    expect(reference).toBeTruthy();
    expect(sent).toContain('001234567890');
    const batchUrl = finance.url();

    // Bank NTT's answer, as its liaison loads it.
    const bank = await signedIn(username('bank_liaison'));
    await bank.goto(suite.server.url('/'));
    await bank.click('nav a[href="/claims/payouts"]');
    await bank.goto(batchUrl);
    const answer = path.join(suite.tmp, 'konfirmasi.csv');
    fs.writeFileSync(answer, `Referensi;Status;Referensi Bank\n${reference};BERHASIL;NTT2026112400001\n`);
    await bank.setInputFiles('#confirmation-form input[type="file"]', answer);
    await bank.click('#confirmation-form button[type="submit"]');
    expect(await bank.innerText('#confirmation-result')).toMatch(/1 berhasil/);

    await operator.goto(claimUrl);
    expect(await operator.getAttribute('[data-testid="claim-status"]', 'data-status')).toBe('confirmed');
    const letter = await operator.request.get(suite.server.url(`${new URL(claimUrl).pathname}/letters/decision.pdf`));
    expect(letter.status()).toBe(200);
    expect((await letter.body()).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
