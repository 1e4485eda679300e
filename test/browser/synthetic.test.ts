/**
 * The "synthetic demo data" banner: absent on a registry of real people, on every page once the
 * synthetic demo registry is loaded. Own file (and database): loading the demo changes the counts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { PASSWORD, username } from '../helpers/app.js';
import { signInThroughForm, startWebServer, type WebServer } from '../helpers/web-server.js';
import { loadDemo } from '../../src/features/demo/load.js';
import { resetSyntheticCache } from '../../src/web/layout.js';
import { asSystem } from '../../src/db/scope.js';
import { clearSummaryCache } from '../../src/features/registry/summary.js';
import { clearPublicSummaryCache } from '../../src/features/registry/public-summary.js';

let server: WebServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer('browser-synthetic'), launchBrowser()]);
  // The banner's answer is cached in the module for a while: start from a clean slate.
  resetSyntheticCache();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  resetSyntheticCache();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

const BANNER_ID = 'DATA DEMO SINTETIS — bukan data orang sungguhan.';

/** Visits each path and returns what the banner says there ('' when there is none). */
async function bannerOn(page: Page, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    await page.goto(server.url(p));
    const banner = page.locator('body > .synthetic[role="note"]');
    out[p] = (await banner.count()) === 1 ? (await banner.innerText()).trim() : '';
  }
  return out;
}

const SIGNED_OUT = ['/login', '/publik'];
const SIGNED_IN = ['/', '/registry', '/account/password', '/no-such-page'];

describe('synthetic data banner', () => {
  it('is absent while the registry holds only real people', async () => {
    const page = await newPage();
    expect(await bannerOn(page, SIGNED_OUT)).toEqual({ '/login': '', '/publik': '' });
    await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
    const shown = await bannerOn(page, [...SIGNED_IN, `/registry/${server.fixture.homePersonId}`]);
    expect(Object.values(shown).every((b) => b === '')).toBe(true);
    expect(Object.keys(shown)).toHaveLength(5);
    expect(await page.content()).not.toContain('SINTETIS');
  });

  it('shows on every page after the synthetic demo registry is loaded', async () => {
    // The demo is never mixed with real people: the fixture's three go first.
    await expect(loadDemo(server.fixture.db, { size: 300, seed: 1 })).rejects.toThrow(/3 real \(non-synthetic\) people/);
    await asSystem(server.fixture.db, 'test', async (tx) => {
      // Their intake batches and memberships (the fixture's) go with them.
      await tx.query('DELETE FROM intake_batch');
      await tx.query('DELETE FROM membership WHERE person_id IN (SELECT id FROM person WHERE NOT synthetic)');
      await tx.query('DELETE FROM person WHERE NOT synthetic');
      await tx.query('DELETE FROM household WHERE NOT synthetic');
    });
    const loaded = await loadDemo(server.fixture.db, { size: 300, seed: 1 });
    expect(loaded.persons).toBe(300);
    resetSyntheticCache();
    // The counts are cached briefly too; the test should not wait for them.
    clearSummaryCache();
    clearPublicSummaryCache();

    const page = await newPage();
    const signedOut = await bannerOn(page, SIGNED_OUT);
    expect(signedOut).toEqual({ '/login': BANNER_ID, '/publik': BANNER_ID });

    await signInThroughForm(page, server, 'national', PASSWORD);
    // The registry now holds the synthetic people only.
    expect(await page.textContent('[data-testid="total-workers"]')).toBe('300');
    await page.goto(server.url('/registry'));
    const firstPerson = await page.getAttribute('main table.stack tbody tr a', 'href');
    expect(firstPerson).toMatch(/^\/registry\/\d+$/);

    const signedIn = await bannerOn(page, [...SIGNED_IN, firstPerson!]);
    for (const p of [...SIGNED_IN, firstPerson!]) expect(signedIn[p], p).toBe(BANNER_ID);
    // The error pages too (the 404 above; a 403 here), and in English.
    const liaison = await newPage();
    await signInThroughForm(liaison, server, username('bpjs_liaison'), PASSWORD);
    const res = await liaison.goto(server.url('/registry'));
    expect(res?.status()).toBe(403);
    expect(await liaison.innerText('.synthetic[role="note"]')).toBe(BANNER_ID);
    await liaison.click('header a[href^="/lang/en"]');
    await liaison.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await liaison.innerText('.synthetic[role="note"]')).toBe('SYNTHETIC DEMO DATA — not real people.');
    // It comes before the header, so it is the first thing read after the skip link.
    expect(await liaison.evaluate(() => document.querySelector('.synthetic')!.nextElementSibling?.matches('header.top') ?? false)).toBe(true);
  });
});
