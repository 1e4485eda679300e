/**
 * The setup every workflow test in Chromium shares: a web server on its own fixture database, one
 * browser, a scratch folder for downloads and uploads, and signed-in pages whose contexts are closed
 * after each test. Call it at the top of a test file; the hooks it registers run before the file's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { PASSWORD } from './app.js';
import { signInThroughForm, startWebServer, type WebServer } from './web-server.js';

export interface BrowserSuite {
  /** Set in beforeAll. */
  readonly server: WebServer;
  /** A scratch folder, removed after the file. */
  readonly tmp: string;
  /** A fresh context (downloads allowed) signed in through the form as `user`. */
  signedIn(user: string): Promise<Page>;
}

export function browserSuite(name: string): BrowserSuite {
  let server: WebServer | undefined;
  let browser: Browser | undefined;
  let tmp: string | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startWebServer(name), launchBrowser()]);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), `lindung-${name}-`));
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('browserSuite: used before its beforeAll ran');
    return v;
  };
  return {
    get server() {
      return started(server);
    },
    get tmp() {
      return started(tmp);
    },
    async signedIn(user: string): Promise<Page> {
      const context = await started(browser).newContext({ acceptDownloads: true });
      context.setDefaultTimeout(20_000);
      contexts.push(context);
      const page = await context.newPage();
      await signInThroughForm(page, started(server), user, PASSWORD);
      return page;
    },
  };
}
