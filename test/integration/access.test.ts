/**
 * Who may see what: every API route × every role × a record or area outside the role's own.
 * Every account here works in Kabupaten Kupang (53.01); the probes aim at Ende (53.08).
 * A route without a probe below fails the first test: adding a route means deciding its scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ROLES, type Role } from '../../src/domain/roles.js';
import { FOREIGN, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { asSystem } from '../../src/db/scope.js';

type Probe = (f: Fixture, c: Client) => Promise<{ res: LightMyRequestResponse; leaked: boolean }>;

/** An Ende submission batch with the Ende worker on it, made once on first use. */
let foreignSubmissionId: number | null = null;
async function foreignSubmission(f: Fixture): Promise<number> {
  foreignSubmissionId ??= await asSystem(f.db, 'test', async (tx) => {
    const [m] = await tx.query<{ id: number }>(
      `INSERT INTO membership (programme_id, person_id, state, village_code) SELECT id, $1, 'submitted', $2 FROM programme WHERE code = 'ENDE-2026' RETURNING id`,
      [f.foreignPersonId, f.foreignVillage],
    );
    const [b] = await tx.query<{ id: number }>(
      `INSERT INTO submission_batch (programme_id, area_code, lines, created_by_label) SELECT id, '53.08', 1, 'test' FROM programme WHERE code = 'ENDE-2026' RETURNING id`,
    );
    await tx.query('INSERT INTO submission_line (batch_id, line_no, membership_id) VALUES ($1, 1, $2)', [b!.id, m!.id]);
    return b!.id;
  });
  return foreignSubmissionId;
}

