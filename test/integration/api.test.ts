/** The API as a client uses it: sign-in, bad input of every kind, registry reads and edits, history, access log. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, signInAs, startFixture, username, type Fixture } from '../helpers/app.js';
import { MAX_FAILED_ATTEMPTS } from '../../src/features/auth/login.js';
import { verifyAudit } from '../../src/features/audit/verify.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture('api');
});
afterAll(async () => f?.cleanup());

const problem = (res: { headers: Record<string, unknown>; json(): unknown }) => {
  expect(res.headers['content-type']).toContain('application/problem+json');
  return res.json() as { type: string; title: string; status: number; detail: string; errors?: { field: string }[] };
};

describe('sign-in and sessions', () => {
  it('refuses a wrong password with the same answer as an unknown user, in the chosen language', async () => {
    const wrong = await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('viewer'), password: 'nope-nope-nope' } });
    const unknown = await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nope-nope-nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(problem(wrong).detail).toBe(problem(unknown).detail);
    expect(problem(wrong).detail).toMatch(/kata sandi salah/);
    const en = await f.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'accept-language': 'en-GB,en' }, payload: { username: 'nobody', password: 'x' } });
    expect(problem(en).detail).toMatch(/Wrong username or password/);
    const events = await f.db.query<{ kind: string }>("SELECT kind FROM security_event WHERE kind = 'login_failed'");
    expect(events.length).toBeGreaterThanOrEqual(3);
  });

  it(`locks an account after ${MAX_FAILED_ATTEMPTS} wrong passwords, even against the right one`, async () => {
    const user = username('assessor');
    for (let i = 0; i < MAX_FAILED_ATTEMPTS - 1; i++) {
      expect((await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: `wrong-${i}-xxxxxx` } })).statusCode).toBe(401);
    }
    const last = await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: 'wrong-last-xxxx' } });
    expect(last.statusCode).toBe(423);
    const right = await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password: PASSWORD } });
    expect(right.statusCode).toBe(423);
    expect(problem(right).detail).toMatch(/dikunci/);
    const [row] = await f.db.query<{ locked: boolean }>('SELECT locked_until > now() AS locked FROM app_user WHERE username = $1', [user]);
    expect(row!.locked).toBe(true);
  });

  it('too many sign-in attempts from one address get 429', async () => {
    const { buildServer } = await import('../../src/http/server.js');
    const app = await buildServer(f.db, { ...f.app.config, loginRatePerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } })).statusCode);
    await app.close();
    expect(codes).toEqual([401, 401, 401, 429, 429]);
  });

  it('an expired session is refused with 401 and a sign-in hint', async () => {
    const c = await signInAs(f.app, username('verifier'));
    await f.db.query("UPDATE user_session SET expires_at = now() - interval '1 minute'");
    const res = await c.request('GET', '/api/auth/me');
    expect(res.statusCode).toBe(401);
    expect(problem(res).detail).toMatch(/masuk kembali/);
  });

  it('changes require the CSRF token: missing and forged tokens are refused and logged, nothing changes', async () => {
    const c = await signInAs(f.app, username('regency_operator'));
    const before = (await c.request('GET', `/api/registry/persons/${f.homePersonId}`)).json() as { person: { phone: string; version: number } };
    const missing = await f.app.inject({ method: 'PATCH', url: `/api/registry/persons/${f.homePersonId}`, headers: { cookie: c.cookie }, payload: { version: before.person.version, phone: '081311112222' } });
    expect(missing.statusCode).toBe(403);
    expect(problem(missing).type).toBe('/problems/csrf');
    const forged = await c.request('PATCH', `/api/registry/persons/${f.homePersonId}`, { version: before.person.version, phone: '081311112222' }, { 'x-csrf-token': 'forged-token-value' });
    expect(forged.statusCode).toBe(403);
    const after = (await c.request('GET', `/api/registry/persons/${f.homePersonId}`)).json() as { person: { phone: string } };
    expect(after.person.phone).toBe(before.person.phone);
    const [ev] = await f.db.query<{ n: number }>("SELECT count(*)::int AS n FROM security_event WHERE kind = 'csrf_rejected'");
    expect(ev!.n).toBe(2);
  });

  it('password change: weak passwords refused with a reason; the new one works, the old one does not', async () => {
    const c = await signInAs(f.app, username('finance_officer'));
    const weak = await c.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(problem(weak).detail).toMatch(/minimal 10 karakter/);
    const ok = await c.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' });
    expect(ok.statusCode).toBe(200);
    // The old session ended with the change.
    expect((await c.request('GET', '/api/auth/me')).statusCode).toBe(401);
    expect((await f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: username('finance_officer'), password: PASSWORD } })).statusCode).toBe(401);
    await signInAs(f.app, username('finance_officer'), 'a brand new passphrase');
  });
});

describe('bad requests get a clear problem and change nothing', () => {
  it('malformed JSON, oversized body, schema violations, unknown routes', async () => {
    const c = await signInAs(f.app, username('province_officer'));
    const malformed = await f.app.inject({ method: 'POST', url: '/api/registry/search', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, payload: '{"q": "yo' });
    expect(malformed.statusCode).toBe(400);
    expect(problem(malformed).detail).toMatch(/JSON/);
    const big = await c.request('POST', '/api/registry/search', { q: 'x'.repeat(2 * 1024 * 1024) });
    expect(big.statusCode).toBe(413);
    const schema = await c.request('POST', '/api/registry/search', { pageSize: 5000, sort: 'salary' });
    expect(schema.statusCode).toBe(400);
    expect(problem(schema).errors!.length).toBeGreaterThan(0);
    const badArea = await c.request('POST', '/api/registry/search', { area: "53'; DROP TABLE person;--" });
    expect(badArea.statusCode).toBe(400);
    const unknown = await c.request('GET', '/api/no/such/route');
    expect(unknown.statusCode).toBe(404);
    expect(problem(unknown).detail).toMatch(/\/api\/docs/);
    const [count] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM person');
    expect(count!.n).toBe(3);
  });

  it('hostile strings in a search are just text', async () => {
    const c = await signInAs(f.app, username('province_officer'));
    for (const q of ["' OR 1=1 --", '%', '_', '\\', '<script>alert(1)</script>', '\u0000x', 'ñáé 漢字', '   ']) {
      const res = await c.request('POST', '/api/registry/search', { q });
      expect(res.statusCode, q).toBeLessThan(500);
      if (res.statusCode === 200) expect((res.json() as { items: unknown[] }).items, q).toEqual(q.trim() ? [] : expect.any(Array));
    }
  });
});

describe('registry', () => {
  it('search tolerates case and spacing, finds exact NIK, pages and sorts', async () => {
    const c = await signInAs(f.app, username('province_officer'));
    const byName = (await c.request('POST', '/api/registry/search', { q: '  YOHANES    te' })).json() as { items: { full_name: string; nik: string }[] };
    expect(byName.items.map((i) => i.full_name)).toEqual(['Yohanes Tefa']);
    expect(byName.items[0]!.nik).toBe('5301010101800001');
    const byNik = (await c.request('POST', '/api/registry/search', { q: '5301 0141 0185 0002' })).json() as { items: { full_name: string }[] };
    expect(byNik.items.map((i) => i.full_name)).toEqual(['Maria Tefa']);
    const page1 = (await c.request('POST', '/api/registry/search', { pageSize: 1, sort: 'birth_date' })).json() as { items: { full_name: string }[]; hasNext: boolean };
    expect(page1.items.map((i) => i.full_name)).toEqual(['Yohanes Tefa']);
    expect(page1.hasNext).toBe(true);
    const page3 = (await c.request('POST', '/api/registry/search', { pageSize: 1, page: 3, sort: 'birth_date' })).json() as { items: unknown[]; hasNext: boolean };
    expect(page3.hasNext).toBe(false);
  });

  it('masks NIK, KK and account for roles that do not need them', async () => {
    const viewer = await signInAs(f.app, username('viewer'));
    const v = (await viewer.request('GET', `/api/registry/persons/${f.homePersonId}`)).json() as { person: { nik: string; kk: string; bank_account: string } };
    expect(v.person.nik).toBe('5301xxxxxxxx0001');
    expect(v.person.kk).not.toContain('01010110');
    expect(v.person.bank_account).toMatch(/^x+8901$/);
    const finance = await signInAs(f.app, username('finance_officer'), 'a brand new passphrase');
    const fin = (await finance.request('GET', `/api/registry/persons/${f.homePersonId}`)).json() as { person: { nik: string; bank_account: string } };
    expect(fin.person.bank_account).toBe('0012345678901');
    expect(fin.person.nik).toBe('5301xxxxxxxx0001');
  });

  it('an edit is validated, versioned, and appears in the history with who and what', async () => {
    const c = await signInAs(f.app, username('village_operator'));
    const before = (await c.request('GET', `/api/registry/persons/${f.homePersonId}`)).json() as { person: { version: number } };
    const bad = await c.request('PATCH', `/api/registry/persons/${f.homePersonId}`, { version: before.person.version, phone: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(problem(bad).errors![0]!.field).toBe('phone');
    const ok = await c.request('PATCH', `/api/registry/persons/${f.homePersonId}`, { version: before.person.version, phone: '+62 813-1111-2222' });
    expect(ok.statusCode).toBe(200);
    const body = ok.json() as { person: { phone: string; version: number }; history: { actor_label: string; op: string; changes: { field: string; before: unknown; after: unknown }[] }[] };
    expect(body.person.phone).toBe('081311112222');
    expect(body.history[0]!.actor_label).toBe(username('village_operator'));
    expect(body.history[0]!.changes).toContainEqual({ field: 'phone', before: '081234567890', after: '081311112222' });
    const stale = await c.request('PATCH', `/api/registry/persons/${f.homePersonId}`, { version: before.person.version, phone: '081399990000' });
    expect(stale.statusCode).toBe(409);
    expect((await verifyAudit(f.db)).ok).toBe(true);
  });

  it('every read of personal data is in the access log, without NIKs', async () => {
    const c = await signInAs(f.app, username('verifier'));
    await c.request('GET', `/api/registry/persons/${f.homePersonId}?purpose=verifikasi%20usulan`);
    await c.request('POST', '/api/registry/search', { q: '5301010101800001', purpose: 'cek duplikat' });
    const national = await signInAs(f.app, 'national');
    const log = (await national.request('GET', '/api/audit/access-log')).json() as { actor_label: string; action: string; purpose: string; subject_ids: number[] }[];
    const mine = log.filter((l) => l.actor_label === username('verifier'));
    expect(mine.map((l) => [l.action, l.purpose])).toEqual([['search', 'cek duplikat'], ['view', 'verifikasi usulan']]);
    expect(mine[1]!.subject_ids).toEqual([f.homePersonId]);
    expect(JSON.stringify(log)).not.toContain('5301010101800001');
  });

  it('OpenAPI document lists the API and leaves web pages out', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/api/docs' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/registry/search');
    expect(Object.keys(doc.paths)).not.toContain('/registry');
  });
});
