/** API for BPJS invoices (tagihan): upload and reconcile, list, summary, report, withdraw. */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import { actorOf, scoped } from '../../http/context.js';
import type { Lang } from '../../domain/messages.js';
import { getProgramme } from '../programmes/programmes.js';
import { logAccess } from '../registry/access-log.js';
import { masker } from '../registry/mask.js';
import { writeInvoiceReport } from './invoice-report.js';
import { findingSamples, getInvoice, listInvoices, reconcileInvoice, withdrawInvoice, type FindingLine, type ReconcileResult } from './reconcile.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const WithdrawBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) });
const ReportQuery = Type.Object({ differencesOnly: Type.Optional(Type.Boolean()), lang: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')])) });

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Lines shown per finding in the summary. */
export const SAMPLE_LINES = 10;

export interface InvoiceUpload {
  path: string;
  fileName: string;
  month: string | null;
  number: string | null;
}

function uploadFolder(req: FastifyRequest): string {
  return path.join(req.server.config.dataDir, 'invoice-uploads');
}

/**
 * Reads the multipart upload (fields in any order): the file goes to the data folder, never to
 * memory. The caller removes it when done.
 */
export async function receiveInvoiceUpload(req: FastifyRequest): Promise<InvoiceUpload> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim tagihan sebagai multipart/form-data dengan kolom "file" (dan "month", "number").', en: 'Send the invoice as multipart/form-data with the field "file" (and "month", "number").' });
  }
  const dir = uploadFolder(req);
  await fs.promises.mkdir(dir, { recursive: true });
  const fields: Record<string, string> = {};
  let file: { path: string; name: string } | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (file) {
          part.file.resume();
          continue;
        }
        const target = path.join(dir, `.invoice-${process.pid}-${randomBytes(8).toString('hex')}`);
        file = { path: target, name: part.filename };
        await pipeline(part.file, fs.createWriteStream(target));
        if (part.file.truncated) {
          throw problems.badRequest({
            id: `Berkas terlalu besar (batas ${Math.round(req.server.config.maxUploadBytes / 1024 / 1024)} MB).`,
            en: `The file is too large (limit ${Math.round(req.server.config.maxUploadBytes / 1024 / 1024)} MB).`,
          });
        }
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (e) {
    if (file) await fs.promises.rm(file.path, { force: true });
    throw e;
  }
  if (!file) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih berkas tagihan BPJS (CSV atau XLSX).', en: 'No file was sent. Choose BPJS\'s invoice file (CSV or XLSX).' });
  return { path: file.path, fileName: file.name, month: fields.month?.trim() || null, number: fields.number?.trim() || null };
}

/** Uploads and reconciles one invoice as the signed-in user; the file is removed afterwards. */
export async function uploadInvoice(req: FastifyRequest, code: string): Promise<ReconcileResult> {
  const up = await receiveInvoiceUpload(req);
  try {
    const actor = actorOf(req);
    return await scoped(req, async (tx) =>
      reconcileInvoice(tx, await getProgramme(tx, code), up.path, { month: up.month, number: up.number, fileName: up.fileName, maxBytes: req.server.config.maxUploadBytes }, actor.username),
    );
  } finally {
    await fs.promises.rm(up.path, { force: true });
  }
}

/** The summary with the first lines of each finding; NIKs masked for roles that may not see them; the read is logged. */
export async function invoiceDetail(req: FastifyRequest, id: number) {
  const actor = actorOf(req);
  const mask = masker(actor.role);
  return scoped(req, async (tx) => {
    const invoice = await getInvoice(tx, id);
    const samples = await findingSamples(tx, invoice, SAMPLE_LINES);
    const shown: Record<string, FindingLine[]> = {};
    for (const [k, lines] of Object.entries(samples)) shown[k] = lines.map((l) => ({ ...l, nik: mask.nik(l.nik) }));
    await logAccess(tx, actor, { action: 'view', subjectType: 'invoice', ids: [id], purpose: 'invoice.summary', requestId: req.id });
    return { ...invoice, samples: shown };
  });
}

export async function sendInvoiceReport(req: FastifyRequest, reply: FastifyReply, id: number, opts: { differencesOnly?: boolean; lang?: Lang } = {}) {
  const actor = actorOf(req);
  const mask = masker(actor.role);
  const dir = uploadFolder(req);
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `.report-${process.pid}-${randomBytes(8).toString('hex')}.xlsx`);
  try {
    const invoice = await scoped(req, async (tx) => {
      const inv = await getInvoice(tx, id);
      await writeInvoiceReport(tx, inv, file, { lang: opts.lang ?? 'id', nik: (v) => mask.nik(v) ?? '', differencesOnly: opts.differencesOnly });
      await logAccess(tx, actor, { action: 'export', subjectType: 'invoice', ids: [id], purpose: 'invoice.report', requestId: req.id });
      return inv;
    });
    const stream = fs.createReadStream(file);
    stream.on('close', () => void fs.promises.rm(file, { force: true }));
    return reply.type(XLSX).header('content-disposition', `attachment; filename="rekonsiliasi-${invoice.programmeCode}-${invoice.month}-${invoice.id}.xlsx"`).send(stream);
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e;
  }
}

export function invoiceRoutes(app: FastifyInstance): void {
  const access = { kind: 'permission', permission: 'billing.manage' } as const;
  route(app, {
    method: 'POST', url: '/api/programmes/:code/invoices', tags: ['enrollment'], access, schema: { params: CodeParams },
    summary: 'Import BPJS\'s invoice (multipart: file, month YYYY-MM, number) and reconcile it with our bill of the month — all or nothing',
    handler: async (req, reply) => reply.status(201).send(await uploadInvoice(req, (req.params as Static<typeof CodeParams>).code)),
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/invoices', summary: 'BPJS invoices of a programme with their findings', tags: ['enrollment'], access,
    schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => ({ items: await listInvoices(tx, await getProgramme(tx, (req.params as Static<typeof CodeParams>).code)) })),
  });
  route(app, {
    method: 'GET', url: '/api/invoices/:id', summary: 'A BPJS invoice: the reconciliation summary and the first lines of each finding', tags: ['enrollment'], access,
    schema: { params: IdParams },
    handler: async (req) => invoiceDetail(req, (req.params as Static<typeof IdParams>).id),
  });
  route(app, {
    method: 'GET', url: '/api/invoices/:id/report.xlsx', summary: 'The reconciliation report to send back to BPJS (summary sheet and a sheet per finding)', tags: ['enrollment'], access,
    schema: { params: IdParams, querystring: ReportQuery },
    handler: async (req, reply) => {
      const q = req.query as Static<typeof ReportQuery>;
      return sendInvoiceReport(req, reply, (req.params as Static<typeof IdParams>).id, { differencesOnly: q.differencesOnly, lang: q.lang });
    },
  });
  route(app, {
    method: 'POST', url: '/api/invoices/:id/withdraw', summary: 'Withdraw a BPJS invoice (with the reason); a corrected file may then be imported', tags: ['enrollment'], access,
    schema: { params: IdParams, body: WithdrawBody },
    handler: async (req) => {
      const { id } = req.params as Static<typeof IdParams>;
      const { reason } = req.body as Static<typeof WithdrawBody>;
      return scoped(req, (tx) => withdrawInvoice(tx, id, reason, actorOf(req).username));
    },
  });
}
