import fs from 'node:fs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import type { Field } from './headers.js';
import { ROW_FILTERS, type RowFilter } from './rows.js';
import { writeIntakeTemplate } from './template.js';
import * as intake from './service.js';
import { listBatches } from './batches.js';
import { scoped } from '../../http/context.js';
import { getProgramme } from '../programmes/programmes.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ReviewParams = Type.Object({ id: Type.Integer({ minimum: 1 }), reviewId: Type.Integer({ minimum: 1 }) });
const RowsQuery = Type.Object({
  filter: Type.Optional(Type.Union(ROW_FILTERS.map((f) => Type.Literal(f)))),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
});
const ListQuery = Type.Object({ programme: Type.Optional(Type.String({ maxLength: 32 })) });
const NoteBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) });
const DecisionBody = Type.Object({ decision: Type.Union([Type.Literal('same'), Type.Literal('different')]) });
const FormBody = Type.Object({
  programme: Type.String({ maxLength: 32 }),
  person: Type.Record(Type.String(), Type.String({ maxLength: 300 }), { description: `Fields: ${intake.FORM_FIELDS.join(', ')}; values as they would be written in the template` }),
});

function fieldValue(v: unknown): string {
  return v && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value ?? '') : '';
}

/** Reads the multipart upload: the file streams to the data folder; fields may come before it. */
export async function readUpload(req: FastifyRequest): Promise<number> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim berkas sebagai multipart/form-data dengan kolom "file" dan "programme".', en: 'Send the file as multipart/form-data with the fields "file" and "programme".' });
  }
  const data = await req.file();
  if (!data) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih berkas CSV atau XLSX.', en: 'No file was sent. Choose a CSV or XLSX file.' });
  const fields = data.fields as Record<string, unknown>;
  const programme = fieldValue(fields.programme);
  if (!programme) {
    data.file.resume();
    throw problems.badRequest({ id: 'Pilih program (kolom "programme") sebelum berkas.', en: 'Give the programme (field "programme") before the file.' });
  }
  return intake.uploadBatch(req, {
    programme, area: fieldValue(fields.area) || undefined, force: fieldValue(fields.force) === '1' || fieldValue(fields.force) === 'true',
    fileName: data.filename, file: data.file,
  });
}

