/**
 * Intake end to end through the API: a messy village file is uploaded, checked as a job, its
 * rows explained; a verifier decides the likely duplicate and approves; the people become
 * candidates within the regency's quota. Plus: the same file twice, maker ≠ checker, quotas,
 * ranking in SQL equal to the pure ranking, resumption after a restart, cancellation.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { asSystem } from '../../src/db/scope.js';
import { rankCandidates } from '../../src/domain/ranking.js';
import { IntakeJobRunner } from '../../src/features/intake/jobs.js';
import { rankBatch } from '../../src/features/intake/check.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { allocateProgrammeQuota, overrideQuota, quotaHistory, quotaStatus } from '../../src/features/programmes/quotas.js';

let f: Fixture;
let maker: Client;
let verifier: Client;

function multipart(fields: Record<string, string>, fileName: string, content: Buffer | string) {
  const boundary = '----lindungtest' + Math.random().toString(16).slice(2);
  const head = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
  const body = Buffer.concat([
    Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, fileName: string, content: Buffer | string, fields: Record<string, string> = {}) {
  const m = multipart({ programme: 'NTT-2026', ...fields }, fileName, content);
  return c.request('POST', '/api/intake/batches', m.body, m.headers);
}

async function checked(id: number) {
  await f.app.intakeJobs.whenIdle();
  const res = await maker.request('GET', `/api/intake/batches/${id}`);
  expect(res.statusCode).toBe(200);
  return res.json() as { status: string; counts: Record<string, number>; openReviews: number; error: unknown; fileProblems: { code: string }[] };
}

interface RowOut { rowNo: number; status: string; withinQuota: boolean | null; rank: number | null; personId: number | null; problems: { code: string; column?: string; id: string; en: string; severity: string }[] }

async function rowsOf(id: number, filter = 'all'): Promise<RowOut[]> {
  const res = await maker.request('GET', `/api/intake/batches/${id}/rows?filter=${filter}`);
  expect(res.statusCode).toBe(200);
  return (res.json() as { rows: RowOut[] }).rows;
}

function villageFile(home: string, foreign: string): string {
  // A real village file: a title, a blank line, Indonesian headers, `;`, messy values.
  return [
    'DAFTAR USULAN PESERTA BPJS KETENAGAKERJAAN DESA',
    '',
    'No;No. NIK;Nama Lengkap;Tgl Lahir;L/P;Kode Wilayah;Pekerjaan;Desil DTSEN;Miskin Ekstrem;No HP',
    `1;5301015203850001;YOHANA   BANOET;12/03/1985;P;${home};Petani;2;Ya;0812-3456-7890`,
    `2;5.30101E+15;Kornelis Nomleni;01-02-1970;L;${home};nelayan;3;;`,
    `3;5301015203850001;Yohana Banoet;12/03/1985;P;${home};Petani;2;Ya;`,
    `4;5301010101800001;Yohanes Tefa;01/01/1980;L;${home};petani;1;;+6281234567890`,
    `5;5301014101850012;Maria Tefa;1 Januari 1985;P;${home};pedagang;2;;`,
    `6;5301010505900003;Petrus Lake;05/05/1990;L;${home};ojek;8;;`,
    `7;5308010101800003;Fransiskus Wangge;01/01/1980;L;${foreign};petani;2;;`,
    ';;;;;;;;;',
    `9;5301011010100004;Anak Kecil;10/10/2010;L;${home};petani;2;;`,
    `10;5301014707750005;Veronika Lalang;07/07/1975;P;${home};penenun;4;;`,
  ].join('\n');
}

beforeAll(async () => {
  f = await startFixture('intake');
  maker = await signInAs(f.app, username('regency_operator'));
  verifier = await signInAs(f.app, username('verifier'));
});
afterAll(async () => f?.cleanup());

describe('programmes and quotas', () => {
  it('the demo programmes exist with their quotas summing to the total', async () => {
    const res = await maker.request('GET', '/api/programmes/NTT-2025');
    expect(res.statusCode).toBe(200);
    const p = res.json() as { totalQuota: number; status: string; quotas: { regencyCode: string; quota: number; method: string }[] };
    expect(p.quotas).toHaveLength(22);
    expect(p.quotas.reduce((s, q) => s + q.quota, 0)).toBe(100_000);
    expect(p.quotas.find((q) => q.regencyCode === '53.08')).toMatchObject({ quota: 9_731, method: 'override' });
    expect(p.status).toBe('closed');
    const p26 = (await maker.request('GET', '/api/programmes/NTT-2026')).json() as { quotas: { quota: number }[] };
    expect(p26.quotas.reduce((s, q) => s + q.quota, 0)).toBe(50_000);
    expect(Math.min(...p26.quotas.map((q) => q.quota))).toBeGreaterThanOrEqual(300);
  });

  it('an override keeps the total and is remembered through a re-allocation', async () => {
    await asSystem(f.db, 'test', async (tx) => {
      const p = await getProgramme(tx, 'NTT-2026');
      const before = await quotaStatus(tx, p.id);
      await overrideQuota(tx, p, '53.01', 4_000, 'SK Gubernur 123/2026');
      const after = await quotaStatus(tx, p.id);
      expect(after.reduce((s, q) => s + q.quota, 0)).toBe(50_000);
      expect(after.find((q) => q.regencyCode === '53.01')).toMatchObject({ quota: 4_000, method: 'override', reason: 'SK Gubernur 123/2026' });
      expect(after.find((q) => q.regencyCode === '53.08')!.quota).toBeLessThan(before.find((q) => q.regencyCode === '53.08')!.quota);
      await allocateProgrammeQuota(tx, p, { indicator: 'poor_population', minimum: 300 });
      expect((await quotaStatus(tx, p.id)).find((q) => q.regencyCode === '53.01')!.quota).toBe(4_000);
      // The history says who set it, from what, to what, and why.
      const change = (await quotaHistory(tx, p.id)).find((c) => c.regencyCode === '53.01' && c.after === 4_000);
      expect(change).toMatchObject({ actor: 'test', before: before.find((q) => q.regencyCode === '53.01')!.quota, method: 'override', reason: 'SK Gubernur 123/2026' });
    });
  });

  it('a regency operator may not create programmes; a province officer may not fund Ende from Kupang', async () => {
    const body = { code: 'KPG-2027', name: 'Program Kupang', funderType: 'regency', funderAreaCode: '53.01', funderName: 'Kabupaten Kupang', fiscalYear: 2027,
      coverageStart: '2027-01-01', coverageEnd: '2027-12-31', benefits: ['JKK', 'JKM'], declaredIncome: 1_000_000, totalQuota: 1000, rules: { maxDecile: 4 } };
    expect((await maker.request('POST', '/api/programmes', body)).statusCode).toBe(403);
    const officer = await signInAs(f.app, username('province_officer'));
    const created = await officer.request('POST', '/api/programmes', body);
    expect(created.statusCode).toBe(201);
    const bad = await officer.request('POST', '/api/programmes', { ...body, code: 'KPG-BAD', coverageEnd: '2026-01-01', rules: { minAge: 70, maxAge: 20 } });
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { detail: string }).detail).toMatch(/coverageEnd/);
  });
});

describe('upload, check, review, approve', () => {
  let batchId = 0;
  let file = '';

  it('checks every row of a messy file and says what is wrong, where, and how to fix it', async () => {
    file = villageFile(f.homeVillage, f.foreignVillage);
    const res = await upload(maker, 'usulan desa.csv', file);
    expect(res.statusCode).toBe(202);
    batchId = (res.json() as { id: number }).id;
    const b = await checked(batchId);
    expect(b.status).toBe('checked');
    expect(b.counts).toMatchObject({ rows: 9, invalid: 2, exactDuplicates: 1, fuzzyDuplicates: 1, inRegistry: 1, ineligible: 2, eligible: 4 });

    const rows = new Map((await rowsOf(batchId)).map((r) => [r.rowNo, r]));
    // Header on line 3: the first person is spreadsheet row 4; the blank line is skipped.
    expect([...rows.keys()]).toEqual([4, 5, 6, 7, 8, 9, 10, 12, 13]);
    const codes = (n: number) => rows.get(n)!.problems.map((p) => p.code);
    expect(rows.get(4)!.status).toBe('eligible');
    expect(codes(5)).toContain('nik_excel_scientific');
    expect(rows.get(5)!.problems.find((p) => p.code === 'nik_excel_scientific')!.column).toMatch(/^B \(No\. NIK\)/);
    expect(rows.get(6)).toMatchObject({ status: 'duplicate' });
    expect(rows.get(6)!.problems.find((p) => p.code === 'duplicate_in_file')!.en).toContain('row 4');
    expect(rows.get(7)!.personId).toBe(f.homePersonId);
    expect(rows.get(8)!.status).toBe('review');
    expect(codes(9)).toContain('rule_decile');
    expect(codes(10)).toContain('area_outside_batch');
    expect(codes(12)).toContain('rule_min_age');
    // Every problem speaks both languages.
    for (const r of rows.values()) for (const p of r.problems) expect(p.id.length && p.en.length).toBeGreaterThan(10);
  });

  it('the same file again is recognised as already imported', async () => {
    const again = await upload(maker, 'copy.csv', file);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'already_imported', batchId });
    const forced = await upload(maker, 'copy.csv', file, { force: '1' });
    expect(forced.statusCode).toBe(202);
    await f.app.intakeJobs.whenIdle();
  });

  it('shows the likely duplicate side by side; only another user with the checker role decides', async () => {
    const res = await verifier.request('GET', `/api/intake/batches/${batchId}/reviews`);
    const items = (res.json() as { items: { id: number; rowNo: number; row: { nik: string; fullName: string }; other: { nik: string; fullName: string; source: string }; evidence: unknown[] }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ rowNo: 8, row: { nik: '5301014101850012', fullName: 'Maria Tefa' }, other: { nik: '5301014101850002', fullName: 'Maria Tefa' } });
    expect(items[0]!.evidence.length).toBeGreaterThan(1);
    expect((await maker.request('POST', `/api/intake/batches/${batchId}/reviews/${items[0]!.id}`, { decision: 'same' })).statusCode).toBe(403);
    expect((await verifier.request('POST', `/api/intake/batches/${batchId}/approve`, {})).statusCode).toBe(409); // not submitted yet
    expect((await maker.request('POST', `/api/intake/batches/${batchId}/submit`)).statusCode).toBe(200);
    const early = await verifier.request('POST', `/api/intake/batches/${batchId}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'reviews_open', openReviews: 1 });
    const decided = await verifier.request('POST', `/api/intake/batches/${batchId}/reviews/${items[0]!.id}`, { decision: 'same' });
    expect(decided.statusCode).toBe(200);
    expect((decided.json() as { openReviews: number }).openReviews).toBe(0);
  });

  it('approval merges the eligible rows as candidates, in one step, and quotas fill', async () => {
    const before = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person');
    const res = await verifier.request('POST', `/api/intake/batches/${batchId}/approve`, { note: 'Sesuai SK Bupati' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ candidates: 4, waitingList: 0, newPeople: 2, skipped: 0 });
    const after = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person');
    expect(after[0]!.n - before[0]!.n).toBe(2);
    // Maria (decided "same") is linked to her registry record, not duplicated.
    const maria = await f.db.query<{ n: number }>("SELECT count(*)::int AS n FROM person WHERE full_name = 'Maria Tefa'");
    expect(maria[0]!.n).toBe(1);
    const members = await f.db.query<{ full_name: string; state: string; decided_by: string }>(
      `SELECT p.full_name, m.state, m.decided_by FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id WHERE g.code = 'NTT-2026' ORDER BY p.full_name`,
    );
    expect(members.map((m) => m.full_name)).toEqual(['Maria Tefa', 'Veronika Lalang', 'Yohana Banoet', 'Yohanes Tefa']);
    expect(new Set(members.map((m) => m.decided_by))).toEqual(new Set([username('verifier')]));
    const p = (await maker.request('GET', '/api/programmes/NTT-2026')).json() as { quotas: { regencyCode: string; approved: number; free: number; quota: number }[] };
    const kupang = p.quotas.find((q) => q.regencyCode === '53.01')!;
    expect(kupang.approved).toBe(4);
    expect(kupang.free).toBe(kupang.quota - 4);
    // History names the verifier for the new people and memberships.
    const hist = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'membership' AND actor_label = $1`, [username('verifier')]);
    expect(hist[0]!.n).toBe(4);
  });

  it('proposing an approved person again is an exact duplicate of the programme', async () => {
    const res = await upload(maker, 'lagi.csv', `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n5301010101800001;Yohanes Tefa;01/01/1980;L;${f.homeVillage};petani;1\n`);
    const id = (res.json() as { id: number }).id;
    await checked(id);
    const [row] = await rowsOf(id);
    expect(row).toMatchObject({ status: 'duplicate' });
    expect(row!.problems.map((p) => p.code)).toContain('already_in_programme');
  });

  it('the report is an XLSX of the original rows with a status and a reason, re-uploadable', async () => {
    const res = await maker.request('GET', `/api/intake/batches/${batchId}/report.xlsx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const values: string[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    const header = values.find((r) => r.includes('No. NIK'))!;
    expect(header.slice(0, 3)).toEqual(['No', 'No. NIK', 'Nama Lengkap']);
    const excelRow = values.find((r) => r.includes('Kornelis Nomleni'))!;
    expect(excelRow.join(' ')).toMatch(/E\+15|5\.30101/);
    expect(excelRow[excelRow.length - 1]).toMatch(/Excel/);
  });
});

describe('jobs', () => {
  it('a check cut off by a restart runs again from the stored file', async () => {
    const res = await upload(maker, 'restart.csv', `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n5301012002820006;Agustinus Seran;20/02/1982;L;${f.homeVillage};tukang;3\n`);
    const id = (res.json() as { id: number }).id;
    await f.app.intakeJobs.whenIdle();
    // As if the process died mid-check: status back to 'checking' with half-written staging rows.
    await asSystem(f.db, 'test', (tx) => tx.query(`UPDATE intake_batch SET status = 'checking', counts = NULL WHERE id = $1`, [id]));
    const runner = new IntakeJobRunner(f.db, f.app.config.dataDir);
    expect(await runner.resume()).toBeGreaterThanOrEqual(1);
    await runner.whenIdle();
    const [b] = await f.db.query<{ status: string; counts: { rows: number } }>('SELECT status, counts FROM intake_batch WHERE id = $1', [id]);
    expect(b).toMatchObject({ status: 'checked', counts: { rows: 1 } });
    const rows = await f.db.query('SELECT row_no FROM intake_row WHERE batch_id = $1', [id]);
    expect(rows).toHaveLength(1);
  });

  it('a queued check can be cancelled', async () => {
    const runner = new IntakeJobRunner(f.db, f.app.config.dataDir);
    const id = await asSystem(f.db, 'test', async (tx) => {
      const [b] = await tx.query<{ id: number }>(
        `INSERT INTO intake_batch (programme_id, area_code, source, file_sha256, created_by_label) SELECT id, '53.01', 'file', 'missing', 'test' FROM programme WHERE code = 'NTT-2026' RETURNING id`,
      );
      await tx.query('INSERT INTO intake_job (batch_id) VALUES ($1)', [b!.id]);
      return b!.id;
    });
    await runner.cancel(id);
    const [b] = await f.db.query<{ status: string }>('SELECT status FROM intake_batch WHERE id = $1', [id]);
    expect(b!.status).toBe('cancelled');
  });

  it('a file that is not a spreadsheet fails with a clear reason and no rows', async () => {
    const res = await upload(maker, 'foto.xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    const b = await checked((res.json() as { id: number }).id);
    expect(b.status).toBe('failed');
    expect(JSON.stringify(b.error)).toMatch(/CSV|XLSX/);
  });

  it('a file without the required columns fails and names them', async () => {
    const res = await upload(maker, 'salah.csv', 'Nama;Alamat;Umur\nYohanes;Oesao;40\n');
    const b = await checked((res.json() as { id: number }).id);
    expect(b.status).toBe('failed');
    expect(JSON.stringify(b.error)).toMatch(/NIK/);
  });
});

describe('bad input and concurrency', () => {
  it('a file over the size limit is refused while streaming, with the limit named', async () => {
    const { buildServer } = await import('../../src/http/server.js');
    const small = await buildServer(f.db, { ...f.app.config, maxUploadBytes: 2048 });
    await small.ready();
    try {
      const m = multipart({ programme: 'NTT-2026' }, 'besar.csv', 'NIK;Nama Lengkap\n' + '5301010101800001;Yohanes Tefa\n'.repeat(500));
      const res = await small.inject({ method: 'POST', url: '/api/intake/batches', payload: m.body, headers: { ...m.headers, cookie: maker.cookie, 'x-csrf-token': maker.csrf } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({ code: 'file_too_large' });
      expect((res.json() as { detail: string }).detail).toMatch(/MB/);
      const leftovers = fs.readdirSync(`${f.app.config.dataDir}/uploads`).filter((n) => n.startsWith('.incoming'));
      expect(leftovers).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('two regencies import at once; a person proposed by both becomes a member once', async () => {
    const ende = await signInAs(f.app, 'ende.operator');
    const shared = '5301015808880009';
    const kupangFile = `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n${shared};Elisabeth Nenobais;18/08/1988;P;${f.homeVillage};tukang;2\n`;
    const endeFile = `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n${shared};Elisabeth Nenobais;18/08/1988;P;${f.foreignVillage};tukang;2\n5308016612900010;Theresia Wangge;26/12/1990;P;${f.foreignVillage};petani;3\n`;
    const [a, b] = await Promise.all([upload(maker, 'kupang.csv', kupangFile), upload(ende, 'ende.csv', endeFile)]);
    const ids = [(a.json() as { id: number }).id, (b.json() as { id: number }).id];
    await f.app.intakeJobs.whenIdle();
    const statuses = await f.db.query<{ id: number; status: string }>('SELECT id, status FROM intake_batch WHERE id = ANY($1::bigint[]) ORDER BY id', [ids]);
    expect(statuses.map((s) => s.status)).toEqual(['checked', 'checked']);
    // Kupang is approved first; Ende's copy of the same NIK cannot become a second membership.
    const endeVerifier = await asSystem(f.db, 'test', async (tx) => {
      const { addUser } = await import('../../src/features/users/users.js');
      return addUser(tx, { username: 'ende.verifier', fullName: 'Ende verifier', role: 'verifier', areaCode: '53.08', password: 'correct horse battery' });
    });
    expect(endeVerifier).toBeGreaterThan(0);
    const endeChecker = await signInAs(f.app, 'ende.verifier');
    expect((await maker.request('POST', `/api/intake/batches/${ids[0]}/submit`)).statusCode).toBe(200);
    expect((await ende.request('POST', `/api/intake/batches/${ids[1]}/submit`)).statusCode).toBe(200);
    const first = await verifier.request('POST', `/api/intake/batches/${ids[0]}/approve`, {});
    expect(first.json()).toMatchObject({ candidates: 1 });
    const second = await endeChecker.request('POST', `/api/intake/batches/${ids[1]}/approve`, {});
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ candidates: 1, skipped: 1 });
    const n = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM membership m JOIN person p ON p.id = m.person_id WHERE p.nik = $1', [shared]);
    expect(n[0]!.n).toBe(1);
    const [skippedRow] = await f.db.query<{ status: string; problems: { code: string }[] }>(`SELECT status, problems FROM intake_row WHERE batch_id = $1 AND nik = $2`, [ids[1]!, shared]);
    expect(skippedRow!.problems.map((p) => p.code)).toContain('not_merged');
  });
});

describe('BPJS participants', () => {
  it('someone already insured by BPJS is not eligible, and the rule says so', async () => {
    await asSystem(f.db, 'test', async (tx) => {
      const { replaceParticipants } = await import('../../src/features/programmes/bpjs-participants.js');
      await replaceParticipants(tx, [{ nik: '5301011111700008', kpj: '21000000001', segment: 'BPU', active: true }], '2026-10-31', 'test');
    });
    const res = await upload(maker, 'bpjs.csv', `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n5301011111700008;Stefanus Tael;11/11/1970;L;${f.homeVillage};nelayan;2\n`);
    await checked((res.json() as { id: number }).id);
    const [row] = await rowsOf((res.json() as { id: number }).id);
    expect(row).toMatchObject({ status: 'ineligible' });
    expect(row!.problems.map((p) => p.code)).toContain('rule_active_bpjs');
  });
});

describe('ranking', () => {
  it('SQL ranking per regency equals the pure ranking', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({
      row_no: i + 1, nik: String(5301010000000000 + i * 7919), extreme_poor: i % 7 === 0, disability: i % 5 === 0,
      dtsen_decile: i % 4 === 0 ? null : (i % 5) + 1, birth_date: `19${60 + (i % 30)}-0${(i % 9) + 1}-1${i % 9}`,
    }));
    const id = await asSystem(f.db, 'test', async (tx) => {
      const [b] = await tx.query<{ id: number; programme_id: number }>(
        `INSERT INTO intake_batch (programme_id, area_code, source, status, created_by_label) SELECT id, '53.01', 'form', 'checked', 'test' FROM programme WHERE code = 'NTT-2026' RETURNING id, programme_id`,
      );
      for (const r of rows) {
        await tx.query(
          `INSERT INTO intake_row (batch_id, row_no, raw, nik, full_name, birth_date, sex, village_code, dtsen_decile, extreme_poor, disability, status)
           VALUES ($1, $2, '[]', $3, 'X', $4, 'L', $5, $6, $7, $8, 'eligible')`,
          [b!.id, r.row_no, r.nik, r.birth_date, f.homeVillage, r.dtsen_decile, r.extreme_poor, r.disability],
        );
      }
      await rankBatch(tx, b!.id, b!.programme_id);
      return b!.id;
    });
    const sql = await f.db.query<{ row_no: number }>('SELECT row_no FROM intake_rank WHERE batch_id = $1 ORDER BY rank', [id]);
    const pure = rankCandidates(rows, (r) => ({ extremePoor: r.extreme_poor, disability: r.disability, dtsenDecile: r.dtsen_decile, birthDate: r.birth_date, tiebreak: r.nik }));
    expect(sql.map((r) => r.row_no)).toEqual(pure.map((r) => r.row_no));
  });
});

describe('form entry', () => {
  it('one person through the form gets the same checks', async () => {
    const res = await maker.request('POST', '/api/intake/form', {
      programme: 'NTT-2026',
      person: { nik: '5301016606880007', full_name: 'margaretha  nahak', birth_date: '26-06-1988', sex: 'P', area_code: f.homeVillage, occupation: 'pedagang', dtsen_decile: '3' },
    });
    expect(res.statusCode).toBe(202);
    const id = (res.json() as { id: number }).id;
    const b = await checked(id);
    expect(b.counts).toMatchObject({ rows: 1, eligible: 1 });
    expect(fs.existsSync(f.app.config.dataDir)).toBe(true);
  });
});

describe('a NIK that belongs to somebody else', () => {
  it('is not linked to the NIK owner; a verifier decides, and "different" makes the row an error, never a merge', async () => {
    const { insertPerson } = await import('../helpers/app.js');
    const ownerId = await insertPerson(f.db, { nik: '5301016612780007', name: 'Agustina Selan', village: f.homeVillage, birth: '1978-12-26', sex: 'P' });
    // Two rows typed with Agustina's NIK: one is Agustina (a spelling slip), one is a different man.
    const file = `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n5301016612780007;Agustina Selan;26/12/1978;P;${f.homeVillage};petani;2\n5301016612780007;Markus Nenobais;03/04/1969;L;${f.homeVillage};nelayan;2\n`;
    const res = await upload(maker, 'nik-orang-lain.csv', file);
    const id = (res.json() as { id: number }).id;
    await checked(id);
    const rows = await rowsOf(id);
    expect(rows[0]).toMatchObject({ personId: ownerId });
    // Row 3 is a duplicate in the file by NIK first; the NIK-owner check still unlinks it.
    const markus = rows[1]!;
    expect(markus.personId).toBeNull();
    expect(markus.problems.map((p) => p.code)).toContain('nik_other_person');

    // A single-row file for the verifier's decision (no in-file duplicate in the way).
    const one = await upload(maker, 'nik-orang-lain-2.csv', `NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil\n5301016612780007;Markus Nenobais;03/04/1969;L;${f.homeVillage};nelayan;2\n`);
    const oneId = (one.json() as { id: number }).id;
    await checked(oneId);
    const [row] = await rowsOf(oneId);
    expect(row).toMatchObject({ status: 'review', personId: null });
    const reviews = (await verifier.request('GET', `/api/intake/batches/${oneId}/reviews`)).json() as { items: { id: number; other: { fullName: string }; evidence: { rule: string }[] }[] };
    const review = reviews.items.find((r) => r.other.fullName === 'Agustina Selan')!;
    expect(review.evidence[0]!.rule).toBe('nik_taken');
    expect((await maker.request('POST', `/api/intake/batches/${oneId}/submit`)).statusCode).toBe(200);
    for (const r of reviews.items) {
      expect((await verifier.request('POST', `/api/intake/batches/${oneId}/reviews/${r.id}`, { decision: 'different' })).statusCode).toBe(200);
    }
    const [after] = await rowsOf(oneId);
    expect(after).toMatchObject({ status: 'error' });
    expect(after!.problems.map((p) => p.code)).toContain('nik_taken');
    const approved = await verifier.request('POST', `/api/intake/batches/${oneId}/approve`, {});
    expect(approved.statusCode).toBe(200);
    // Agustina did not become a member through Markus's row, and no second person has her NIK.
    const members = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM membership WHERE person_id = $1', [ownerId]);
    expect(members[0]!.n).toBe(0);
    const owners = await f.db.query<{ full_name: string }>("SELECT full_name FROM person WHERE nik = '5301016612780007'");
    expect(owners.map((o) => o.full_name)).toEqual(['Agustina Selan']);
  });
});

describe('a row stopped by its NIK alone', () => {
  it('gets the registry person its name and birth date point to as a suggestion: still an error, no review to block approval, in the rows and the report', async () => {
    const { insertPerson } = await import('../helpers/app.js');
    const personId = await insertPerson(f.db, { nik: '5301015507820003', name: 'Kornelia Seran', village: f.homeVillage, birth: '1982-07-15', sex: 'P' });
    const file = [
      'NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil',
      // Excel turned the NIK into a number; and the 16th digit zeroed, with a slip in the name.
      `5.30102E+15;Kornelia Seran;15/07/1982;P;${f.homeVillage};petani;2`,
      `5301015507820000;KORNELIA SERANG;15/07/1982;P;${f.homeVillage};petani;2`,
      // A slip in the name's first letters: found among those born that day in her kecamatan.
      `5.30101E+15;Konrelia Seran;15/07/1982;P;${f.homeVillage};petani;2`,
      // Nobody in the registry looks like her: no suggestion.
      `5.30101E+15;Bernadeta Nahak;02/02/1979;P;${f.homeVillage};petani;2`,
      `5301010803910004;Yakobus Nenobais;08/03/1991;L;${f.homeVillage};petani;2`,
    ].join('\n');
    const res = await upload(maker, 'nik-rusak.csv', file);
    const id = (res.json() as { id: number }).id;
    const b = await checked(id);
    expect(b.status).toBe('checked');
    expect(b.openReviews).toBe(0);
    const rows = await rowsOf(id);
    const codes = (r: RowOut) => r.problems.map((p) => p.code);
    const [sci, zeroed, slip, stranger, fine] = rows;
    expect(sci!.status).toBe('error');
    expect(codes(sci!)).toContain('nik_excel_scientific');
    // '5.30102E+15' does not fit her NIK's first digits (530101…): the name, date, sex and village still do.
    for (const r of [sci!, zeroed!, slip!]) {
      const s = r.problems.find((p) => p.code === 'nik_registry_match')!;
      expect(r.status).toBe('error');
      expect(s.severity).toBe('warning');
      expect(s.id).toContain('Mungkin orang ini di registri: NIK 5301015507820003, Kornelia Seran, lahir 15-07-1982');
      expect(s.en).toContain('correct the NIK on this row to 5301015507820003');
      expect((s as unknown as { match: { personId: number } }).match.personId).toBe(personId);
    }
    expect(codes(zeroed!)).toContain('nik_serial_zero');
    expect(codes(stranger!)).not.toContain('nik_registry_match');
    expect(fine!.status).toBe('eligible');

    const report = await maker.request('GET', `/api/intake/batches/${id}/report.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
    const reasons: string[] = [];
    wb.worksheets[0]!.eachRow((row) => reasons.push((row.values as unknown[]).map((v) => String(v ?? '')).join(' ')));
    expect(reasons.filter((r) => r.includes('Mungkin orang ini di registri: NIK 5301015507820003'))).toHaveLength(3);

    // Nothing to decide: the valid row is approved, the suggested rows stay out until corrected.
    expect((await maker.request('POST', `/api/intake/batches/${id}/submit`)).statusCode).toBe(200);
    const approved = await verifier.request('POST', `/api/intake/batches/${id}/approve`, {});
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ candidates: 1, newPeople: 1 });
    const members = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM membership WHERE person_id = $1', [personId]);
    expect(members[0]!.n).toBe(0);
  });
});

describe('the waiting list', () => {
  it('rows beyond the free places wait in rank order: counts, the row filter, the report and approval read the same ranking', async () => {
    const programme = await asSystem(f.db, 'test', (tx) => getProgramme(tx, 'NTT-2026'));
    const before = (await asSystem(f.db, 'test', (tx) => quotaStatus(tx, programme.id))).find((q) => q.regencyCode === '53.01')!;
    // One free place left in Kabupaten Kupang.
    await asSystem(f.db, 'test', (tx) => overrideQuota(tx, programme, '53.01', before.approved + 1, 'Uji daftar tunggu'));
    try {
      const file = [
        'NIK;Nama Lengkap;Tanggal Lahir;JK;Kode Wilayah;Pekerjaan;Desil;Miskin Ekstrem',
        `5301011004750007;Lukas Bani;10/04/1975;L;${f.homeVillage};petani;3;Tidak`,
        `5301016209810005;Agnes Toto;22/09/1981;P;${f.homeVillage};petani;1;Tidak`,
        `5301010311900006;Simon Nubatonis;03/11/1990;L;${f.homeVillage};nelayan;2;Ya`,
      ].join('\n');
      const id = (await upload(maker, 'daftar-tunggu.csv', file)).json() as { id: number };
      const b = await checked(id.id);
      expect(b.counts).toMatchObject({ eligible: 3, withinQuota: 1, waiting: 2 });
      // Extreme poor first, then the lower decile.
      const rows = new Map((await rowsOf(id.id)).map((r) => [r.rowNo, r]));
      expect(rows.get(4)).toMatchObject({ rank: 1, withinQuota: true });
      expect(rows.get(3)).toMatchObject({ rank: 2, withinQuota: false });
      expect(rows.get(2)).toMatchObject({ rank: 3, withinQuota: false });
      expect((await rowsOf(id.id, 'waiting')).map((r) => r.rowNo)).toEqual([2, 3]);

      const report = await maker.request('GET', `/api/intake/batches/${id.id}/report.xlsx`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(report.rawPayload as unknown as ArrayBuffer);
      const statuses: string[] = [];
      wb.worksheets[0]!.eachRow((row) => statuses.push((row.values as unknown[]).map((v) => String(v ?? '')).join(' ')));
      expect(statuses.find((s) => s.includes('Agnes Toto'))).toContain('Daftar tunggu (peringkat 2)');

      expect((await maker.request('POST', `/api/intake/batches/${id.id}/submit`)).statusCode).toBe(200);
      const approved = await verifier.request('POST', `/api/intake/batches/${id.id}/approve`, {});
      expect(approved.json()).toMatchObject({ candidates: 1, waitingList: 2, withinQuota: 1, waiting: 2 });
      const states = await f.db.query<{ full_name: string; state: string }>(
        `SELECT p.full_name, m.state FROM membership m JOIN person p ON p.id = m.person_id WHERE m.batch_id = $1 ORDER BY p.full_name`,
        [id.id],
      );
      expect(states).toEqual([
        { full_name: 'Agnes Toto', state: 'waiting' },
        { full_name: 'Lukas Bani', state: 'waiting' },
        { full_name: 'Simon Nubatonis', state: 'candidate' },
      ]);
    } finally {
      await asSystem(f.db, 'test', (tx) => overrideQuota(tx, programme, '53.01', before.quota, 'Kembali seperti semula'));
    }
  });
});
