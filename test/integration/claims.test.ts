/**
 * The claim lifecycle through the real server on a real database: registration with coverage and
 * entitlement at once, heirs in the legal order, documents (type by content, size limit), complete
 * with the SLA clock, submit, decide with maker-checker, withdraw — and the bad input the issue
 * names: event before membership, during a lapse, a person in no programme, a second claim for the
 * same death, heirs that do not fit the legal order, a forged upload, a 100 MB scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { asSystem } from '../../src/db/scope.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission } from '../../src/features/enrollment/submissions.js';
import { getBill, recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import { processLapses } from '../../src/features/enrollment/lapse-run.js';
import type { ClaimDetail } from '../../src/features/claims/claims.js';
import { requiredDocuments } from '../../src/domain/claim-documents.js';
import type { ClaimType } from '../../src/domain/entitlement.js';

const NIK = {
  yohanes: '5301010101800001', // the fixture's home person: from 1 July 2025; lapsed 1–10 October
  lukas: '5301010101700031', // from 1 July 2025; lapsed 1–10 October
  kristina: '5301014101750032', // from 1 July 2025 (woman); a work accident
  benedikt: '5301010101700033', // from 1 September 2025: dies in month 1
  dominikus: '5301010101700034', // from 1 January 2026 only
  nikolas: '5301010101700035', // in the registry, in no programme
  fransiska: '5301014101750036', // from 1 July 2025 (woman): heirs that do not fit
} as const;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

let f: Fixture;
let maker: Client; // regency operator of Kupang
let province: Client; // province officer: may register and decide
let verifier: Client;
let viewer: Client;

const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(f.db, 'test', fn);

async function programme(db: Db, code: string, start: string, end: string): Promise<void> {
  await asSystem(db, 'test', async (tx) => {
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ($1, $1, 'regency', '53.01', 'Pemerintah Kabupaten Kupang', 2025, $2, $3, '{JKK,JKM}', 1000000, 20)`,
      [code, start, end],
    );
    await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.01', 20, 'proportional' FROM programme WHERE code = $1`, [code]);
  });
}

/** Candidates go to BPJS the real way; BPJS accepts them from the given dates. */
async function enrol(code: string, from: Record<string, string>): Promise<void> {
  await sys(async (tx) => {
    for (const nik of Object.keys(from)) {
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT g.id, p.id, 'candidate', p.village_code FROM programme g, person p WHERE g.code = $1 AND p.nik = $2`, [code, nik]);
    }
    const batch = await createSubmission(tx, await getProgramme(tx, code), '53.01', 'test');
    await applyResponse(tx, batch.id, Object.entries(from).map(([nik, date], i) => ({ fileLine: i + 2, nik, kpj: `26${nik.slice(-9)}`, accepted: true, effectiveDate: date, reason: null })), null);
  });
}

function multipart(fields: Record<string, string>, file: { name: string; content: Buffer; type?: string } | null): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----lindungclaimtest';
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/pdf'}\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, claimId: number, kind: string, file: { name: string; content: Buffer; type?: string }) {
  const m = multipart({ kind }, file);
  return c.request('POST', `/api/claims/${claimId}/documents`, m.body, m.headers);
}

/** Every document the checklist asks for, each a distinct small PDF. */
async function uploadAll(c: Client, claim: ClaimDetail): Promise<void> {
  for (const item of claim.checklist.items.filter((i) => i.required && i.uploaded === 0)) {
    const res = await upload(c, claim.id, item.kind, { name: `${item.kind}.pdf`, content: Buffer.concat([PDF, Buffer.from(`% ${claim.id} ${item.kind}\n`)]) });
    expect(res.statusCode, res.body).toBe(201);
  }
}

async function register(c: Client, nik: string, type: ClaimType | 'jkk_flood', eventDate: string, extra: Record<string, unknown> = {}) {
  return c.request('POST', '/api/claims', { nik, type, eventDate, eventPlace: 'Desa', description: 'Uraian kejadian', ...extra });
}

async function claim(c: Client, id: number): Promise<ClaimDetail> {
  const res = await c.request('GET', `/api/claims/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ClaimDetail;
}

async function personId(nik: string): Promise<number> {
  const [p] = await f.db.query<{ id: number }>('SELECT id FROM person WHERE nik = $1', [nik]);
  return Number(p!.id);
}

beforeAll(async () => {
  f = await startFixture('claims');
  const village = f.homeVillage;
  await insertPerson(f.db, { nik: NIK.lukas, name: 'Lukas Bani', village });
  await insertPerson(f.db, { nik: NIK.kristina, name: 'Kristina Lake', village, sex: 'P' });
  await insertPerson(f.db, { nik: NIK.benedikt, name: 'Benediktus Seran', village });
  await insertPerson(f.db, { nik: NIK.dominikus, name: 'Dominikus Nope', village });
  await insertPerson(f.db, { nik: NIK.nikolas, name: 'Nikolas Tanone', village });
  await insertPerson(f.db, { nik: NIK.fransiska, name: 'Fransiska Nuban', village, sex: 'P' });
  await programme(f.db, 'KLAIM-KUPANG', '2025-07-01', '2026-06-30');
  await enrol('KLAIM-KUPANG', { [NIK.yohanes]: '2025-07-01', [NIK.lukas]: '2025-07-01', [NIK.kristina]: '2025-07-01', [NIK.fransiska]: '2025-07-01' });
  // July–September billed and unpaid: everyone lapses on 1 October; the arrears paid on 10 October
  // reinstate them from the 11th.
  await sys(async (tx) => {
    const p = await getProgramme(tx, 'KLAIM-KUPANG');
    for (const m of ['2025-07', '2025-08', '2025-09']) await runBilling(tx, p, m, 'test');
    await processLapses(tx, p, '2025-10-05');
    for (const m of ['2025-07', '2025-08', '2025-09']) {
      const [b] = await tx.query<{ id: number }>('SELECT id FROM bill WHERE programme_id = $1 AND month = $2', [p.id, `${m}-01`]);
      const owed = await getBill(tx, b!.id);
      await recordPayment(tx, b!.id, { sp2d: `SP2D/${m}`, paidOn: '2025-10-10', amount: owed.amount - owed.paid }, 'test');
    }
    await processLapses(tx, p, '2025-10-20');
  });
  await enrol('KLAIM-KUPANG', { [NIK.benedikt]: '2025-09-01', [NIK.dominikus]: '2026-01-01' });
  maker = await signInAs(f.app, username('regency_operator'));
  province = await signInAs(f.app, username('province_officer'));
  verifier = await signInAs(f.app, username('verifier'));
  viewer = await signInAs(f.app, username('viewer'));
}, 120_000);
afterAll(async () => f?.cleanup());

describe('a death from registration to an approved claim', () => {
  let id = 0;

  it('assesses without storing: covered, by which programme and funder, Rp42,000,000 with reasons', async () => {
    const res = await viewer.request('POST', '/api/claims/assess', { nik: NIK.yohanes, type: 'jkm_death', eventDate: '2026-03-10' });
    expect(res.statusCode, res.body).toBe(200);
    const a = res.json() as { person: { nik: string }; coverage: { covered: boolean; programmeCode: string; funderName: string }; entitlement: { total: number; membershipMonths: number; reasons: { id: string }[] } };
    expect(a.coverage).toMatchObject({ covered: true, programmeCode: 'KLAIM-KUPANG', funderName: 'Pemerintah Kabupaten Kupang' });
    expect(a.entitlement).toMatchObject({ total: 42_000_000, membershipMonths: 8 });
    expect(a.person.nik).toBe('5301xxxxxxxx0001'); // the viewer may not see NIKs
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM claim');
    expect(n!.n).toBe(0);
  });

  it('registers a draft with coverage and entitlement, numbered, in the member\'s village', async () => {
    const res = await register(maker, NIK.yohanes, 'jkm_death', '2026-03-10');
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as ClaimDetail;
    id = c.id;
    expect(c).toMatchObject({ status: 'draft', covered: true, entitledAmount: 42_000_000, villageCode: f.homeVillage, registeredBy: username('regency_operator'), programmeCode: 'KLAIM-KUPANG' });
    expect(c.claimNo).toMatch(/^KLM-2026-\d{5}$/);
    expect(c.entitlement.components.map((x) => [x.component, x.amount])).toEqual([['lump_sum', 20_000_000], ['periodic', 12_000_000], ['funeral', 10_000_000]]);
    expect(c.actions).toEqual(['complete', 'withdraw']);
    // No heirs yet: nobody can receive.
    expect(c.plan.ok).toBe(false);
    expect(c.plan.problems.map((p) => p.code)).toContain('no_heir');
    expect(c.checklist.missing).toEqual(requiredDocuments('jkm_death'));
  });

  it('refuses a second claim for the same death, and a funeral claim beside it', async () => {
    const again = await register(province, NIK.yohanes, 'jkk_death', '2026-03-10');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'death_already_claimed' });
    expect((again.json() as { detail: string }).detail).toMatch(/sudah diklaim: KLM-2026-\d{5}/);
    const funeral = await register(maker, NIK.yohanes, 'funeral', '2026-03-10');
    expect(funeral.statusCode).toBe(409);
    expect((funeral.json() as { detail: string }).detail).toContain('Biaya pemakaman sudah termasuk');
  });

  it('refuses completing while documents are missing, naming them', async () => {
    const res = await maker.request('POST', `/api/claims/${id}/complete`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'documents_missing' });
    expect((res.json() as { detail: string }).detail).toContain('Akta kematian');
  });

  it('records heirs with proof; the legal order decides who receives and in what shares', async () => {
    const pid = await personId(NIK.yohanes);
    const wife = await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Maria Tefa', relation: 'istri', nik: '5301014101850002', proof: 'Buku nikah 123/2005', bankName: 'Bank NTT', bankAccount: '0011223344' });
    expect(wife.statusCode, wife.body).toBe(201);
    expect(wife.json()).toMatchObject({ relation: 'istri', bankAccount: 'xxxxxx3344' }); // masked for the operator
    const child = await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Petrus Tefa', relation: 'anak', birthDate: '2008-02-01', proof: 'KK', bankName: 'Bank NTT', bankAccount: '0011223355', educationLevel: 'sma' });
    expect(child.statusCode).toBe(201);
    const mother = await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Anna Tefa', relation: 'ibu', proof: 'KK orang tua' });
    expect(mother.statusCode).toBe(201);
    // Bad heir input: the member himself, a NIK of 15 digits, an unknown relation.
    expect((await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Yohanes', relation: 'anak', nik: NIK.yohanes })).json()).toMatchObject({ code: 'heir_is_member' });
    expect((await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'X', relation: 'anak', nik: '530101010180000' })).json()).toMatchObject({ code: 'heir_nik' });
    expect((await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'X', relation: 'paman' })).json()).toMatchObject({ code: 'heir_relation' });

    const c = await claim(maker, id);
    expect(c.plan.ok).toBe(true);
    expect(c.plan.rank).toBe(1);
    expect(c.plan.payees.map((p) => [p.fullName, p.amount, p.bankAccount])).toEqual([['Maria Tefa', 21_000_000, 'xxxxxx3344'], ['Petrus Tefa', 21_000_000, 'xxxxxx3355']]);
    expect(c.plan.problems.map((p) => p.code)).toEqual(['lower_rank']); // the mother receives nothing
    // The spouse receives: the marriage book joins the checklist.
    expect(c.checklist.missing).toContain('marriage_book');
  });

  it('refuses a forged upload type and a 100 MB scan with clear messages; accepts PDF, JPEG, PNG by content', async () => {
    const exe = await upload(maker, id, 'death_certificate', { name: 'akta-kematian.pdf', content: Buffer.concat([Buffer.from('MZ\x90\x00'), Buffer.alloc(200, 1)]) });
    expect(exe.statusCode).toBe(422);
    expect(exe.json()).toMatchObject({ code: 'document_type' });
    expect((exe.json() as { detail: string }).detail).toContain('program Windows (EXE)');
    const page = await upload(maker, id, 'kk', { name: 'kk.jpg', content: Buffer.from('<!doctype html><html><script>alert(1)</script></html>'), type: 'image/jpeg' });
    expect(page.statusCode).toBe(422);
    expect((page.json() as { detail: string }).detail).toContain('halaman web');

    const big = Buffer.alloc(100 * 1024 * 1024, 0x20);
    PDF.copy(big);
    const huge = await upload(maker, id, 'kk', { name: 'scan-kk.pdf', content: big });
    expect(huge.statusCode).toBe(422);
    expect(huge.json()).toMatchObject({ code: 'document_too_large', sizeBytes: 100 * 1024 * 1024 });
    expect((huge.json() as { detail: string }).detail).toMatch(/berukuran 100 MB; batasnya 10 MB per berkas\. Pindai ulang/);

    const jpeg = await upload(maker, id, 'ktp_member', { name: 'ktp.jpeg', content: JPEG, type: 'image/jpeg' });
    expect(jpeg.statusCode).toBe(201);
    expect(jpeg.json()).toMatchObject({ kind: 'ktp_member', mediaType: 'image/jpeg' });
    // A PNG sent under a wrong name and type is stored as what it is.
    const png = await upload(maker, id, 'kpj_card', { name: 'kpj.pdf', content: PNG, type: 'application/pdf' });
    expect(png.json()).toMatchObject({ mediaType: 'image/png' });
    // The same file twice is refused.
    const twice = await upload(maker, id, 'kk', { name: 'kpj-lagi.png', content: PNG, type: 'image/png' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'document_duplicate' });
    const none = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM claim_document WHERE claim_id = $1`, [id]);
    expect(none[0]!.n).toBe(2);
    // The stored file comes back byte for byte, as its real type.
    const c = await claim(maker, id);
    const doc = c.documents.find((d) => d.kind === 'kpj_card')!;
    const back = await viewer.request('GET', `/api/claims/${id}/documents/${doc.id}`);
    expect(back.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(back.rawPayload, PNG)).toBe(0);
  }, 60_000);

  it('completes: every document there, payees clear; the SLA clock is 3 working days', async () => {
    await uploadAll(maker, await claim(maker, id));
    const res = await maker.request('POST', `/api/claims/${id}/complete`, {});
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json() as ClaimDetail;
    expect(c.status).toBe('documents_complete');
    expect(c.documentsCompleteAt).not.toBeNull();
    const [sla] = await f.db.query<{ due: string }>(`SELECT sla_due AS due FROM claim WHERE id = $1`, [id]);
    expect(c.slaDue).toBe(sla!.due);
    expect(c.slaDue! > c.documentsCompleteAt!.slice(0, 10)).toBe(true);
    expect(c.actions).toEqual(['submit', 'withdraw']);
    // Removing a document is no longer possible once complete.
    const del = await maker.request('DELETE', `/api/claims/${id}/documents/${c.documents[0]!.id}`);
    expect(del.statusCode).toBe(409);
  });

  it('submits (maker), then the maker cannot decide; a verifier approves and the payees are fixed', async () => {
    // The province officer may both submit and decide: maker-checker keeps the two apart.
    const sub = await province.request('POST', `/api/claims/${id}/submit`, {});
    expect(sub.statusCode, sub.body).toBe(200);
    expect(sub.json()).toMatchObject({ status: 'submitted', submittedBy: username('province_officer') });
    const self = await province.request('POST', `/api/claims/${id}/decide`, { decision: 'approve' });
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ code: 'maker_checker' });
    // The regency operator (the maker) has no right to decide at all.
    expect((await maker.request('POST', `/api/claims/${id}/decide`, { decision: 'approve' })).statusCode).toBe(403);
    // More than the rules give is refused.
    const over = await verifier.request('POST', `/api/claims/${id}/decide`, { decision: 'approve', amount: 50_000_000 });
    expect(over.json()).toMatchObject({ code: 'approved_over_entitlement' });

    const ok = await verifier.request('POST', `/api/claims/${id}/decide`, { decision: 'approve' });
    expect(ok.statusCode, ok.body).toBe(200);
    const c = ok.json() as ClaimDetail;
    expect(c).toMatchObject({ status: 'approved', approvedAmount: 42_000_000, decidedBy: username('verifier') });
    expect(c.payees.map((p) => [p.fullName, p.relation, p.amount])).toEqual([['Maria Tefa', 'istri', 21_000_000], ['Petrus Tefa', 'anak', 21_000_000]]);
    const rows = await f.db.query<{ bank_account: string }>('SELECT bank_account FROM claim_payee WHERE claim_id = $1 ORDER BY id', [id]);
    expect(rows.map((r) => r.bank_account)).toEqual(['0011223344', '0011223355']);
    expect(c.actions).toEqual([]);
    // Deciding twice is refused.
    expect((await verifier.request('POST', `/api/claims/${id}/decide`, { decision: 'reject', reason: 'lagi' })).statusCode).toBe(409);
  });

  it('keeps the whole story in history, and the heir that became a payee cannot be removed', async () => {
    const c = await claim(province, id);
    const statuses = c.history.filter((h) => h.table === 'claim').flatMap((h) => h.changes.filter((x) => x.field === 'status').map((x) => x.after));
    expect(statuses.reverse()).toEqual(['draft', 'documents_complete', 'submitted', 'approved']);
    expect(c.history.some((h) => h.table === 'claim' && h.op === 'I')).toBe(true);
    expect(c.history.filter((h) => h.table === 'claim_payee')).toHaveLength(2);
    expect(c.history.filter((h) => h.table === 'claim_document').length).toBeGreaterThanOrEqual(8);
    // The history keeps each file's sha256, not a copy of its bytes.
    const [audit] = await f.db.query<{ longest: number }>(`SELECT max(length(after)) AS longest FROM audit_entry WHERE table_name = 'claim_document'`);
    expect(audit!.longest).toBeLessThan(1000);
    expect(JSON.stringify(c.history)).not.toContain('"content"');
    const heir = c.heirs.find((h) => h.fullName === 'Maria Tefa')!;
    const del = await maker.request('DELETE', `/api/heirs/${heir.id}?version=${heir.version}`);
    expect(del.statusCode).toBe(409);
    expect(del.json()).toMatchObject({ code: 'heir_is_payee' });
  });
});

describe('bad input', () => {
  it('a death during a lapse: refused unless registered knowingly; then it can only be rejected', async () => {
    const first = await register(maker, NIK.lukas, 'jkm_death', '2025-10-05');
    expect(first.statusCode).toBe(422);
    expect(first.json()).toMatchObject({ code: 'not_covered' });
    expect((first.json() as { detail: string }).detail).toContain('non-aktif dari 1 Oktober 2025 sampai 10 Oktober 2025');
    const res = await register(maker, NIK.lukas, 'jkm_death', '2025-10-05', { registerUncovered: true });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as ClaimDetail;
    expect(c).toMatchObject({ covered: false, entitledAmount: 0, programmeCode: null });
    expect(c.actions).toEqual(['complete', 'reject', 'withdraw']);
    // The maker cannot reject; the verifier rejects from the draft with the reason.
    expect((await verifier.request('POST', `/api/claims/${c.id}/decide`, { decision: 'approve' })).statusCode).toBe(409);
    const noReason = await verifier.request('POST', `/api/claims/${c.id}/decide`, { decision: 'reject', reason: ' ' });
    expect(noReason.json()).toMatchObject({ code: 'reject_reason' });
    const rej = await verifier.request('POST', `/api/claims/${c.id}/decide`, { decision: 'reject', reason: 'Peserta non-aktif (menunggak) pada tanggal kematian.' });
    expect(rej.statusCode, rej.body).toBe(200);
    expect(rej.json()).toMatchObject({ status: 'rejected', rejectionReason: 'Peserta non-aktif (menunggak) pada tanggal kematian.' });
    const [p] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM claim_payee WHERE claim_id = $1', [c.id]);
    expect(p!.n).toBe(0);
  });

  it('an event before membership: not covered, the start of cover named', async () => {
    const res = await register(maker, NIK.dominikus, 'jkk_death', '2025-12-01');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'not_covered' });
    expect((res.json() as { detail: string }).detail).toMatch(/1 Januari 2026/);
  });

  it('a person in no programme: refused outright', async () => {
    const res = await register(maker, NIK.nikolas, 'jkm_death', '2026-02-01', { registerUncovered: true });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'not_a_member' });
    expect((res.json() as { detail: string }).detail).toContain('tidak pernah menjadi peserta program mana pun');
  });

  it('a NIK not in the registry, an event in the future, a wrong type, a missing fact', async () => {
    expect((await register(maker, '5301010101709999', 'jkm_death', '2026-02-01')).json()).toMatchObject({ code: 'person_unknown' });
    expect((await register(maker, NIK.yohanes, 'jkk_medical', '2099-01-01', { medicalCost: 1 })).json()).toMatchObject({ code: 'event_in_future' });
    expect((await register(maker, NIK.kristina, 'jkk_flood', '2026-02-01')).json()).toMatchObject({ code: 'claim_type_invalid' });
    expect((await register(maker, NIK.kristina, 'jkk_temporary', '2026-02-01')).json()).toMatchObject({ code: 'incapacity_days_required' });
    expect((await register(maker, NIK.kristina, 'jkm_death', '2026-02-30')).statusCode).toBe(422);
  });

  it('heirs that do not fit the legal order: a husband recorded as wife, a will beside a child — completion says what to fix', async () => {
    const res = await register(maker, NIK.fransiska, 'jkm_death', '2026-04-02');
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as ClaimDetail).id;
    const pid = await personId(NIK.fransiska);
    const wrong = await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Paulus Nuban', relation: 'istri', bankName: 'Bank NTT', bankAccount: '0099887766' });
    expect(wrong.statusCode).toBe(201);
    await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Agnes Nuban', relation: 'anak', bankName: 'Bank NTT', bankAccount: '0099887755' });
    await maker.request('POST', `/api/persons/${pid}/heirs`, { fullName: 'Tetangga Baik', relation: 'wasiat', proof: 'Surat wasiat 2024', bankName: 'Bank NTT', bankAccount: '0099887744' });
    await uploadAll(maker, await claim(maker, id));
    const blocked = await maker.request('POST', `/api/claims/${id}/complete`, {});
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json()).toMatchObject({ code: 'payees_unclear' });
    expect((blocked.json() as { detail: string }).detail).toContain('peserta adalah perempuan, jadi pasangannya tercatat sebagai suami');
    const c = await claim(maker, id);
    expect(c.plan.problems.map((p) => p.code).sort()).toEqual(['spouse_sex', 'will_set_aside']);
    // Fixing the relation (the version the screen showed) lets the file complete; the will is set aside.
    const heir = c.heirs.find((h) => h.fullName === 'Paulus Nuban')!;
    const stale = await maker.request('PATCH', `/api/heirs/${heir.id}`, { relation: 'suami', version: heir.version + 5 });
    expect(stale.statusCode).toBe(409);
    const fixed = await maker.request('PATCH', `/api/heirs/${heir.id}`, { relation: 'suami', version: heir.version });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(fixed.json()).toMatchObject({ relation: 'suami', bankAccount: 'xxxxxx7766', version: heir.version + 1 });
    await uploadAll(maker, await claim(maker, id)); // the marriage book, now that a spouse receives
    const done = await maker.request('POST', `/api/claims/${id}/complete`, {});
    expect(done.statusCode, done.body).toBe(200);
    expect((done.json() as ClaimDetail).plan.payees.map((p) => [p.fullName, p.amount])).toEqual([['Paulus Nuban', 21_000_000], ['Agnes Nuban', 21_000_000]]);
    // Withdrawn with a reason (before submission): the death can be claimed again.
    expect((await maker.request('POST', `/api/claims/${id}/withdraw`, { reason: '' })).json()).toMatchObject({ code: 'withdraw_reason' });
    const w = await maker.request('POST', `/api/claims/${id}/withdraw`, { reason: 'Didaftarkan ganda oleh desa' });
    expect(w.json()).toMatchObject({ status: 'withdrawn', withdrawnReason: 'Didaftarkan ganda oleh desa' });
    expect((await register(maker, NIK.fransiska, 'jkm_death', '2026-04-02')).statusCode).toBe(201);
  });
});

describe('benefits to the living and the early-death rule', () => {
  it('death in month 1 of membership: Rp10,000,000', async () => {
    const res = await register(maker, NIK.benedikt, 'jkm_death', '2025-10-20');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ covered: true, entitledAmount: 10_000_000 });
  });

  it('temporary incapacity: paid to the member; an amount below the entitlement needs a note', async () => {
    const res = await register(maker, NIK.kristina, 'jkk_temporary', '2026-02-02', { incapacityDays: 45, eventPlace: 'Kebun', description: 'Jatuh dari pohon kelapa saat bekerja' });
    expect(res.statusCode, res.body).toBe(201);
    const c0 = res.json() as ClaimDetail;
    expect(c0.entitledAmount).toBe(1_500_000);
    expect(c0.heirs).toEqual([]);
    expect(c0.plan.ok).toBe(true);
    await uploadAll(maker, c0);
    // A version the screen did not show is refused: someone changed the claim meanwhile.
    expect((await maker.request('POST', `/api/claims/${c0.id}/complete`, { version: c0.version + 3 })).json()).toMatchObject({ code: 'claim_stale' });
    expect((await maker.request('POST', `/api/claims/${c0.id}/complete`, { version: c0.version })).statusCode).toBe(200);
    expect((await maker.request('POST', `/api/claims/${c0.id}/submit`, {})).statusCode).toBe(200);
    const below = await verifier.request('POST', `/api/claims/${c0.id}/decide`, { decision: 'approve', amount: 1_000_000 });
    expect(below.json()).toMatchObject({ code: 'approved_below_note' });
    const ok = await verifier.request('POST', `/api/claims/${c0.id}/decide`, { decision: 'approve', amount: 1_000_000, note: 'BPJS mengakui 30 hari sesuai surat dokter penasihat' });
    expect(ok.statusCode, ok.body).toBe(200);
    const c = ok.json() as ClaimDetail;
    expect(c).toMatchObject({ status: 'approved', approvedAmount: 1_000_000, decisionNote: 'BPJS mengakui 30 hari sesuai surat dokter penasihat' });
    expect(c.payees.map((p) => [p.fullName, p.relation, p.amount, p.bankAccount])).toEqual([['Kristina Lake', 'peserta', 1_000_000, 'xxxxxxxxx8901']]);
  });
});

describe('screens', () => {
  const form = (c: Client, url: string, fields: Record<string, string>) =>
    c.request('POST', url, new URLSearchParams({ ...fields, _csrf: c.csrf }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

  it('/claims lists the area\'s claims with filters, and finds one by NIK through a POSTed search', async () => {
    const res = await maker.request('GET', '/claims');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Daftarkan klaim baru');
    expect(res.body).toMatch(/KLM-2026-\d{5}/);
    const approved = await maker.request('GET', '/claims?status=approved&type=jkm_death');
    expect(approved.body).toContain('Yohanes Tefa');
    expect(approved.body).not.toContain('Lukas Bani');
    const found = await form(viewer, '/claims/search', { q: NIK.lukas });
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain('Lukas Bani');
    expect(found.body).not.toContain('Yohanes Tefa');
    expect(found.body).not.toContain('Daftarkan klaim baru'); // the viewer may not register
  });

  it('/claims/new: "Periksa" shows coverage and entitlement at once; an uncovered event needs the explicit choice', async () => {
    expect((await maker.request('GET', '/claims/new')).statusCode).toBe(200);
    const check = await form(maker, '/claims/new', { nik: NIK.yohanes, type: 'jkm_death', eventDate: '2026-03-10', do: 'preview' });
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Dilindungi pada 10 Maret 2026 oleh program KLAIM-KUPANG (dana Pemerintah Kabupaten Kupang)');
    expect(check.body).toContain('Rp42.000.000');
    expect(check.body).toContain('PP 82/2019');

    const refused = await form(maker, '/claims/new', { nik: NIK.lukas, type: 'jkm_death', eventDate: '2025-10-06', do: 'register' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('role="alert"');
    expect(refused.body).toContain('Daftarkan walaupun tidak dilindungi');
    const done = await form(maker, '/claims/new', { nik: NIK.lukas, type: 'jkm_death', eventDate: '2025-10-06', do: 'register', registerUncovered: '1' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toMatch(/^\/claims\/\d+\?done=registered$/);
  });

  it('/claims/:id: the reasoning, heirs, checklist and steps; forms record heirs, upload, and refuse what is not ready', async () => {
    const reg = await register(maker, NIK.benedikt, 'funeral', '2025-10-25');
    // Benediktus' death (JKM) is already claimed: a funeral claim beside it is refused.
    expect(reg.statusCode).toBe(409);
    const c = (await (await maker.request('GET', '/claims?type=jkm_death')).body).match(/\/claims\/(\d+)">KLM-[^<]+<\/a><\/td>\s*<td[^>]*>Benediktus/);
    const id = Number(c![1]);
    const page1 = await maker.request('GET', `/claims/${id}?done=registered`);
    expect(page1.statusCode).toBe(200);
    expect(page1.body).toContain('Klaim terdaftar sebagai draf');
    expect(page1.body).toContain('Santunan kematian dalam 3 bulan pertama kepesertaan');
    expect(page1.body).toContain('Belum ada ahli waris tercatat');
    expect(page1.body).toContain('Nyatakan berkas lengkap');

    const heir = await form(maker, `/claims/${id}/heirs`, { fullName: 'Yuliana Seran', relation: 'istri', proof: 'Buku nikah 77/2010', bankName: 'Bank NTT', bankAccount: '0055443322' });
    expect(heir.statusCode).toBe(303);
    const m = multipart({}, { name: 'akta.pdf', content: Buffer.concat([PDF, Buffer.from('% screens')]) });
    const up = await maker.request('POST', `/claims/${id}/documents?_csrf=${encodeURIComponent(maker.csrf)}&kind=death_certificate`, m.body, m.headers);
    expect(up.statusCode).toBe(303);
    const notReady = await form(maker, `/claims/${id}/step`, { action: 'complete' });
    expect(notReady.statusCode).toBe(422);
    expect(notReady.body).toContain('Berkas belum lengkap');
    const page2 = await maker.request('GET', `/claims/${id}`);
    expect(page2.body).toContain('Yuliana Seran');
    expect(page2.body).toContain('Rp10.000.000 ke rekening Bank NTT xxxxxx3322');
    expect(page2.body).toMatch(/data-kind="death_certificate" data-done="yes"/);
    expect(page2.body).toMatch(/data-kind="marriage_book" data-done="no"/);
    // The verifier sees no maker steps; a draft has nothing to decide yet.
    const vpage = await verifier.request('GET', `/claims/${id}`);
    expect(vpage.body).not.toContain('Nyatakan berkas lengkap');
    expect(vpage.body).toContain('Langkah berikutnya dilakukan oleh pengguna dengan peran lain');
    const withdrawn = await form(maker, `/claims/${id}/step`, { action: 'withdraw', reason: 'Uji layar: dibatalkan' });
    expect(withdrawn.statusCode).toBe(303);
    expect((await maker.request('GET', `/claims/${id}`)).body).toContain('data-status="withdrawn"');
  });
});