/** A multipart body with one small CSV as "file". */
function fileUpload(c: Client, url: string, content: string) {
  const boundary = '----lindungprobefile';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="probe.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
  return c.request('POST', url, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}
const refusal = (res: LightMyRequestResponse) => ({ res, leaked: res.statusCode < 400 });

/** An invoice of Ende's bill (the reconciliation probes aim at it); made once. */
let foreignInvoiceId = 0;
async function foreignInvoice(f: Fixture): Promise<number> {
  if (foreignInvoiceId) return foreignInvoiceId;
  const [inv] = await f.db.query<{ id: number }>(
    `INSERT INTO invoice (programme_id, month, bill_id, file_sha256, lines, amount, area_code, created_by_label)
     SELECT b.programme_id, b.month, b.id, 'probe', 1, 16800, b.area_code, 'test' FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = 'ENDE-2026'
     RETURNING id`,
  );
  await f.db.query(`INSERT INTO invoice_line (invoice_id, line_no, kpj, nik, full_name, amount, finding) VALUES ($1, 2, '29999999999', '5308010101800003', 'Fransiskus Wangge', 16800, 'unknown')`, [inv!.id]);
  foreignInvoiceId = inv!.id;
  return foreignInvoiceId;
}

/** An Ende claim decided and paid (a payee, a batch, a transfer line): what the dashboard and letter probes aim at; made once. */
let foreignPaidClaimId = 0;
async function foreignPaidClaim(f: Fixture): Promise<number> {
  if (foreignPaidClaimId) return foreignPaidClaimId;
  foreignPaidClaimId = await asSystem(f.db, 'test', async (tx) => {
    const [c] = await tx.query<{ id: number }>(
      `INSERT INTO claim (claim_no, person_id, type, event_date, covered, coverage, entitlement, entitled_amount, status, approved_amount,
                          documents_complete_at, sla_due, submitted_at, decided_at, paid_at, registered_by_label, decided_by_label, village_code)
       VALUES ('PROBE-LETTER-1', $1, 'jkk_medical', '2026-02-10', true, '{}', '{}', 2500000, 'paid', 2500000,
               '2026-02-12', '2026-02-17', '2026-02-13', '2026-02-16', '2026-02-18', 'ende.operator', 'ende.verifier', $2) RETURNING id`,
      [f.foreignPersonId, f.foreignVillage],
    );
    const [p] = await tx.query<{ id: number }>(
      `INSERT INTO claim_payee (claim_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
       VALUES ($1, 'Fransiskus Wangge', 'peserta', 2500000, 'Bank NTT', '0012345678901', 'Fransiskus Wangge', $2) RETURNING id`,
      [c!.id, f.foreignVillage],
    );
    const [b] = await tx.query<{ id: number }>(`INSERT INTO payout_batch (lines, amount, area_code, created_by_label) VALUES (1, 2500000, '53.08', 'test') RETURNING id`);
    await tx.query(
      `INSERT INTO payout_line (batch_id, claim_id, payee_id, reference, amount, bank_account, status, village_code) VALUES ($1, $2, $3, 'PROBE-LETTER-1-1', 2500000, '0012345678901', 'sent', $4)`,
      [b!.id, c!.id, p!.id, f.foreignVillage],
    );
    return c!.id;
  });
  return foreignPaidClaimId;
}

/** Ende claims the lifecycle probes aim at: a draft with a document, a submitted one, and an heir; made once. */
let foreignClaims: { draft: number; submitted: number; document: number; heir: number } | null = null;
async function foreignClaimSet(f: Fixture): Promise<{ draft: number; submitted: number; document: number; heir: number }> {
  foreignClaims ??= await asSystem(f.db, 'test', async (tx) => {
    const claim = async (no: string, status: string) => {
      const [c] = await tx.query<{ id: number }>(
        `INSERT INTO claim (claim_no, person_id, type, event_date, covered, coverage, entitlement, entitled_amount, status, submitted_at, submitted_by_label, registered_by_label, village_code)
         VALUES ($1, $2, 'jkk_temporary', '2026-03-02', true, '{}', '{}', 1500000, $3, CASE WHEN $3 = 'submitted' THEN now() END, CASE WHEN $3 = 'submitted' THEN 'ende.operator' END, 'ende.operator', $4) RETURNING id`,
        [no, f.foreignPersonId, status, f.foreignVillage],
      );
      return c!.id;
    };
    const draft = await claim('PROBE-DRAFT-1', 'draft');
    const submitted = await claim('PROBE-SUBMITTED-1', 'submitted');
    const [d] = await tx.query<{ id: number }>(
      `INSERT INTO claim_document (claim_id, kind, file_name, media_type, size_bytes, sha256, uploaded_by_label, village_code)
       VALUES ($1, 'ktp_member', 'ktp.pdf', 'application/pdf', 9, 'probe', 'ende.operator', $2) RETURNING id`,
      [draft, f.foreignVillage],
    );
    await tx.query(`INSERT INTO claim_document_content (document_id, content, village_code) VALUES ($1, '\\x255044462d312e340a'::bytea, $2)`, [d!.id, f.foreignVillage]);
    const [h] = await tx.query<{ id: number }>(`INSERT INTO heir (person_id, full_name, relation, bank_name, bank_account) VALUES ($1, 'Maria Wangge', 'istri', 'Bank NTT', '0011002200') RETURNING id`, [f.foreignPersonId]);
    return { draft, submitted, document: d!.id, heir: h!.id };
  });
  return foreignClaims;
}
async function claimStatus(f: Fixture, id: number): Promise<string> {
  const [c] = await f.db.query<{ status: string }>('SELECT status FROM claim WHERE id = $1', [id]);
  return c!.status;
}

/** Ende payouts (claims payouts probes): an approved claim not yet paid, and a batch with a failed transfer; made once. */
let foreignPayout: { readyClaim: number; batch: number; failedLine: number; reference: string } | null = null;
async function foreignPayouts(f: Fixture): Promise<{ readyClaim: number; batch: number; failedLine: number; reference: string }> {
  foreignPayout ??= await asSystem(f.db, 'test', async (tx) => {
    const claim = async (no: string) => {
      const [c] = await tx.query<{ id: number }>(
        `INSERT INTO claim (claim_no, person_id, type, event_date, covered, coverage, entitlement, entitled_amount, status, approved_amount, registered_by_label, village_code)
         VALUES ($1, $2, 'jkk_temporary', '2026-02-10', true, '{}', '{}', 1000000, 'approved', 1000000, 'ende.operator', $3) RETURNING id`,
        [no, f.foreignPersonId, f.foreignVillage],
      );
      const [p] = await tx.query<{ id: number }>(
        `INSERT INTO claim_payee (claim_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
         VALUES ($1, 'Fransiskus Wangge', 'peserta', 1000000, 'Bank NTT', '0012345678901', 'Fransiskus Wangge', $2) RETURNING id`,
        [c!.id, f.foreignVillage],
      );
      return { claim: c!.id, payee: p!.id };
    };
    const ready = await claim('PROBE-PAYOUT-1');
    const failed = await claim('PROBE-PAYOUT-2');
    const [b] = await tx.query<{ id: number }>(`INSERT INTO payout_batch (lines, amount, area_code, created_by_label) VALUES (1, 1000000, '53.08', 'test') RETURNING id`);
    const [l] = await tx.query<{ id: number }>(
      `INSERT INTO payout_line (batch_id, claim_id, payee_id, reference, amount, bank_account, status, failure_reason, village_code)
       VALUES ($1, $2, $3, 'LDG900000001', 1000000, '0012345678901', 'failed', 'probe', $4) RETURNING id`,
      [b!.id, failed.claim, failed.payee, f.foreignVillage],
    );
    return { readyClaim: ready.claim, batch: b!.id, failedLine: l!.id, reference: 'LDG900000001' };
  });
  return foreignPayout;
}

/** Routes anyone may call: reference data, public aggregates, sign-in. Their answers carry no personal data. */
const PUBLIC = new Set(['GET /api/health', 'GET /api/docs', 'POST /api/auth/login', 'GET /api/areas', 'GET /api/areas/:code', 'GET /api/public/summary', 'GET /api/cards/:token']);
/** Routes about the caller's own account only: there is no foreign record to ask for. */
const OWN_ACCOUNT = new Set(['POST /api/auth/logout', 'GET /api/auth/me', 'POST /api/auth/password']);
/** Reference data for every signed-in user: programmes, quotas (aggregates), statistics, the blank template. */
const REFERENCE = new Set(['GET /api/programmes', 'GET /api/programmes/:code', 'GET /api/statistics', 'GET /api/intake/template.xlsx', 'GET /api/programmes/:code/budget', 'GET /api/programmes/:code/scenarios', 'GET /api/claims/rules', 'GET /api/claims/holidays', 'GET /api/claims/payout-layout']);

/** A multipart upload of a one-line CSV, proposing for Ende. */
function upload(c: Client, fields: Record<string, string>) {
  const boundary = '----lindungprobe';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const body = `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ende.csv"\r\nContent-Type: text/csv\r\n\r\nNIK;Nama Lengkap\n5308010101800013;Fransiskus Wange\n\r\n--${boundary}--\r\n`;
  return c.request('POST', '/api/intake/batches', body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
}

const PROBES: Record<string, Probe> = {
  'POST /api/registry/search': async (_f, c) => refusal(await c.request('POST', '/api/registry/search', { area: FOREIGN })),
  'GET /api/registry/persons/:id': async (f, c) => refusal(await c.request('GET', `/api/registry/persons/${f.foreignPersonId}`)),
  'PATCH /api/registry/persons/:id': async (f, c) =>
    refusal(await c.request('PATCH', `/api/registry/persons/${f.foreignPersonId}`, { version: 1, phone: '081299999999' })),
  'GET /api/registry/summary': async (_f, c) => refusal(await c.request('GET', `/api/registry/summary?area=${FOREIGN}`)),
  'GET /api/users': async (_f, c) => {
    const res = await c.request('GET', '/api/users');
    return { res, leaked: res.statusCode === 200 && (res.json() as { username: string }[]).some((u) => u.username === 'ende.operator' || u.username === 'national') };
  },
  'POST /api/users': async (_f, c) =>
    refusal(await c.request('POST', '/api/users', { username: 'ende.new', fullName: 'X', role: 'regency_operator', areaCode: FOREIGN, password: 'a long enough password' })),
  'POST /api/users/:id/password': async (f, c) => refusal(await c.request('POST', `/api/users/${f.foreignUserId}/password`, { password: 'another long password' })),
  'POST /api/areas/provinces/:code/load': async (_f, c) => refusal(await c.request('POST', '/api/areas/provinces/52/load')),
  'GET /api/audit/verify': async (_f, c) => refusal(await c.request('GET', '/api/audit/verify')),
  'GET /api/audit/access-log': async (_f, c) => refusal(await c.request('GET', '/api/audit/access-log')),
  'POST /api/programmes': async (_f, c) =>
    refusal(await c.request('POST', '/api/programmes', {
      code: 'ENDE-X', name: 'Program Ende', funderType: 'regency', funderAreaCode: FOREIGN, funderName: 'Kabupaten Ende', fiscalYear: 2026,
      coverageStart: '2026-01-01', coverageEnd: '2026-12-31', benefits: ['JKK', 'JKM'], declaredIncome: 1000000, totalQuota: 10, rules: {},
    })),
  'POST /api/programmes/:code/quotas/allocate': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/quotas/allocate', { indicator: 'poor_population' })),
  'PUT /api/programmes/:code/quotas/:regency': async (_f, c) => refusal(await c.request('PUT', `/api/programmes/ENDE-2026/quotas/${FOREIGN}`, { quota: 400, reason: 'probe' })),
  'POST /api/statistics': async (_f, c) =>
    refusal(await c.request('POST', '/api/statistics', { rows: [{ indicator: 'poor_population', areaCode: FOREIGN, asOf: '2025-03-01', value: 1, source: 'probe' }] })),
  'POST /api/intake/batches': async (_f, c) => refusal(await upload(c, { programme: 'NTT-2026', area: FOREIGN })),
  'POST /api/intake/form': async (_f, c) =>
    refusal(await c.request('POST', '/api/intake/form', { programme: 'ENDE-2026', person: { nik: '5308010101800013', full_name: 'Fransiskus Wange' } })),
  'GET /api/intake/batches': async (f, c) => {
    const res = await c.request('GET', '/api/intake/batches');
    return { res, leaked: res.statusCode === 200 && (res.json() as { items: { id: number }[] }).items.some((b) => b.id === f.foreignBatchId) };
  },
  'GET /api/intake/batches/:id': async (f, c) => refusal(await c.request('GET', `/api/intake/batches/${f.foreignBatchId}`)),
  'GET /api/intake/batches/:id/rows': async (f, c) => refusal(await c.request('GET', `/api/intake/batches/${f.foreignBatchId}/rows`)),
  'GET /api/intake/batches/:id/reviews': async (f, c) => refusal(await c.request('GET', `/api/intake/batches/${f.foreignBatchId}/reviews`)),
  'POST /api/intake/batches/:id/reviews/:reviewId': async (f, c) =>
    refusal(await c.request('POST', `/api/intake/batches/${f.foreignBatchId}/reviews/${f.foreignReviewId}`, { decision: 'different' })),
  'POST /api/intake/batches/:id/submit': async (f, c) => refusal(await c.request('POST', `/api/intake/batches/${f.foreignBatchId}/submit`)),
  'POST /api/intake/batches/:id/approve': async (f, c) => refusal(await c.request('POST', `/api/intake/batches/${f.foreignBatchId}/approve`, {})),
  'POST /api/intake/batches/:id/return': async (f, c) => refusal(await c.request('POST', `/api/intake/batches/${f.foreignBatchId}/return`, { note: 'probe' })),
  'POST /api/intake/batches/:id/cancel': async (f, c) => refusal(await c.request('POST', `/api/intake/batches/${f.foreignBatchId}/cancel`)),
  'GET /api/intake/batches/:id/report.xlsx': async (f, c) => refusal(await c.request('GET', `/api/intake/batches/${f.foreignBatchId}/report.xlsx`)),
  'POST /api/members/status': async (_f, c) => refusal(await c.request('POST', '/api/members/status', { nik: '5308010101800003', on: '2026-03-01' })),
  'POST /api/programmes/:code/lapses': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/lapses', { on: '2026-03-01' })),
  'POST /api/members/end': async (_f, c) => refusal(await c.request('POST', '/api/members/end', { nik: '5308010101800003', reason: 'death', on: '2026-03-01' })),
  'POST /api/members/reopen': async (_f, c) => refusal(await c.request('POST', '/api/members/reopen', { nik: '5308010101800003', reason: 'probe' })),
  'POST /api/programmes/:code/replacements': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/replacements', { regency: FOREIGN })),
  'GET /api/programmes/:code/cards.pdf': async (_f, c) => refusal(await c.request('GET', `/api/programmes/ENDE-2026/cards.pdf?area=${FOREIGN}`)),
  'POST /api/programmes/:code/submissions': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/submissions', { area: FOREIGN })),
  'GET /api/programmes/:code/bills': async (_f, c) => {
    const res = await c.request('GET', '/api/programmes/ENDE-2026/bills');
    return { res, leaked: res.statusCode === 200 && (res.json() as { items: unknown[] }).items.length > 0 };
  },
  'POST /api/programmes/:code/bills': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/bills', { month: '2026-03' })),
  'GET /api/programmes/:code/submissions': async (f, c) => {
    await foreignSubmission(f);
    const res = await c.request('GET', '/api/programmes/ENDE-2026/submissions');
    const body = res.statusCode === 200 ? (res.json() as { items: unknown[]; toSubmit: unknown[]; rejected: unknown[] }) : null;
    return { res, leaked: body !== null && body.items.length + body.toSubmit.length + body.rejected.length > 0 };
  },
  'GET /api/submissions/:id/file': async (f, c) => refusal(await c.request('GET', `/api/submissions/${await foreignSubmission(f)}/file?format=csv`)),
  'POST /api/submissions/:id/response': async (f, c) =>
    refusal(await fileUpload(c, `/api/submissions/${await foreignSubmission(f)}/response`, 'NIK;KPJ;Status;TMT;Alasan\n5308010101800003;99999999999;DITERIMA;01/01/2026;\n')),
  'POST /api/bills/:id/payments': async (f, c) => {
    const [bill] = await f.db.query<{ id: number }>(`SELECT b.id FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = 'ENDE-2026'`);
    return refusal(await c.request('POST', `/api/bills/${bill!.id}/payments`, { sp2d: 'PROBE', paidOn: '2026-01-10', amount: 1 }));
  },
  'POST /api/programmes/:code/invoices': async (_f, c) =>
    refusal(await fileUpload(c, '/api/programmes/ENDE-2026/invoices', 'Bulan;2026-01\nKPJ;NIK;Nama;Iuran\n29999999999;5308010101800003;Fransiskus Wangge;16.800\n')),
  'GET /api/programmes/:code/invoices': async (f, c) => {
    await foreignInvoice(f);
    const res = await c.request('GET', '/api/programmes/ENDE-2026/invoices');
    return { res, leaked: res.statusCode === 200 && (res.json() as { items: unknown[] }).items.length > 0 };
  },
  'GET /api/invoices/:id': async (f, c) => refusal(await c.request('GET', `/api/invoices/${await foreignInvoice(f)}`)),
  'GET /api/invoices/:id/report.xlsx': async (f, c) => refusal(await c.request('GET', `/api/invoices/${await foreignInvoice(f)}/report.xlsx`)),
  'POST /api/invoices/:id/withdraw': async (f, c) => refusal(await c.request('POST', `/api/invoices/${await foreignInvoice(f)}/withdraw`, { reason: 'probe' })),
  // Summary, budget scenarios, pledges (Pakta): Ende's programme and pledge, from Kupang.
  'GET /api/programmes/:code/summary': async (_f, c) => refusal(await c.request('GET', '/api/programmes/ENDE-2026/summary')),
  'GET /api/programmes/:code/summary.xlsx': async (_f, c) => refusal(await c.request('GET', '/api/programmes/ENDE-2026/summary.xlsx')),
  'GET /api/programmes/:code/summary.pdf': async (_f, c) => refusal(await c.request('GET', '/api/programmes/ENDE-2026/summary.pdf')),
  'POST /api/programmes/:code/scenarios': async (_f, c) => refusal(await c.request('POST', '/api/programmes/ENDE-2026/scenarios', { name: 'Probe', workers: 1, months: 1 })),
  'DELETE /api/programmes/:code/scenarios/:id': async (f, c) => {
    const [s] = await f.db.query<{ id: number }>(
      `INSERT INTO budget_scenario (programme_id, name, workers, months, per_person, area_code) SELECT id, 'Ende probe', 1, 1, 16800, '53.08' FROM programme WHERE code = 'ENDE-2026'
       ON CONFLICT (programme_id, name) DO UPDATE SET workers = 1 RETURNING id`);
    const res = await c.request('DELETE', `/api/programmes/ENDE-2026/scenarios/${s!.id}`);
    const [still] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM budget_scenario WHERE id = $1', [s!.id]);
    return { res, leaked: res.statusCode < 400 || still!.n === 0 };
  },
  'GET /api/pledges': async (f, c) => {
    await f.db.query(`INSERT INTO pledge (regency_code, fiscal_year, places, amount, programme_id) SELECT '53.08', 2026, 500, 100800000, id FROM programme WHERE code = 'ENDE-2026' ON CONFLICT DO NOTHING`);
    const res = await c.request('GET', '/api/pledges?year=2026');
    const items = res.statusCode === 200 ? (res.json() as { items: { regencyCode: string; enrolled: unknown; billed: unknown; paid: unknown }[] }).items : [];
    return { res, leaked: items.some((i) => i.regencyCode === FOREIGN && (i.enrolled !== null || i.billed !== null || i.paid !== null)) };
  },
  'POST /api/pledges': async (_f, c) => refusal(await c.request('POST', '/api/pledges', { regency: FOREIGN, fiscalYear: 2026, places: 1, amount: 1 })),
  'POST /api/pledges/import': async (_f, c) => {
    const boundary = '----lindungpakta';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="pakta.csv"\r\nContent-Type: text/csv\r\n\r\nKabupaten/Kota;Tahun Anggaran;Jumlah Pekerja;Nilai\n53.08;2026;1;1\n\r\n--${boundary}--\r\n`;
    return refusal(await c.request('POST', '/api/pledges/import', body, { 'content-type': `multipart/form-data; boundary=${boundary}` }));
  },
  // Claims dashboard and letters: Ende's paid claim, from Kupang.
  'GET /api/claims/dashboard': async (f, c) => {
    await foreignPaidClaim(f);
    const narrowed = await c.request('GET', `/api/claims/dashboard?regency=${FOREIGN}`);
    const res = await c.request('GET', '/api/claims/dashboard');
    // Unfiltered, Ende must not appear at all (the regencies listed are the area's own and those with visible claims).
    const body = res.statusCode === 200 ? (res.json() as { regencies: { regencyCode: string }[] }) : null;
    return { res: narrowed, leaked: narrowed.statusCode < 400 || (body !== null && body.regencies.some((r) => r.regencyCode === FOREIGN)) };
  },
  'GET /api/claims/dashboard.xlsx': async (f, c) => {
    await foreignPaidClaim(f);
    return refusal(await c.request('GET', `/api/claims/dashboard.xlsx?regency=${FOREIGN}`));
  },
  'GET /api/claims/:id/letters/decision.pdf': async (f, c) => refusal(await c.request('GET', `/api/claims/${await foreignPaidClaim(f)}/letters/decision.pdf`)),
  'GET /api/claims/:id/letters/payout.pdf': async (f, c) => refusal(await c.request('GET', `/api/claims/${await foreignPaidClaim(f)}/letters/payout.pdf`)),
  // Claim rules and holidays: national data; a Kupang account may not add Ende's or remove the nation's.
  'POST /api/claims/rules': async (f, c) => {
    const res = await c.request('POST', '/api/claims/rules', { claimType: 'funeral', component: 'funeral', labelId: 'Probe', labelEn: 'Probe', amount: 1, validFrom: '2026-01-01', legalBasis: 'probe', areaCode: FOREIGN });
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM benefit_rule WHERE area_code = $1`, [FOREIGN]);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'POST /api/claims/holidays': async (f, c) => {
    const res = await c.request('POST', '/api/claims/holidays', { day: '2026-04-20', name: 'Probe Ende', areaCode: FOREIGN });
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public_holiday WHERE name = 'Probe Ende'`);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'DELETE /api/claims/holidays/:day': async (f, c) => {
    const res = await c.request('DELETE', `/api/claims/holidays/2026-12-25?name=${encodeURIComponent('Hari Raya Natal')}`);
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM public_holiday WHERE day = '2026-12-25'`);
    return { res, leaked: res.statusCode < 400 || n!.n === 0 };
  },
  // The claim lifecycle: Ende's claims, documents and heirs, from Kupang.
  'POST /api/claims/assess': async (_f, c) => refusal(await c.request('POST', '/api/claims/assess', { nik: '5308010101800003', type: 'jkm_death', eventDate: '2026-03-01' })),
  'POST /api/claims': async (f, c) => {
    const res = await c.request('POST', '/api/claims', { nik: '5308010101800003', type: 'jkm_death', eventDate: '2026-03-01', registerUncovered: true });
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM claim WHERE person_id = $1 AND type = 'jkm_death'`, [f.foreignPersonId]);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'GET /api/claims': async (f, c) => {
    await foreignClaimSet(f);
    const res = await c.request('GET', `/api/claims?area=${FOREIGN}`);
    const all = await c.request('GET', '/api/claims');
    const items = [res, all].flatMap((r) => (r.statusCode === 200 ? (r.json() as { items: { claimNo: string }[] }).items : []));
    return { res: all, leaked: items.some((i) => i.claimNo.startsWith('PROBE-')) };
  },
  'POST /api/claims/search': async (f, c) => {
    await foreignClaimSet(f);
    const res = await c.request('POST', '/api/claims/search', { q: '5308010101800003' });
    const items = res.statusCode === 200 ? (res.json() as { items: unknown[] }).items : [];
    return { res, leaked: items.length > 0 };
  },
  'GET /api/claims/:id': async (f, c) => refusal(await c.request('GET', `/api/claims/${(await foreignClaimSet(f)).draft}`)),
  'POST /api/claims/:id/complete': async (f, c) => {
    const { draft } = await foreignClaimSet(f);
    const res = await c.request('POST', `/api/claims/${draft}/complete`, {});
    return { res, leaked: res.statusCode < 400 || (await claimStatus(f, draft)) !== 'draft' };
  },
  'POST /api/claims/:id/submit': async (f, c) => refusal(await c.request('POST', `/api/claims/${(await foreignClaimSet(f)).draft}/submit`, {})),
  'POST /api/claims/:id/withdraw': async (f, c) => {
    const { draft } = await foreignClaimSet(f);
    const res = await c.request('POST', `/api/claims/${draft}/withdraw`, { reason: 'probe withdraw' });
    return { res, leaked: res.statusCode < 400 || (await claimStatus(f, draft)) !== 'draft' };
  },
  'POST /api/claims/:id/decide': async (f, c) => {
    const { submitted } = await foreignClaimSet(f);
    const res = await c.request('POST', `/api/claims/${submitted}/decide`, { decision: 'reject', reason: 'probe reject' });
    return { res, leaked: res.statusCode < 400 || (await claimStatus(f, submitted)) !== 'submitted' };
  },
  'POST /api/claims/:id/documents': async (f, c) => {
    const { draft } = await foreignClaimSet(f);
    const boundary = '----lindungclaimdoc';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nkk\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="kk.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 probe\r\n--${boundary}--\r\n`;
    const res = await c.request('POST', `/api/claims/${draft}/documents`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM claim_document WHERE claim_id = $1', [draft]);
    return { res, leaked: res.statusCode < 400 || n!.n !== 1 };
  },
  'GET /api/claims/:id/documents/:documentId': async (f, c) => {
    const { draft, document } = await foreignClaimSet(f);
    return refusal(await c.request('GET', `/api/claims/${draft}/documents/${document}`));
  },
  'DELETE /api/claims/:id/documents/:documentId': async (f, c) => {
    const { draft, document } = await foreignClaimSet(f);
    const res = await c.request('DELETE', `/api/claims/${draft}/documents/${document}`);
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM claim_document WHERE id = $1', [document]);
    return { res, leaked: res.statusCode < 400 || n!.n !== 1 };
  },
  'GET /api/persons/:id/heirs': async (f, c) => {
    await foreignClaimSet(f);
    return refusal(await c.request('GET', `/api/persons/${f.foreignPersonId}/heirs`));
  },
  'POST /api/persons/:id/heirs': async (f, c) => {
    const res = await c.request('POST', `/api/persons/${f.foreignPersonId}/heirs`, { fullName: 'Probe Heir', relation: 'anak' });
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM heir WHERE full_name = 'Probe Heir'`);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'PATCH /api/heirs/:id': async (f, c) => {
    const { heir } = await foreignClaimSet(f);
    const res = await c.request('PATCH', `/api/heirs/${heir}`, { bankAccount: '0099999999', version: 1 });
    const [h] = await f.db.query<{ bank_account: string }>('SELECT bank_account FROM heir WHERE id = $1', [heir]);
    return { res, leaked: res.statusCode < 400 || h!.bank_account !== '0011002200' };
  },
  'DELETE /api/heirs/:id': async (f, c) => {
    const { heir } = await foreignClaimSet(f);
    const res = await c.request('DELETE', `/api/heirs/${heir}?version=1`);
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM heir WHERE id = $1', [heir]);
    return { res, leaked: res.statusCode < 400 || n!.n !== 1 };
  },
  // Payouts: Ende's approved claim, batch and failed transfer, from Kupang.
  'GET /api/claims/payouts/ready': async (f, c) => {
    const fp = await foreignPayouts(f);
    const res = await c.request('GET', '/api/claims/payouts/ready');
    const body = res.statusCode === 200 ? (res.json() as { ready: { claimId: number }[]; retries: { id: number }[] }) : null;
    return { res, leaked: body !== null && (body.ready.some((r) => r.claimId === fp.readyClaim) || body.retries.some((r) => r.id === fp.failedLine)) };
  },
  'POST /api/claims/payouts': async (f, c) => {
    const fp = await foreignPayouts(f);
    const res = await c.request('POST', '/api/claims/payouts', { claimIds: [fp.readyClaim] });
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_line WHERE claim_id = $1', [fp.readyClaim]);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'POST /api/claims/payouts/retry': async (f, c) => {
    const fp = await foreignPayouts(f);
    const res = await c.request('POST', '/api/claims/payouts/retry', { lines: [{ lineId: fp.failedLine }] });
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_line WHERE retry_of = $1', [fp.failedLine]);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
  'GET /api/claims/payouts': async (f, c) => {
    const fp = await foreignPayouts(f);
    const res = await c.request('GET', '/api/claims/payouts');
    return { res, leaked: res.statusCode === 200 && (res.json() as { items: { id: number }[] }).items.some((b) => b.id === fp.batch) };
  },
  'GET /api/claims/payouts/:id': async (f, c) => refusal(await c.request('GET', `/api/claims/payouts/${(await foreignPayouts(f)).batch}`)),
  'GET /api/claims/payouts/:id/file': async (f, c) => refusal(await c.request('GET', `/api/claims/payouts/${(await foreignPayouts(f)).batch}/file?format=csv`)),
  'POST /api/claims/payouts/:id/confirmation': async (f, c) => {
    const fp = await foreignPayouts(f);
    const res = await fileUpload(c, `/api/claims/payouts/${fp.batch}/confirmation`, `Referensi;Status\n${fp.reference};GAGAL\n`);
    const [b] = await f.db.query<{ sha: string | null }>('SELECT confirmation_sha256 AS sha FROM payout_batch WHERE id = $1', [fp.batch]);
    return { res, leaked: res.statusCode < 400 || b!.sha !== null };
  },
  'PUT /api/claims/payout-layout': async (f, c) => {
    const res = await c.request('PUT', '/api/claims/payout-layout', { columns: [{ header: 'Probe', field: 'reference' }, { header: 'Rek', field: 'bank_account' }, { header: 'Rp', field: 'amount' }] });
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM file_layout WHERE kind = 'bank_payout'`);
    return { res, leaked: res.statusCode < 400 || n!.n > 0 };
  },
};

let f: Fixture;
const clients = new Map<Role, Client>();

beforeAll(async () => {
  f = await startFixture('access');
  for (const role of ROLES) clients.set(role, await signInAs(f.app, username(role)));
});
afterAll(async () => f?.cleanup());

const apiRoutes = () => f.app.routeSpecs.filter((r) => r.url.startsWith('/api')).map((r) => `${r.method} ${r.url}`);

describe('access rules', () => {
  it('every API route is public, own-account, or has a foreign-area probe', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const uncovered = routes.filter((r) => !PUBLIC.has(r) && !OWN_ACCOUNT.has(r) && !REFERENCE.has(r) && !PROBES[r]);
    expect(uncovered).toEqual([]);
    // And the lists name no route that no longer exists.
    for (const r of [...PUBLIC, ...OWN_ACCOUNT, ...REFERENCE, ...Object.keys(PROBES)]) expect(routes).toContain(r);
  });

  it('every route declares an access rule (the server refuses routes without one)', async () => {
    expect(f.app.routeSpecs.every((r) => ['public', 'signed_in', 'permission'].includes(r.access.kind))).toBe(true);
    const { buildServer } = await import('../../src/http/server.js');
    const app = await buildServer(f.db, f.app.config);
    expect(() => app.get('/api/unguarded', async () => 'x')).toThrow(/no access rule/);
    await app.close();
  });

  for (const role of ROLES) {
    it(`${role}: every scoped route refuses Ende (53.08) records`, async () => {
      const client = clients.get(role)!;
      const leaks: string[] = [];
      for (const [key, probe] of Object.entries(PROBES)) {
        const { res, leaked } = await probe(f, client);
        expect(res.statusCode, `${key} for ${role}`).toBeLessThan(500);
        if (leaked) leaks.push(`${key} → ${res.statusCode}`);
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(leaks).toEqual([]);
    });
  }

  it('signed-out callers get 401 on every non-public API route', async () => {
    for (const key of apiRoutes().filter((r) => !PUBLIC.has(r))) {
      const [method, url] = key.split(' ') as [string, string];
      const res = await f.app.inject({ method: method as 'GET', url: url.replace(':id', '1').replace(':code', '53').replace(':reviewId', '1').replace(':regency', '53.01'), payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, key).toBe(401);
    }
  });

  it('a regency operator sees their own area: search, detail and summary', async () => {
    const c = clients.get('regency_operator')!;
    const search = await c.request('POST', '/api/registry/search', { q: 'yohanes' });
    expect(search.statusCode).toBe(200);
    expect((search.json() as { items: { full_name: string }[] }).items.map((i) => i.full_name)).toEqual(['Yohanes Tefa']);
    const foreignNik = await c.request('POST', '/api/registry/search', { q: '5308010101800003' });
    expect((foreignNik.json() as { items: unknown[] }).items).toEqual([]);
    const detail = await c.request('GET', `/api/registry/persons/${f.homePersonId}`);
    expect(detail.statusCode).toBe(200);
    const summary = (await c.request('GET', '/api/registry/summary')).json() as { regencies: { code: string; workers: number }[] };
    expect(summary.regencies.find((r) => r.code === '53.01')!.workers).toBe(2);
    expect(summary.regencies.find((r) => r.code === '53.08')!.workers).toBe(0);
  });

  it('the national admin sees Ende users; the Kupang admin does not', async () => {
    const national = await signInAs(f.app, 'national');
    const all = (await national.request('GET', '/api/users')).json() as { username: string }[];
    expect(all.map((u) => u.username)).toContain('ende.operator');
    const load = await national.request('POST', '/api/areas/provinces/52/load');
    expect(load.statusCode).toBe(200);
    expect((load.json() as { regencies: number }).regencies).toBe(10);
    const ntb = await f.app.inject({ method: 'GET', url: '/api/areas?parent=52' });
    expect((ntb.json() as unknown[]).length).toBe(10);
    const verify = await national.request('GET', '/api/audit/verify');
    expect(verify.statusCode).toBe(200);
    expect((verify.json() as { ok: boolean }).ok).toBe(true);
  });
});
