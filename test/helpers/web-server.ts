/**
 * The fixture's real Fastify app listening on a real socket (127.0.0.1, a free port), for tests
 * that drive a real browser against it. Same database, same accounts as test/helpers/app.ts.
 */
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import type { Config } from '../../src/config.js';
import { startFixture, type Fixture } from './app.js';

export interface WebServer {
  fixture: Fixture;
  /** "http://127.0.0.1:PORT", without a trailing slash. */
  baseUrl: string;
  /** Absolute URL of a path on this server. */
  url(path: string): string;
  /** Stops listening, closes the app and removes the test database (once, however often called). */
  close(): Promise<void>;
}

/** Makes an already built (and possibly ready) fixture app listen on 127.0.0.1; returns its base URL. */
export async function listen(fixture: Fixture): Promise<string> {
  await fixture.app.listen({ port: 0, host: '127.0.0.1' });
  const address = fixture.app.server.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') throw new Error(`unexpected server address: ${String(address)}`);
  return `http://127.0.0.1:${address.port}`;
}

/** A fresh fixture (test database, NTT areas, one account per role, three people) served over HTTP. */
export async function startWebServer(name: string, configOverrides: Partial<Config> = {}): Promise<WebServer> {
  const fixture = await startFixture(name, configOverrides);
  let baseUrl: string;
  try {
    baseUrl = await listen(fixture);
  } catch (e) {
    await fixture.cleanup();
    throw e;
  }
  let closing: Promise<void> | null = null;
  return {
    fixture,
    baseUrl,
    url: (path) => `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`,
    close: () => (closing ??= fixture.cleanup()),
  };
}

/** Signs in through the real login form and waits until the browser has left /login. */
export async function signInThroughForm(page: Page, server: WebServer, username: string, password: string): Promise<void> {
  await page.goto(server.url('/login'));
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type="submit"]');
  await page.waitForURL((u) => u.pathname !== '/login');
}
