/**
 * Keyboard use, form labels and the phone layout, in real Chromium against the real server.
 */
import fs from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.js';
import { PASSWORD, username } from '../helpers/app.js';
import { signInThroughForm, startWebServer, type WebServer } from '../helpers/web-server.js';

let server: WebServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startWebServer('browser-a11y'), launchBrowser()]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  contexts.push(context);
  return context.newPage();
}

const path = (page: Page) => new URL(page.url()).pathname;

/** A short description of the focused element: tag#id or tag[href]. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    const tag = el.tagName.toLowerCase();
    if (el.id) return `${tag}#${el.id}`;
    const href = el.getAttribute('href');
    return href ? `${tag}[href="${href}"]` : tag;
  });
}

/** Presses Tab until the focused element is `target` (see focused()); fails after `max` presses. */
async function tabTo(page: Page, target: string, max = 30): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if ((await focused(page)) === target) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}; focus is on ${await focused(page)}`);
}

/** Every input and select that is not type=hidden, with how many <label>s it has. */
function unlabelled(page: Page): Promise<string[]> {
  return page.$$eval('input:not([type="hidden"]), select, textarea', (els) =>
    els
      .filter((el) => ((el as HTMLInputElement).labels?.length ?? 0) === 0 || !(el as HTMLInputElement).labels![0]!.textContent!.trim())
      .map((el) => el.outerHTML),
  );
}

function fieldCount(page: Page): Promise<number> {
  return page.locator('input:not([type="hidden"]), select, textarea').count();
}

describe('keyboard', () => {
  it('signs in and reaches the registry with Tab, typing and Enter only', async () => {
    const page = await newPage();
    await page.goto(server.url('/login'));
    await tabTo(page, 'input#username');
    await page.keyboard.type(username('regency_operator'));
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.textContent('h1')).toBe('Beranda');

    await tabTo(page, 'a[href="/registry"]');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/registry');
    expect(await page.textContent('h1')).toBe('Registri Pekerja');

    // And search from the keyboard: into the box, type, Enter.
    await tabTo(page, 'input#q');
    await page.keyboard.type('maria');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('main table.stack tbody tr').length === 1);
    expect(await page.textContent('main table.stack tbody a')).toBe('Maria Tefa');
  });

  it('the skip link "Langsung ke isi" comes first and moves focus to the main content', async () => {
    const page = await newPage();
    // The sign-in page: the skip link is the first element in the tab order (no positive tabindex
    // anywhere reorders it), even though the username field is focused on load.
    await page.goto(server.url('/login'));
    const tabOrder = await page.$$eval('a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]', (els) =>
      els
        .filter((el) => (el as HTMLElement).tabIndex >= 0)
        .map((el) => ({ tag: el.tagName.toLowerCase(), text: (el.textContent ?? '').trim(), tabIndex: (el as HTMLElement).tabIndex })),
    );
    expect(tabOrder[0]).toEqual({ tag: 'a', text: 'Langsung ke isi', tabIndex: 0 });
    expect(tabOrder.every((e) => e.tabIndex === 0)).toBe(true);
    expect(await focused(page)).toBe('input#username');

    // Pages without autofocus: the very first Tab lands on the skip link; Enter moves focus to
    // <main>, and the next Tab goes into the content, past the menu.
    for (const [url, signedIn, firstInMain] of [
      ['/publik', false, null], // nothing to focus inside: counts only
      ['/registry', true, 'input#q'],
    ] as const) {
      if (signedIn) await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
      await page.goto(server.url(url));
      expect(await focused(page)).toBe('body');
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe('a[href="#main"]');
      expect(await page.evaluate(() => document.activeElement!.textContent)).toBe('Langsung ke isi');
      // Visible while focused (it sits off-screen otherwise).
      const box = await page.locator('a.skip').boundingBox();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.y).toBeGreaterThanOrEqual(0);

      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.activeElement?.id === 'main');
      expect(await focused(page)).toBe('main#main');
      if (firstInMain === null) continue;
      await page.keyboard.press('Tab');
      expect(await focused(page)).toBe(firstInMain);
    }
  });
});

describe('form labels', () => {
  it('every field on the sign-in, registry search and password pages has a label', async () => {
    const page = await newPage();
    await page.goto(server.url('/login'));
    expect(await fieldCount(page)).toBe(2);
    expect(await unlabelled(page)).toEqual([]);

    // With an error shown too.
    await page.fill('#username', 'nobody');
    await page.fill('#password', 'wrong password');
    await page.click('form[action="/login"] button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    expect(await unlabelled(page)).toEqual([]);

    await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
    await page.goto(server.url('/registry'));
    expect(await fieldCount(page)).toBe(3);
    expect(await unlabelled(page)).toEqual([]);

    await page.goto(server.url('/account/password'));
    expect(await fieldCount(page)).toBe(2);
    expect(await unlabelled(page)).toEqual([]);

    await page.goto(server.url(`/registry/${server.fixture.homePersonId}`));
    expect(await fieldCount(page)).toBe(4);
    expect(await unlabelled(page)).toEqual([]);

    // The village operator's search has a typed area field instead of a picker.
    const village = await newPage();
    await signInThroughForm(village, server, username('village_operator'), PASSWORD);
    await village.goto(server.url('/registry'));
    expect(await village.locator('input#area').count()).toBe(1);
    expect(await fieldCount(village)).toBe(3);
    expect(await unlabelled(village)).toEqual([]);
  });
});

describe('phone layout', () => {
  const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

  async function layout(page: Page) {
    return page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      theadDisplay: Array.from(document.querySelectorAll('main table.stack thead')).map((t) => getComputedStyle(t).display),
      rowDisplay: Array.from(document.querySelectorAll('main table.stack tbody tr')).map((t) => getComputedStyle(t).display),
      // Any element sticking out to the right of the viewport.
      overflowing: Array.from(document.querySelectorAll('body *'))
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? `.${el.className}` : '')),
    }));
  }

  it('the registry list becomes stacked cards with no horizontal scroll at 390×844', async () => {
    const page = await newPage(phone);
    await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
    await page.goto(server.url('/registry'));
    expect(await page.locator('main table.stack tbody tr').count()).toBe(2);

    const l = await layout(page);
    expect(l.theadDisplay).toEqual(['none']);
    expect(l.rowDisplay).toEqual(['block', 'block']);
    expect(l.scrollWidth).toBeLessThanOrEqual(390);
    expect(l.overflowing).toEqual([]);
    // Each cell says what it is, from its data-label.
    const before = await page.$eval('main table.stack tbody td', (td) => getComputedStyle(td, '::before').content);
    expect(before).toBe('"Nama"');
    // Cards are stacked: the second row starts below the first.
    const boxes = await page.$$eval('main table.stack tbody tr', (trs) => trs.map((tr) => tr.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes[1]!.top).toBeGreaterThanOrEqual(boxes[0]!.bottom);
    expect(boxes[0]!.width).toBeLessThanOrEqual(390);

    await fs.mkdir('tmp', { recursive: true });
    await page.screenshot({ path: 'tmp/browser-phone-registry.png', fullPage: true });
  });

  it('home, detail, password and public pages fit the phone too', async () => {
    const page = await newPage(phone);
    await signInThroughForm(page, server, username('regency_operator'), PASSWORD);
    for (const [name, url] of [
      ['home', '/'],
      ['detail', `/registry/${server.fixture.homePersonId}`],
      ['password', '/account/password'],
      ['public', '/publik'],
    ] as const) {
      await page.goto(server.url(url));
      expect(path(page)).toBe(url);
      const l = await layout(page);
      expect({ name, scrollWidth: l.scrollWidth, overflowing: l.overflowing }).toEqual({ name, scrollWidth: l.clientWidth, overflowing: [] });
      expect(l.theadDisplay.every((d) => d === 'none')).toBe(true);
      await page.screenshot({ path: `tmp/browser-phone-${name}.png`, fullPage: true });
    }
  });

  it('the chart of every regency stays legible on the phone: real-size text, nothing cut off', async () => {
    const page = await newPage(phone);
    await signInThroughForm(page, server, 'national', PASSWORD);
    const chart = await page.$eval('svg.chart', (svg) => {
      const box = svg.getBoundingClientRect();
      const texts = Array.from(svg.querySelectorAll('text')).map((t) => ({ text: t.textContent, r: t.getBoundingClientRect(), size: parseFloat(getComputedStyle(t).fontSize) }));
      return {
        width: box.width,
        labels: texts.length,
        // Rendered height of the text on screen: a scaled-down drawing makes it tiny.
        smallest: Math.min(...texts.map((t) => t.r.height)),
        cut: texts.filter((t) => t.r.left < box.left - 0.5 || t.r.right > box.right + 0.5).map((t) => t.text),
      };
    });
    expect(chart.width).toBeLessThanOrEqual(390);
    expect(chart.labels).toBe(2 * 22); // a name and a number per regency of NTT
    expect(chart.smallest).toBeGreaterThanOrEqual(12);
    expect(chart.cut).toEqual([]);
    const l = await layout(page);
    expect(l.scrollWidth).toBeLessThanOrEqual(390);
    expect(l.overflowing).toEqual([]);
    // The totals row is a card with labelled numbers too.
    const totals = await page.$$eval('main table.stack tfoot td', (tds) => tds.map((td) => getComputedStyle(td, '::before').content));
    expect(totals).toEqual(['"Pekerja"', '"Perempuan"', '"Miskin ekstrem"', '"Disabilitas"']);
    await page.locator('svg.chart').screenshot({ path: 'tmp/browser-phone-chart.png' });
  });
});
