/**
 * Claim rules and public holidays as an administrator handles them: the API (read by everyone
 * signed in, written by a national account with claims.rules), the /claims/rules screen and its
 * forms, and the `lindung claims rules|holidays|holiday-add|holiday-remove|sla-due` commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';

const form = (c: Client, url: string, fields: Record<string, string>) =>
  c.request('POST', url, new URLSearchParams({ _csrf: c.csrf, ...fields }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

describe('claim rules: API and screen', () => {
  let f: Fixture;
  let national: Client;
  let regionalAdmin: Client;
  let viewer: Client;

  beforeAll(async () => {
    f = await startFixture('claim-rules');
    national = await signInAs(f.app, 'national');
    regionalAdmin = await signInAs(f.app, username('admin'));
    viewer = await signInAs(f.app, username('viewer'));
  });
  afterAll(async () => f?.cleanup());

  it('everyone signed in reads the rules, with the ones in force on a date marked', async () => {
    const res = await viewer.request('GET', '/api/claims/rules?type=jkm_death&on=2025-09-10');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { on: string; benefits: { component: string; amount: number; inForce: boolean; legalBasis: string }[]; scholarships: unknown[]; sla: { workingDays: number }[] };
    expect(body.on).toBe('2025-09-10');
    expect(body.benefits.map((b) => [b.component, b.amount, b.inForce])).toEqual([
      ['early_death', 10_000_000, true], ['funeral', 10_000_000, true], ['lump_sum', 20_000_000, true], ['periodic', 12_000_000, true],
    ]);
    expect(body.scholarships).toHaveLength(5);
    expect(body.sla).toEqual([expect.objectContaining({ workingDays: 3 })]);
    expect((await viewer.request('GET', '/api/claims/rules?type=death')).statusCode).toBe(400);
    expect((await f.app.inject({ method: 'GET', url: '/api/claims/rules' })).statusCode).toBe(401);
  });

  it('holidays: listed by year; added and removed only by a national account; in history', async () => {
    const list = await viewer.request('GET', '/api/claims/holidays?year=2025');
    expect(list.statusCode).toBe(200);
    const items = (list.json() as { items: { day: string; name: string; areaCode: string | null }[] }).items;
    expect(items).toContainEqual({ day: '2025-12-26', name: 'Cuti bersama Natal', areaCode: null });
    expect(items).toHaveLength(18);

    const refused = await regionalAdmin.request('POST', '/api/claims/holidays', { day: '2025-12-29', name: 'Libur daerah Kupang' , areaCode: '53.01' });
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { detail: string }).detail).toMatch(/akun tingkat nasional/);
    expect((await viewer.request('POST', '/api/claims/holidays', { day: '2025-12-29', name: 'Libur daerah Kupang' })).statusCode).toBe(403);

    const added = await national.request('POST', '/api/claims/holidays', { day: '2025-12-29', name: 'Libur daerah Kupang', areaCode: '53.01' });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ day: '2025-12-29', name: 'Libur daerah Kupang', areaCode: '53.01' });
    const twice = await national.request('POST', '/api/claims/holidays', { day: '2025-12-29', name: 'Libur daerah Kupang', areaCode: '53.01' });
    expect(twice.statusCode).toBe(409);
    const badArea = await national.request('POST', '/api/claims/holidays', { day: '2025-12-30', name: 'Libur entah', areaCode: '99.99' });
    expect(badArea.statusCode).toBe(422);

    const removed = await national.request('DELETE', `/api/claims/holidays/2025-12-29?name=${encodeURIComponent('Libur daerah Kupang')}`);
    expect(removed.statusCode).toBe(200);
    expect((await national.request('DELETE', `/api/claims/holidays/2025-12-29?name=${encodeURIComponent('Libur daerah Kupang')}`)).statusCode).toBe(404);
    const history = await f.db.query<{ op: string; actor_label: string }>(`SELECT op, actor_label FROM audit_history WHERE table_name = 'public_holiday' AND actor_label <> 'system' ORDER BY id`);
    expect(history).toEqual([{ op: 'I', actor_label: 'national' }, { op: 'D', actor_label: 'national' }]);
  });

  it('a benefit rule from a date: checked, refused to a regional account, never a duplicate', async () => {
    const rule = { claimType: 'jkm_death', component: 'lump_sum', labelId: 'Santunan sekaligus', labelEn: 'Lump sum', amount: 25_000_000, minMembershipMonths: 3, validFrom: '2027-01-01', legalBasis: 'PP 99/2026 (uji)' };
    expect((await regionalAdmin.request('POST', '/api/claims/rules', rule)).statusCode).toBe(403);
    const both = await national.request('POST', '/api/claims/rules', { ...rule, incomeMultiple: 10 });
    expect(both.statusCode).toBe(422);
    expect((both.json() as { detail: string }).detail).toBe('Isi salah satu saja: jumlah tetap (rupiah) atau kelipatan upah.');
    const ok = await national.request('POST', '/api/claims/rules', rule);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ claimType: 'jkm_death', amount: 25_000_000, validFrom: '2027-01-01', verified: false });
    expect((await national.request('POST', '/api/claims/rules', rule)).statusCode).toBe(409);
    const on2027 = (await viewer.request('GET', '/api/claims/rules?type=jkm_death&on=2027-01-01')).json() as { benefits: { amount: number; inForce: boolean; component: string }[] };
    expect(on2027.benefits.filter((b) => b.component === 'lump_sum').map((b) => [b.amount, b.inForce])).toEqual([[20_000_000, false], [25_000_000, true]]);
  });

  it('/claims/rules: tables for everyone, forms for the national administrator, mistakes shown on the page', async () => {
    const seen = await viewer.request('GET', '/claims/rules?on=2025-09-10&year=2025');
    expect(seen.statusCode).toBe(200);
    expect(seen.body).toContain('id="benefit-rules"');
    expect(seen.body).toContain('Santunan kematian dalam 3 bulan pertama kepesertaan');
    expect(seen.body).toContain('Cuti bersama Natal');
    expect(seen.body).not.toContain('id="holiday-form"');

    const page = await national.request('GET', '/claims/rules?year=2026');
    expect(page.body).toContain('id="holiday-form"');
    const add = await form(national, '/claims/rules/holidays', { day: '2026-11-30', name: 'Libur uji layar', areaCode: '' });
    expect(add.statusCode).toBe(303);
    expect((await national.request('GET', '/claims/rules?year=2026')).body).toContain('Libur uji layar');
    const bad = await form(national, '/claims/rules/holidays', { day: '2026-13-01', name: 'Libur salah' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Tanggal libur tidak sah');
    const remove = await form(national, '/claims/rules/holidays/remove', { day: '2026-11-30', name: 'Libur uji layar' });
    expect(remove.statusCode).toBe(303);

    const rule = await form(national, '/claims/rules/benefits', {
      claimType: 'funeral', component: 'funeral', labelId: 'Biaya pemakaman', labelEn: 'Funeral costs', amount: 'Rp12.500.000', incomeMultiple: '', scale: 'none',
      minMembershipMonths: '0', maxMembershipMonths: '', validFrom: '2027-01-01', legalBasis: 'PP 99/2026 (uji)', verified: '1',
    });
    expect(rule.statusCode).toBe(303);
    const [stored] = await f.db.query<{ amount: number; verified: boolean }>(`SELECT amount, verified FROM benefit_rule WHERE claim_type = 'funeral' AND valid_from = '2027-01-01'`);
    expect(stored).toEqual({ amount: 12_500_000, verified: true });
    const wrongMoney = await form(national, '/claims/rules/benefits', {
      claimType: 'funeral', component: 'funeral', labelId: 'x', labelEn: 'x', amount: '1.2.3', validFrom: '2027-02-01', legalBasis: 'uji',
    });
    expect(wrongMoney.statusCode).toBe(422);
    expect((await form(regionalAdmin, '/claims/rules/holidays', { day: '2026-11-30', name: 'Libur uji layar' })).statusCode).toBe(422);
    expect((await form(viewer, '/claims/rules/holidays', { day: '2026-11-30', name: 'Libur uji layar' })).statusCode).toBe(403);
  });
});

describe('lindung claims rules and holidays', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    config = await freshConfig('claim-rules-cli');
    env = cliEnv(config);
  });
  afterAll(async () => config?.cleanup());

  it('lists the rules and holidays, adds and removes a holiday, and explains an SLA due date', async () => {
    const rules = await runCli(['claims', 'rules', '--type', 'jkm_death', '--on', '2025-09-10', '--json'], env);
    expect(rules.code, rules.stderr).toBe(0);
    expect((JSON.parse(rules.stdout) as { benefits: { inForce: boolean }[] }).benefits.filter((b) => b.inForce)).toHaveLength(4);
    const text = await runCli(['claims', 'rules', '--type', 'jkk_death', '--on', '2025-09-10'], env);
    expect(text.stdout).toMatch(/\* #\d+\s+jkk_death\s+lump_sum\s+48 × income/);

    const add = await runCli(['claims', 'holiday-add', '--day', '2025-12-29', '--name', 'Libur daerah Kupang', '--area', '53.01', '--json'], env);
    expect(add.code, add.stderr).toBe(0);
    const due = await runCli(['claims', 'sla-due', '--complete', '2025-12-24', '--area', '53.01.01.2001', '--json'], env);
    expect(due.code, due.stderr).toBe(0);
    expect(JSON.parse(due.stdout)).toMatchObject({ completeOn: '2025-12-24', due: '2026-01-02' });
    const list = await runCli(['claims', 'holidays', '--year', '2025'], env);
    expect(list.stdout).toContain('2025-12-29  Libur daerah Kupang  [53.01]');
    const remove = await runCli(['claims', 'holiday-remove', '--day', '2025-12-29', '--name', 'Libur daerah Kupang'], env);
    expect(remove.code, remove.stderr).toBe(0);
    const again = await runCli(['claims', 'holiday-remove', '--day', '2025-12-29', '--name', 'Libur daerah Kupang'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('There is no holiday "Libur daerah Kupang" on 29 December 2025');
  });
});
