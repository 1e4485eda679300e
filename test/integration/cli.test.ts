/** The `lindung` command as an operator uses it, on the engine under test. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshConfig, testDbKind, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli, startCli, exited } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/open.js';

let config: TestConfig;
let env: NodeJS.ProcessEnv;
const json = <T>(s: string) => JSON.parse(s) as T;

beforeAll(async () => {
  config = await freshConfig('cli');
  env = cliEnv(config);
});
afterAll(async () => config?.cleanup());

describe('lindung CLI', () => {
  it('every command has --help', async () => {
    for (const args of [[], ['serve'], ['migrate'], ['demo'], ['users', 'add'], ['users', 'list'], ['users', 'reset-password'], ['areas', 'load'], ['audit', 'verify'], ['backup'], ['restore']]) {
      const r = await runCli([...args, '--help'], env);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Usage: lindung/);
    }
  });

  it('migrate, areas load (NTT on first start, NTB on demand), users add/list/reset-password', async () => {
    const m = await runCli(['migrate', '--json'], env);
    expect(m.code).toBe(0);
    expect(json<{ current: number }>(m.stdout).current).toBeGreaterThanOrEqual(1);

    const ntb = await runCli(['areas', 'load', '--province', '52', '--json'], env);
    expect(ntb.code, ntb.stderr).toBe(0);
    const counts = json<{ regencies: number; districts: number; villages: number; inserted: number }>(ntb.stdout);
    expect(counts.regencies).toBe(10);
    expect(counts.inserted).toBe(1 + counts.regencies + counts.districts + counts.villages);
    // Loading again changes nothing.
    expect(json<{ inserted: number }>((await runCli(['areas', 'load', '--province', '52', '--json'], env)).stdout).inserted).toBe(0);
    const bad = await runCli(['areas', 'load', '--province', '99'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/not a Kemendagri province code/);

    const add = await runCli(['users', 'add', '--username', 'Ops.Kupang', '--role', 'regency_operator', '--area', '53.01', '--name', 'Operator Kupang', '--json'], env);
    expect(add.code, add.stderr).toBe(0);
    const created = json<{ username: string; password: string }>(add.stdout);
    expect(created.username).toBe('ops.kupang');
    expect(created.password.length).toBeGreaterThanOrEqual(10);
    const wrongArea = await runCli(['users', 'add', '--username', 'desa.x', '--role', 'village_operator', '--area', '53.01'], env);
    expect(wrongArea.code).toBe(1);
    expect(wrongArea.stderr).toMatch(/village operator must be bound to one village/);
    const badRole = await runCli(['users', 'add', '--username', 'x.y', '--role', 'king'], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(/Allowed choices/);

    const list = json<{ username: string; role: string; area_name: string }[]>((await runCli(['users', 'list', '--json'], env)).stdout);
    expect(list).toContainEqual(expect.objectContaining({ username: 'ops.kupang', role: 'regency_operator', area_name: 'Kabupaten Kupang' }));

    const reset = await runCli(['users', 'reset-password', 'ops.kupang', '--password', 'a fresh passphrase', '--json'], env);
    expect(reset.code, reset.stderr).toBe(0);
    const missing = await runCli(['users', 'reset-password', 'nobody.here', '--password', 'a fresh passphrase'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no user nobody.here/);
  });

  it('demo --json, audit verify catches tampering', async () => {
    const demo = await runCli(['demo', '--size', '2000', '--seed', '3', '--json'], env);
    expect(demo.code, demo.stderr).toBe(0);
    expect(json<{ persons: number }>(demo.stdout).persons).toBe(2000);
    const again = await runCli(['demo', '--size', '2000'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/--replace/);

    const ok = await runCli(['audit', 'verify', '--json'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const good = json<{ ok: boolean; entries: number; head: string }>(ok.stdout);
    expect(good.ok).toBe(true);
    expect(good.entries).toBeGreaterThan(2000);

    // Someone edits history behind the application's back.
    const db = await openDatabase(config);
    await db.query(
      `UPDATE audit_entry SET after = jsonb_set(after::jsonb, '{phone}', '"080000000000"')::text
        WHERE id = (SELECT min(id) FROM audit_entry WHERE table_name = 'person')`,
    );
    await db.close();
    const tampered = await runCli(['audit', 'verify', '--json'], env);
    expect(tampered.code).toBe(1);
    expect(json<{ ok: boolean; badEntries: number[] }>(tampered.stdout).badEntries.length).toBe(1);
  });

  it('backup and restore into a fresh folder or database hold exactly what was there', async () => {
    const file = path.join(os.tmpdir(), `lindung-cli-${process.pid}.lindung.gz`);
    const b = await runCli(['backup', file, '--json'], env);
    expect(b.code, b.stderr).toBe(0);
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
    const target = await freshConfig('cli-restore');
    try {
      const r = await runCli(['restore', file, '--json'], cliEnv(target));
      expect(r.code, r.stderr).toBe(0);
      const rows = (x: { tables: { name: string; rows: number }[] }) => Object.fromEntries(x.tables.map((t) => [t.name, t.rows]));
      expect(rows(json(r.stdout))).toEqual(rows(json(b.stdout)));
      const again = await runCli(['restore', file], cliEnv(target));
      expect(again.code).toBe(1);
    } finally {
      await target.cleanup();
      fs.rmSync(file, { force: true });
    }
  });

  it('a repeated stop signal (a whole process group signalled) still ends in a clean shutdown', async () => {
    const { child } = await startCli(['serve'], cliEnv(config, { PORT: '0' }), /Lindung is running/);
    child.kill('SIGTERM');
    // The second signal lands while the first stop is closing the database.
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it.skipIf(testDbKind() !== 'pglite')('a second process on the same data folder is refused clearly', async () => {
    const { child } = await startCli(['serve'], cliEnv(config, { PORT: '0' }), /Lindung is running/);
    try {
      const second = await runCli(['users', 'list'], env);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/in use by another Lindung process \(PID \d+\)/);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });
});
