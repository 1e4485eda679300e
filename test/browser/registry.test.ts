/**
 * The worker registry screens in real Chromium: search, area refusal, the detail page, editing,
 * and what each role may see (masking, no registry for liaisons).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { FOREIGN, PASSWORD, username } from '../helpers/app.js';
import { signInThroughForm, startWebServer, type WebServer } from '../helpers/web-server.js';

let server: WebServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer('browser-registry'), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(user: string): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  const page = await context.newPage();
  await signInThroughForm(page, server, user, PASSWORD);
  return page;
}

const path = (page: Page) => new URL(page.url()).pathname;

/** Names and NIKs of the result rows, as shown. */
function resultRows(page: Page): Promise<{ name: string; nik: string }[]> {
  return page.$$eval('main table.stack tbody tr', (trs) =>
    (trs as HTMLTableRowElement[]).map((tr) => ({ name: tr.cells[0]!.textContent!.trim(), nik: tr.cells[1]!.textContent!.trim() })),
  );
}

/** Fills the search form and submits it; returns the HTTP status of the answer. */
async function search(page: Page, fields: { q?: string; area?: string }): Promise<number> {
  if (fields.q !== undefined) await page.fill('#q', fields.q);
  if (fields.area !== undefined) await page.fill('#area', fields.area);
  const [res] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/registry' && r.request().method() === 'POST'),
    page.click('form.search button[type="submit"]'),
  ]);
  await page.waitForLoadState();
  return res.status();
}

