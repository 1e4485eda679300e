/**
 * The claims dashboard (function, API, XLSX, screen) and the claim letters (decision letter,
 * payout notice) on claims written straight into the tables: Kupang (53.01) and Ende (53.08),
 * every status, payments on time and late, one across the Imlek holiday, two overdue files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { asActor, asSystem, type Actor } from '../../src/db/scope.js';
import { addUser } from '../../src/features/users/users.js';
import { claimList, claimsDashboard } from '../../src/features/claims/dashboard.js';
import { claimsDashboardXlsx } from '../../src/features/claims/dashboard-xlsx.js';
import { decisionLetterPdf, letterData, payoutNoticePdf } from '../../src/features/claims/letters.js';
import { FOREIGN, HOME, PASSWORD, insertPerson, signInAs, startFixture, type Client, type Fixture } from '../helpers/app.js';
import { insertClaim, insertPayees, jkmEntitlement } from '../helpers/claim-rows.js';

let f: Fixture;
const id: Record<string, number> = {};
const person: Record<string, number> = {};
let province: Client;
let kupang: Client;
const TODAY = '2026-03-10'; // a Tuesday
const provinceActor = (): Actor => ({ userId: null, username: 'claims.province', role: 'province_officer', areaCode: '53' });
const kupangActor: Actor = { userId: null, username: 't.regency-operator', role: 'regency_operator', areaCode: HOME };

/** pdfkit writes text as hex glyph strings inside TJ arrays: decode them, and join wrapped lines with a space. */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

