/**
 * Signing in and out, the language switch, the password change and the public page, in real
 * Chromium against the real server and a fresh test database (see test/helpers/web-server.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { PASSWORD, username } from '../helpers/app.js';
import { signInThroughForm, startWebServer, type WebServer } from '../helpers/web-server.js';

let server: WebServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer('browser-session'), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page in its own context: no cookies shared with other tests. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

const path = (page: Page) => new URL(page.url()).pathname;
const htmlLang = (page: Page) => page.getAttribute('html', 'lang');

describe('sign-in', () => {
  it('is Indonesian by default, refuses a wrong password in Indonesian and lands on the home page', async () => {
    const page = await newPage();
    const res = await page.goto(server.url('/login'));
    expect(res?.status()).toBe(200);
    expect(await htmlLang(page)).toBe('id');
    expect((await page.textContent('label[for="username"]'))?.trim()).toBe('Nama pengguna');
    expect((await page.textContent('label[for="password"]'))?.trim()).toBe('Kata sandi');
    expect(await page.locator('[role="alert"]').count()).toBe(0);

    // Wrong password: the form comes back with the reason, still on /login.
    await page.fill('#username', username('regency_operator'));
    await page.fill('#password', 'not the password');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST'),
      page.click('form[action="/login"] button[type="submit"]'),
    ]);
    expect(refused.status()).toBe(401);
    await page.waitForLoadState();
    expect(path(page)).toBe('/login');
    expect(await htmlLang(page)).toBe('id');
    const alert = page.locator('[role="alert"]');
    expect(await alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('Nama pengguna atau kata sandi salah');
    expect(await page.inputValue('#password')).toBe('');

    // Right password: the home page with the chart and the table.
    await page.fill('#username', username('regency_operator'));
    await page.fill('#password', PASSWORD);
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('h1')).toBe('Beranda');
    const chart = page.locator('svg[role="img"]');
    expect(await chart.count()).toBe(1);
    expect(await chart.locator('rect').count()).toBeGreaterThan(0);
    expect(await chart.locator('title').textContent()).toBe('Pekerja terdaftar per kabupaten/kota');

    const rows = await page.$$eval('table.stack tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent?.trim() ?? '')),
    );
    // A regency operator sees their own regency only: Yohanes and Maria Tefa.
    expect(rows).toEqual([['Kabupaten Kupang', '2', '1', '0', '0']]);
    expect(await page.textContent('[data-testid="total-workers"]')).toBe('2');
    await page.click('table.stack tbody a');
    await page.waitForURL((u) => u.pathname === '/registry');
    expect(await page.locator('table.stack tbody tr').count()).toBe(2);

    const who = (await page.innerText('header .who')).replace(/\s+/g, ' ');
    expect(who).toBe('Masuk sebagai t.regency-operator (Operator Kabupaten/Kota)');
  });

  it('the national administrator sees every regency and only counts', async () => {
    const page = await newPage();
    await signInThroughForm(page, server, 'national', PASSWORD);
    expect(path(page)).toBe('/');
    const counts = Object.fromEntries(
      await page.$$eval('table.stack tbody tr', (trs) => (trs as HTMLTableRowElement[]).map((tr) => [tr.cells[0]!.textContent!.trim(), tr.cells[1]!.textContent!.trim()])),
    );
    expect(Object.keys(counts).length).toBeGreaterThan(20);
    expect(counts['Kabupaten Kupang']).toBe('2');
    expect(counts['Kabupaten Ende']).toBe('1');
    expect(counts['Kota Kupang']).toBe('0');
    expect(await page.innerText('header .who')).toContain('(Administrator)');
  });
});

describe('language switch', () => {
  it('EN switches to English on every page until ID switches back', async () => {
    const page = await newPage();
    await page.goto(server.url('/login'));
    expect(await htmlLang(page)).toBe('id');
    await page.click('header a[href^="/lang/en"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(path(page)).toBe('/login');
    expect((await page.textContent('label[for="username"]'))?.trim()).toBe('Username');
    expect(await page.getAttribute('header a[href^="/lang/en"]', 'aria-current')).toBe('true');

    // The choice persists: through sign-in and onto other pages.
    await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
    expect(await htmlLang(page)).toBe('en');
    expect(await page.textContent('h1')).toBe('Home');
    expect(await page.textContent('nav a[href="/registry"]')).toBe('Worker registry');
    await page.click('nav a[href="/registry"]');
    await page.waitForURL((u) => u.pathname === '/registry');
    expect(await htmlLang(page)).toBe('en');
    expect(await page.textContent('h1')).toBe('Worker registry');
    expect((await page.textContent('label[for="q"]'))?.trim()).toBe('NIK (16 digits) or start of name');
    expect((await page.innerText('header .who')).replace(/\s+/g, ' ')).toBe('Signed in as t.regency-operator (Regency operator)');

    // Back to Indonesian, staying on the same page.
    await page.click('header a[href^="/lang/id"]');
    await page.waitForFunction(() => document.documentElement.lang === 'id');
    expect(path(page)).toBe('/registry');
    expect(await page.textContent('h1')).toBe('Registri Pekerja');
    await page.goto(server.url('/'));
    expect(await htmlLang(page)).toBe('id');
    expect(await page.textContent('h1')).toBe('Beranda');
  });
});

describe('sign-out and password change', () => {
  it('the sign-out button ends the session', async () => {
    const page = await newPage();
    await signInThroughForm(page, server, username('verifier'), PASSWORD);
    expect(path(page)).toBe('/');
    await page.click('header form[action="/logout"] button');
    await page.waitForURL((u) => u.pathname === '/login');
    expect(await page.locator('header .who').count()).toBe(0);

    // Back to the home page (history and a fresh visit): the sign-in form, not the registry counts.
    await page.goBack();
    await page.goto(server.url('/'));
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');
    expect(await page.locator('#username').count()).toBe(1);
    expect(await page.locator('table.stack').count()).toBe(0);
    const res = await page.goto(server.url('/registry'));
    expect(path(page)).toBe('/login');
    expect(res?.status()).toBe(200);
  });

  it('refuses a weak new password with the reason, accepts a good one and keeps the user signed in', async () => {
    const page = await newPage();
    const user = username('finance_officer');
    await signInThroughForm(page, server, user, PASSWORD);
    await page.click('nav a[href="/account/password"]');
    await page.waitForURL((u) => u.pathname === '/account/password');
    expect(await page.textContent('h1')).toBe('Ganti kata sandi');

    // Too short: the server's reason, in Indonesian, on the same form.
    await page.fill('#currentPassword', PASSWORD);
    await page.fill('#newPassword', 'pendek');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/account/password' && r.request().method() === 'POST'),
      page.click('main form[action="/account/password"] button[type="submit"]'),
    ]);
    expect(refused.status()).toBe(400);
    await page.waitForLoadState();
    expect(path(page)).toBe('/account/password');
    expect(await page.innerText('[role="alert"]')).toContain('Kata sandi minimal 10 karakter; yang Anda ketik 6');

    // Long enough but holding the username: refused too.
    await page.fill('#currentPassword', PASSWORD);
    await page.fill('#newPassword', `${user} rahasia`);
    await page.click('main form[action="/account/password"] button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.innerText('[role="alert"]')).toContain('Kata sandi tidak boleh memuat nama pengguna');

    const next = 'kopi pagi di Kupang';
    await page.fill('#currentPassword', PASSWORD);
    await page.fill('#newPassword', next);
    await page.click('main form[action="/account/password"] button[type="submit"]');
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('password') === 'changed');
    expect(await page.innerText('[role="status"]')).toContain('Kata sandi sudah diganti');
    expect(await page.innerText('header .who')).toContain(user);

    // Still signed in on the next page, and the new password is the one that works now.
    await page.goto(server.url('/account/password'));
    expect(path(page)).toBe('/account/password');
    const other = await newPage();
    await other.goto(server.url('/login'));
    await other.fill('#username', user);
    await other.fill('#password', PASSWORD);
    await other.click('form[action="/login"] button[type="submit"]');
    await other.waitForLoadState();
    expect(path(other)).toBe('/login');
    expect(await other.locator('[role="alert"]').count()).toBe(1);
    await signInThroughForm(other, server, user, next);
    expect(path(other)).toBe('/');
  });
});

describe('public page', () => {
  it('/publik works signed out and shows only aggregates', async () => {
    const page = await newPage();
    const res = await page.goto(server.url('/publik'));
    expect(res?.status()).toBe(200);
    expect(path(page)).toBe('/publik');
    expect(await page.textContent('h1')).toBe('Data publik: pekerja rentan yang terdaftar');
    expect(await page.locator('svg[role="img"]').count()).toBe(1);
    expect(await page.locator('header .who').count()).toBe(0);

    const body = await page.content();
    for (const secret of ['Yohanes', 'Maria', 'Fransiskus', 'Tefa', 'Wangge', '5301010101800001', '5301014101850002', '5308010101800003', '5301010101100001']) {
      expect(body).not.toContain(secret);
    }
    // Counts per regency, no links into the registry.
    const rows = await page.$$eval('table.stack tbody tr', (trs) =>
      (trs as HTMLTableRowElement[]).map((tr) => [tr.cells[0]!.textContent!.trim(), tr.cells[1]!.textContent!.trim()]),
    );
    expect(rows).toContainEqual(['Kabupaten Kupang', '2']);
    expect(rows).toContainEqual(['Kabupaten Ende', '1']);
    expect(await page.locator('main a[href^="/registry"]').count()).toBe(0);
    expect(await page.locator('nav a[href="/registry"]').count()).toBe(0);
  });
});
