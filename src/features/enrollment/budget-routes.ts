/**
 * API of the programme summary (JSON, XLSX, PDF), budget scenarios and the regents' pledges.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { problems } from '../../http/problem.js';
import { todayInNtt } from '../../clock.js';
import { getProgramme } from '../programmes/programmes.js';
import { listScenarios } from './billing.js';
import { createScenario, deleteScenario } from './scenarios.js';
import { programmeSummary, type ProgrammeSummary } from './summary.js';
import { summaryXlsx } from './summary-xlsx.js';
import { summaryPdf } from './summary-pdf.js';
import { importPledgeFile, pledgeReport, readPledgeFile, savePledges, type PledgeFile, type RawPledge } from './pledges.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const ScenarioParams = Type.Object({ code: Type.String({ maxLength: 32 }), id: Type.Integer({ minimum: 1 }) });
const ScenarioBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  workers: Type.Integer({ minimum: 0, maximum: 10_000_000 }),
  months: Type.Integer({ minimum: 1, maximum: 24 }),
  perPersonPerMonth: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Default: the tariff in force in January of the next fiscal year' })),
});
const YearQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) });
const Loose = Type.Union([Type.Integer(), Type.String({ maxLength: 200 })]);
const PledgeBody = Type.Object({
  regency: Type.String({ minLength: 1, maxLength: 100, description: 'Kemendagri code (53.08) or name (Ende, Kabupaten Ende)' }),
  fiscalYear: Loose,
  places: Loose,
  amount: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 60, description: 'As Indonesians write it: Rp4.752.720.000 or 4.752.720.000,00' })]),
  signedOn: Type.Optional(Type.String({ maxLength: 40, description: 'Any Indonesian date form: 2025-07-21, 21-07-2025, 21 Juli 2025' })),
  document: Type.Optional(Type.String({ maxLength: 200 })),
  programme: Type.Optional(Type.String({ maxLength: 32, description: 'The regency\'s own programme; found by funder and year when left out' })),
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function summaryOf(req: FastifyRequest): Promise<ProgrammeSummary> {
  const { code } = req.params as Static<typeof CodeParams>;
  return scoped(req, async (tx) => programmeSummary(tx, await getProgramme(tx, code), todayInNtt()));
}

const fileName = (s: ProgrammeSummary, ext: string) => `ringkasan-${s.programme.code}-${s.asOf}.${ext}`;

export async function sendSummaryXlsx(req: FastifyRequest, reply: FastifyReply) {
  const s = await summaryOf(req);
  return reply.type(XLSX).header('content-disposition', `attachment; filename="${fileName(s, 'xlsx')}"`).send(await summaryXlsx(s));
}

export async function sendSummaryPdf(req: FastifyRequest, reply: FastifyReply) {
  const s = await summaryOf(req);
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName(s, 'pdf')}"`).send(await summaryPdf(s));
}

/** The uploaded pledge file, saved to a temporary file for the reader and removed afterwards. */
export async function withPledgeUpload<T>(req: FastifyRequest, fn: (file: PledgeFile) => Promise<T>): Promise<T> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim berkas pakta sebagai multipart/form-data dengan kolom "file" (CSV atau XLSX).', en: 'Send the pledge file as multipart/form-data with the field "file" (CSV or XLSX).' });
  }
  const data = await req.file();
  if (!data) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih berkas CSV atau XLSX.', en: 'No file was sent. Choose a CSV or XLSX file.' });
  const tmp = path.join(os.tmpdir(), `lindung-pakta-${randomBytes(8).toString('hex')}`);
  try {
    await pipeline(data.file, fs.createWriteStream(tmp));
    if (data.file.truncated) {
      throw problems.badRequest({ id: 'Berkas terlalu besar untuk daftar pakta.', en: 'The file is too large for a list of pledges.' });
    }
    return await fn(await readPledgeFile(tmp, data.filename));
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
}

/** A pledge as the API or a form sends it, in the shape the file reader gives. */
export function rawPledge(b: Partial<Record<'regency' | 'fiscalYear' | 'places' | 'amount' | 'signedOn' | 'document' | 'programme', string | number | undefined>>): RawPledge {
  const v = (x: string | number | undefined) => (x === undefined || x === '' ? null : x);
  return { regency: v(b.regency), year: v(b.fiscalYear), places: v(b.places), amount: v(b.amount), signed: v(b.signedOn), document: v(b.document), programme: v(b.programme) };
}

export function budgetRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/api/programmes/:code/summary', summary: 'Programme summary per regency: quota, members by state, billed, paid, outstanding, total', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: async (req) => summaryOf(req),
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/summary.xlsx', summary: 'The programme summary as XLSX (Indonesian, rupiah number format)', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: sendSummaryXlsx,
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/summary.pdf', summary: 'The programme summary as PDF (Indonesian, A4 landscape)', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: sendSummaryPdf,
  });

  route(app, {
    method: 'GET', url: '/api/programmes/:code/scenarios', summary: 'Budget scenarios of a programme (workers × months × per person)', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => ({ items: await listScenarios(tx, await getProgramme(tx, (req.params as Static<typeof CodeParams>).code)) })),
  });
  route(app, {
    method: 'POST', url: '/api/programmes/:code/scenarios', summary: 'Add a budget scenario (per person defaults to the dated tariff of January next year)', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: CodeParams, body: ScenarioBody },
    handler: async (req, reply) => {
      const b = req.body as Static<typeof ScenarioBody>;
      const s = await scoped(req, async (tx) => createScenario(tx, await getProgramme(tx, (req.params as Static<typeof CodeParams>).code), b));
      return reply.status(201).send(s);
    },
  });
  route(app, {
    method: 'DELETE', url: '/api/programmes/:code/scenarios/:id', summary: 'Remove a budget scenario (kept in the history)', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: ScenarioParams },
    handler: async (req) => {
      const { code, id } = req.params as Static<typeof ScenarioParams>;
      return scoped(req, async (tx) => deleteScenario(tx, await getProgramme(tx, code), id));
    },
  });

  route(app, {
    method: 'GET', url: '/api/pledges', summary: 'The regents\' pledges of a fiscal year against what their own programmes enrolled and paid', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { querystring: YearQuery },
    handler: async (req) => scoped(req, (tx) => pledgeReport(tx, { year: (req.query as Static<typeof YearQuery>).year, today: todayInNtt() })),
  });
  route(app, {
    method: 'POST', url: '/api/pledges', summary: 'Record or change one regency\'s pledge for a fiscal year', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'pledges.manage' }, schema: { body: PledgeBody },
    handler: async (req, reply) => {
      const r = await scoped(req, (tx) => savePledges(tx, [{ rowNo: null, values: rawPledge(req.body as Static<typeof PledgeBody>) }], { today: todayInNtt() }));
      return reply.status(r.created ? 201 : 200).send(r);
    },
  });
  route(app, {
    method: 'POST', url: '/api/pledges/import', summary: 'Import pledges from CSV or XLSX (multipart "file"): all rows or none', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'pledges.manage' },
    handler: async (req) => withPledgeUpload(req, (file) => scoped(req, (tx) => importPledgeFile(tx, file, todayInNtt()))),
  });
}
