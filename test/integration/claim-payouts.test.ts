/**
 * Payouts of approved claims to Bank NTT on the engine under test: batches from approved claims'
 * payees, the bank file (XLSX with its control sheet, CSV, a configured layout), the bank's
 * confirmation (success, failure, a later reversal), retries with a corrected account, files
 * refused whole (unknown reference, another batch's reference, a success after a failure), and
 * no payment twice — through the functions, the API, the screens and the CLI.
 *
 * Approved claims with their payees are written straight into the tables (what the claim
 * workflow leaves behind when BPJS approves), so these tests do not depend on registration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOREIGN, HOME, insertPerson, signInAs, startFixture, username, type Client, type Fixture } from '../helpers/app.js';
import { freshConfig, type TestConfig } from '../helpers/db.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { asSystem } from '../../src/db/scope.js';
import { DbError, type Db } from '../../src/db/types.js';
import { openDatabase } from '../../src/db/open.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { createPayoutBatch, getPayoutBatch, type BatchResult, type PayoutBatch } from '../../src/features/claims/payouts.js';
import { importConfirmation, type ConfirmationResult } from '../../src/features/claims/bank-confirmation.js';
import { UserError } from '../../src/domain/user-error.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission } from '../../src/features/enrollment/submissions.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lindung-payouts-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Payee {
  name: string;
  relation: string;
  amount: number;
  account: string;
}

/** An approved claim as the decision leaves it: approved amount and payees fixed. */
async function approvedClaim(db: Db, c: { no: string; personId: number; village: string; type?: string; status?: string; approved: number; payees: Payee[] }): Promise<number> {
  return asSystem(db, 'test', async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO claim (claim_no, person_id, type, event_date, covered, coverage, entitlement, entitled_amount, status, approved_amount,
                          documents_complete_at, sla_due, submitted_at, decided_at, registered_by_label, submitted_by_label, decided_by_label, village_code)
       VALUES ($1, $2, $3, '2026-02-10', true, '{}', '{}', $4, $5, $4, now() - interval '5 days', current_date + 1, now() - interval '3 days', now() - interval '1 day',
               'test.maker', 'test.maker', 'test.checker', $6) RETURNING id`,
      [c.no, c.personId, c.type ?? 'jkm_death', c.approved, c.status ?? 'approved', c.village],
    );
    for (const p of c.payees) {
      await tx.query(
        `INSERT INTO claim_payee (claim_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code) VALUES ($1, $2, $3, $4, 'Bank NTT', $5, $2, $6)`,
        [row!.id, p.name, p.relation, p.amount, p.account, c.village],
      );
    }
    return row!.id;
  });
}

async function claimState(db: Db, id: number): Promise<{ status: string; paid: boolean; confirmed: boolean }> {
  const [r] = await db.query<{ status: string; paid_at: Date | null; confirmed_at: Date | null }>('SELECT status, paid_at, confirmed_at FROM claim WHERE id = $1', [id]);
  return { status: r!.status, paid: r!.paid_at !== null, confirmed: r!.confirmed_at !== null };
}

function csv(rows: string[][]): string {
  return `${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
}

function multipart(name: string, content: Buffer | string, type = 'text/csv'): { body: Buffer; type: string } {
  const boundary = '----lindungpayout';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(c: Client, url: string, name: string, content: Buffer | string, type?: string): Promise<LightMyRequestResponse> {
  const m = multipart(name, content, type);
  return c.request('POST', url, m.body, { 'content-type': m.type });
}

const refOf = (b: PayoutBatch, payee: string) => b.items.find((l) => l.payeeName === payee)!.reference;

let f: Fixture;
let finance: Client;
let bank: Client;
const ids: Record<string, number> = {};

beforeAll(async () => {
  f = await startFixture('claim-payouts');
  finance = await signInAs(f.app, username('finance_officer'));
  bank = await signInAs(f.app, username('bank_liaison'));
  const v = f.homeVillage;
  const p = async (nik: string, name: string, village = v) => insertPerson(f.db, { nik, name, village });
  // A: a JKM death, shared by the widow and a child; B: medical care paid to the member himself.
  ids.a = await approvedClaim(f.db, { no: 'KLM-2026-000101', personId: f.homePersonId, village: v, approved: 42_000_000, payees: [
    { name: 'Maria Tefa', relation: 'istri', amount: 21_000_000, account: '0012345678901' },
    { name: 'Yosef Tefa', relation: 'anak', amount: 21_000_000, account: '0012345678902' },
  ] });
  ids.b = await approvedClaim(f.db, { no: 'KLM-2026-000102', personId: await p('5301010202800011', 'Agustinus Nome'), village: v, type: 'jkk_medical', approved: 5_250_000, payees: [
    { name: 'Agustinus Nome', relation: 'peserta', amount: 5_250_000, account: '0098765432100' },
  ] });
  // C: the shares do not add up; D: nobody to pay; F: still with BPJS; E: Ende's, outside Kupang.
  ids.c = await approvedClaim(f.db, { no: 'KLM-2026-000103', personId: await p('5301010303800012', 'Dominggus Lake'), village: v, approved: 42_000_000, payees: [
    { name: 'Sara Lake', relation: 'istri', amount: 40_000_000, account: '0011122233344' },
  ] });
  ids.d = await approvedClaim(f.db, { no: 'KLM-2026-000104', personId: await p('5301010404800013', 'Markus Bana'), village: v, approved: 10_000_000, payees: [] });
  ids.f = await approvedClaim(f.db, { no: 'KLM-2026-000106', personId: await p('5301010505800014', 'Petrus Seran'), village: v, status: 'submitted', approved: 0, payees: [] });
  ids.e = await approvedClaim(f.db, { no: 'KLM-2026-000105', personId: f.foreignPersonId, village: f.foreignVillage, approved: 42_000_000, payees: [
    { name: 'Theresia Wangge', relation: 'istri', amount: 42_000_000, account: '0055566677788' },
  ] });
}, 120_000);
afterAll(async () => f?.cleanup());

describe('payout batches', () => {
  let first: BatchResult;

  it('lists what is ready and what stops the others, within the user\'s area', async () => {
    const res = await finance.request('GET', '/api/claims/payouts/ready');
    expect(res.statusCode).toBe(200);
    const { ready, retries } = res.json() as { ready: { claimNo: string; problems: { en: string }[]; unsentAmount: number }[]; retries: unknown[] };
    expect(retries).toEqual([]);
    expect(ready.map((c) => c.claimNo).sort()).toEqual(['KLM-2026-000101', 'KLM-2026-000102', 'KLM-2026-000103', 'KLM-2026-000104']);
    const byNo = Object.fromEntries(ready.map((c) => [c.claimNo, c]));
    expect(byNo['KLM-2026-000101']!.problems).toEqual([]);
    expect(byNo['KLM-2026-000101']!.unsentAmount).toBe(42_000_000);
    expect(byNo['KLM-2026-000103']!.problems[0]!.en).toContain('add up to Rp40,000,000, not the approved Rp42,000,000');
    expect(byNo['KLM-2026-000104']!.problems[0]!.en).toContain('no payee');
  });

  it('refuses a batch naming a claim that is not ready, and changes nothing', async () => {
    const res = await finance.request('POST', '/api/claims/payouts', { claimIds: [ids.a, ids.c] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'payout_claims_not_ready' });
    expect((res.json() as { detail: string }).detail).toContain('KLM-2026-000103');
    const foreign = await finance.request('POST', '/api/claims/payouts', { claimIds: [ids.e] });
    expect(foreign.statusCode).toBe(404);
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_line');
    expect(n!.n).toBe(0);
    expect((await claimState(f.db, ids.a!)).status).toBe('approved');
  });

  it('makes a batch of every ready claim: a line per payee, claims paid, the others left out with the reason', async () => {
    const res = await finance.request('POST', '/api/claims/payouts', {});
    expect(res.statusCode, res.body).toBe(201);
    first = res.json() as BatchResult;
    expect(first).toMatchObject({ status: 'open', lines: 3, amount: 47_250_000, areaCode: HOME, createdBy: username('finance_officer') });
    expect(first.items.map((l) => [l.claimNo, l.payeeName, l.amount, l.status])).toEqual([
      ['KLM-2026-000101', 'Maria Tefa', 21_000_000, 'sent'],
      ['KLM-2026-000101', 'Yosef Tefa', 21_000_000, 'sent'],
      ['KLM-2026-000102', 'Agustinus Nome', 5_250_000, 'sent'],
    ]);
    for (const l of first.items) expect(l.reference).toMatch(/^LDG\d{9}$/);
    // The finance officer may see account numbers.
    expect(first.items[0]!.bankAccount).toBe('0012345678901');
    expect(first.skipped.map((s) => s.claimNo).sort()).toEqual(['KLM-2026-000103', 'KLM-2026-000104']);
    expect(first.claims.map((c) => [c.claimNo, c.to])).toEqual([['KLM-2026-000101', 'paid'], ['KLM-2026-000102', 'paid']]);
    expect(await claimState(f.db, ids.a!)).toEqual({ status: 'paid', paid: true, confirmed: false });
    // Ende's claim is not Kupang's to pay.
    expect((await claimState(f.db, ids.e!)).status).toBe('approved');
  });

  it('never pays twice: not by a second batch, not by a line slipped in beside the first', async () => {
    const again = await finance.request('POST', '/api/claims/payouts', { claimIds: [ids.a] });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ code: 'payout_claims_not_ready', claims: [{ claimNo: 'KLM-2026-000101', problems: ['the claim is "paid"; only approved claims are paid'] }] });
    const all = await finance.request('POST', '/api/claims/payouts', {});
    expect(all.statusCode).toBe(422);
    expect(all.json()).toMatchObject({ code: 'payout_nothing_ready' });
    // Even written by hand, a second transfer in flight for the same payee is refused by the database.
    const line = first.items[0]!;
    const err = await asSystem(f.db, 'test', (tx) =>
      tx.query(`INSERT INTO payout_line (batch_id, claim_id, payee_id, reference, amount, bank_account, village_code) VALUES ($1, $2, $3, 'HAND-1', $4, $5, $6)`,
        [first.id, line.claimId, line.payeeId, line.amount, line.bankAccount, line.villageCode]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).constraint).toBe('payout_line_once');
  });

  it('writes the bank file: XLSX with text accounts and a control sheet, and CSV', async () => {
    const x = await bank.request('GET', `/api/claims/payouts/${first.id}/file?format=xlsx`);
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-disposition']).toContain(`pembayaran-klaim-batch-${first.id}-`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Transfer')!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'No', 'Referensi', 'Nomor Rekening', 'Nama Pemilik Rekening', 'Bank', 'Nominal', 'Keterangan']);
    expect(sheet.getRow(2).values).toEqual([undefined, 1, first.items[0]!.reference, '0012345678901', 'Maria Tefa', 'Bank NTT', 21_000_000, 'Manfaat JKM KLM-2026-000101']);
    expect(sheet.getRow(4).getCell(7).value).toBe('Manfaat JKK KLM-2026-000102');
    expect(sheet.rowCount).toBe(4);
    const control = wb.getWorksheet('Kontrol')!;
    const facts = Object.fromEntries(control.getSheetValues().slice(2).map((r) => [(r as unknown[])[1], (r as unknown[])[2]]));
    expect(facts).toMatchObject({ Batch: first.id, 'Jumlah transfer': 3, 'Total nominal (Rp)': 47_250_000, Terbilang: 'empat puluh tujuh juta dua ratus lima puluh ribu rupiah' });
    const c = await finance.request('GET', `/api/claims/payouts/${first.id}/file?format=csv`);
    expect(c.headers['content-type']).toContain('text/csv');
    expect(c.body.split('\r\n')[0]).toBe('No;Referensi;Nomor Rekening;Nama Pemilik Rekening;Bank;Nominal;Keterangan');
    expect(c.body.split('\r\n')[3]).toBe(`3;${first.items[2]!.reference};0098765432100;Agustinus Nome;Bank NTT;5250000;Manfaat JKK KLM-2026-000102`);
    const [log] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM data_access_log WHERE subject_type = 'payout_batch' AND action = 'export'`);
    expect(log!.n).toBe(2);
  });

  it('masks account numbers for the bank liaison on screen data, but not in the file the bank needs', async () => {
    const res = await bank.request('GET', `/api/claims/payouts/${first.id}`);
    expect(res.statusCode).toBe(200);
    const b = res.json() as PayoutBatch;
    expect(b.items[0]!.bankAccount).not.toBe('0012345678901');
    expect(b.items[0]!.bankAccount).toMatch(/8901$/);
  });
});

describe('the bank\'s confirmation, reversals and retries', () => {
  let first: PayoutBatch;

  beforeAll(async () => {
    const [b] = await f.db.query<{ id: number }>('SELECT min(id) AS id FROM payout_batch');
    first = await asSystem(f.db, 'test', (tx) => getPayoutBatch(tx, b!.id));
  });

  it('refuses a file naming an unknown transfer, or a garbled status, whole — each line named', async () => {
    const res = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'konfirmasi.csv', csv([
      ['Referensi', 'Status', 'Referensi Bank', 'Alasan'],
      [refOf(first, 'Maria Tefa'), 'BERHASIL', 'NTT-TRX-1', ''],
      ['LDG999999999', 'BERHASIL', 'NTT-TRX-2', ''],
      [refOf(first, 'Yosef Tefa'), 'MUNGKIN', '', ''],
    ]));
    expect(res.statusCode).toBe(422);
    const body = res.json() as { code: string; problems: string[] };
    expect(body.code).toBe('confirmation_refused');
    expect(body.problems).toEqual([
      'line 4: status "MUNGKIN" is not understood; write BERHASIL, GAGAL or DIBATALKAN',
      'line 3: reference LDG999999999 is unknown (not a Lindung transfer, or outside your area)',
    ]);
    const [n] = await f.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM payout_line WHERE status <> 'sent'`);
    expect(n!.n).toBe(0);
  });

  it('refuses an amount that differs from what was sent', async () => {
    const res = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'k.csv', csv([
      ['Referensi', 'Status', 'Nominal'], [refOf(first, 'Maria Tefa'), 'BERHASIL', '21.000.001'],
    ]));
    expect(res.statusCode).toBe(422);
    expect((res.json() as { problems: string[] }).problems[0]).toContain('Rp21,000,001, but Rp21,000,000 was sent');
  });

  it('applies success and failure: a claim fully paid is confirmed, one with a failed transfer goes back to approved', async () => {
    const res = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'konfirmasi-1.csv', csv([
      ['No', 'Referensi', 'Referensi Bank', 'Status', 'Alasan'],
      ['1', refOf(first, 'Maria Tefa'), 'NTT-TRX-1', 'BERHASIL', ''],
      ['2', refOf(first, 'Yosef Tefa'), 'NTT-TRX-2', 'GAGAL', 'Rekening tidak aktif'],
      ['3', refOf(first, 'Agustinus Nome'), 'NTT-TRX-3', 'Berhasil', ''],
    ]));
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as ConfirmationResult;
    expect(r.applied).toEqual({ success: 2, failed: 1, reversed: 0 });
    expect(r.batch.status).toBe('confirmed');
    expect(r.claims.map((c) => [c.claimNo, c.from, c.to]).sort()).toEqual([['KLM-2026-000101', 'paid', 'approved'], ['KLM-2026-000102', 'paid', 'confirmed']]);
    expect(await claimState(f.db, ids.a!)).toEqual({ status: 'approved', paid: false, confirmed: false });
    expect(await claimState(f.db, ids.b!)).toEqual({ status: 'confirmed', paid: true, confirmed: true });
    const again = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'konfirmasi-1.csv', csv([
      ['No', 'Referensi', 'Referensi Bank', 'Status', 'Alasan'],
      ['1', refOf(first, 'Maria Tefa'), 'NTT-TRX-1', 'BERHASIL', ''],
      ['2', refOf(first, 'Yosef Tefa'), 'NTT-TRX-2', 'GAGAL', 'Rekening tidak aktif'],
      ['3', refOf(first, 'Agustinus Nome'), 'NTT-TRX-3', 'Berhasil', ''],
    ]));
    expect(again.statusCode).toBe(409);
    const lines = (await finance.request('GET', `/api/claims/payouts/${first.id}`)).json() as PayoutBatch;
    expect(lines.items.map((l) => [l.payeeName, l.status, l.bankReference, l.failureReason])).toEqual([
      ['Maria Tefa', 'success', 'NTT-TRX-1', null],
      ['Yosef Tefa', 'failed', 'NTT-TRX-2', 'Rekening tidak aktif'],
      ['Agustinus Nome', 'success', 'NTT-TRX-3', null],
    ]);
  });

  it('the failed transfer waits for a retry; the bank cannot turn it into a success afterwards (a retry would pay twice)', async () => {
    const work = (await finance.request('GET', '/api/claims/payouts/ready')).json() as { retries: { payeeName: string; failureReason: string }[] };
    expect(work.retries.map((l) => [l.payeeName, l.failureReason])).toEqual([['Yosef Tefa', 'Rekening tidak aktif']]);
    const late = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'k2.csv', csv([['Referensi', 'Status'], [refOf(first, 'Yosef Tefa'), 'BERHASIL']]));
    expect(late.statusCode).toBe(422);
    expect((late.json() as { problems: string[] }).problems[0]).toMatch(/settle it with the bank first so nobody is paid twice/);
  });

  let retry: BatchResult;

  it('retries the failed transfer to a corrected account: a new line in a new batch, pointing at the old one', async () => {
    const failed = first.items.find((l) => l.payeeName === 'Yosef Tefa')!;
    const bad = await finance.request('POST', '/api/claims/payouts/retry', { lines: [{ lineId: failed.id, bankAccount: '12-34' }] });
    expect(bad.statusCode).toBe(422);
    const paid = first.items.find((l) => l.payeeName === 'Maria Tefa')!;
    const notFailed = await finance.request('POST', '/api/claims/payouts/retry', { lines: [{ lineId: paid.id }] });
    expect(notFailed.statusCode).toBe(422);
    expect((notFailed.json() as { problems: string[] }).problems[0]).toContain('only failed or reversed transfers are sent again');
    const res = await finance.request('POST', '/api/claims/payouts/retry', { lines: [{ lineId: failed.id, bankAccount: '0012 3456 7890 99', accountHolder: 'Yosef Tefa' }] });
    expect(res.statusCode, res.body).toBe(201);
    retry = res.json() as BatchResult;
    expect(retry.items).toHaveLength(1);
    expect(retry.items[0]).toMatchObject({ payeeName: 'Yosef Tefa', bankAccount: '00123456789099', amount: 21_000_000, retryOf: failed.id, status: 'sent' });
    expect(retry.claims.map((c) => [c.claimNo, c.to])).toEqual([['KLM-2026-000101', 'paid']]);
    // The failed line keeps the account it went to; the history keeps the payee's old account.
    const old = (await finance.request('GET', `/api/claims/payouts/${first.id}`)).json() as PayoutBatch;
    expect(old.items.find((l) => l.id === failed.id)).toMatchObject({ bankAccount: '0012345678902', retriedBy: retry.items[0]!.id });
    const [h] = await f.db.query<{ before: { bank_account: string }; after: { bank_account: string } }>(
      `SELECT before, after FROM audit_history WHERE table_name = 'claim_payee' AND op = 'U' ORDER BY id DESC LIMIT 1`,
    );
    expect([h!.before.bank_account, h!.after.bank_account]).toEqual(['0012345678902', '00123456789099']);
    const twice = await finance.request('POST', '/api/claims/payouts/retry', { lines: [{ lineId: failed.id }] });
    expect(twice.statusCode).toBe(422);
    expect((twice.json() as { problems: string[] }).problems[0]).toMatch(/already has transfer #\d+ sent or paid/);
  });

  it('refuses a confirmation with another batch\'s reference; confirms the retry', async () => {
    const wrong = await upload(bank, `/api/claims/payouts/${retry.id}/confirmation`, 'k3.csv', csv([
      ['Referensi', 'Status'], [retry.items[0]!.reference, 'BERHASIL'], [refOf(first, 'Maria Tefa'), 'BERHASIL'],
    ]));
    expect(wrong.statusCode).toBe(422);
    expect((wrong.json() as { problems: string[] }).problems).toEqual([`line 3: reference ${refOf(first, 'Maria Tefa')} belongs to batch #${first.id}, not batch #${retry.id}`]);
    const named = await upload(bank, `/api/claims/payouts/${retry.id}/confirmation`, 'k4.csv', csv([
      ['Nomor Batch', String(first.id)], [], ['Referensi', 'Status'], [retry.items[0]!.reference, 'BERHASIL'],
    ]));
    expect(named.statusCode).toBe(422);
    expect((named.json() as { problems: string[] }).problems[0]).toBe(`the file names batch #${first.id}, not batch #${retry.id}`);
    const ok = await upload(bank, `/api/claims/payouts/${retry.id}/confirmation`, 'k5.csv', csv([
      ['Nomor Batch', String(retry.id)], [], ['Referensi', 'Status', 'Referensi Bank'], [retry.items[0]!.reference, 'SUKSES', 'NTT-TRX-9'],
    ]));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await claimState(f.db, ids.a!)).toEqual({ status: 'confirmed', paid: true, confirmed: true });
  });

  it('a reversal after a success puts the claim back to approved; a GAGAL for a confirmed transfer is refused', async () => {
    const wb = new ExcelJS.Workbook();
    const s = wb.addWorksheet('Konfirmasi');
    s.addRow(['KONFIRMASI PEMBAYARAN BANK NTT']);
    s.addRow(['Batch', first.id]);
    s.addRow([]);
    s.addRow(['Referensi', 'Status', 'Referensi Bank', 'Alasan']);
    s.addRow([refOf(first, 'Agustinus Nome'), 'DIBATALKAN', 'NTT-REV-3', 'Rekening ditutup, dana dikembalikan']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'pembalikan.xlsx', xlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as ConfirmationResult;
    expect(r.applied).toEqual({ success: 0, failed: 0, reversed: 1 });
    expect(r.notInFile).toBe(2);
    expect(await claimState(f.db, ids.b!)).toEqual({ status: 'approved', paid: false, confirmed: false });
    const line = ((await finance.request('GET', `/api/claims/payouts/${first.id}`)).json() as PayoutBatch).items.find((l) => l.payeeName === 'Agustinus Nome')!;
    expect(line).toMatchObject({ status: 'reversed', bankReference: 'NTT-REV-3', failureReason: 'Rekening ditutup, dana dikembalikan' });
    const refused = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'k6.csv', csv([['Referensi', 'Status'], [refOf(first, 'Maria Tefa'), 'GAGAL']]));
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { problems: string[] }).problems[0]).toContain('DIBATALKAN (reversed), not GAGAL');
    expect((await claimState(f.db, ids.a!)).status).toBe('confirmed');
  });

  it('the reversed transfer is retried through the functions and confirmed; history records every step', async () => {
    const reversed = first.items.find((l) => l.payeeName === 'Agustinus Nome')!;
    const again = await asSystem(f.db, 'test.finance', async (tx) => {
      const { retryPayouts } = await import('../../src/features/claims/payouts.js');
      return retryPayouts(tx, [{ lineId: reversed.id }], 'test.finance');
    });
    expect(again.items[0]).toMatchObject({ retryOf: reversed.id, bankAccount: '0098765432100', status: 'sent' });
    const file = path.join(dir, 'b-ok.csv');
    fs.writeFileSync(file, csv([['Referensi', 'Status'], [again.items[0]!.reference, 'BERHASIL']]));
    const r = await asSystem(f.db, 'test.bank', (tx) => importConfirmation(tx, again.id, file, {}, 'test.bank'));
    expect(r.claims).toEqual([{ claimId: ids.b, claimNo: 'KLM-2026-000102', from: 'paid', to: 'confirmed' }]);
    const steps = await f.db.query<{ status: string }>(
      `SELECT after->>'status' AS status FROM audit_history WHERE table_name = 'claim' AND row_key = $1 AND op = 'U' ORDER BY id`,
      [String(ids.b)],
    );
    expect(steps.map((s) => s.status)).toEqual(['paid', 'confirmed', 'approved', 'paid', 'confirmed']);
    const lines = await f.db.query<{ status: string; retry_of: number | null }>('SELECT status, retry_of FROM payout_line WHERE claim_id = $1 ORDER BY id', [ids.b!]);
    expect(lines).toEqual([{ status: 'reversed', retry_of: null }, { status: 'success', retry_of: reversed.id }]);
  });

  it('a Kupang user cannot see or confirm a batch outside Kupang', async () => {
    const ende = await asSystem(f.db, 'test', (tx) => createPayoutBatch(tx, { claimIds: [ids.e!] }, 'test'));
    expect(ende.areaCode).toBe(FOREIGN);
    expect((await bank.request('GET', `/api/claims/payouts/${ende.id}`)).statusCode).toBe(404);
    const res = await upload(bank, `/api/claims/payouts/${ende.id}/confirmation`, 'k.csv', csv([['Referensi', 'Status'], [ende.items[0]!.reference, 'BERHASIL']]));
    expect(res.statusCode).toBe(404);
    const list = (await bank.request('GET', '/api/claims/payouts')).json() as { items: { id: number }[] };
    expect(list.items.map((b) => b.id)).not.toContain(ende.id);
    // From Kupang, Ende's reference is simply unknown.
    const mine = await upload(bank, `/api/claims/payouts/${first.id}/confirmation`, 'k7.csv', csv([['Referensi', 'Status'], [ende.items[0]!.reference, 'BERHASIL']]));
    expect((mine.json() as { problems: string[] }).problems[0]).toContain('is unknown');
  });
});

