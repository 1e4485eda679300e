/**
 * `kill -9` in the middle of an approval: the batch is either wholly merged or not at all, and
 * running the approval again finishes it without duplicating anyone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, exited, runCli } from '../helpers/cli.js';
import { spawn } from 'node:child_process';
import { LINDUNG } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/open.js';

let config: TestConfig;
let env: NodeJS.ProcessEnv;
const ROWS = 8000;

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  config = await freshConfig('intake-crash');
  env = cliEnv(config);
  const demo = await runCli(['demo', '--size', '500', '--json'], env);
  if (demo.code !== 0) throw new Error(demo.stderr);
}, 120_000);
afterAll(async () => config?.cleanup());

describe('kill -9 during an approval', () => {
  it('leaves the batch wholly merged or not at all; approving again completes it once', async () => {
    const villages = await withDb((db) => db.query<{ code: string }>("SELECT code FROM area WHERE level = 4 AND code LIKE '53.01.%' ORDER BY code LIMIT 50"));
    const lines = ['NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil DTSEN'];
    // Names carry no digits (a KTP name never does): a letter code per row instead.
    const code = (i: number) => Array.from({ length: 3 }, (_, k) => String.fromCharCode(97 + (Math.floor(i / 26 ** k) % 26))).join('');
    for (let i = 0; i < ROWS; i++) {
      // Women born 1970–1999: day + 40 in the NIK; serials 5000+ keep clear of the demo's.
      // A different birth date for every row: nobody in the file looks like anybody else.
      const day = (i % 28) + 1;
      const month = (Math.floor(i / 28) % 12) + 1;
      const year = 1970 + (Math.floor(i / 336) % 30);
      const nik = `530101${String(day + 40).padStart(2, '0')}${String(month).padStart(2, '0')}${String(year % 100).padStart(2, '0')}${'5001'}`;
      lines.push(`${nik};Perempuan Uji ${code(i)};${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year};P;${villages[i % villages.length]!.code};petani;${(i % 4) + 1}`);
    }
    const file = path.join(config.dataDir, 'besar.csv');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const imported = await runCli(['import', file, '--programme', 'NTT-2026', '--area', '53.01', '--submit', '--json'], env);
    expect(imported.code, imported.stderr).toBe(0);
    const out = JSON.parse(imported.stdout) as { batch: number; eligible: number; status: string; fuzzyDuplicates: number };
    expect(out.status).toBe('submitted');
    expect(out.eligible).toBeGreaterThan(ROWS * 0.9);

    const child = spawn(LINDUNG, ['import', 'approve', String(out.batch), '--by', 'verifikator'], { env, stdio: 'ignore' });
    // Start-up takes a couple of seconds; the merge of thousands of rows follows.
    await new Promise((r) => setTimeout(r, 3500));
    child.kill('SIGKILL');
    await exited(child);

    const after = await withDb(async (db) => {
      const [b] = await db.query<{ status: string }>('SELECT status FROM intake_batch WHERE id = $1', [out.batch]);
      const [m] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM membership WHERE batch_id = $1', [out.batch]);
      const [p] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM person WHERE full_name LIKE 'Perempuan Uji %'");
      return { status: b!.status, members: m!.n, people: p!.n };
    });
    if (after.status === 'approved') {
      expect(after.members).toBe(out.eligible);
      expect(after.people).toBe(out.eligible);
    } else {
      expect(after).toEqual({ status: 'submitted', members: 0, people: 0 });
      const again = await runCli(['import', 'approve', String(out.batch), '--by', 'verifikator', '--json'], env);
      expect(again.code, again.stderr).toBe(0);
    }
    const final = await withDb(async (db) => {
      const [m] = await db.query<{ n: number; distinct_people: number }>('SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS distinct_people FROM membership WHERE batch_id = $1', [out.batch]);
      return m!;
    });
    expect(final).toEqual({ n: out.eligible, distinct_people: out.eligible });
    // Approving twice is refused, not repeated.
    const twice = await runCli(['import', 'approve', String(out.batch), '--by', 'verifikator'], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/approved/);
  }, 180_000);
});
