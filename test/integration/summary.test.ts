/**
 * The programme summary per regency (screen, API, XLSX, PDF) and the budget with its forecast and
 * scenarios, on a programme set up with members in every state in three regencies, two monthly
 * bills and payments. Expected figures are computed here from the raw rows (memberships, bill
 * lines, payments), never from the summary's own tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { firstVillage, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { asSystem } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { budgetOf, recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import { programmeSummary, recountTally, type ProgrammeSummary } from '../../src/features/enrollment/summary.js';
import { summaryPdf } from '../../src/features/enrollment/summary-pdf.js';
import { formatRupiah } from '../../src/domain/money.js';
import { formatDate } from '../../src/domain/billing.js';
import { todayInNtt } from '../../src/clock.js';

let f: Fixture;
let national: Client;
const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);
const REGENCIES = ['53.01', '53.07', '53.08'];

/** State → how many, per regency; active/lapsed/ended people get coverage periods. */
const PLAN: Record<string, Record<string, number>> = {
  '53.01': { active: 3, candidate: 2, waiting: 1, submitted: 1, lapsed: 1, ended: 1 },
  '53.08': { active: 2, candidate: 1, submitted: 2, ended: 1 },
  '53.07': { active: 1, waiting: 2 },
};

async function setUp(): Promise<void> {
  const villages = new Map<string, string>();
  for (const regency of REGENCIES) villages.set(regency, await firstVillage(f.db, regency));
  await sys(async (tx) => {
    const p = await getProgramme(tx, 'NTT-2026');
    let serial = 0;
    for (const regency of REGENCIES) {
      const village = villages.get(regency)!;
      for (const [state, count] of Object.entries(PLAN[regency]!)) {
        for (let i = 0; i < count; i++) {
          serial++;
          const nik = `${regency.replace('.', '')}0101${String(850000 + serial).padStart(8, '0')}`.slice(0, 16);
          const [person] = await tx.query<{ id: number }>(
            `INSERT INTO person (nik, full_name, birth_date, sex, village_code, occupation, dtsen_decile) VALUES ($1, $2, '1985-01-01', 'L', $3, 'petani', 2) RETURNING id`,
            [nik, `Peserta ${regency} ${serial}`, village],
          );
          const [m] = await tx.query<{ id: number }>(
            `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date, lapsed_on, ended_on, ended_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
            [p.id, person!.id, state, village, ['active', 'lapsed', 'ended'].includes(state) ? `26${String(serial).padStart(9, '0')}` : null,
              ['active', 'lapsed', 'ended'].includes(state) ? '2026-02-01' : null, state === 'lapsed' ? '2026-03-01' : null,
              state === 'ended' ? '2026-03-15' : null, state === 'ended' ? 'death' : null],
          );
          if (state === 'active') await tx.query(`INSERT INTO coverage_period (membership_id, from_date) VALUES ($1, '2026-02-01')`, [m!.id]);
          if (state === 'lapsed') await tx.query(`INSERT INTO coverage_period (membership_id, from_date, to_date) VALUES ($1, '2026-02-01', '2026-02-28')`, [m!.id]);
          if (state === 'ended') await tx.query(`INSERT INTO coverage_period (membership_id, from_date, to_date) VALUES ($1, '2026-02-01', '2026-03-15')`, [m!.id]);
        }
      }
    }
  });
  const feb = await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-02', 'test'));
  const mar = await sys(async (tx) => runBilling(tx, await getProgramme(tx, 'NTT-2026'), '2026-03', 'test'));
  await sys((tx) => recordPayment(tx, feb.id, { sp2d: 'SUM/001/2026', paidOn: '2026-02-12', amount: feb.amount }, 'test'));
  await sys((tx) => recordPayment(tx, mar.id, { sp2d: 'SUM/002/2026', paidOn: '2026-03-12', amount: mar.amount / 2 }, 'test'));
  // Changes after billing: the counts follow updates and deletes too.
  await sys(async (tx) => {
    await tx.query(`UPDATE membership SET state = 'submitted' WHERE id = (SELECT min(id) FROM membership WHERE state = 'candidate' AND regency_code = '53.08')`);
    await tx.query(`DELETE FROM membership WHERE id = (SELECT max(id) FROM membership WHERE state = 'waiting' AND regency_code = '53.07')`);
  });
}

interface Expected {
  counts: Map<string, Record<string, number>>;
  billed: Map<string, number>;
  paid: Map<string, number>;
  quota: Map<string, number>;
}

/** The figures straight from memberships, bill lines and payments. */
async function expected(): Promise<Expected> {
  const p = await sys((tx) => getProgramme(tx, 'NTT-2026'));
  const counts = new Map<string, Record<string, number>>();
  for (const r of await f.db.query<{ regency_code: string; state: string; n: number }>(
    'SELECT regency_code, state, count(*)::int AS n FROM membership WHERE programme_id = $1 GROUP BY 1, 2', [p.id])) {
    counts.set(r.regency_code, { ...(counts.get(r.regency_code) ?? {}), [r.state]: r.n });
  }
  const bills = await f.db.query<{ id: number; amount: number; paid: number }>(
    `SELECT b.id, b.amount, coalesce(sum(y.amount), 0)::bigint AS paid FROM bill b LEFT JOIN payment y ON y.bill_id = b.id AND y.reversed_at IS NULL
      WHERE b.programme_id = $1 AND b.status <> 'cancelled' GROUP BY b.id, b.amount`, [p.id]);
  const lines = await f.db.query<{ regency_code: string; bill_id: number; amount: number }>(
    `SELECT m.regency_code, l.bill_id, sum(l.amount)::bigint AS amount FROM bill_line l JOIN membership m ON m.id = l.membership_id
      JOIN bill b ON b.id = l.bill_id WHERE b.programme_id = $1 GROUP BY 1, 2`, [p.id]);
  const billed = new Map<string, number>();
  const paid = new Map<string, number>();
  for (const l of lines) {
    const b = bills.find((x) => x.id === l.bill_id)!;
    billed.set(l.regency_code, (billed.get(l.regency_code) ?? 0) + l.amount);
    // The payments chosen here (all of one bill, half of the other) share out exactly.
    expect((l.amount * b.paid) % b.amount).toBe(0);
    paid.set(l.regency_code, (paid.get(l.regency_code) ?? 0) + (l.amount * b.paid) / b.amount);
  }
  const quota = new Map((await f.db.query<{ regency_code: string; quota: number }>('SELECT regency_code, quota FROM programme_quota WHERE programme_id = $1', [p.id])).map((q) => [q.regency_code, q.quota]));
  return { counts, billed, paid, quota };
}

function expectRow(s: ProgrammeSummary, e: Expected, code: string, money: boolean): void {
  const row = s.regencies.find((r) => r.regencyCode === code);
  expect(row, code).toBeDefined();
  const c = e.counts.get(code) ?? {};
  expect(row).toMatchObject({
    quota: e.quota.get(code) ?? 0, waiting: c.waiting ?? 0, candidates: c.candidate ?? 0, submitted: c.submitted ?? 0,
    active: c.active ?? 0, lapsed: c.lapsed ?? 0, ended: c.ended ?? 0,
  });
  if (money) {
    expect(row).toMatchObject({ billed: e.billed.get(code) ?? 0, paid: e.paid.get(code) ?? 0, outstanding: (e.billed.get(code) ?? 0) - (e.paid.get(code) ?? 0) });
  } else {
    expect(row).toMatchObject({ billed: null, paid: null, outstanding: null });
  }
}

beforeAll(async () => {
  f = await startFixture('summary');
  await setUp();
  national = await signInAs(f.app, 'national');
});
afterAll(async () => f?.cleanup());

describe('programme summary per regency', () => {
  it('the tally kept by the triggers equals a count of the memberships', async () => {
    const count = `SELECT programme_id, regency_code, state, count(*)::int AS n FROM membership GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
    const tally = `SELECT programme_id, regency_code, state, n::int AS n FROM membership_tally WHERE n <> 0 ORDER BY 1, 2, 3`;
    expect(await f.db.query(tally)).toEqual(await f.db.query(count));
    const p = await sys((tx) => getProgramme(tx, 'NTT-2026'));
    await sys(async (tx) => {
      await tx.query('UPDATE membership_tally SET n = n + 5 WHERE programme_id = $1', [p.id]);
      await recountTally(tx, p.id);
    });
    expect(await f.db.query(tally)).toEqual(await f.db.query(count));
  });

  it('each bill keeps what it charged per regency, adding up to the bill', async () => {
    const rows = await f.db.query<{ id: number; amount: number; parts: number; persons: number; lines: number }>(
      `SELECT b.id, b.amount, (SELECT sum(amount) FROM bill_regency r WHERE r.bill_id = b.id)::bigint AS parts,
              (SELECT sum(persons) FROM bill_regency r WHERE r.bill_id = b.id)::int AS persons, b.persons AS lines
         FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = 'NTT-2026'`);
    expect(rows).toHaveLength(2);
    for (const r of rows) expect([r.parts, r.persons]).toEqual([r.amount, r.lines]);
  });

  it('the funder sees every regency with counts and money; the total is the sum of the rows', async () => {
    const e = await expected();
    const res = await national.request('GET', '/api/programmes/NTT-2026/summary');
    expect(res.statusCode).toBe(200);
    const s = res.json() as ProgrammeSummary;
    expect(s.moneyVisible).toBe(true);
    expect(s.asOf).toBe(todayInNtt());
    for (const code of REGENCIES) expectRow(s, e, code, true);
    // Every quota row is listed (22 regencies of NTT), members or not.
    expect(s.regencies.map((r) => r.regencyCode)).toEqual([...e.quota.keys()].sort());
    const all = [...e.counts.values()];
    const n = (state: string) => all.reduce((t, c) => t + (c[state] ?? 0), 0);
    const billed = [...e.billed.values()].reduce((a, b) => a + b, 0);
    const paid = [...e.paid.values()].reduce((a, b) => a + b, 0);
    expect(s.total).toEqual({
      quota: [...e.quota.values()].reduce((a, b) => a + b, 0), waiting: n('waiting'), candidates: n('candidate'), submitted: n('submitted'),
      active: n('active'), lapsed: n('lapsed'), ended: n('ended'), billed, paid, outstanding: billed - paid,
    });
    expect(s.unallocated).toEqual({ billed: 0, paid: 0, outstanding: 0 });
    // The budget's billed and paid are the same money seen from the programme.
    const b = (await national.request('GET', '/api/programmes/NTT-2026/budget')).json() as { billed: number; paid: number };
    expect([b.billed, b.paid]).toEqual([billed, paid]);
  });

  it('a regency operator sees only their regency, counts without the funder\'s money; a village operator their regency\'s counts', async () => {
    const e = await expected();
    const kupang = await signInAs(f.app, username('regency_operator'));
    const s = (await kupang.request('GET', '/api/programmes/NTT-2026/summary')).json() as ProgrammeSummary;
    expect(s.regencies.map((r) => r.regencyCode)).toEqual(['53.01']);
    expect(s.moneyVisible).toBe(false);
    expectRow(s, e, '53.01', false);
    expect(s.total.billed).toBeNull();
    const village = await signInAs(f.app, username('village_operator'));
    const v = (await village.request('GET', '/api/programmes/NTT-2026/summary')).json() as ProgrammeSummary;
    expect(v.regencies.map((r) => r.regencyCode)).toEqual(['53.01']);
    expectRow(v, e, '53.01', false);
    const ende = await signInAs(f.app, 'ende.operator');
    const en = (await ende.request('GET', '/api/programmes/NTT-2026/summary')).json() as ProgrammeSummary;
    expect(en.regencies.map((r) => r.regencyCode)).toEqual(['53.08']);
    expectRow(en, e, '53.08', false);
    // Ende's own programme has nothing in Kupang: refused, not an empty report.
    expect((await kupang.request('GET', '/api/programmes/ENDE-2026/summary')).statusCode).toBe(403);
    expect((await kupang.request('GET', '/api/programmes/ENDE-2026/summary.pdf')).statusCode).toBe(403);
  });

  it('the screen shows the table with Indonesian numbers and rupiah, and links both downloads', async () => {
    const e = await expected();
    const res = await national.request('GET', '/programmes/NTT-2026/report');
    expect(res.statusCode).toBe(200);
    const billed = [...e.billed.values()].reduce((a, b) => a + b, 0);
    expect(res.body).toContain(formatRupiah(billed));
    expect(res.body).toContain('/api/programmes/NTT-2026/summary.xlsx');
    expect(res.body).toContain('/api/programmes/NTT-2026/summary.pdf');
    expect(res.body).toMatch(/<tr data-regency="53.01"><td[^>]*>Kabupaten Kupang<\/td>/);
    const programme = await national.request('GET', '/programmes/NTT-2026');
    expect(programme.body).toContain('href="/programmes/NTT-2026/report"');
    expect(programme.body).toContain('href="/programmes/NTT-2026/budget"');
  });

  it('the XLSX has a title block, numbers as numbers in a rupiah format, and the total row', async () => {
    const e = await expected();
    const res = await national.request('GET', '/api/programmes/NTT-2026/summary.xlsx');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Ringkasan')!;
    expect(String(ws.getCell('A1').value)).toContain('NTT-2026');
    expect(String(ws.getCell('A2').value)).toContain(`Per ${formatDate(todayInNtt(), 'id')}`);
    expect(String(ws.getCell('A3').value)).toMatch(/^Sumber: Lindung/);
    const header = (ws.getRow(5).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 4)).toEqual(['Kode', 'Kabupaten/Kota', 'Kuota', 'Calon']);
    const col = (title: string) => header.indexOf(title) + 1;
    let kupang: ExcelJS.Row | null = null;
    let total: ExcelJS.Row | null = null;
    ws.eachRow((row) => {
      if (row.getCell(1).value === '53.01') kupang = row;
      if (row.getCell(2).value === 'Jumlah') total = row;
    });
    const k = kupang as unknown as ExcelJS.Row;
    expect(k.getCell(col('Aktif')).value).toBe(e.counts.get('53.01')!.active);
    expect(k.getCell(col('Ditagih (Rp)')).value).toBe(e.billed.get('53.01'));
    expect(k.getCell(col('Ditagih (Rp)')).numFmt).toBe('"Rp"#,##0');
    expect(k.getCell(col('Dibayar (Rp)')).value).toBe(e.paid.get('53.01'));
    const t = total as unknown as ExcelJS.Row;
    expect(t.getCell(col('Ditagih (Rp)')).value).toBe([...e.billed.values()].reduce((a, b) => a + b, 0));
    expect(t.getCell(col('Kuota')).value).toBe(50_000);
  });

  it('the PDF is a real A4 landscape PDF in Indonesian with the programme, the date, rupiah and page numbers', async () => {
    const res = await national.request('GET', '/api/programmes/NTT-2026/summary.pdf');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const s = await sys(async (tx) => programmeSummary(tx, await getProgramme(tx, 'NTT-2026'), '2026-11-24'));
    const pdf = (await summaryPdf(s, { compress: false })).toString('latin1');
    expect(pdf).toMatch(/\/MediaBox \[0 0 841\.89 595\.28\]/);
    // pdfkit writes text as hex glyph strings inside TJ arrays: decode them.
    const text = [...pdf.matchAll(/\[([^\]]*)\] TJ/g)]
      .map((m) => [...m[1]!.matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
      .join('\n');
    expect(text).toContain('Ringkasan Program per Kabupaten/Kota');
    expect(text).toContain('NTT-2026');
    expect(text).toContain('per 24 November 2026');
    expect(text).toContain(formatRupiah(s.total.billed!));
    expect(text).toMatch(/Rp\d{1,3}(\.\d{3})+/);
    expect(text).toContain('Halaman 1 dari 1');
    expect(text).toContain('Jumlah');
  });
});

describe('budget: forecast and scenarios', () => {
  it('scenarios through the API: default per person is the dated tariff, 50.000 × 12 × Rp16.800 = Rp10.080.000.000', async () => {
    const created = await national.request('POST', '/api/programmes/NTT-2026/scenarios', { name: 'Usulan 2027', workers: 50_000, months: 12 });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Usulan 2027', workers: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 });
    const twice = await national.request('POST', '/api/programmes/NTT-2026/scenarios', { name: 'usulan 2027', workers: 1, months: 1 });
    expect(twice.statusCode).toBe(409);
    const extra = await national.request('POST', '/api/programmes/NTT-2026/scenarios', { name: 'Hemat', workers: 40_000, months: 12, perPersonPerMonth: 16_800 });
    expect(extra.json()).toMatchObject({ total: 8_064_000_000 });
    const list = (await national.request('GET', '/api/programmes/NTT-2026/scenarios')).json() as { items: { id: number; name: string }[] };
    expect(list.items.map((s) => s.name)).toEqual(expect.arrayContaining(['Hemat', 'Usulan 2027']));
    const hemat = list.items.find((s) => s.name === 'Hemat')!;
    const usulan = list.items.find((s) => s.name === 'Usulan 2027')!;
    // Not the funder's area: a province officer bound to Kupang may manage programmes, not this one's budget.
    const officer = await signInAs(f.app, username('province_officer'));
    expect((await officer.request('POST', '/api/programmes/NTT-2026/scenarios', { name: 'X', workers: 1, months: 1 })).statusCode).toBe(403);
    expect((await officer.request('DELETE', `/api/programmes/NTT-2026/scenarios/${hemat.id}`)).statusCode).toBe(403);
    const operator = await signInAs(f.app, username('regency_operator'));
    expect((await operator.request('POST', '/api/programmes/NTT-2026/scenarios', { name: 'X', workers: 1, months: 1 })).statusCode).toBe(403);
    const gone = await national.request('DELETE', `/api/programmes/NTT-2026/scenarios/${hemat.id}`);
    expect(gone.statusCode).toBe(200);
    const history = await f.db.query<{ op: string; row_key: string; area_code: string }>(
      `SELECT op, row_key, area_code FROM audit_history WHERE table_name = 'budget_scenario' AND row_key = ANY($1::text[]) ORDER BY id`, [[String(hemat.id), String(usulan.id)]]);
    expect(history.map((h) => `${h.op}${h.row_key === String(hemat.id) ? 'H' : 'U'}`)).toEqual(['IU', 'IH', 'DH']);
    expect(history.every((h) => h.area_code === '53')).toBe(true);
  });

  it('the budget JSON gives quota, months, per person, total, allocation, committed, billed, paid, remaining and the forecast', async () => {
    const res = await national.request('GET', '/api/programmes/NTT-2026/budget');
    const b = res.json() as Record<string, unknown>;
    for (const k of ['quota', 'months', 'perPersonPerMonth', 'total', 'allocation', 'committed', 'billed', 'paid', 'remaining', 'forecast']) expect(b, k).toHaveProperty(k);
    expect(b).toMatchObject({ quota: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 });
    expect(b.scenarios).toContainEqual(expect.objectContaining({ name: 'Usulan 2027', workers: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 }));
    expect(b.scenarios).not.toContainEqual(expect.objectContaining({ name: 'Hemat' }));
    expect((b.forecast as { nextYear: unknown }).nextYear).toMatchObject({ fiscalYear: 2027, perPersonPerMonth: 16_800, scenarios: expect.arrayContaining([expect.objectContaining({ name: 'Usulan 2027', total: 10_080_000_000 })]) });
  });

  it('the rest of the year: active members × months still to bill × the tariff of each month', async () => {
    const [active] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM membership m JOIN programme p ON p.id = m.programme_id WHERE p.code = 'NTT-2026' AND m.state = 'active'`);
    const [billed] = await f.db.query<{ total: number; last: string }>(`SELECT sum(amount)::bigint AS total, to_char(max(month), 'YYYY-MM') AS last FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = 'NTT-2026'`);
    expect(billed!.last).toBe('2026-03');
    const b = await sys(async (tx) => budgetOf(tx, await getProgramme(tx, 'NTT-2026'), '2026-05-01'));
    expect(b.forecast.restOfYear).toMatchObject({ fiscalYear: 2026, from: '2026-04', to: '2026-12', months: 9, activeMembers: active!.n, total: active!.n * 9 * 16_800 });
    expect(b.forecast.yearEnd).toBe(billed!.total + active!.n * 9 * 16_800);
    // A tariff change from July: the forecast charges July–December at the new price.
    await sys(async (tx) => {
      await tx.query(`UPDATE tariff SET valid_to = '2026-06-30' WHERE benefit = 'JKM' AND funding = 'any' AND valid_to IS NULL`);
      await tx.query(`INSERT INTO tariff (benefit, basis_income, amount, valid_from, funding, legal_basis) VALUES ('JKM', 1000000, 7200, '2026-07-01', 'any', 'Perubahan uji')`);
    });
    const after = await sys(async (tx) => budgetOf(tx, await getProgramme(tx, 'NTT-2026'), '2026-05-01'));
    expect(after.forecast.restOfYear.byMonth.map((m) => m.perPersonPerMonth)).toEqual([16_800, 16_800, 16_800, 17_200, 17_200, 17_200, 17_200, 17_200, 17_200]);
    expect(after.forecast.restOfYear.total).toBe(active!.n * (3 * 16_800 + 6 * 17_200));
    // The scenario kept the price it was made with; next year's default follows the table.
    expect(after.forecast.nextYear.perPersonPerMonth).toBe(17_200);
    expect(after.scenarios.find((s) => s.name === 'Usulan 2027')).toMatchObject({ perPersonPerMonth: 16_800, total: 10_080_000_000 });
  });

  it('the budget screen shows the forecast and lets the funder add and remove scenarios', async () => {
    const page = await national.request('GET', '/programmes/NTT-2026/budget');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Rp10.080.000.000');
    expect(page.body).toContain('id="scenario-form"');
    const form = (body: Record<string, string>) => national.request('POST', '/programmes/NTT-2026/scenarios', new URLSearchParams({ _csrf: national.csrf, ...body }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    const bad = await form({ name: 'Kosong', workers: 'banyak', months: '12' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('jumlah pekerja harus bilangan bulat');
    const ok = await form({ name: 'Perluasan 2027', workers: '75.000', months: '12', perPerson: '16.800' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain(formatRupiah(75_000 * 12 * 16_800));
  });
});
