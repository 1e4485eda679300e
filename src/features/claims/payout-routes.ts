/**
 * API for payouts to Bank NTT. Making batches and retries is the finance officer's
 * (claims.payout); seeing batches, downloading their files and loading the bank's confirmation
 * is for whoever deals with the bank (claims.confirm: the finance officer and the Bank NTT
 * liaison); the file layout is the administrator's (claims.rules, national accounts only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import { actorOf, scoped } from '../../http/context.js';
import { PAYOUT_FIELDS, PAYOUT_FIELD_LABEL } from '../../domain/payout.js';
import { logAccess } from '../registry/access-log.js';
import { masker } from '../registry/mask.js';
import { CONFIRMATION_MAX_BYTES, importConfirmation, type ConfirmationResult } from './bank-confirmation.js';
import { payoutFile, type PayoutFileFormat } from './payout-file.js';
import {
  createPayoutBatch,
  getPayoutBatch,
  getPayoutLayout,
  listPayoutBatches,
  readyClaims,
  retryPayouts,
  retryQueue,
  setPayoutLayout,
  type PayoutBatch,
  type PayoutLine,
} from './payouts.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AreaCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{4})?)?)?$' });
const CreateBody = Type.Object({
  claimIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 5000 })),
  area: Type.Optional(AreaCode),
}, { additionalProperties: false });
const RetryBody = Type.Object({
  lines: Type.Array(Type.Object({
    lineId: Type.Integer({ minimum: 1 }),
    bankAccount: Type.Optional(Type.String({ maxLength: 40 })),
    bankName: Type.Optional(Type.String({ maxLength: 100 })),
    accountHolder: Type.Optional(Type.String({ maxLength: 200 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 5000 }),
  area: Type.Optional(AreaCode),
}, { additionalProperties: false });
const ListQuery = Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('confirmed')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });
const FileQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')])) });
const LayoutBody = Type.Object({
  columns: Type.Array(Type.Object({
    header: Type.String({ maxLength: 60 }),
    field: Type.Optional(Type.String({ maxLength: 40 })),
    value: Type.Optional(Type.String({ maxLength: 100 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 30 }),
}, { additionalProperties: false });

/** Account numbers on screen and in API answers: masked for roles that do not need them. */
export function maskLines<T extends Pick<PayoutLine, 'bankAccount'>>(req: FastifyRequest, lines: T[]): T[] {
  const mask = masker(actorOf(req).role);
  return lines.map((l) => ({ ...l, bankAccount: mask.account(l.bankAccount) ?? '' }));
}

export async function payoutBatchDetail(req: FastifyRequest, id: number): Promise<PayoutBatch> {
  const actor = actorOf(req);
  const batch = await scoped(req, async (tx) => {
    const b = await getPayoutBatch(tx, id);
    await logAccess(tx, actor, { action: 'view', subjectType: 'payout_batch', ids: [id], purpose: 'claims.payout.batch', requestId: req.id });
    return b;
  });
  return { ...batch, items: maskLines(req, batch.items) };
}

export async function payoutWork(req: FastifyRequest) {
  const actor = actorOf(req);
  return scoped(req, async (tx) => {
    const ready = await readyClaims(tx);
    const retries = await retryQueue(tx);
    if (retries.length) await logAccess(tx, actor, { action: 'view', subjectType: 'payout_line', ids: retries.map((r) => r.id), purpose: 'claims.payout.retries', requestId: req.id });
    return { ready, retries: maskLines(req, retries) };
  });
}

/** The batch's bank file as a download; full account numbers (the bank needs them), so the export is logged. */
export async function sendPayoutFile(req: FastifyRequest, reply: FastifyReply, id: number, format: PayoutFileFormat) {
  const actor = actorOf(req);
  const file = await scoped(req, async (tx) => {
    const f = await payoutFile(tx, id, format);
    await logAccess(tx, actor, { action: 'export', subjectType: 'payout_batch', ids: [id], purpose: `claims.payout.file.${format}`, requestId: req.id });
    return f;
  });
  return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.body);
}

function uploadFolder(req: FastifyRequest): string {
  return path.join(req.server.config.dataDir, 'payout-uploads');
}

/** Reads the multipart upload (field "file") to the data folder, never to memory. */
export async function receiveConfirmation(req: FastifyRequest): Promise<{ path: string; fileName: string }> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim konfirmasi bank sebagai multipart/form-data dengan kolom "file".', en: 'Send the bank confirmation as multipart/form-data with the field "file".' });
  }
  const dir = uploadFolder(req);
  await fs.promises.mkdir(dir, { recursive: true });
  let file: { path: string; name: string } | null = null;
  const limit = Math.min(req.server.config.maxUploadBytes, CONFIRMATION_MAX_BYTES);
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (file) {
        part.file.resume();
        continue;
      }
      const target = path.join(dir, `.confirmation-${process.pid}-${randomBytes(8).toString('hex')}`);
      file = { path: target, name: part.filename };
      await pipeline(part.file, fs.createWriteStream(target));
      const size = (await fs.promises.stat(target)).size;
      if (part.file.truncated || size > limit) {
        throw problems.badRequest({
          id: `Berkas konfirmasi terlalu besar (batas ${Math.round(limit / 1024 / 1024)} MB). Konfirmasi satu batch cukup beberapa ratus baris.`,
          en: `The confirmation file is too large (limit ${Math.round(limit / 1024 / 1024)} MB). One batch's confirmation is a few hundred lines.`,
        });
      }
    }
  } catch (e) {
    if (file) await fs.promises.rm(file.path, { force: true });
    throw e;
  }
  if (!file) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih berkas konfirmasi dari Bank NTT (CSV atau XLSX).', en: 'No file was sent. Choose Bank NTT\'s confirmation file (CSV or XLSX).' });
  return { path: file.path, fileName: file.name };
}

