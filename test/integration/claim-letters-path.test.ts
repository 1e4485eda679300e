/**
 * A death taken through the real code paths — registration with its entitlement, the widow as heir,
 * documents, complete, submit, a checker's approval, a payout batch — then its letters and the
 * dashboard: the letters quote what the rules computed, and the dashboard counts it as paid.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asActor, asSystem, type Actor } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import type { Party } from '../../src/domain/claim-workflow.js';
import { requiredDocuments } from '../../src/domain/claim-documents.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission } from '../../src/features/enrollment/submissions.js';
import { registerClaim } from '../../src/features/claims/claims.js';
import { addHeir } from '../../src/features/claims/heirs-store.js';
import { uploadDocument } from '../../src/features/claims/documents.js';
import { completeClaim, decideClaim, submitClaim } from '../../src/features/claims/workflow.js';
import { createPayoutBatch } from '../../src/features/claims/payouts.js';
import { decisionLetterPdf, letterData, payoutNoticePdf } from '../../src/features/claims/letters.js';
import { claimsDashboard } from '../../src/features/claims/dashboard.js';
import { HOME, insertPerson, startFixture, username, type Fixture } from '../helpers/app.js';

let f: Fixture;
let claimId = 0;
const NIK = '5301011506750031';
const TODAY = '2026-11-24';

function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-f]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join(' ')
    .replace(/\s+/g, ' ');
}

async function actor(role: 'regency_operator' | 'verifier' | 'finance_officer'): Promise<{ actor: Actor; party: Party }> {
  const name = username(role);
  const [u] = await f.db.query<{ id: number; area_code: string | null }>('SELECT id, area_code FROM app_user WHERE username = $1', [name]);
  return { actor: { userId: Number(u!.id), username: name, role, areaCode: u!.area_code }, party: { userId: Number(u!.id), label: name } };
}

const as = async <T>(role: 'regency_operator' | 'verifier' | 'finance_officer', fn: (tx: Queryable, party: Party) => Promise<T>): Promise<T> => {
  const a = await actor(role);
  return asActor(f.db, a.actor, (tx) => fn(tx, a.party));
};

beforeAll(async () => {
  f = await startFixture('claim-letters-path');
  await insertPerson(f.db, { nik: NIK, name: 'Markus Taek', village: f.homeVillage });
  await asSystem(f.db, 'test', async (tx) => {
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ('KLAIM-SURAT', 'Program uji surat klaim', 'province', '53', 'Pemerintah Provinsi Nusa Tenggara Timur', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, 10)`,
    );
    await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, $1, 10, 'proportional' FROM programme WHERE code = 'KLAIM-SURAT'`, [HOME]);
    await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT g.id, p.id, 'candidate', p.village_code FROM programme g, person p WHERE g.code = 'KLAIM-SURAT' AND p.nik = $1`, [NIK]);
    const batch = await createSubmission(tx, await getProgramme(tx, 'KLAIM-SURAT'), HOME, 'test');
    await applyResponse(tx, batch.id, [{ fileLine: 2, nik: NIK, kpj: '26000000031', accepted: true, effectiveDate: '2026-01-05', reason: null }], null);
  });

  const c = await as('regency_operator', (tx, by) => registerClaim(tx, { nik: NIK, type: 'jkm_death', eventDate: '2026-06-20', eventPlace: 'Oelamasi', description: 'Sakit' }, by, TODAY));
  claimId = c.id;
  const [p] = await f.db.query<{ id: number }>('SELECT id FROM person WHERE nik = $1', [NIK]);
  await as('regency_operator', (tx) => addHeir(tx, p!.id, { fullName: 'Elisabeth Taek', relation: 'istri', proof: 'Buku nikah 12/2001', bankName: 'Bank NTT', bankAccount: '0033445566', accountHolder: 'Elisabeth Taek' }, TODAY));
  // A tiny PDF per document (checked by its magic bytes, not its name).
  const pdf = (n: number) => Buffer.from(`%PDF-1.4\n% document ${n}\n%%EOF\n`);
  const kinds = [...requiredDocuments('jkm_death'), 'marriage_book'];
  await as('regency_operator', async (tx) => {
    for (const [i, kind] of kinds.entries()) await uploadDocument(tx, claimId, { kind, fileName: `${kind}.pdf`, content: pdf(i), sizeBytes: pdf(i).length }, username('regency_operator'));
  });
  await as('regency_operator', (tx, by) => completeClaim(tx, claimId, by));
  await as('regency_operator', (tx, by) => submitClaim(tx, claimId, by));
  await as('verifier', (tx, by) => decideClaim(tx, claimId, { decision: 'approve', note: 'Berkas lengkap dan sah.' }, by));
  await as('finance_officer', (tx, by) => createPayoutBatch(tx, { claimIds: [claimId] }, by.label));
}, 180_000);
afterAll(async () => f?.cleanup());

describe('letters and dashboard on a claim that went the whole way', () => {
  it('decision letter: the rules\' components and reasons, the widow as payee, the checker\'s note', async () => {
    const d = await as('regency_operator', (tx) => letterData(tx, claimId));
    expect(d.claim.status).toBe('paid');
    const text = pdfText(await decisionLetterPdf(d, { compress: false, printedOn: TODAY }));
    expect(text).toContain('DISETUJUI');
    expect(text).toContain('Rp42.000.000 (empat puluh dua juta rupiah)');
    for (const c of d.claim.entitlement.components ?? []) expect(text).toContain(c.label.id);
    expect(text).toContain('Kepada Yth. Elisabeth Taek (istri)');
    expect(text).toContain('xxxxxx5566');
    expect(text).toContain('Catatan keputusan: Berkas lengkap dan sah.');
    expect(text).toContain('26000000031');
    expect(text).toContain('Markus Taek');
    expect((d.claim.entitlement.reasons ?? []).length).toBeGreaterThan(0);
  });

  it('payout notice: the transfer sent to the bank, awaiting its confirmation', async () => {
    const d = await as('regency_operator', (tx) => letterData(tx, claimId));
    const text = pdfText(await payoutNoticePdf(d, { compress: false, printedOn: TODAY }));
    expect(text).toContain('Empat puluh dua juta rupiah');
    expect(text).toContain('Dikirim ke bank, menunggu konfirmasi');
    expect(text).toContain(d.payees[0]!.transfers[0]!.reference);
    expect(text).toContain('Menunggu konfirmasi bank');
  });

  it('the dashboard counts it: paid Rp42.000.000, time to payment from the complete file', async () => {
    const d = await as('regency_operator', (tx) => claimsDashboard(tx, {}, TODAY));
    expect(d.total).toMatchObject({ claims: 1, paid: 1, paidAmount: 42_000_000, overdue: 0 });
    expect(d.total.timeToPayment.paid).toBe(1);
    expect(d.byType.find((t) => t.type === 'jkm_death')!.paidAmount).toBe(42_000_000);
  });
});