/** The rows of the history table: [when, who, what]. */
function historyRows(page: Page): Promise<string[][]> {
  return page.$$eval('[data-testid="history"] tbody tr', (trs) =>
    (trs as HTMLTableRowElement[]).map((tr) => Array.from(tr.cells, (td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim())),
  );
}

/** The text of the definition for a term in the detail page's field list. */
function fieldValue(page: Page, term: string): Promise<string> {
  return page.$$eval(
    'dl.fields dt',
    (dts, t) => dts.find((dt) => dt.textContent === t)?.nextElementSibling?.textContent?.trim() ?? '(missing)',
    term,
  );
}

describe('registry search', () => {
  it('finds a name typed in odd case and spacing, and an exact NIK', async () => {
    const page = await signedIn(username('regency_operator'));
    await page.goto(server.url('/registry'));
    expect(await page.textContent('h1')).toBe('Registri Pekerja');
    expect((await resultRows(page)).map((r) => r.name).sort()).toEqual(['Maria Tefa', 'Yohanes Tefa']);

    expect(await search(page, { q: '  maria   TEFA' })).toBe(200);
    expect(await resultRows(page)).toEqual([{ name: 'Maria Tefa', nik: '5301014101850002' }]);
    // The search stays in the box; it never went into the address bar.
    expect(await page.inputValue('#q')).toBe('  maria   TEFA');
    expect(page.url()).not.toContain('maria');

    expect(await search(page, { q: '5301010101800001' })).toBe(200);
    expect(await resultRows(page)).toEqual([{ name: 'Yohanes Tefa', nik: '5301010101800001' }]);
    expect(page.url()).not.toContain('5301010101800001');

    expect(await search(page, { q: 'tefa yoh' })).toBe(200);
    expect(await resultRows(page)).toEqual([]);
    expect(await page.innerText('main [role="status"]')).toContain('Tidak ada pekerja yang cocok');
  });

  it("a regency operator's area picker offers only areas inside the regency", async () => {
    const page = await signedIn(username('regency_operator'));
    await page.goto(server.url('/registry'));
    const options = await page.$$eval('select#area option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options[0]).toBe('');
    expect(options.length).toBeGreaterThan(1);
    for (const code of options.slice(1)) expect(code.startsWith('53.01.')).toBe(true);
    expect(options).not.toContain(FOREIGN);

    const district = server.fixture.homeVillage.slice(0, 8);
    await page.selectOption('select#area', district);
    expect(await search(page, {})).toBe(200);
    expect((await resultRows(page)).length).toBe(2);
    expect(await page.inputValue('select#area')).toBe(district);
  });

  it('refuses an area outside the user\'s own and shows nobody from it', async () => {
    const page = await signedIn(username('village_operator'));
    await page.goto(server.url('/registry'));
    // A village operator has no picker: the area is typed.
    expect(await page.getAttribute('#area', 'placeholder')).toBe(server.fixture.homeVillage);
    expect(await page.evaluate(() => document.getElementById('area')!.tagName)).toBe('INPUT');

    expect(await search(page, { q: '', area: FOREIGN })).toBe(403);
    expect(path(page)).toBe('/registry');
    const alert = await page.innerText('main [role="alert"]');
    expect(alert).toContain('di luar wilayah kerja akun Anda');
    expect(await resultRows(page)).toEqual([]);
    expect(await page.content()).not.toContain('Wangge');

    // A name search cannot reach Ende either: the record is simply not there for this user.
    expect(await search(page, { q: 'fransiskus', area: '' })).toBe(200);
    expect(await resultRows(page)).toEqual([]);

    // Nor does the address of the Ende person's page.
    const res = await page.goto(server.url(`/registry/${server.fixture.foreignPersonId}`));
    expect(res?.status()).toBe(404);
    expect(await page.content()).not.toContain('Wangge');
  });
});

describe('worker detail page', () => {
  it('shows heirs, household and history, and links to the other member of the KK', async () => {
    const page = await signedIn(username('regency_operator'));
    await page.goto(server.url('/registry'));
    await search(page, { q: 'yohanes' });
    await page.click('main table.stack tbody a:text-is("Yohanes Tefa")');
    await page.waitForURL((u) => u.pathname === `/registry/${server.fixture.homePersonId}`);
    expect(await page.textContent('h1')).toBe('Yohanes Tefa');
    expect(await fieldValue(page, 'NIK')).toBe('5301010101800001');
    expect(await fieldValue(page, 'Nomor KK')).toBe('5301010101100001');

    const headings = await page.$$eval('main h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(expect.arrayContaining(['Ahli waris', 'Anggota KK yang juga terdaftar', 'Riwayat perubahan']));
    const sectionAfter = (title: string) =>
      page.$$eval('main h2', (hs, t) => (hs.find((h) => h.textContent === t)?.nextElementSibling as HTMLElement | null)?.innerText ?? '', title);
    expect(await sectionAfter('Ahli waris')).toBe('Tidak ada');

    const household = page.locator('main h2:text-is("Anggota KK yang juga terdaftar") + ul a');
    expect(await household.allTextContents()).toEqual(['Maria Tefa']);
    const history = await historyRows(page);
    expect(history).toHaveLength(1);
    expect(history[0]![2]).toBe('Data pekerja dibuat');

    await household.click();
    await page.waitForURL((u) => /^\/registry\/\d+$/.test(u.pathname) && u.pathname !== `/registry/${server.fixture.homePersonId}`);
    expect(await page.textContent('h1')).toBe('Maria Tefa');
    expect(await page.locator('main h2:text-is("Anggota KK yang juga terdaftar") + ul a').allTextContents()).toEqual(['Yohanes Tefa']);
  });

  it('a regency operator edits the phone number: saved, and the history shows who changed what', async () => {
    const user = username('regency_operator');
    const page = await signedIn(user);
    await page.goto(server.url(`/registry/${server.fixture.homePersonId}`));
    expect(await fieldValue(page, 'Nomor HP')).toBe('081234567890');
    const before = await historyRows(page);

    await page.fill('#phone', '+62 813-1111-2222');
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/registry/${server.fixture.homePersonId}` && r.request().method() === 'POST'),
      page.click('main form[action^="/registry/"] button[type="submit"]'),
    ]);
    expect(res.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.innerText('main [role="status"]')).toBe('Perubahan tersimpan dan tercatat di riwayat.');
    expect(await page.locator('main [role="alert"]').count()).toBe(0);
    expect(await fieldValue(page, 'Nomor HP')).toBe('081311112222');
    expect(await page.inputValue('#phone')).toBe('081311112222');

    const after = await historyRows(page);
    expect(after).toHaveLength(before.length + 1);
    const [, who, what] = after[0]!;
    expect(who).toBe(user);
    expect(what).toContain('Data pekerja diubah');
    expect(what).toContain('phone: 081234567890 → 081311112222');

    // The change is real: a fresh load shows it too.
    await page.reload();
    expect(await fieldValue(page, 'Nomor HP')).toBe('081311112222');
    expect(await historyRows(page)).toHaveLength(before.length + 1);
  });

  it('an invalid phone number is refused next to the form and changes nothing', async () => {
    const page = await signedIn(username('regency_operator'));
    const id = server.fixture.homePersonId;
    await page.goto(server.url(`/registry/${id}`));
    const phone = await fieldValue(page, 'Nomor HP');
    const before = await historyRows(page);

    await page.fill('#phone', '12-34 abc');
    const [res] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/registry/${id}` && r.request().method() === 'POST'),
      page.click('main form[action^="/registry/"] button[type="submit"]'),
    ]);
    expect(res.status()).toBe(400);
    await page.waitForLoadState();
    const alert = page.locator('main [role="alert"]');
    expect(await alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('Nomor HP "12-34 abc" tidak valid');
    // Next to the form: right before it, and the form points at it.
    expect(await alert.evaluate((el) => el.nextElementSibling?.matches('form[action^="/registry/"]') ?? false)).toBe(true);
    expect(await page.getAttribute('main form[action^="/registry/"]', 'aria-describedby')).toBe(await alert.getAttribute('id'));
    // The script moves focus to the message so it is read out first.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
    expect(await page.locator('main [role="status"]').count()).toBe(0);

    expect(await fieldValue(page, 'Nomor HP')).toBe(phone);
    expect(await historyRows(page)).toEqual(before);
  });
});

describe('what each role sees', () => {
  it('the viewer sees masked NIKs on the list and the detail page, and no edit form', async () => {
    const page = await signedIn(username('viewer'));
    expect((await page.innerText('header .who')).replace(/\s+/g, ' ')).toBe('Masuk sebagai t.viewer (Pemantau)');
    await page.goto(server.url('/registry'));
    const rows = await resultRows(page);
    expect(rows).toContainEqual({ name: 'Yohanes Tefa', nik: '5301xxxxxxxx0001' });
    expect(rows).toContainEqual({ name: 'Maria Tefa', nik: '5301xxxxxxxx0002' });
    expect(await page.innerText('#results-note')).toContain('disamarkan');

    await page.click('main table.stack tbody a:text-is("Yohanes Tefa")');
    await page.waitForURL((u) => u.pathname === `/registry/${server.fixture.homePersonId}`);
    expect(await fieldValue(page, 'NIK')).toBe('5301xxxxxxxx0001');
    expect(await fieldValue(page, 'Nomor KK')).toBe('5301xxxxxxxx0001');
    const body = await page.content();
    expect(body).not.toContain('5301010101800001');
    expect(body).not.toContain('5301010101100001');
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.locator('#phone').count()).toBe(0);
    expect(await page.locator('main h2:text-is("Ubah data kontak")').count()).toBe(0);
  });

  for (const role of ['bpjs_liaison', 'bank_liaison'] as const) {
    it(`${role} has no registry link and gets a 403 page at /registry`, async () => {
      const page = await signedIn(username(role));
      expect(path(page)).toBe('/');
      const links = () => page.$$eval('a', (as) => as.map((a) => `${a.textContent} ${a.getAttribute('href')}`));
      expect(await page.locator('a[href^="/registry"]').count()).toBe(0);
      expect((await links()).filter((l) => /registri/i.test(l))).toEqual([]);
      expect(await page.innerText('main')).toContain('Peran Anda tidak membuka registri pekerja');

      // In English too: no "Worker registry" link.
      await page.click('header a[href^="/lang/en"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      expect((await links()).filter((l) => /registry/i.test(l))).toEqual([]);
      expect(await page.innerText('main')).toContain('Your role does not open the worker registry');
      await page.click('header a[href^="/lang/id"]');
      await page.waitForFunction(() => document.documentElement.lang === 'id');

      const res = await page.goto(server.url('/registry'));
      expect(res?.status()).toBe(403);
      expect(await page.getAttribute('html', 'lang')).toBe('id');
      expect(await page.innerText('main [role="alert"]')).toContain('Peran akun Anda tidak mencakup pekerjaan ini');
      expect(await page.content()).not.toContain('Tefa');

      const detail = await page.goto(server.url(`/registry/${server.fixture.homePersonId}`));
      expect(detail?.status()).toBe(403);
      expect(await page.content()).not.toContain('Tefa');
    });
  }
});