export async function uploadConfirmation(req: FastifyRequest, batchId: number): Promise<ConfirmationResult> {
  const up = await receiveConfirmation(req);
  try {
    const actor = actorOf(req);
    return await scoped(req, (tx) => importConfirmation(tx, batchId, up.path, { fileName: up.fileName, maxBytes: CONFIRMATION_MAX_BYTES }, actor.username));
  } finally {
    await fs.promises.rm(up.path, { force: true });
  }
}

export function payoutRoutes(app: FastifyInstance): void {
  const pay = { kind: 'permission', permission: 'claims.payout' } as const;
  const confirm = { kind: 'permission', permission: 'claims.confirm' } as const;
  const rules = { kind: 'permission', permission: 'claims.rules' } as const;
  const tags = ['claims'];
  const idOf = (req: FastifyRequest) => (req.params as Static<typeof IdParams>).id;

  route(app, {
    method: 'GET', url: '/api/claims/payouts/ready', tags, access: pay,
    summary: 'Approved claims with payees not yet paid (with what stops a claim, if anything), and failed or reversed transfers waiting for a retry',
    handler: async (req) => payoutWork(req),
  });
  route(app, {
    method: 'POST', url: '/api/claims/payouts', tags, access: pay, schema: { body: CreateBody },
    summary: 'Make a payout batch for Bank NTT: the given approved claims (all must be ready) or every ready claim of the area; the claims become paid',
    handler: async (req, reply) => {
      const body = req.body as Static<typeof CreateBody>;
      const r = await scoped(req, (tx) => createPayoutBatch(tx, { claimIds: body.claimIds, area: body.area }, actorOf(req).username));
      return reply.status(201).send({ ...r, items: maskLines(req, r.items) });
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims/payouts/retry', tags, access: pay, schema: { body: RetryBody },
    summary: 'Send failed or reversed transfers again in a new batch, with a corrected account where given',
    handler: async (req, reply) => {
      const body = req.body as Static<typeof RetryBody>;
      const r = await scoped(req, (tx) => retryPayouts(tx, body.lines, actorOf(req).username, { area: body.area }));
      return reply.status(201).send({ ...r, items: maskLines(req, r.items) });
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims/payouts', tags, access: confirm, schema: { querystring: ListQuery },
    summary: 'Payout batches, newest first, with the count and amount of lines by status',
    handler: async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      return scoped(req, async (tx) => ({ items: await listPayoutBatches(tx, { status: q.status, limit: q.limit }) }));
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims/payouts/:id', tags, access: confirm, schema: { params: IdParams },
    summary: 'A payout batch and its transfer lines (status, bank reference, failure reason, retries)',
    handler: async (req) => payoutBatchDetail(req, idOf(req)),
  });
  route(app, {
    method: 'GET', url: '/api/claims/payouts/:id/file', tags, access: confirm, schema: { params: IdParams, querystring: FileQuery },
    summary: 'The batch\'s file for Bank NTT in the configured layout (?format=xlsx with a control sheet, or csv)',
    handler: async (req, reply) => sendPayoutFile(req, reply, idOf(req), (req.query as Static<typeof FileQuery>).format ?? 'xlsx'),
  });
  route(app, {
    method: 'POST', url: '/api/claims/payouts/:id/confirmation', tags, access: confirm, schema: { params: IdParams },
    summary: 'Load Bank NTT\'s confirmation of the batch (multipart "file": Referensi, Status BERHASIL/GAGAL/DIBATALKAN, Referensi Bank, Alasan) — all or nothing',
    handler: async (req) => uploadConfirmation(req, idOf(req)),
  });
  route(app, {
    method: 'GET', url: '/api/claims/payout-layout', tags, access: rules,
    summary: 'The bank payout file layout (columns: a title and a field or a fixed text) and the fields to choose from',
    handler: async (req) => scoped(req, async (tx) => ({ ...(await getPayoutLayout(tx)), fields: PAYOUT_FIELDS.map((f) => ({ field: f, label: PAYOUT_FIELD_LABEL[f] })) })),
  });
  route(app, {
    method: 'PUT', url: '/api/claims/payout-layout', tags, access: rules, schema: { body: LayoutBody },
    summary: 'Set the bank payout file layout (national administrators)',
    handler: async (req) => scoped(req, (tx) => setPayoutLayout(tx, (req.body as Static<typeof LayoutBody>).columns, actorOf(req).username)),
  });
}
