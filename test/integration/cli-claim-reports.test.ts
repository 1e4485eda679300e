/** `lindung claims dashboard|letter` on the engine under test, on claims written into the tables. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { asSystem } from '../../src/db/scope.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { ensureDemoProgrammes } from '../../src/features/programmes/demo-programmes.js';
import { addUser } from '../../src/features/users/users.js';
import { firstVillage, insertPerson } from '../helpers/app.js';
import { insertClaim, insertPayees, jkmEntitlement } from '../helpers/claim-rows.js';

let config: TestConfig;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  config = await freshConfig('cli-claim-reports');
  env = cliEnv(config);
  const db = await openDatabase(config);
  try {
    await ensureReferenceData(db);
    await ensureDemoProgrammes(db);
    const kupang = await firstVillage(db, '53.01');
    const ende = await firstVillage(db, '53.08');
    await asSystem(db, 'test', (tx) => addUser(tx, { username: 'ende.klaim', fullName: 'Ende', role: 'regency_operator', areaCode: '53.08', password: 'a long enough password' }));
    const a = await insertPerson(db, { nik: '5301010101700021', name: 'Agustinus Nome', village: kupang });
    const b = await insertPerson(db, { nik: '5308010101700022', name: 'Paulus Wangge', village: ende });
    const paid = await insertClaim(db, {
      claimNo: 'KLM-2026-0101', personId: a, villageCode: kupang, type: 'jkm_death', status: 'paid', eventDate: '2026-02-01', entitled: 42_000_000, approved: 42_000_000,
      completeOn: '2026-02-12', slaDue: '2026-02-18', submittedOn: '2026-02-13', decidedOn: '2026-02-16', paidOn: '2026-02-18', programmeCode: 'NTT-2026', entitlement: jkmEntitlement('2026-02-01', 13),
    });
    await insertPayees(db, paid, kupang, [{ fullName: 'Yuliana Nome', relation: 'istri', amount: 42_000_000, bankAccount: '0012345678901', transfers: [{ reference: 'LDG-0101-1', status: 'sent', sentOn: '2026-02-18' }] }]);
    await insertClaim(db, { claimNo: 'KLM-2026-0102', personId: b, villageCode: ende, type: 'jkm_death', status: 'submitted', eventDate: '2026-02-15', entitled: 42_000_000, completeOn: '2026-02-23', slaDue: '2026-02-26', submittedOn: '2026-02-24' });
  } finally {
    await db.close();
  }
});
afterAll(async () => config?.cleanup());

describe('lindung claims dashboard|letter', () => {
  it('dashboard: text, JSON, an account\'s own area, the XLSX', async () => {
    const text = await runCli(['claims', 'dashboard'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('2 claims');
    expect(text.stdout).toMatch(/KLM-2026-0102 +due 2026-02-26/);
    const all = JSON.parse((await runCli(['claims', 'dashboard', '--json'], env)).stdout) as { total: { claims: number; paidAmount: number; overdue: number } };
    expect(all.total).toMatchObject({ claims: 2, paidAmount: 42_000_000, overdue: 1 });
    const ende = JSON.parse((await runCli(['claims', 'dashboard', '--by', 'ende.klaim', '--json'], env)).stdout) as { total: { claims: number }; regencies: { regencyCode: string }[] };
    expect(ende.total.claims).toBe(1);
    expect(ende.regencies.map((r) => r.regencyCode)).toEqual(['53.08']);
    const out = path.join(config.dataDir, 'dasbor.xlsx');
    const x = await runCli(['claims', 'dashboard', '--xlsx', out], env);
    expect(x.code, x.stderr).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK');
    const bad = await runCli(['claims', 'dashboard', '--type', 'banjir'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Unknown claim type "banjir"');
  });

  it('letter: decision and payout notice by claim number; refused before the decision and outside the area', async () => {
    for (const kind of ['decision', 'payout']) {
      const out = path.join(config.dataDir, `${kind}.pdf`);
      const r = await runCli(['claims', 'letter', 'KLM-2026-0101', '--kind', kind, '--out', out], env);
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    }
    const early = await runCli(['claims', 'letter', 'KLM-2026-0102', '--out', path.join(config.dataDir, 'x.pdf')], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('cannot be made yet');
    const foreign = await runCli(['claims', 'letter', 'KLM-2026-0101', '--by', 'ende.klaim', '--out', path.join(config.dataDir, 'y.pdf')], env);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/does not exist|outside your area/);
  });
});
