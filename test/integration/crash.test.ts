/**
 * `kill -9` of the server in the middle of a load: the database must open again, hold only whole
 * batches, and pass the history check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, startCli, exited, runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { verifyAudit } from '../../src/features/audit/verify.js';

let config: TestConfig;
beforeAll(async () => {
  config = await freshConfig('crash');
});
afterAll(async () => config?.cleanup());

describe('crash safety', () => {
  it('kill -9 during the demo load leaves a consistent database that passes audit verify', async () => {
    const env = cliEnv(config, { PORT: '0' });
    // Small batches so the kill lands between and inside many transactions.
    const { child, output } = await startCli(['serve', '--demo-if-empty', '--demo-size', '60000'], env, /Demo [1-9][0-9]?% /);
    child.kill('SIGKILL');
    // Progress is reported after a batch has committed: every reported worker must survive the kill.
    const reported = Math.max(...[...output().matchAll(/Demo \d+% (\d+)\//g)].map((m) => Number(m[1])));
    expect(await exited(child)).toBeNull();

    const db = await openDatabase(config);
    try {
      const [c] = await db.query<{ persons: number; orphans: number; heirless_fk: number; users: number }>(
        `SELECT (SELECT count(*) FROM person)::int AS persons,
                (SELECT count(*) FROM person p WHERE p.kk IS NOT NULL AND NOT EXISTS (SELECT 1 FROM household h WHERE h.kk = p.kk))::int AS orphans,
                (SELECT count(*) FROM heir h WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id = h.person_id))::int AS heirless_fk,
                (SELECT count(*) FROM app_user)::int AS users`,
      );
      expect(reported).toBeGreaterThan(0);
      expect(c!.persons).toBeGreaterThanOrEqual(reported);
      expect(c!.persons).toBeLessThan(60000);
      expect(c!.orphans).toBe(0);
      expect(c!.heirless_fk).toBe(0);
      expect(c!.users).toBeGreaterThan(5);
      const audit = await verifyAudit(db);
      expect(audit.ok).toBe(true);
      // Every person that is there has its history entry: nothing half-written.
      const [h] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'person' AND op = 'I'");
      expect(h!.n).toBe(c!.persons);
    } finally {
      await db.close();
    }
    // And the app starts again on it (the stale lock of the killed process is taken over).
    const r = await runCli(['audit', 'verify'], cliEnv(config));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/History intact/);
  });
});
