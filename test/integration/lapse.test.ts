/**
 * Memberships on a timeline, on the engine under test: three unpaid months lapse a membership,
 * paying the arrears reinstates it from the day after the payment, an end (death) frees the place,
 * the best-ranked person waiting takes it with their own coverage start, and an administrator can
 * reopen an end made by mistake — through the feature code, the API, the screens and the CLI.
 *
 * The programme is Kabupaten Kupang's own (funded by 53.01, where the test accounts work), from
 * July 2025 to June 2026, with a quota of three in Kupang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson, signInAs, startFixture, username, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { asSystem } from '../../src/db/scope.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission, type ResponseLine } from '../../src/features/enrollment/submissions.js';
import { getBill, recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import { memberStatus } from '../../src/features/enrollment/status.js';
import { loadLapseRules, processLapses, programmeMonths } from '../../src/features/enrollment/lapse-run.js';
import { endMembership, reopenMembership } from '../../src/features/enrollment/membership-end.js';
import { replaceFreedPlaces } from '../../src/features/enrollment/replacement.js';
import { membershipEpisodes } from '../../src/domain/lapse-run.js';
import { coveredPeriods } from '../../src/domain/lapse.js';
import { UserError } from '../../src/domain/user-error.js';

const CODE = 'KUPANG-2025';
const NIK = {
  a: '5301010101700011', // active from 21 July
  b: '5301010101700012', // active from 21 July; dies on 3 November
  c: '5301010101700013', // active from 10 August
  d: '5301010101950014', // waiting: extreme poor (first in line)
  e: '5301010101700015', // waiting: born 1970
  f: '5301010101900016', // waiting: born 1990
} as const;
type Who = keyof typeof NIK;

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

/** A regency-funded programme for Kupang with a quota of `quota`, and people in the regency's first village. */
async function setUp(db: Db, village: string, quota: number, people: { nik: string; name: string; state: 'candidate' | 'waiting'; birth?: string; extremePoor?: boolean }[]) {
  await asSystem(db, 'test', async (tx) => {
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ($1, 'Perlindungan Pekerja Rentan Kabupaten Kupang', 'regency', '53.01', 'Pemerintah Kabupaten Kupang', 2025, '2025-07-01', '2026-06-30', '{JKK,JKM}', 1000000, $2)`,
      [CODE, quota],
    );
    await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.01', $2, 'proportional' FROM programme WHERE code = $1`, [CODE, quota]);
  });
  for (const p of people) {
    const id = await insertPerson(db, { nik: p.nik, name: p.name, village, birth: p.birth ?? '1970-01-01' });
    await asSystem(db, 'test', async (tx) => {
      if (p.extremePoor) await tx.query('UPDATE person SET extreme_poor = true WHERE id = $1', [id]);
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT id, $2, $3, $4 FROM programme WHERE code = $1`, [CODE, id, p.state, village]);
    });
  }
}

/** The candidates go to BPJS in one batch; BPJS accepts them from the given dates. */
async function accept(db: Db, from: Record<string, string>): Promise<void> {
  await asSystem(db, 'test', async (tx) => {
    const batch = await createSubmission(tx, await getProgramme(tx, CODE), '53.01', 'test');
    const lines: ResponseLine[] = Object.entries(from).map(([nik, date], i) => ({ fileLine: i + 2, nik, kpj: `26${nik.slice(-9)}`, accepted: true, effectiveDate: date, reason: null }));
    await applyResponse(tx, batch.id, lines, null);
  });
}

const bill = (db: Db, month: string) => asSystem(db, 'test', async (tx) => runBilling(tx, await getProgramme(tx, CODE), month, 'test'));

/** Pays what is still owed on the bill of `month`, or `amount` of it. */
async function pay(db: Db, month: string, day: string, amount?: number) {
  return asSystem(db, 'test', async (tx) => {
    const [b] = await tx.query<{ id: number }>(`SELECT b.id FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = $1 AND b.month = $2`, [CODE, `${month}-01`]);
    const owed = await getBill(tx, b!.id);
    return recordPayment(tx, b!.id, { sp2d: `SP2D/${month}/${day}`, paidOn: day, amount: amount ?? owed.amount - owed.paid }, 'test');
  });
}

describe('lapse, end and replacement', () => {
  let f: Fixture;
  const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);
  const lapse = (on: string) => sys(async (tx) => processLapses(tx, await getProgramme(tx, CODE), on));
  const status = (who: Who, on: string) => sys((tx) => memberStatus(tx, NIK[who], on));
  const periods = (who: Who) =>
    f.db.query<{ from: string; to: string | null }>(
      `SELECT c.from_date AS "from", c.to_date AS "to" FROM coverage_period c JOIN membership m ON m.id = c.membership_id JOIN person p ON p.id = m.person_id
        JOIN programme g ON g.id = m.programme_id WHERE p.nik = $1 AND g.code = $2 ORDER BY c.from_date`,
      [NIK[who], CODE],
    );
  const member = async (who: Who) => {
    const [m] = await f.db.query<{ id: number; state: string; lapsed_on: string | null; ended_on: string | null; ended_reason: string | null; ended_from_state: string | null; replaces_membership_id: number | null; coverage_start: string | null }>(
      `SELECT m.id, m.state, m.lapsed_on, m.ended_on, m.ended_reason, m.ended_from_state, m.replaces_membership_id, m.coverage_start
         FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id WHERE p.nik = $1 AND g.code = $2`,
      [NIK[who], CODE],
    );
    return m!;
  };
  const historyCount = async () => (await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'membership'`))[0]!.n;

  beforeAll(async () => {
    f = await startFixture('lapse');
    await setUp(f.db, f.homeVillage, 3, [
      { nik: NIK.a, name: 'Agustinus Bria', state: 'candidate' },
      { nik: NIK.b, name: 'Benediktus Seran', state: 'candidate' },
      { nik: NIK.c, name: 'Christina Nahak', state: 'candidate' },
      { nik: NIK.d, name: 'Dominggus Nenobais', state: 'waiting', birth: '1995-01-01', extremePoor: true },
      { nik: NIK.e, name: 'Elisabeth Tuan', state: 'waiting', birth: '1970-01-01' },
      { nik: NIK.f, name: 'Fransiska Lake', state: 'waiting', birth: '1990-01-01' },
    ]);
    await accept(f.db, { [NIK.a]: '2025-07-21', [NIK.b]: '2025-07-21', [NIK.c]: '2025-08-10' });
  });
  afterAll(async () => f?.cleanup());

  it('the rule in law is seeded once: 3 unpaid months, cured by paying the arrears', async () => {
    const rules = await sys((tx) => loadLapseRules(tx));
    expect(rules).toEqual([expect.objectContaining({ unpaidMonths: 3, reinstatement: 'pay_arrears', validFrom: '2015-07-01' })]);
    expect(rules[0]!.legalBasis).toMatch(/PP 44\/2015.*belum diverifikasi/);
    await ensureReferenceData(f.db);
    expect(await sys((tx) => loadLapseRules(tx))).toHaveLength(1);
  });

  it('three billed months unpaid lapse the membership on the 1st of the next month; the lapsed days are not covered', async () => {
    expect((await bill(f.db, '2025-07')).persons).toBe(2);
    expect((await bill(f.db, '2025-08')).persons).toBe(3);
    expect((await bill(f.db, '2025-09')).persons).toBe(3);

    // On 30 September the lapse has not happened yet (paying before the 1st prevents it).
    expect(await lapse('2025-09-30')).toMatchObject({ lapsed: 0, reinstated: 0, lapsedNow: 0 });
    const run = await lapse('2025-10-05');
    expect(run).toMatchObject({ lapsed: 2, reinstated: 0, lapsedNow: 2 });
    expect(run.unpaidMonths.map((u) => u.month)).toEqual(['2025-07', '2025-08', '2025-09']);

    expect(await member('a')).toMatchObject({ state: 'lapsed', lapsed_on: '2025-10-01' });
    expect(await periods('a')).toEqual([{ from: '2025-07-21', to: '2025-09-30' }]);
    // Christina was not billed for July: her first run of three is August–October.
    expect(await member('c')).toMatchObject({ state: 'active', lapsed_on: null });
    expect(await periods('c')).toEqual([{ from: '2025-08-10', to: '2026-06-30' }]);

    expect((await status('a', '2025-07-20')).answer.covered).toBe(false);
    expect((await status('a', '2025-09-30')).answer).toMatchObject({ covered: true, programmeCode: CODE, funderName: 'Pemerintah Kabupaten Kupang' });
    const during = await status('a', '2025-10-05');
    expect(during.answer.covered).toBe(false);
    if (!during.answer.covered) expect(during.answer.reason.id).toContain('non-aktif sejak 1 Oktober 2025 (menunggak)');
    expect(during.memberships[0]).toMatchObject({ state: 'lapsed', lapsedOn: '2025-10-01', stateLabel: { id: 'non-aktif (menunggak)', en: 'lapsed (contributions unpaid)' } });

    // A lapsed member keeps the place: nothing is free for the waiting list.
    const none = await sys(async (tx) => replaceFreedPlaces(tx, await getProgramme(tx, CODE), '53.01', '2025-10-06', 'test'));
    expect(none.replacements).toEqual([]);
    expect(none.regencies).toEqual([expect.objectContaining({ quota: 3, held: 3, free: 0, waiting: 3, filled: 0 })]);

    // Running again changes nothing, not even the history.
    const before = await historyCount();
    expect(await lapse('2025-10-05')).toMatchObject({ lapsed: 0, reinstated: 0, lapsedNow: 2 });
    expect(await historyCount()).toBe(before);
  });

  it('paying all arrears reinstates from the day after the payment; a partly paid bill pays for nobody', async () => {
    // October is billed after the lapse: only Christina is covered in it.
    expect((await bill(f.db, '2025-10')).persons).toBe(1);
    for (const m of ['2025-07', '2025-08', '2025-09']) await pay(f.db, m, '2025-10-10');
    await pay(f.db, '2025-10', '2025-10-12', 10_000);

    // Replaying a day before the payment: still lapsed.
    expect(await lapse('2025-10-09')).toMatchObject({ lapsed: 0, reinstated: 0, lapsedNow: 2 });
    const run = await lapse('2025-10-20');
    expect(run).toMatchObject({ lapsed: 0, reinstated: 2, lapsedNow: 0 });
    expect(run.unpaidMonths).toEqual([expect.objectContaining({ month: '2025-10', amount: 16_800, paid: 10_000 })]);

    expect(await member('a')).toMatchObject({ state: 'active', lapsed_on: null });
    expect(await periods('a')).toEqual([{ from: '2025-07-21', to: '2025-09-30' }, { from: '2025-10-11', to: '2026-06-30' }]);
    expect((await status('a', '2025-09-30')).answer.covered).toBe(true);
    const gap = (await status('a', '2025-10-10')).answer;
    expect(gap.covered).toBe(false);
    if (!gap.covered) expect(gap.reason.en).toContain('lapsed from 1 October 2025 to 10 October 2025');
    expect((await status('a', '2025-10-11')).answer).toMatchObject({ covered: true, period: { from: '2025-10-11', to: '2026-06-30' } });

    const before = await historyCount();
    expect(await lapse('2025-10-20')).toMatchObject({ lapsed: 0, reinstated: 0 });
    expect(await historyCount()).toBe(before);
  });

  it('ending a membership for death closes the cover on that day; bad input is explained and changes nothing', async () => {
    const r = await sys((tx) => endMembership(tx, { nik: NIK.b }, { reason: 'death', on: '2025-11-03', note: 'Akta kematian 5301-KM-03112025-0001' }, '2025-11-05'));
    expect(r).toMatchObject({ programme: CODE, previousState: 'active', endedOn: '2025-11-03', reason: 'death', lastCoveredDay: '2025-11-03' });
    expect(await member('b')).toMatchObject({ state: 'ended', ended_on: '2025-11-03', ended_reason: 'death', ended_from_state: 'active' });
    expect(await periods('b')).toEqual([{ from: '2025-07-21', to: '2025-09-30' }, { from: '2025-10-11', to: '2025-11-03' }]);
    expect((await status('b', '2025-11-03')).answer.covered).toBe(true);
    const after = (await status('b', '2025-11-04')).answer;
    expect(after.covered).toBe(false);
    if (!after.covered) expect(after.reason.id).toContain('meninggal dunia');

    const end = (nik: string, reason: string, on: string, today = '2025-11-05') => sys((tx) => endMembership(tx, { nik }, { reason, on }, today));
    expect((await refusal(end(NIK.b, 'death', '2025-11-03'))).code).toBe('already_ended');
    const wrong = await refusal(end(NIK.a, 'died', '2025-11-03'));
    expect(wrong.code).toBe('end_reason_invalid');
    expect(wrong.text.id).toContain('death (meninggal dunia)');
    const early = await refusal(end(NIK.a, 'moved_away', '2025-07-01'));
    expect(early.code).toBe('end_before_start');
    expect(early.text.en).toContain('21 July 2025');
    expect((await refusal(end('5301010101709999', 'death', '2025-11-03'))).code).toBe('person_unknown');
    expect((await refusal(end(NIK.a, 'death', '2025-11-10'))).code).toBe('end_date_future');
    expect((await refusal(end(NIK.a, 'death', '2025-11-31'))).code).toBe('date_invalid');
    expect((await refusal(sys((tx) => reopenMembership(tx, { nik: NIK.a }, 'salah', '2025-11-05')))).code).toBe('not_ended');
    expect((await refusal(sys((tx) => reopenMembership(tx, { nik: NIK.b }, '  ', '2025-11-05')))).code).toBe('reopen_reason_missing');
    expect(await member('a')).toMatchObject({ state: 'active', ended_on: null });
  });

  it('the freed place goes to the best-ranked person waiting, with their own coverage start, and on to BPJS', async () => {
    const b = await member('b');
    const r = await sys(async (tx) => replaceFreedPlaces(tx, await getProgramme(tx, CODE), '53.01', '2025-11-15', 'test'));
    expect(r.replacements).toEqual([
      expect.objectContaining({ nik: NIK.d, fullName: 'Dominggus Nenobais', coverageStart: '2025-11-15', replaces: expect.objectContaining({ membershipId: b.id, nik: NIK.b, endedOn: '2025-11-03', reason: 'death' }) }),
    ]);
    expect(r.regencies).toEqual([expect.objectContaining({ regencyCode: '53.01', quota: 3, held: 3, free: 0, waiting: 2, filled: 1 })]);
    expect(await member('d')).toMatchObject({ state: 'candidate', replaces_membership_id: b.id, coverage_start: '2025-11-15' });
    expect(await member('e')).toMatchObject({ state: 'waiting' });
    // The place is taken: a second run finds nothing to do.
    expect((await sys(async (tx) => replaceFreedPlaces(tx, await getProgramme(tx, CODE), null, '2025-11-15', 'test'))).replacements).toEqual([]);
    expect((await refusal(sys(async (tx) => replaceFreedPlaces(tx, await getProgramme(tx, CODE), '53.08', '2025-11-15', 'test')))).code).toBe('regency_not_in_programme');
    expect((await refusal(sys(async (tx) => replaceFreedPlaces(tx, await getProgramme(tx, CODE), null, '2026-07-01', 'test')))).code).toBe('start_outside_programme');

    // The normal way to BPJS: the next submission batch, BPJS's answer, cover from the effective date.
    await accept(f.db, { [NIK.d]: '2025-11-20' });
    expect(await periods('d')).toEqual([{ from: '2025-11-20', to: '2026-06-30' }]);
    expect((await status('d', '2025-11-20')).answer.covered).toBe(true);
    expect((await status('d', '2025-11-19')).answer.covered).toBe(false);
    expect((await status('d', '2025-11-20')).memberships[0]).toMatchObject({ replacesMembershipId: b.id, coverageStartOfMember: '2025-11-15' });
  });

  it('a late run finds a lapse and its cure at once, and agrees with the pure rule for every membership', async () => {
    expect((await bill(f.db, '2025-11')).persons).toBe(4); // Agustinus, Benediktus (1–3 Nov), Christina, Dominggus
    expect((await bill(f.db, '2025-12')).persons).toBe(3);
    // October (partly paid), November and December are settled only on 10 January.
    for (const m of ['2025-10', '2025-11', '2025-12']) await pay(f.db, m, '2026-01-10');

    const run = await lapse('2026-01-20');
    // Only Christina was billed for October, November and December: lapsed 1 January, back 11 January.
    expect(run).toMatchObject({ lapsed: 1, reinstated: 1, lapsedNow: 0, unpaidMonths: [] });
    expect(await periods('c')).toEqual([{ from: '2025-08-10', to: '2025-12-31' }, { from: '2026-01-11', to: '2026-06-30' }]);
    expect(await member('c')).toMatchObject({ state: 'active' });

    const { p, months, rules, billed } = await sys(async (tx) => {
      const p = await getProgramme(tx, CODE);
      const billed: Partial<Record<Who, string[]>> = {};
      for (const who of ['a', 'c', 'd'] as const) {
        billed[who] = (await tx.query<{ month: string }>(
          `SELECT to_char(b.month, 'YYYY-MM') AS month FROM bill_line l JOIN bill b ON b.id = l.bill_id JOIN membership m ON m.id = l.membership_id
             JOIN person pe ON pe.id = m.person_id WHERE pe.nik = $1 AND m.programme_id = $2 ORDER BY 1`, [NIK[who], p.id])).map((r) => r.month);
      }
      return { p, months: await programmeMonths(tx, p.id, '2026-01-20'), rules: await loadLapseRules(tx), billed };
    });
    for (const who of ['a', 'c', 'd'] as const) {
      const actual = await periods(who);
      const start = actual[0]!.from;
      const episodes = membershipEpisodes(billed[who]!, months, rules, '2026-01-20', start, p.coverageEnd);
      expect(actual, who).toEqual(coveredPeriods({ from: start, to: p.coverageEnd }, episodes.map((e) => ({ ...e, unpaidMonths: [] }))));
    }
  });

  it('an administrator reopens an end made by mistake: cover and lapses are worked out again, with history', async () => {
    const r = await sys((tx) => reopenMembership(tx, { nik: NIK.b }, 'Laporan kematian keliru (surat Kepala Desa 12/I/2026)', '2026-01-25'));
    expect(r).toMatchObject({ state: 'active', replacedBy: expect.objectContaining({ fullName: 'Dominggus Nenobais', state: 'active' }) });
    expect(await member('b')).toMatchObject({ state: 'active', ended_on: null, ended_reason: null });
    // July–September unpaid until 10 October, as for Agustinus; not billed for October, so no second lapse.
    expect(await periods('b')).toEqual([{ from: '2025-07-21', to: '2025-09-30' }, { from: '2025-10-11', to: '2026-06-30' }]);
    expect((await status('b', '2025-12-01')).answer.covered).toBe(true);

    const history = await f.db.query<{ state: string; ended_reason: string | null; ended_note: string | null; reopen_reason: string | null }>(
      `SELECT h.after::jsonb ->> 'state' AS state, h.after::jsonb ->> 'ended_reason' AS ended_reason, h.after::jsonb ->> 'ended_note' AS ended_note,
              h.after::jsonb ->> 'reopen_reason' AS reopen_reason
         FROM audit_history h WHERE h.table_name = 'membership' AND h.row_key = $1 ORDER BY h.id`,
      [String((await member('b')).id)],
    );
    // The reopen, then its lapse worked out again (lapsed 1 October, back 11 October), each an entry.
    expect(history.map((h) => h.state)).toEqual(['candidate', 'submitted', 'active', 'lapsed', 'active', 'ended', 'active', 'lapsed', 'active']);
    expect(history[5]).toMatchObject({ ended_reason: 'death', ended_note: 'Akta kematian 5301-KM-03112025-0001' });
    expect(history[6]!.reopen_reason).toMatch(/Laporan kematian keliru/);
  });

  it('the API: lapse run, end, reopen and replacement, with the caller\'s permissions and area', async () => {
    const officer = await signInAs(f.app, username('province_officer'));
    const run = await officer.request('POST', `/api/programmes/${CODE}/lapses`, { on: '2026-01-20' });
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ programme: CODE, on: '2026-01-20', lapsed: 0, reinstated: 0 });
    const future = await officer.request('POST', `/api/programmes/${CODE}/lapses`, { on: '2999-01-01' });
    expect(future.statusCode).toBe(422);
    expect(future.json()).toMatchObject({ code: 'date_future' });
    const viewer = await signInAs(f.app, username('viewer'));
    expect((await viewer.request('POST', `/api/programmes/${CODE}/lapses`, {})).statusCode).toBe(403);

    // Someone on the waiting list withdraws: ended, and no place is freed by it.
    const end = await officer.request('POST', '/api/members/end', { nik: NIK.e, reason: 'withdrawn', on: '2026-01-05', note: 'Surat pernyataan' });
    expect(end.statusCode, end.body).toBe(200);
    expect(end.json()).toMatchObject({ previousState: 'waiting', endedOn: '2026-01-05', reason: 'withdrawn', lastCoveredDay: null });
    const bad = await officer.request('POST', '/api/members/end', { nik: NIK.f, reason: 'bored', on: '2026-01-05' });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'end_reason_invalid' });
    const replace = await officer.request('POST', `/api/programmes/${CODE}/replacements`, { regency: '53.01', start: '2026-02-01' });
    expect(replace.statusCode, replace.body).toBe(200);
    expect(replace.json()).toMatchObject({ replacements: [] });
    const reopen = await officer.request('POST', '/api/members/reopen', { nik: NIK.e, reason: 'Surat pernyataan ditarik' });
    expect(reopen.statusCode, reopen.body).toBe(200);
    expect(reopen.json()).toMatchObject({ state: 'waiting', replacedBy: null });
    expect((await viewer.request('POST', '/api/members/end', { nik: NIK.f, reason: 'death', on: '2026-01-05' })).statusCode).toBe(403);
  });

  it('the members screen shows states in words, the latest events with masked NIKs, and forms by permission', async () => {
    const officer = await signInAs(f.app, username('province_officer'));
    const page = await officer.request('GET', `/programmes/${CODE}/members`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('non-aktif (menunggak)');
    expect(page.body).toContain('Jalankan proses tunggakan');
    expect(page.body).toContain('Hentikan keanggotaan');
    expect(page.body).toContain('menggantikan Benediktus Seran');
    const programme = await officer.request('GET', `/programmes/${CODE}`);
    expect(programme.body).toContain(`href="/programmes/${CODE}/members"`);

    const viewer = await signInAs(f.app, username('viewer'));
    const seen = await viewer.request('GET', `/programmes/${CODE}/members`);
    expect(seen.statusCode).toBe(200);
    expect(seen.body).not.toContain('Hentikan keanggotaan');
    expect(seen.body).not.toContain(NIK.d);
    expect(seen.body).toContain('5301xxxxxxxx0014');

    const form = (fields: Record<string, string>) =>
      officer.request('POST', `/programmes/${CODE}/members/end`, new URLSearchParams({ _csrf: officer.csrf, ...fields }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    const refused = await form({ nik: NIK.a, reason: 'death', on: '2025-06-01' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('sebelum perlindungan');
    const lapses = await officer.request('POST', `/programmes/${CODE}/members/lapses`, new URLSearchParams({ _csrf: officer.csrf, on: '2026-01-20' }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(lapses.statusCode).toBe(200);
    expect(lapses.body).toContain('0 keanggotaan menjadi non-aktif');
  });
});

describe('lindung members end|reopen, enrollment lapse|replace', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;
  const X = '5301010101700021'; // billed July–September, never paid
  const Y = '5301010101700022'; // from 10 August
  const W = '5301010101700023'; // waiting

  beforeAll(async () => {
    config = await freshConfig('lapse-cli');
    env = cliEnv(config);
    const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
    try {
      await ensureReferenceData(db);
      const [v] = await db.query<{ code: string }>("SELECT code FROM area WHERE level = 4 AND code LIKE '53.01.%' ORDER BY code LIMIT 1");
      await setUp(db, v!.code, 2, [
        { nik: X, name: 'Xaverius Tnesi', state: 'candidate' },
        { nik: Y, name: 'Yuliana Bere', state: 'candidate' },
        { nik: W, name: 'Wilhelmus Kase', state: 'waiting' },
      ]);
      await accept(db, { [X]: '2025-07-21', [Y]: '2025-08-10' });
      for (const m of ['2025-07', '2025-08', '2025-09']) await bill(db, m);
    } finally {
      await db.close();
    }
  }, 180_000);
  afterAll(async () => config?.cleanup());

  it('runs lapses, shows the state in words, ends, replaces and reopens', async () => {
    for (const args of [['members', 'end'], ['members', 'reopen'], ['enrollment', 'lapse'], ['enrollment', 'replace']]) {
      const h = await runCli([...args, '--help'], env);
      expect(h.code, args.join(' ')).toBe(0);
    }
    const run = await runCli(['enrollment', 'lapse', '--programme', CODE, '--on', '2025-10-05', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ lapsed: 1, reinstated: 0, lapsedNow: 1 });
    const shown = await runCli(['members', 'status', X, '--on', '2025-10-05'], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('NOT covered');
    expect(shown.stdout).toContain('non-aktif (menunggak) / lapsed (contributions unpaid) since 2025-10-01');

    const end = await runCli(['members', 'end', Y, '--reason', 'death', '--on', '2025-10-20', '--note', 'Akta kematian 7', '--json'], env);
    expect(end.code, end.stderr).toBe(0);
    expect(JSON.parse(end.stdout)).toMatchObject({ previousState: 'active', endedOn: '2025-10-20', lastCoveredDay: '2025-10-20' });
    const twice = await runCli(['members', 'end', Y, '--reason', 'death', '--on', '2025-10-20'], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already ended on 20 October 2025 \(died\)/);
    const reason = await runCli(['members', 'end', X, '--reason', 'dead', '--on', '2025-10-20'], env);
    expect(reason.code).toBe(1);
    expect(reason.stderr).toMatch(/not a known reason.*death \(died\)/);

    const replace = await runCli(['enrollment', 'replace', '--programme', CODE, '--area', '53.01', '--start', '2025-11-01', '--json'], env);
    expect(replace.code, replace.stderr).toBe(0);
    expect(JSON.parse(replace.stdout)).toMatchObject({ startOn: '2025-11-01', replacements: [{ nik: W, coverageStart: '2025-11-01', replaces: { nik: Y, reason: 'death' } }] });
    const text = await runCli(['enrollment', 'replace', '--programme', CODE, '--area', '53.01', '--start', '2025-11-01'], env);
    expect(text.stdout).toMatch(/0 people taken from the waiting list/);

    const reopen = await runCli(['members', 'reopen', Y, '--reason', 'Laporan keliru'], env);
    expect(reopen.code, reopen.stderr).toBe(0);
    expect(reopen.stdout).toMatch(/now aktif \/ active/);
    expect(reopen.stdout).toMatch(/went to Wilhelmus Kase/);

    const future = await runCli(['enrollment', 'lapse', '--programme', CODE, '--on', '2999-01-01'], env);
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/has not come yet/);
    const unknown = await runCli(['members', 'end', '5301010101709999', '--reason', 'death', '--on', '2025-10-20'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not in the registry/);
  });
});