describe('the bank file layout', () => {
  it('a national administrator sets it; the file follows; a regency administrator may not', async () => {
    const national = await signInAs(f.app, 'national');
    const get = await national.request('GET', '/api/claims/payout-layout');
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ configured: false });
    const bad = await national.request('PUT', '/api/claims/payout-layout', { columns: [{ header: 'Nama', field: 'payee_name' }] });
    expect(bad.statusCode).toBe(422);
    const columns = [
      { header: 'Kode Bank', value: 'NTT' }, { header: 'No Rek', field: 'bank_account' }, { header: 'Nama', field: 'account_holder' },
      { header: 'Jumlah', field: 'amount' }, { header: 'Ref', field: 'reference' }, { header: 'Klaim', field: 'claim_no' },
    ];
    const put = await national.request('PUT', '/api/claims/payout-layout', { columns });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ configured: true, updatedBy: 'national', columns });
    const kupangAdmin = await signInAs(f.app, username('admin'));
    const refused = await kupangAdmin.request('PUT', '/api/claims/payout-layout', { columns });
    expect(refused.statusCode).toBe(403);
    const [b] = await f.db.query<{ id: number }>('SELECT min(id) AS id FROM payout_batch');
    const c = await finance.request('GET', `/api/claims/payouts/${b!.id}/file?format=csv`);
    const rows = c.body.trim().split('\r\n');
    expect(rows[0]).toBe('Kode Bank;No Rek;Nama;Jumlah;Ref;Klaim');
    expect(rows[1]).toMatch(/^NTT;0012345678901;Maria Tefa;21000000;LDG\d{9};KLM-2026-000101$/);
  });
});