beforeAll(async () => {
  f = await startFixture('claims-dashboard');
  await asSystem(f.db, 'test', (tx) => addUser(tx, { username: 'claims.province', fullName: 'Province claims desk', role: 'province_officer', areaCode: '53', password: PASSWORD }));
  province = await signInAs(f.app, 'claims.province');
  kupang = await signInAs(f.app, 't.regency-operator');
  const kupangVillage = f.homeVillage;
  const endeVillage = f.foreignVillage;
  for (const [k, nik, name, village, sex] of [
    ['k1', '5301010101700011', 'Agustinus Nome', kupangVillage, 'L'], ['k2', '5301010101700012', 'Yakobus Bria', kupangVillage, 'L'],
    ['k3', '5301010101700013', 'Markus Taek', kupangVillage, 'L'], ['k5', '5301014101700014', 'Maria Seran', kupangVillage, 'P'],
    ['e1', '5308010101700015', 'Paulus Wangge', endeVillage, 'L'], ['e2', '5308010101700016', 'Yosef Bata', endeVillage, 'L'],
  ] as const) person[k] = await insertPerson(f.db, { nik, name, village, sex });

  const [m] = await asSystem(f.db, 'test', (tx) => tx.query<{ id: number }>(
    `INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date)
     SELECT id, $1, 'active', $2, '26000000011', '2025-01-01' FROM programme WHERE code = 'NTT-2026' RETURNING id`, [person.k1!, kupangVillage]));

  // Kupang: confirmed across Imlek (17 Feb) within the SLA; paid late; submitted and overdue; approved on time; draft; rejected; withdrawn.
  id.k1 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0001', personId: person.k1!, villageCode: kupangVillage, type: 'jkm_death', status: 'confirmed', eventDate: '2026-02-01', eventPlace: 'Rumah, Desa Oelnasi',
    entitled: 42_000_000, approved: 42_000_000, completeOn: '2026-02-12', slaDue: '2026-02-18', submittedOn: '2026-02-13', decidedOn: '2026-02-16',
    paidOn: '2026-02-18', confirmedOn: '2026-02-19', membershipId: m!.id, programmeCode: 'NTT-2026', entitlement: jkmEntitlement('2026-02-01', 13),
    coverage: { covered: true, programmeCode: 'NTT-2026', funderName: 'Pemerintah Provinsi Nusa Tenggara Timur', coverageStart: '2025-01-01' },
  });
  await insertPayees(f.db, id.k1!, kupangVillage, [
    { fullName: 'Yuliana Nome', relation: 'anak', amount: 21_000_000, bankAccount: '0012345678901', transfers: [{ reference: 'LDG-0001-1', status: 'success', sentOn: '2026-02-18', bankReference: 'NTT778899' }] },
    { fullName: 'Kornelis Nome', relation: 'anak', amount: 21_000_000, bankAccount: '0098765432109', transfers: [
      { reference: 'LDG-0001-2', status: 'failed', sentOn: '2026-02-18', failureReason: 'Rekening tidak aktif' },
      { reference: 'LDG-0001-3', status: 'success', sentOn: '2026-02-18', bankReference: 'NTT778900' },
    ] },
  ]);
  id.k2 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0002', personId: person.k2!, villageCode: kupangVillage, type: 'jkm_death', status: 'paid', eventDate: '2026-01-20',
    entitled: 10_000_000, approved: 10_000_000, completeOn: '2026-02-02', slaDue: '2026-02-05', submittedOn: '2026-02-03', decidedOn: '2026-02-04', paidOn: '2026-02-10',
  });
  id.k3 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0003', personId: person.k3!, villageCode: kupangVillage, type: 'jkk_death', status: 'submitted', eventDate: '2026-02-25',
    entitled: 70_000_000, completeOn: '2026-03-02', slaDue: '2026-03-05', submittedOn: '2026-03-03',
  });
  id.k4 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0004', personId: f.homePersonId, villageCode: kupangVillage, type: 'jkk_medical', status: 'approved', eventDate: '2026-03-01',
    entitled: 2_500_000, approved: 2_500_000, completeOn: '2026-03-06', slaDue: '2026-03-11', submittedOn: '2026-03-06', decidedOn: '2026-03-09',
  });
  id.k5 = await insertClaim(f.db, { claimNo: 'KLM-2026-0005', personId: person.k5!, villageCode: kupangVillage, type: 'jkm_death', status: 'draft', eventDate: '2026-03-08', entitled: 42_000_000 });
  id.k6 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0006', personId: f.homePersonId, villageCode: kupangVillage, type: 'jkm_death', status: 'rejected', eventDate: '2026-01-05', entitled: 0, covered: false,
    completeOn: '2026-01-12', slaDue: '2026-01-15', submittedOn: '2026-01-13', decidedOn: '2026-01-14',
    rejectionReason: 'Kepesertaan non-aktif (menunggak) pada tanggal kejadian.',
    coverage: { covered: false, answer: { covered: false, reason: { id: 'kepesertaan non-aktif sejak 1 Desember 2025', en: 'lapsed since 1 December 2025' } } },
  });
  id.k7 = await insertClaim(f.db, { claimNo: 'KLM-2026-0007', personId: person.k2!, villageCode: kupangVillage, type: 'funeral', status: 'withdrawn', eventDate: '2026-01-20', entitled: 10_000_000 });
  // Ende: complete and overdue; total disability paid in two working days.
  id.e1 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0008', personId: person.e1!, villageCode: endeVillage, type: 'jkm_death', status: 'documents_complete', eventDate: '2026-02-15',
    entitled: 42_000_000, completeOn: '2026-02-23', slaDue: '2026-02-26',
  });
  id.e2 = await insertClaim(f.db, {
    claimNo: 'KLM-2026-0009', personId: person.e2!, villageCode: endeVillage, type: 'jkk_disability_total', status: 'confirmed', eventDate: '2025-12-20',
    entitled: 56_000_000, approved: 56_000_000, completeOn: '2026-01-05', slaDue: '2026-01-08', submittedOn: '2026-01-05', decidedOn: '2026-01-06', paidOn: '2026-01-07', confirmedOn: '2026-01-08',
  });
});
afterAll(async () => f?.cleanup());

