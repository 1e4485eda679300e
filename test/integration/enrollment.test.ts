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