describe('screens', () => {
  const form = (c: Client, url: string, body: Record<string, string | string[]>) => {
    const p = new URLSearchParams();
    p.append('_csrf', c.csrf);
    for (const [k, v] of Object.entries(body)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
    return c.request('POST', url, p.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
  };

  it('take a claim from approved to a confirmed payout, with a failure and a retry on the way', async () => {
    const v = f.homeVillage;
    const id = await approvedClaim(f.db, { no: 'KLM-2026-000201', personId: await insertPerson(f.db, { nik: '5301010606800015', name: 'Paulus Neno', village: v }), village: v, approved: 10_000_000, payees: [
      { name: 'Ana Neno', relation: 'istri', amount: 10_000_000, account: '0077788899900' },
    ] });
    const list = await finance.request('GET', '/claims/payouts');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Siap dibayar');
    expect(list.body).toContain('KLM-2026-000201');
    expect(list.body).toContain(`name="claimId" value="${id}"`);
    const none = await form(finance, '/claims/payouts', { all: '0' });
    expect(none.statusCode).toBe(422);
    const made = await form(finance, '/claims/payouts', { all: '0', claimId: [String(id)] });
    expect(made.statusCode, made.body).toBe(303);
    const batchUrl = made.headers.location as string;
    expect(batchUrl).toMatch(/^\/claims\/payouts\/\d+$/);
    const page = await bank.request('GET', batchUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Muat konfirmasi Bank NTT');
    expect(page.body).toContain('Dikirim ke bank');
    const ref = /(LDG\d{9})/.exec(page.body)![1]!;
    const xlsx = await bank.request('GET', `${batchUrl}/file.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const m = multipart('konfirmasi.csv', csv([['Referensi', 'Status', 'Alasan'], [ref, 'GAGAL', 'Nama pemilik tidak sesuai']]));
    const up = await f.app.inject({ method: 'POST', url: `${batchUrl}/confirmation?_csrf=${encodeURIComponent(bank.csrf)}`, payload: m.body, headers: { cookie: bank.cookie, 'content-type': m.type } });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.body).toContain('Klaim kembali ke &quot;disetujui&quot;');
    const bad = multipart('salah.csv', csv([['Referensi', 'Status'], ['LDG000999999', 'BERHASIL']]));
    const refused = await f.app.inject({ method: 'POST', url: `${batchUrl}/confirmation?_csrf=${encodeURIComponent(bank.csrf)}`, payload: bad.body, headers: { cookie: bank.cookie, 'content-type': bad.type } });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('tidak dikenal');
    const back = await finance.request('GET', '/claims/payouts');
    expect(back.body).toContain('Perlu dikirim ulang');
    expect(back.body).toContain('Nama pemilik tidak sesuai');
    const [line] = await f.db.query<{ id: number }>('SELECT id FROM payout_line WHERE reference = $1', [ref]);
    const retried = await form(finance, '/claims/payouts/retry', { lineId: String(line!.id), bankAccount: '', bankName: 'Bank NTT', accountHolder: 'Ana Neno Bria' });
    expect(retried.statusCode, retried.body).toBe(303);
    const retryPage = await bank.request('GET', retried.headers.location as string);
    expect(retryPage.body).toContain('kirim ulang baris');
    const ref2 = /(LDG\d{9})/.exec(retryPage.body)![1]!;
    const ok = multipart('ok.csv', csv([['Referensi', 'Status'], [ref2, 'BERHASIL']]));
    const done = await f.app.inject({ method: 'POST', url: `${retried.headers.location as string}/confirmation?_csrf=${encodeURIComponent(bank.csrf)}`, payload: ok.body, headers: { cookie: bank.cookie, 'content-type': ok.type } });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('KLM-2026-000201');
    expect(await claimState(f.db, id)).toEqual({ status: 'confirmed', paid: true, confirmed: true });
    const [payee] = await f.db.query<{ account_holder: string }>('SELECT account_holder FROM claim_payee WHERE claim_id = $1', [id]);
    expect(payee!.account_holder).toBe('Ana Neno Bria');
  });

  it('the bank liaison sees batches but cannot make them; the layout screen is the administrator\'s', async () => {
    const page = await bank.request('GET', '/claims/payouts');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('id="create-batch"');
    const post = await form(bank, '/claims/payouts', { all: '1' });
    expect(post.statusCode).toBe(403);
    const national = await signInAs(f.app, 'national');
    const layout = await national.request('GET', '/claims/payouts/layout');
    expect(layout.statusCode).toBe(200);
    expect(layout.body).toContain('Kode Bank');
    const saved = await form(national, '/claims/payouts/layout', {
      header: ['Referensi', 'Rekening', 'Nominal', ''], field: ['reference', 'bank_account', 'amount', ''], value: ['', '', '', ''],
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Tata letak disimpan');
    const wrong = await form(national, '/claims/payouts/layout', { header: ['Nama'], field: ['payee_name'], value: [''] });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('wajib ada');
    expect((await finance.request('GET', '/claims/payouts/layout')).statusCode).toBe(403);
  });
});

describe('functions refuse what must not be paid', () => {
  it('an explicit claim still with BPJS, and a claim id nobody has', async () => {
    const e1 = await asSystem(f.db, 'test', (tx) => createPayoutBatch(tx, { claimIds: [ids.f!] }, 'test')).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(UserError);
    expect((e1 as UserError).text.en).toContain('the claim is "submitted"; only approved claims are paid');
    const e2 = await asSystem(f.db, 'test', (tx) => createPayoutBatch(tx, { claimIds: [999_999] }, 'test')).catch((e: unknown) => e);
    expect((e2 as UserError).kind).toBe('not_found');
  });

  it('two batches made at the same moment for the same claim: one is made, the other refused', async () => {
    const id = await approvedClaim(f.db, { no: 'KLM-2026-000401', personId: await insertPerson(f.db, { nik: '5301010707800016', name: 'Lukas Sanam', village: f.homeVillage }), village: f.homeVillage, approved: 10_000_000, payees: [
      { name: 'Rosa Sanam', relation: 'istri', amount: 10_000_000, account: '0044455566677' },
    ] });
    const results = await Promise.allSettled([1, 2].map(() => asSystem(f.db, 'test', (tx) => createPayoutBatch(tx, { claimIds: [id] }, 'test'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(UserError);
    expect(['payout_claims_not_ready', 'payout_twice']).toContain((refused.reason as UserError).code);
    const [n] = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payout_line WHERE claim_id = $1', [id]);
    expect(n!.n).toBe(1);
  });
});

describe('from registration to a confirmed payout, through the claim workflow', () => {
  it('a work accident registered, documented, submitted, approved, paid and confirmed by the bank', async () => {
    const nik = '5301010808800017';
    await insertPerson(f.db, { nik, name: 'Stefanus Lake', village: f.homeVillage });
    await asSystem(f.db, 'test', async (tx) => {
      await tx.query(
        `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
         VALUES ('BAYAR-KUPANG', 'BAYAR-KUPANG', 'regency', '53.01', 'Pemerintah Kabupaten Kupang', 2025, '2025-07-01', '2026-12-31', '{JKK,JKM}', 1000000, 5)`,
      );
      await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.01', 5, 'proportional' FROM programme WHERE code = 'BAYAR-KUPANG'`);
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT g.id, p.id, 'candidate', p.village_code FROM programme g, person p WHERE g.code = 'BAYAR-KUPANG' AND p.nik = $1`, [nik]);
      const batch = await createSubmission(tx, await getProgramme(tx, 'BAYAR-KUPANG'), '53.01', 'test');
      await applyResponse(tx, batch.id, [{ fileLine: 2, nik, kpj: '260808800017', accepted: true, effectiveDate: '2025-07-01', reason: null }], null);
    });
    const maker = await signInAs(f.app, username('regency_operator'));
    const verifier = await signInAs(f.app, username('verifier'));
    const reg = await maker.request('POST', '/api/claims', { nik, type: 'jkk_medical', eventDate: '2026-02-10', eventPlace: 'Kebun', description: 'Terluka saat bekerja', medicalCost: 3_750_000 });
    expect(reg.statusCode, reg.body).toBe(201);
    let claim = reg.json() as { id: number; status: string; checklist: { items: { kind: string; required: boolean; uploaded: number }[] } };
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    for (const item of claim.checklist.items.filter((i) => i.required && i.uploaded === 0)) {
      const boundary = '----lindungdoc';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${item.kind}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${item.kind}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        pdf, Buffer.from(`% ${item.kind}\n\r\n--${boundary}--\r\n`),
      ]);
      const up = await maker.request('POST', `/api/claims/${claim.id}/documents`, body, { 'content-type': `multipart/form-data; boundary=${boundary}` });
      expect(up.statusCode, up.body).toBe(201);
    }
    expect((await maker.request('POST', `/api/claims/${claim.id}/complete`, {})).statusCode).toBe(200);
    expect((await maker.request('POST', `/api/claims/${claim.id}/submit`, {})).statusCode).toBe(200);
    const decided = await verifier.request('POST', `/api/claims/${claim.id}/decide`, { decision: 'approve' });
    expect(decided.statusCode, decided.body).toBe(200);
    claim = decided.json() as typeof claim;
    expect(claim.status).toBe('approved');

    const made = await finance.request('POST', '/api/claims/payouts', { claimIds: [claim.id] });
    expect(made.statusCode, made.body).toBe(201);
    const batch = made.json() as BatchResult;
    expect(batch.items.map((l) => [l.payeeName, l.relation, l.amount, l.bankAccount])).toEqual([['Stefanus Lake', 'peserta', 3_750_000, '0012345678901']]);
    const ok = await upload(bank, `/api/claims/payouts/${batch.id}/confirmation`, 'ok.csv', csv([['Referensi', 'Status', 'Referensi Bank'], [batch.items[0]!.reference, 'BERHASIL', 'NTT-E2E-1']]));
    expect(ok.statusCode, ok.body).toBe(200);
    const shown = (await maker.request('GET', `/api/claims/${claim.id}`)).json() as { status: string };
    expect(shown.status).toBe('confirmed');
    expect(await claimState(f.db, claim.id)).toEqual({ status: 'confirmed', paid: true, confirmed: true });
  });
});

describe('lindung claims payout', () => {
  let config: TestConfig;
  let env: NodeJS.ProcessEnv;
  let claimId = 0;

  beforeAll(async () => {
    config = await freshConfig('payout-cli');
    env = cliEnv(config);
    const db = await openDatabase(config);
    try {
      await ensureReferenceData(db);
      const [v] = await db.query<{ code: string }>("SELECT code FROM area WHERE level = 4 AND code LIKE '53.07.%' ORDER BY code LIMIT 1");
      const person = await insertPerson(db, { nik: '5307010101800021', name: 'Kristoforus Moa', village: v!.code });
      claimId = await approvedClaim(db, { no: 'KLM-2026-000301', personId: person, village: v!.code, approved: 42_000_000, payees: [
        { name: 'Yuliana Moa', relation: 'istri', amount: 42_000_000, account: '0033344455566' },
      ] });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => config?.cleanup());

  it('creates a batch with its file, loads a failure, retries with a corrected account, confirms', async () => {
    const ready = await runCli(['claims', 'payout', 'ready', '--json'], env);
    expect(ready.code, ready.stderr).toBe(0);
    expect((JSON.parse(ready.stdout) as { ready: { claimNo: string }[] }).ready.map((c) => c.claimNo)).toEqual(['KLM-2026-000301']);
    const out = path.join(dir, 'cli-batch.csv');
    const made = await runCli(['claims', 'payout', 'create', '--claim', String(claimId), '--file', out, '--json'], env);
    expect(made.code, made.stderr).toBe(0);
    const batch = JSON.parse(made.stdout) as BatchResult;
    expect(batch).toMatchObject({ lines: 1, amount: 42_000_000, areaCode: '53.07' });
    expect(fs.readFileSync(out, 'utf8')).toContain(`${batch.items[0]!.reference};0033344455566;Yuliana Moa;Bank NTT;42000000`);
    const twice = await runCli(['claims', 'payout', 'create', '--claim', String(claimId)], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('only approved claims are paid');
    const conf = path.join(dir, 'cli-konfirmasi.csv');
    fs.writeFileSync(conf, csv([['Referensi', 'Status', 'Alasan'], [batch.items[0]!.reference, 'GAGAL', 'Nomor rekening salah']]));
    const failed = await runCli(['claims', 'payout', 'confirm', String(batch.id), conf], env);
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stdout).toContain('Claim KLM-2026-000301: paid → approved (send again: lindung claims payout retry)');
    const many = await runCli(['claims', 'payout', 'retry', '--all', '--account', '0033344455577'], env);
    expect(many.code).toBe(1);
    const out2 = path.join(dir, 'cli-retry.xlsx');
    const retried = await runCli(['claims', 'payout', 'retry', String(batch.items[0]!.id), '--account', '0033344455577', '--file', out2, '--json'], env);
    expect(retried.code, retried.stderr).toBe(0);
    const r = JSON.parse(retried.stdout) as BatchResult;
    expect(r.items[0]).toMatchObject({ retryOf: batch.items[0]!.id, bankAccount: '0033344455577' });
    expect(fs.existsSync(out2)).toBe(true);
    const ok = path.join(dir, 'cli-ok.csv');
    fs.writeFileSync(ok, csv([['Referensi', 'Status', 'Referensi Bank'], [r.items[0]!.reference, 'BERHASIL', 'NTT-77']]));
    const done = await runCli(['claims', 'payout', 'confirm', String(r.id), ok, '--json'], env);
    expect(done.code, done.stderr).toBe(0);
    expect((JSON.parse(done.stdout) as ConfirmationResult).claims).toEqual([{ claimId, claimNo: 'KLM-2026-000301', from: 'paid', to: 'confirmed' }]);
    const list = await runCli(['claims', 'payout', 'list', '--json'], env);
    expect((JSON.parse(list.stdout) as { id: number; status: string }[]).map((b) => [b.id, b.status])).toEqual([[r.id, 'confirmed'], [batch.id, 'confirmed']]);
    const show = await runCli(['claims', 'payout', 'show', String(batch.id)], env);
    expect(show.stdout).toContain(`Nomor rekening salah (retried as #${r.items[0]!.id})`);
    const layout = await runCli(['claims', 'payout', 'layout'], env);
    expect(layout.stdout).toContain('Default layout (not set):');
  }, 180_000);
});
