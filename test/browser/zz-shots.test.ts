import { it, expect } from 'vitest';
import { startWebServer, signInThroughForm } from '../helpers/web-server.js';
import { launchBrowser } from '../helpers/browser.js';
import { PASSWORD } from '../helpers/app.js';
it('shots', async () => {
  const s = await startWebServer('shots');
  const b = await launchBrowser();
  for (const [name, vp] of [['phone', { width: 390, height: 844 }], ['desk', { width: 1280, height: 900 }]] as const) {
    const c = await b.newContext({ viewport: vp, deviceScaleFactor: name === 'phone' ? 2 : 1 });
    const p = await c.newPage();
    await signInThroughForm(p, s, 'national', PASSWORD);
    await p.screenshot({ path: `tmp/zz-${name}-national-home.png`, fullPage: true });
    await c.close();
  }
  await b.close(); await s.close();
  expect(1).toBe(1);
});
