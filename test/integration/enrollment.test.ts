/**
 * Enrollment with BPJS and contributions, through the feature code on the engine under test:
 * submission batch out, BPJS's answer back (all or nothing), coverage on a date, a monthly bill at
 * the dated tariff, payments by SP2D, the budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs, startFixture, username, type Fixture } from '../helpers/app.js';
import { asSystem } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission, submissionRows, type ResponseLine } from '../../src/features/enrollment/submissions.js';
import { budgetOf, recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import { memberStatus } from '../../src/features/enrollment/status.js';
import { UserError } from '../../src/domain/user-error.js';
import { parseRupiah } from '../../src/domain/money.js';

let f: Fixture;
const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

/** Candidates in Kupang: the fixture's three people plus a few more. */
async function candidates(n: number): Promise<string[]> {
  return sys(async (tx) => {
    const p = await getProgramme(tx, 'NTT-2026');
    const niks: string[] = [];
    for (let i = 0; i < n; i++) {
      const nik = `53010141018${String(i).padStart(5, '0')}`.slice(0, 16);
      const [row] = await tx.query<{ id: number }>(
        `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile) VALUES ($1, $2, '1985-01-01', 'P', $3, 'petani', 2) RETURNING id`,
        [nik, `Peserta ${'abcdefghij'[i % 10]}${'klmnopqrst'[Math.floor(i / 10) % 10]}`, f.homeVillage],
      );
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) VALUES ($1, $2, 'candidate', $3)`, [p.id, row!.id, f.homeVillage]);
      niks.push(nik);
    }
    return niks;
  });
}

beforeAll(async () => {
  f = await startFixture('enrollment');
});
afterAll(async () => f?.cleanup());

describe('enrollment, coverage and contributions', () => {
  let batchId = 0;
  let niks: string[] = [];
  const accept = (nik: string, i: number, line = i + 2): ResponseLine => ({ fileLine: line, nik, kpj: `210000${String(i).padStart(5, '0')}`, accepted: true, effectiveDate: '2026-02-01', reason: null });

  it('puts every candidate of the area in one submission batch, in the documented layout', async () => {
    niks = await candidates(6);
    const r = await sys(async (tx) => createSubmission(tx, await getProgramme(tx, 'NTT-2026'), '53.01', 'test'));
    batchId = r.id;
    expect(r.lines).toBe(6);
    const file = await sys((tx) => submissionRows(tx, batchId));
    expect(file.headers.slice(0, 4)).toEqual(['No', 'NIK', 'No. KK', 'Nama Lengkap (sesuai KTP)']);
    expect(file.rows.map((row) => row[1]).sort()).toEqual([...niks].sort());
    expect(file.control.find(([k]) => k === 'Jumlah peserta')![1]).toBe(6);
    // Nobody twice in open batches: a second batch finds no candidates left.
    const again = await refusal(sys(async (tx) => createSubmission(tx, await getProgramme(tx, 'NTT-2026'), '53.01', 'test')));
    expect(again.code).toBe('nothing_to_submit');
  });

  it('refuses a bad answer file whole, naming every problem', async () => {
    const lines: ResponseLine[] = [
      accept(niks[0]!, 0),
      { ...accept(niks[1]!, 1), kpj: '21000000000' }, // KPJ twice
      { fileLine: 4, nik: '5308010101800003', kpj: '21000000099', accepted: true, effectiveDate: '2026-02-01', reason: null }, // never submitted
      { fileLine: 5, nik: niks[2]!, kpj: null, accepted: true, effectiveDate: null, reason: null }, // accepted without KPJ/date
    ];
    const e = await refusal(sys((tx) => applyResponse(tx, batchId, lines, null)));
    const text = JSON.stringify(e.extra.problems);
    expect(text).toMatch(/KPJ 21000000000 is given twice/);
    expect(text).toMatch(/5308010101800003 was not submitted/);
    expect(text).toMatch(/line 5: accepted without a KPJ/);
    const [m] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM membership WHERE state = 'active'`);
    expect(m!.n).toBe(0);
  });

  it('recognises the answer to another batch', async () => {
    const e = await refusal(sys((tx) => applyResponse(tx, batchId, [
      { fileLine: 2, nik: '5308010101800003', kpj: '1', accepted: true, effectiveDate: '2026-02-01', reason: null },
      { fileLine: 3, nik: '5308010101800004', kpj: '2', accepted: true, effectiveDate: '2026-02-01', reason: null },
    ], null)));
    expect(e.code).toBe('response_wrong_batch');
  });

  it('applies a good answer: accepted people are covered from their effective date; rejected ones go back with the reason', async () => {
    const lines = niks.slice(0, 5).map((n, i) => accept(n, i));
    lines.push({ fileLine: 8, nik: niks[5]!, kpj: null, accepted: false, effectiveDate: null, reason: 'NIK tidak padan dengan Dukcapil' });
    const r = await sys((tx) => applyResponse(tx, batchId, lines, 'sha'));
    expect(r).toEqual({ batch: batchId, accepted: 5, rejected: 1, unanswered: 0 });
    const rejected = await f.db.query<{ state: string; rejection_reason: string }>(
      'SELECT m.state, m.rejection_reason FROM membership m JOIN person p ON p.id = m.person_id WHERE p.nik = $1', [niks[5]!]);
    expect(rejected[0]).toEqual({ state: 'candidate', rejection_reason: 'NIK tidak padan dengan Dukcapil' });

    const on = await sys((tx) => memberStatus(tx, niks[0]!, '2026-03-10'));
    expect(on.answer).toMatchObject({ covered: true, programmeCode: 'NTT-2026', funderName: 'Pemerintah Provinsi Nusa Tenggara Timur' });
    const before = await sys((tx) => memberStatus(tx, niks[0]!, '2026-01-20'));
    expect(before.answer.covered).toBe(false);
    const rej = await sys((tx) => memberStatus(tx, niks[5]!, '2026-03-10'));
    expect(rej.answer.covered).toBe(false);
    // The same answer through the API, as a regency operator of Kupang (the read is logged).
    const op = await signInAs(f.app, username('regency_operator'));
    const api = await op.request('POST', '/api/members/status', { nik: niks[0]!, on: '2026-03-10', purpose: 'klaim' });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ answer: { covered: true, programmeCode: 'NTT-2026' } });
    const logged = await f.db.query<{ purpose: string }>(`SELECT purpose FROM data_access_log WHERE purpose = 'klaim'`);
    expect(logged).toHaveLength(1);
    // The same answer again changes nothing.
    expect((await refusal(sys((tx) => applyResponse(tx, batchId, lines, 'sha')))).code).toBe('response_already_applied');
  });

  it('bills a month at Rp16,800 per person, once; payments by SP2D, never twice, never more than owed', async () => {
    const bill = await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-02', 'test'));
    expect(bill).toMatchObject({ persons: 5, perPerson: 16_800, amount: 84_000, dueDate: '2026-02-15', status: 'issued' });
    expect((await refusal(sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-02', 'test')))).code).toBe('already_billed');
    expect((await refusal(sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2027-01', 'test')))).code).toBe('month_outside_programme');
    // Amounts as Indonesians write them.
    const amount = parseRupiah('Rp50.400,00');
    expect(amount).toEqual({ ok: true, value: 50_400 });
    const part = await sys((tx) => recordPayment(tx, bill.id, { sp2d: '00123/SP2D/2026', paidOn: '2026-02-12', amount: 50_400 }, 'test'));
    expect(part).toMatchObject({ paid: 50_400, status: 'partial' });
    expect((await refusal(sys((tx) => recordPayment(tx, bill.id, { sp2d: '00123/SP2D/2026', paidOn: '2026-02-12', amount: 100 }, 'test')))).code).toBe('payment_twice');
    expect((await refusal(sys((tx) => recordPayment(tx, bill.id, { sp2d: '00124/SP2D/2026', paidOn: '2026-02-13', amount: 50_000 }, 'test')))).code).toBe('overpayment');
    const full = await sys((tx) => recordPayment(tx, bill.id, { sp2d: '00124/SP2D/2026', paidOn: '2026-02-13', amount: 33_600 }, 'test'));
    expect(full).toMatchObject({ paid: 84_000, status: 'paid' });
  });

  it('a tariff change dated the 1st of a month applies from that month', async () => {
    await sys(async (tx) => {
      await tx.query(`UPDATE tariff SET valid_to = '2026-03-31' WHERE benefit = 'JKM' AND funding = 'any'`);
      await tx.query(`INSERT INTO tariff (benefit, basis_income, amount, valid_from, funding, legal_basis) VALUES ('JKM', 1000000, 7200, '2026-04-01', 'any', 'Perubahan uji')`);
    });
    const march = await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-03', 'test'));
    const april = await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-04', 'test'));
    expect(march.perPerson).toBe(16_800);
    expect(april.perPerson).toBe(17_200);
  });

  it('the budget states quota, months, tariff and total (50,000 × 12 × Rp16,800 = Rp10,080,000,000)', async () => {
    const b = await sys(async (tx) => budgetOf(tx, await getProgramme(tx, 'NTT-2026'), '2026-05-01'));
    expect(b).toMatchObject({ quota: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000, billed: 84_000 + 84_000 + 86_000, paid: 84_000 });
    expect(b.members).toMatchObject({ active: 5, candidates: 1 });
    const op = await signInAs(f.app, username('viewer'));
    const api = await op.request('GET', '/api/programmes/NTT-2026/budget');
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ quota: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 });
  });
});

describe('the exchange with BPJS over HTTP', () => {
  it('province makes a batch, the BPJS liaison downloads its file and loads the answer; the rejection reaches the regency', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const regency = await signInAs(f.app, username('regency_operator'));
    const waiting = async () => ((await regency.request('GET', '/api/programmes/NTT-2026/submissions')).json() as { toSubmit: { regencyCode: string; candidates: number }[] })
      .toSubmit.find((r) => r.regencyCode === '53.01')?.candidates ?? 0;
    const earlier = await waiting();
    // Another kecamatan of Kupang than the other tests' people, so that the batch holds these three only.
    const [village] = await f.db.query<{ code: string }>(
      "SELECT code FROM area WHERE level = 4 AND code LIKE '53.01.%' AND left(code, 8) <> left($1, 8) ORDER BY code LIMIT 1", [f.homeVillage],
    );
    const district = village!.code.slice(0, 8);
    const niks = await sys(async (tx) => {
      const p = await getProgramme(tx, 'NTT-2026');
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const nik = `530101520390${String(i).padStart(4, '0')}`;
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation) VALUES ($1, $2, '1990-03-12', 'P', $3, 'penenun') RETURNING id`,
          [nik, `Penenun ${'ABC'[i]}`, village!.code],
        );
        await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) VALUES ($1, $2, 'candidate', $3)`, [p.id, row!.id, village!.code]);
        out.push(nik);
      }
      return out;
    });
    const province = await signInAs(f.app, username('province_officer'));
    const liaison = await signInAs(f.app, username('bpjs_liaison'));
    expect(await waiting()).toBe(earlier + 3);
    // A regency operator sees but cannot make batches or exchange files.
    expect((await regency.request('POST', '/api/programmes/NTT-2026/submissions', { area: district })).statusCode).toBe(403);
    const made = await province.request('POST', '/api/programmes/NTT-2026/submissions', { area: district });
    expect(made.statusCode).toBe(201);
    const { id, lines } = made.json() as { id: number; lines: number };
    expect(lines).toBe(3);
    expect(await waiting()).toBe(earlier);
    expect((await regency.request('GET', `/api/submissions/${id}/file`)).statusCode).toBe(403);

    const file = await liaison.request('GET', `/api/submissions/${id}/file?format=xlsx`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain(`pengajuan-NTT-2026-${id}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Peserta')!;
    const sentNiks: string[] = [];
    sheet.eachRow((row, n) => { if (n > 1) sentNiks.push(String(row.getCell(2).value)); });
    expect(sentNiks.sort()).toEqual([...niks].sort());
    expect(wb.getWorksheet('Kontrol')!.getRow(8).getCell(2).value).toBe(3);
    const csv = await liaison.request('GET', `/api/submissions/${id}/file?format=csv`);
    expect(csv.body.split('\r\n')[0]).toContain('"NIK"');

    // BPJS answers: two accepted, one rejected (with `;` and dd/mm/yyyy as branches send it).
    const answer = ['NIK;No KPJ;Status;TMT;Keterangan', `${niks[0]};25010000001;DITERIMA;01/03/2026;`, `${niks[1]};25010000002;Diterima;01/03/2026;`, `${niks[2]};;DITOLAK;;NIK tidak ditemukan di Dukcapil`].join('\n');
    const boundary = '----answer';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="jawaban.csv"\r\nContent-Type: text/csv\r\n\r\n${answer}\r\n--${boundary}--\r\n`;
    const applied = await liaison.request('POST', `/api/submissions/${id}/response`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json()).toMatchObject({ batch: id, accepted: 2, rejected: 1, unanswered: 0 });
    // The same answer again changes nothing and says why.
    const again = await liaison.request('POST', `/api/submissions/${id}/response`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    expect(again.statusCode).toBe(409);

    const after = (await regency.request('GET', '/api/programmes/NTT-2026/submissions')).json() as { items: { id: number; status: string; accepted: number; rejected: number }[]; rejected: { nik: string; reason: string }[] };
    expect(after.items.find((b) => b.id === id)).toMatchObject({ status: 'answered', accepted: 2, rejected: 1 });
    expect(after.rejected.find((r) => r.nik === niks[2])?.reason).toBe('NIK tidak ditemukan di Dukcapil');
    const states = await f.db.query<{ nik: string; state: string; kpj: string | null }>(
      'SELECT p.nik, m.state, m.kpj FROM membership m JOIN person p ON p.id = m.person_id WHERE p.nik = ANY($1::text[]) ORDER BY p.nik', [niks],
    );
    expect(states.map((s) => [s.state, s.kpj])).toEqual([['active', '25010000001'], ['active', '25010000002'], ['candidate', null]]);
  });
});