describe('claims dashboard (as of Tuesday 10 March 2026)', () => {
  it('province: counts and amounts by status, type and regency; time to payment in working days; overdue list', async () => {
    const d = await asActor(f.db, provinceActor(), (tx) => claimsDashboard(tx, {}, TODAY));
    expect(d.total).toMatchObject({
      claims: 9, open: 4, overdue: 2, onTime: 1, rejected: 1, withdrawn: 1, approved: 4, paid: 3, confirmed: 2,
      entitledAmount: 264_500_000, approvedAmount: 110_500_000, paidAmount: 108_000_000, confirmedAmount: 98_000_000,
    });
    // K1: complete Thu 12 Feb, paid Wed 18 Feb, Tue 17 Feb (Imlek) does not count: 3. K2: 6. E2: 2.
    expect(d.paymentDays).toEqual([{ days: 2, count: 1 }, { days: 3, count: 1 }, { days: 6, count: 1 }]);
    expect(d.total.timeToPayment).toEqual({ paid: 3, withinSla: 2, averageDays: 3.7, medianDays: 3, p90Days: 6, maxDays: 6 });
    expect(d.slaDays).toBe(3);
    expect(d.paymentBuckets.map((b) => [b.label.id, b.count, b.withinSla])).toEqual([
      ['0–1 hari kerja', 0, true], ['2–3 hari kerja', 2, true], ['4–5 hari kerja', 0, false], ['6–10 hari kerja', 1, false], ['11–20 hari kerja', 0, false], ['21 hari kerja atau lebih', 0, false],
    ]);
    expect(d.byStatus.map((s) => [s.status, s.count])).toEqual([
      ['draft', 1], ['documents_complete', 1], ['submitted', 1], ['approved', 1], ['rejected', 1], ['paid', 1], ['confirmed', 2], ['withdrawn', 1],
    ]);
    const jkm = d.byType.find((t) => t.type === 'jkm_death')!;
    expect(jkm).toMatchObject({ claims: 5, open: 2, overdue: 1, rejected: 1, paid: 2, paidAmount: 52_000_000, entitledAmount: 136_000_000 });
    expect(d.byType.map((t) => t.type)).toHaveLength(7);
    const kupangRow = d.regencies.find((r) => r.regencyCode === '53.01')!;
    const endeRow = d.regencies.find((r) => r.regencyCode === '53.08')!;
    expect(kupangRow).toMatchObject({ regencyName: 'Kabupaten Kupang', claims: 7, overdue: 1, paid: 2, paidAmount: 52_000_000 });
    expect(kupangRow.timeToPayment).toMatchObject({ paid: 2, withinSla: 1, medianDays: 3, maxDays: 6 });
    expect(endeRow).toMatchObject({ regencyName: 'Kabupaten Ende', claims: 2, overdue: 1, paid: 1, paidAmount: 56_000_000 });
    // Every NTT regency is listed for the province (zeros too).
    expect(d.regencies.length).toBeGreaterThanOrEqual(22);
    expect(d.regencies.find((r) => r.regencyCode === '53.10')!.claims).toBe(0);
    // Oldest due date first: Ende due Thu 26 Feb (8 working days late), Kupang due Thu 5 Mar (3).
    expect(d.overdue.count).toBe(2);
    expect(d.overdue.items.map((o) => [o.claimNo, o.slaDue, o.workingDaysLate, o.fullName, o.regencyName])).toEqual([
      ['KLM-2026-0008', '2026-02-26', 8, 'Paulus Wangge', 'Kabupaten Ende'],
      ['KLM-2026-0003', '2026-03-05', 3, 'Markus Taek', 'Kabupaten Kupang'],
    ]);
  });

  it('a regency operator sees only the regency; a foreign regency is refused with a clear message', async () => {
    const d = await asActor(f.db, kupangActor, (tx) => claimsDashboard(tx, {}, TODAY));
    expect(d.total.claims).toBe(7);
    expect(d.regencies.map((r) => r.regencyCode)).toEqual(['53.01']);
    expect(d.overdue.items.map((o) => o.claimNo)).toEqual(['KLM-2026-0003']);
    await expect(asActor(f.db, kupangActor, (tx) => claimsDashboard(tx, { regency: FOREIGN }, TODAY))).rejects.toMatchObject({ kind: 'forbidden', code: 'out_of_area' });
    // A village operator may narrow to the regency holding the village.
    const village = await asActor(f.db, { userId: null, username: 't.village-operator', role: 'village_operator', areaCode: f.homeVillage }, (tx) => claimsDashboard(tx, { regency: HOME }, TODAY));
    expect(village.total.claims).toBe(7);
  });

  it('filters: type, regency, programme, period of events; bad values refused', async () => {
    const run = (filter: Parameters<typeof claimsDashboard>[1]) => asActor(f.db, provinceActor(), (tx) => claimsDashboard(tx, filter, TODAY));
    const deaths = await run({ type: 'jkk_death' });
    expect(deaths.total).toMatchObject({ claims: 1, overdue: 1, entitledAmount: 70_000_000 });
    const ende = await run({ regency: FOREIGN });
    expect(ende.total.claims).toBe(2);
    expect(ende.regencies.map((r) => r.regencyCode)).toEqual([FOREIGN]);
    const programme = await run({ programme: 'NTT-2026' });
    expect(programme.total.claims).toBe(1);
    const feb = await run({ from: '2026-02-01', to: '2026-02-28' });
    expect(feb.total.claims).toBe(3); // K1 (1 Feb), K3 (25 Feb), E1 (15 Feb)
    await expect(run({ type: 'car_crash' as never })).rejects.toMatchObject({ code: 'claim_type_unknown' });
    await expect(run({ from: '2026-02-30' })).rejects.toMatchObject({ code: 'date_invalid' });
    await expect(run({ from: '2026-03-01', to: '2026-02-01' })).rejects.toMatchObject({ code: 'period_inverted' });
    await expect(run({ programme: 'NOPE-1' })).rejects.toMatchObject({ code: 'programme_unknown' });
    await expect(run({ regency: 'Ende' })).rejects.toMatchObject({ code: 'regency_invalid' });
  });

  it('XLSX: summary, per regency, time to payment, overdue and every claim — numbers as numbers, no NIK or account', async () => {
    const { d, list } = await asActor(f.db, provinceActor(), async (tx) => {
      const d = await claimsDashboard(tx, {}, TODAY);
      return { d, list: await claimList(tx, d) };
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await claimsDashboardXlsx(d, list)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Per kabupaten', 'Waktu pembayaran', 'Terlambat', 'Daftar klaim']);
    const reg = wb.getWorksheet('Per kabupaten')!;
    let kupangRow: ExcelJS.Row | null = null;
    reg.eachRow((r) => {
      if (r.getCell(1).value === '53.01') kupangRow = r;
    });
    const k = kupangRow as unknown as ExcelJS.Row;
    expect(k.getCell(2).value).toBe('Kabupaten Kupang');
    expect(k.getCell(3).value).toBe(7); // claims
    expect(k.getCell(11).value).toBe(52_000_000); // paid amount
    expect(k.getCell(11).numFmt).toBe('"Rp"#,##0');
    const late = wb.getWorksheet('Terlambat')!;
    expect(late.getCell(6, 1).value).toBe('KLM-2026-0008');
    expect(late.getCell(6, 13).value).toBe(8);
    expect(late.getCell(7, 1).value).toBe('KLM-2026-0003');
    const all = wb.getWorksheet('Daftar klaim')!;
    expect(all.rowCount).toBe(5 + 9);
    const k1 = list.find((c) => c.claimNo === 'KLM-2026-0001')!;
    expect(k1).toMatchObject({ workingDaysToPay: 3, workingDaysLate: null, paidOn: '2026-02-18', programmeCode: 'NTT-2026' });
    let text = '';
    for (const ws of wb.worksheets) ws.eachRow((r) => r.eachCell((c) => (text += ` ${String(c.value)}`)));
    expect(text).toContain('Paulus Wangge');
    expect(text).not.toContain('5308010101700015');
    expect(text).not.toContain('0012345678901');
  });

  it('API and screen: JSON, XLSX download, the dashboard page with the overdue list; roles without claims.read refused', async () => {
    const res = await province.request('GET', '/api/claims/dashboard?type=jkm_death');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { total: { claims: number }; filter: { type: string }; asOf: string };
    expect(body.total.claims).toBe(5);
    expect(body.filter.type).toBe('jkm_death');
    const bad = await province.request('GET', '/api/claims/dashboard?from=31-12-2025');
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { detail: string }).detail).toContain('TTTT-BB-HH');
    const outside = await kupang.request('GET', `/api/claims/dashboard?regency=${FOREIGN}`);
    expect(outside.statusCode).toBe(403);

    const xlsx = await province.request('GET', '/api/claims/dashboard.xlsx?regency=53.08');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    expect(xlsx.headers['content-disposition']).toMatch(/dasbor-klaim-\d{4}-\d{2}-\d{2}\.xlsx/);

    const page = await province.request('GET', '/claims/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Dasbor klaim');
    expect(page.body).toContain('data-testid="claims-total">9<');
    // Whatever today is (after March 2026), every file with a running clock here is late now: K3, K4, E1.
    expect(page.body).toContain('data-testid="claims-overdue">3<');
    expect(page.body).toContain('data-claim="KLM-2026-0008"');
    expect(page.body).toContain('Rp108.000.000');
    expect(page.body).toContain('/api/claims/dashboard.xlsx');
    const filtered = await province.request('GET', '/claims/dashboard?regency=53.08&type=');
    expect(filtered.body).toContain('data-testid="claims-total">2<');
    expect(filtered.body).toContain('href="/api/claims/dashboard.xlsx?regency=53.08"');
    const refused = await kupang.request('GET', `/claims/dashboard?regency=${FOREIGN}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('di luar wilayah kerja Anda');
    const bank = await signInAs(f.app, 't.bank-liaison');
    expect((await bank.request('GET', '/claims/dashboard')).statusCode).toBe(403);
    expect((await bank.request('GET', '/api/claims/dashboard')).statusCode).toBe(403);
  });
  it('a regency\'s own holiday counts for its claims only (time to payment, days late)', async () => {
    await asSystem(f.db, 'test', (tx) => tx.query(`INSERT INTO public_holiday (day, name, area_code) VALUES ('2026-02-16', 'Hari jadi Kabupaten Kupang (uji)', '53.01'), ('2026-03-09', 'Libur daerah Kupang (uji)', '53.01')`));
    try {
      const d = await asActor(f.db, provinceActor(), (tx) => claimsDashboard(tx, {}, TODAY));
      // K1: Fri 13, (Mon 16 regional), Wed 18 → 2; K2 and Ende's E2 unchanged.
      expect(d.paymentDays).toEqual([{ days: 2, count: 2 }, { days: 6, count: 1 }]);
      expect(d.overdue.items.map((o) => [o.claimNo, o.workingDaysLate])).toEqual([['KLM-2026-0008', 8], ['KLM-2026-0003', 2]]);
    } finally {
      await asSystem(f.db, 'test', (tx) => tx.query(`DELETE FROM public_holiday WHERE area_code = '53.01'`));
    }
  });
});

describe('letters', () => {
  it('decision letter of an approved JKM death: amount in words, components, payees with masked accounts', async () => {
    const d = await asActor(f.db, provinceActor(), (tx) => letterData(tx, id.k1!));
    const text = pdfText(await decisionLetterPdf(d, { compress: false, printedOn: TODAY }));
    expect(text).toContain('SURAT PEMBERITAHUAN KEPUTUSAN KLAIM');
    expect(text).toContain('PEMERINTAH PROVINSI NUSA TENGGARA TIMUR');
    expect(text).toContain('KLM-2026-0001');
    expect(text).toContain('DISETUJUI');
    expect(text).toContain('Rp42.000.000 (empat puluh dua juta rupiah)');
    expect(text).toContain('Santunan sekaligus');
    expect(text).toContain('Rp20.000.000');
    expect(text).toContain('Biaya pemakaman');
    expect(text).toContain('PP 82/2019');
    expect(text).toContain('Agustinus Nome');
    expect(text).toContain('26000000011'); // KPJ
    expect(text).toContain('5301xxxxxxxx0011'); // NIK masked
    expect(text).not.toContain('5301010101700011');
    expect(text).toContain('Yuliana Nome');
    expect(text).toContain('xxxxxxxxx8901');
    expect(text).not.toContain('0012345678901');
    expect(text).toContain('Rp21.000.000');
    expect(text).toContain('16 Februari 2026'); // decided
    expect(text).toContain('13 bulan penuh');
    expect(text).toMatch(/Halaman 1 dari \d/);
  });

  it('decision letter of a rejected claim gives the reason; an undecided claim has none yet', async () => {
    const d = await asActor(f.db, provinceActor(), (tx) => letterData(tx, id.k6!));
    const text = pdfText(await decisionLetterPdf(d, { compress: false, printedOn: TODAY }));
    expect(text).toContain('DITOLAK');
    expect(text).toContain('Kepesertaan non-aktif (menunggak) pada tanggal kejadian.');
    expect(text).toContain('kepesertaan non-aktif sejak 1 Desember 2025');
    expect(text).toContain('Rp0 (nol rupiah)');
    expect(text).toContain('Ahli waris almarhum Yohanes Tefa');
    const draft = await asActor(f.db, provinceActor(), (tx) => letterData(tx, id.k5!));
    expect(() => decisionLetterPdf(draft, { printedOn: TODAY })).toThrow(/cannot be made yet/);
  });

  it('payout notice: each payee with amount in words, reference, the bank\'s answer and the failed attempt before the retry', async () => {
    const d = await asActor(f.db, provinceActor(), (tx) => letterData(tx, id.k1!));
    const text = pdfText(await payoutNoticePdf(d, { compress: false, printedOn: TODAY }));
    expect(text).toContain('PEMBERITAHUAN PEMBAYARAN MANFAAT');
    expect(text).toContain('Dua puluh satu juta rupiah');
    expect(text).toContain('LDG-0001-1');
    expect(text).toContain('NTT778899');
    expect(text).toContain('LDG-0001-3');
    expect(text).toContain('Berhasil ditransfer');
    expect(text).toContain('LDG-0001-2: Gagal (Rekening tidak aktif)');
    expect(text).toContain('Rp42.000.000 (empat puluh dua juta rupiah)');
    expect(text).toContain('xxxxxxxxx2109');
    expect(text).not.toContain('0098765432109');
    const notPaid = await asActor(f.db, provinceActor(), (tx) => letterData(tx, id.k4!));
    expect(() => payoutNoticePdf(notPaid, { printedOn: TODAY })).toThrow(/no transfer has been sent/);
  });

  it('API and web links: PDFs for the area, 409 before the decision, 404 outside the area', async () => {
    for (const url of [`/api/claims/${id.k1}/letters/decision.pdf`, `/claims/${id.k1}/letters/payout.pdf`]) {
      const res = await kupang.request('GET', url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain('KLM-2026-0001');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    }
    const early = await kupang.request('GET', `/api/claims/${id.k5}/letters/decision.pdf`);
    expect(early.statusCode).toBe(409);
    expect((early.json() as { detail: string }).detail).toContain('belum bisa dibuat');
    const foreign = await kupang.request('GET', `/api/claims/${id.e2}/letters/decision.pdf`);
    expect(foreign.statusCode).toBe(404);
    expect((await province.request('GET', `/api/claims/${id.e2}/letters/decision.pdf`)).statusCode).toBe(200);
  });
});
