/**
 * `lindung claims entitlement|register|heir-add|document|complete|submit|decide|show|list` as an
 * operator uses them, on the engine under test: a death from registration to approval, and the bad
 * input (a second claim for the same death, an event before membership, a person in no programme,
 * a forged upload, a 100 MB scan, a maker deciding his own claim).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { firstVillage, insertPerson } from '../helpers/app.js';
import { openDatabase } from '../../src/db/open.js';
import { asSystem } from '../../src/db/scope.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { addUser } from '../../src/features/users/users.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission } from '../../src/features/enrollment/submissions.js';
import type { ClaimDetail, ClaimList } from '../../src/features/claims/claims.js';
import type { ClaimAssessment } from '../../src/features/claims/entitlement.js';

const NIK = { member: '5301010101700041', late: '5301010101700042', none: '5301010101700043' } as const;
let config: TestConfig;
let env: NodeJS.ProcessEnv;
let dir: string;
const json = <T>(s: string) => JSON.parse(s) as T;
const cli = (...args: string[]) => runCli(['claims', ...args], env);

beforeAll(async () => {
  config = await freshConfig('cli-claims');
  env = cliEnv(config);
  dir = fs.mkdtempSync(path.join(config.dataDir, 'files-'));
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await ensureReferenceData(db);
    const village = await firstVillage(db, '53.01');
    await asSystem(db, 'test', async (tx) => {
      await addUser(tx, { username: 'kab.kupang', fullName: 'Operator Kupang', role: 'regency_operator', areaCode: '53.01', password: 'a long enough password' });
      await addUser(tx, { username: 'verifikator', fullName: 'Verifikator', role: 'verifier', areaCode: '53', password: 'a long enough password' });
      await addUser(tx, { username: 'provinsi', fullName: 'Petugas Provinsi', role: 'province_officer', areaCode: '53', password: 'a long enough password' });
    });
    await insertPerson(db, { nik: NIK.member, name: 'Markus Taek', village });
    await insertPerson(db, { nik: NIK.late, name: 'Simon Bau', village });
    await insertPerson(db, { nik: NIK.none, name: 'Thomas Kase', village });
    await asSystem(db, 'test', async (tx) => {
      await tx.query(
        `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
         VALUES ('KLAIM-CLI', 'Program uji klaim', 'regency', '53.01', 'Pemerintah Kabupaten Kupang', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, 10)`,
      );
      await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.01', 10, 'proportional' FROM programme WHERE code = 'KLAIM-CLI'`);
      for (const nik of [NIK.member, NIK.late]) {
        await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT g.id, p.id, 'candidate', p.village_code FROM programme g, person p WHERE g.code = 'KLAIM-CLI' AND p.nik = $1`, [nik]);
      }
      const batch = await createSubmission(tx, await getProgramme(tx, 'KLAIM-CLI'), '53.01', 'test');
      await applyResponse(tx, batch.id, [
        { fileLine: 2, nik: NIK.member, kpj: '26000000041', accepted: true, effectiveDate: '2026-01-05', reason: null },
        { fileLine: 3, nik: NIK.late, kpj: '26000000042', accepted: true, effectiveDate: '2026-05-01', reason: null },
      ], null);
    });
  } finally {
    await db.close();
  }
}, 120_000);
afterAll(async () => config?.cleanup());

describe('lindung claims', () => {
  let claimNo = '';

  it('lists every claim command in its --help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['entitlement', 'register', 'list', 'show', 'heir-add', 'document', 'complete', 'submit', 'withdraw', 'decide']) expect(r.stdout, c).toMatch(new RegExp(`\\n  ${c} `));
    const decide = await cli('decide', '--help');
    expect(decide.stdout).toContain('--by <username>');
  });

  it('entitlement states coverage and the amounts with reasons, in Indonesian (and English on request)', async () => {
    const r = await cli('entitlement', '--nik', NIK.member, '--type', 'jkm_death', '--event-date', '2026-06-20');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dilindungi: program KLAIM-CLI, dana Pemerintah Kabupaten Kupang; perlindungan sejak 2026-01-05, 5 bulan kepesertaan.');
    expect(r.stdout).toContain('Hak santunan: Rp42.000.000');
    expect(r.stdout).toMatch(/Santunan sekaligus\s+Rp20\.000\.000\s+PP 82\/2019/);
    const early = json<ClaimAssessment>((await cli('entitlement', '--nik', NIK.member, '--type', 'jkm_death', '--event-date', '2026-02-20', '--json')).stdout);
    expect(early.entitlement).toMatchObject({ total: 10_000_000, membershipMonths: 1 });
    const before = await cli('entitlement', '--nik', NIK.late, '--type', 'jkk_death', '--event-date', '2026-03-01', '--lang', 'en');
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('NOT COVERED');
    expect(before.stdout).toContain('Entitlement: Rp0');
    const bad = await cli('entitlement', '--nik', NIK.member, '--type', 'jkm_death', '--event-date', '20-06-2026');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--event-date must be YYYY-MM-DD');
  });

  it('register refuses a person in no programme and an event before membership, with the reason', async () => {
    const none = await cli('register', '--nik', NIK.none, '--type', 'jkm_death', '--event-date', '2026-03-01', '--register-uncovered');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('was never a member of any programme');
    const before = await cli('register', '--nik', NIK.late, '--type', 'jkk_death', '--event-date', '2026-03-01', '--by', 'kab.kupang');
    expect(before.code).toBe(1);
    expect(before.stderr).toMatch(/was not covered on the event date/);
  });

  it('registers a death as a regency operator; a second claim for the same death is refused', async () => {
    const r = await cli('register', '--nik', NIK.member, '--type', 'jkm_death', '--event-date', '2026-06-20', '--place', 'Oelamasi', '--description', 'Sakit', '--by', 'kab.kupang', '--json');
    expect(r.code, r.stderr).toBe(0);
    const c = json<ClaimDetail>(r.stdout);
    expect(c).toMatchObject({ status: 'draft', covered: true, entitledAmount: 42_000_000, registeredBy: 'kab.kupang', eventPlace: 'Oelamasi' });
    claimNo = c.claimNo;
    const again = await cli('register', '--nik', NIK.member, '--type', 'jkk_death', '--event-date', '2026-06-20');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`This person's death is already claimed: ${claimNo}`);
  });

  it('records heirs and documents; refuses a forged file and a 100 MB scan', async () => {
    const wife = await cli('heir-add', NIK.member, '--name', 'Elisabeth Taek', '--relation', 'istri', '--proof', 'Buku nikah 12/2001', '--bank', 'Bank NTT', '--account', '0033445566', '--by', 'kab.kupang');
    expect(wife.code, wife.stderr).toBe(0);
    expect(wife.stdout).toMatch(/Heir #\d+ recorded: Elisabeth Taek \(wife\), Bank NTT 0033445566/);
    const bad = await cli('heir-add', NIK.member, '--name', 'X', '--relation', 'tetangga');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Relation to the member "tetangga" is not known');

    const forged = path.join(dir, 'akta.pdf');
    fs.writeFileSync(forged, Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 7)]));
    const f = await cli('document', claimNo, forged, '--kind', 'death_certificate');
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('is not a PDF, JPEG or PNG: its content reads as a Windows program (EXE)');
    const huge = path.join(dir, 'scan.pdf');
    const fd = fs.openSync(huge, 'w');
    fs.writeSync(fd, '%PDF-1.4\n');
    fs.ftruncateSync(fd, 100 * 1024 * 1024);
    fs.closeSync(fd);
    const h = await cli('document', claimNo, huge, '--kind', 'death_certificate');
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('The file "scan.pdf" is 100 MB; the limit is 10 MB per file.');

    const kinds = ['kpj_card', 'ktp_member', 'death_certificate', 'kk', 'heir_certificate', 'heir_ktp', 'bank_book', 'marriage_book'];
    const pairs = kinds.map((kind) => {
      const file = path.join(dir, `${kind}.pdf`);
      fs.writeFileSync(file, `%PDF-1.4\n% ${kind}\n%%EOF\n`);
      return `${kind}=${file}`;
    });
    // One forged file among good ones: nothing is stored.
    const mixed = await cli('document', claimNo, ...pairs, `kk=${forged}`, '--by', 'kab.kupang');
    expect(mixed.code).toBe(1);
    const up = await cli('document', claimNo, ...pairs, '--by', 'kab.kupang', '--json');
    expect(up.code, up.stderr).toBe(0);
    expect(json<{ kind: string }[]>(up.stdout).map((d) => d.kind)).toEqual(kinds);
  });

  it('completes, submits; the maker may not decide; a verifier approves and the wife receives Rp42,000,000', async () => {
    const done = await cli('complete', claimNo, '--by', 'kab.kupang', '--json');
    expect(done.code, done.stderr).toBe(0);
    expect(json<ClaimDetail>(done.stdout).status).toBe('documents_complete');
    const sub = await cli('submit', claimNo, '--by', 'provinsi');
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toContain('Diajukan ke BPJS');

    const norole = await cli('decide', claimNo, '--approve', '--by', 'kab.kupang');
    expect(norole.code).toBe(1);
    expect(norole.stderr).toContain('needs a role with claims.decide');
    const self = await cli('decide', claimNo, '--approve', '--by', 'provinsi');
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('provinsi submitted this claim, so may not decide it too');
    expect((await cli('decide', claimNo, '--by', 'verifikator')).stderr).toContain('exactly one of --approve or --reject');

    const ok = await cli('decide', claimNo, '--approve', '--by', 'verifikator', '--json');
    expect(ok.code, ok.stderr).toBe(0);
    const c = json<ClaimDetail>(ok.stdout);
    expect(c).toMatchObject({ status: 'approved', approvedAmount: 42_000_000, decidedBy: 'verifikator' });
    expect(c.payees.map((p) => [p.fullName, p.relation, p.amount, p.bankAccount])).toEqual([['Elisabeth Taek', 'istri', 42_000_000, '0033445566']]);
  });

  it('show and list tell where the claim stands', async () => {
    const show = await cli('show', claimNo);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain(`${claimNo} — Disetujui`);
    expect(show.stdout).toContain('Elisabeth Taek (istri) Rp42.000.000 → Bank NTT 0033445566');
    expect(show.stdout).toContain('[x] Akta kematian');
    const en = await cli('show', claimNo, '--lang', 'en');
    expect(en.stdout).toContain(`${claimNo} — Approved`);
    const list = json<ClaimList>((await cli('list', '--status', 'approved', '--json')).stdout);
    expect(list.items.map((i) => i.claimNo)).toEqual([claimNo]);
    const missing = await cli('show', 'KLM-2026-99999');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Claim KLM-2026-99999 does not exist');
  });
});