export function intakeRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST', url: '/api/intake/batches', summary: 'Upload a proposal file (multipart: programme, area?, force?, file); the check runs as a job', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.submit' },
    handler: async (req, reply) => {
      const id = await readUpload(req);
      return reply.status(202).send({ id, status: 'queued', href: `/api/intake/batches/${id}` });
    },
  });
  route(app, {
    method: 'POST', url: '/api/intake/form', summary: 'Propose one person (the same checks as a file)', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.submit' },
    schema: { body: FormBody },
    handler: async (req, reply) => {
      const body = req.body as Static<typeof FormBody>;
      const values: Partial<Record<Field, string>> = {};
      for (const f of intake.FORM_FIELDS) if (body.person[f] !== undefined) values[f] = body.person[f];
      const id = await intake.submitForm(req, body.programme, values);
      return reply.status(202).send({ id, status: 'queued', href: `/api/intake/batches/${id}` });
    },
  });
  route(app, {
    method: 'GET', url: '/api/intake/batches', summary: 'Recent batches in your area', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.read' },
    schema: { querystring: ListQuery },
    handler: async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      return scoped(req, async (tx) => ({ items: await listBatches(tx, { programmeId: q.programme ? (await getProgramme(tx, q.programme)).id : undefined }) }));
    },
  });
  route(app, {
    method: 'GET', url: '/api/intake/batches/:id', summary: 'A batch: status, progress, counts', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.read' },
    schema: { params: IdParams },
    handler: async (req) => intake.batchOf(req, (req.params as Static<typeof IdParams>).id),
  });
  route(app, {
    method: 'GET', url: '/api/intake/batches/:id/rows', summary: 'A batch\'s rows with their problems, paged', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.read' },
    schema: { params: IdParams, querystring: RowsQuery },
    handler: async (req) => {
      const q = req.query as Static<typeof RowsQuery>;
      return intake.batchRows(req, (req.params as Static<typeof IdParams>).id, (q.filter ?? 'all') as RowFilter, q.page ?? 1);
    },
  });
  route(app, {
    method: 'GET', url: '/api/intake/batches/:id/reviews', summary: 'Likely duplicates with the evidence side by side', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.read' },
    schema: { params: IdParams },
    handler: async (req) => ({ items: await intake.batchReviews(req, (req.params as Static<typeof IdParams>).id) }),
  });
  route(app, {
    method: 'POST', url: '/api/intake/batches/:id/reviews/:reviewId', summary: 'Decide a likely duplicate: same or different', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.approve' },
    schema: { params: ReviewParams, body: DecisionBody },
    handler: async (req) => {
      const p = req.params as Static<typeof ReviewParams>;
      await intake.decide(req, p.id, p.reviewId, (req.body as Static<typeof DecisionBody>).decision);
      return intake.batchOf(req, p.id);
    },
  });
  /** A step on one batch that answers with the batch as it is afterwards. */
  const step = (url: string, summary: string, permission: 'intake.submit' | 'intake.approve', body: TSchema | null, run: (req: FastifyRequest, id: number) => Promise<unknown>) =>
    route(app, {
      method: 'POST', url, summary, tags: ['intake'], access: { kind: 'permission', permission },
      schema: { params: IdParams, ...(body ? { body } : {}) },
      handler: async (req) => {
        const { id } = req.params as Static<typeof IdParams>;
        await run(req, id);
        return intake.batchOf(req, id);
      },
    });
  step('/api/intake/batches/:id/submit', 'Submit a checked batch to the verifier (maker)', 'intake.submit', null, (req, id) => intake.submit(req, id));
  step('/api/intake/batches/:id/return', 'Send a submitted batch back with a note (checker)', 'intake.approve', NoteBody,
    (req, id) => intake.sendBack(req, id, (req.body as Static<typeof NoteBody>).note ?? ''));
  step('/api/intake/batches/:id/cancel', 'Cancel a running check', 'intake.submit', null, (req, id) => intake.cancel(req, id));
  route(app, {
    method: 'POST', url: '/api/intake/batches/:id/approve', summary: 'Approve a submitted batch (checker, not the maker)', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.approve' },
    schema: { params: IdParams, body: Type.Optional(NoteBody) },
    handler: async (req) => {
      const { id } = req.params as Static<typeof IdParams>;
      return intake.approve(req, id, (req.body as Static<typeof NoteBody> | undefined)?.note ?? null);
    },
  });
  route(app, {
    method: 'GET', url: '/api/intake/batches/:id/report.xlsx', summary: 'The batch report: original rows + status + reason, to fix and resend', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.read' },
    schema: { params: IdParams },
    handler: async (req, reply) => sendReport(req, reply, (req.params as Static<typeof IdParams>).id),
  });
  route(app, {
    method: 'GET', url: '/api/intake/template.xlsx', summary: 'The XLSX template with Indonesian headers, validation and instructions', tags: ['intake'],
    access: { kind: 'permission', permission: 'intake.submit' },
    handler: async (_req, reply) => sendTemplate(reply),
  });
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function sendReport(req: FastifyRequest, reply: import('fastify').FastifyReply, id: number) {
  const { file, name } = await intake.writeReport(req, id, req.lang);
  const stream = fs.createReadStream(file);
  stream.on('close', () => void fs.promises.rm(file, { force: true }));
  return reply.type(XLSX).header('content-disposition', `attachment; filename="${name}"`).send(stream);
}

export async function sendTemplate(reply: import('fastify').FastifyReply) {
  return reply.type(XLSX).header('content-disposition', 'attachment; filename="templat-usulan-lindung.xlsx"').send(await writeIntakeTemplate({}));
}
