import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { getProgramme } from '../programmes/programmes.js';
import { logAccess } from '../registry/access-log.js';
import { todayInNtt } from '../../clock.js';
import { budgetOf, listBills, recordPayment, runBilling } from './billing.js';
import { memberStatus } from './status.js';
import { createSubmission } from './submissions.js';
import { candidatesByRegency, listSubmissions, rejectedCandidates } from './submission-queries.js';
import { receiveResponse, sendSubmissionFile } from './exchange.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const StatusBody = Type.Object({
  nik: Type.String({ pattern: '^[0-9 ]{16,20}$', description: 'In the body, never in the URL' }),
  on: Type.Optional(Day),
  purpose: Type.Optional(Type.String({ maxLength: 200 })),
});
const BillBody = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }) });
const PaymentBody = Type.Object({ sp2d: Type.String({ minLength: 1, maxLength: 60 }), paidOn: Day, amount: Type.Integer({ minimum: 1 }) });
const SubmissionBody = Type.Object({ area: Type.Optional(Type.String({ maxLength: 13 })) });
const FileQuery = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')])) });

export function enrollmentRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST', url: '/api/members/status', summary: 'Was this person covered on a date, by which programme and funder?', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'registry.read' }, schema: { body: StatusBody },
    handler: async (req) => {
      const b = req.body as Static<typeof StatusBody>;
      const actor = actorOf(req);
      return scoped(req, async (tx) => {
        const s = await memberStatus(tx, b.nik, b.on ?? todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [s.personId], purpose: b.purpose || 'members.status', requestId: req.id });
        return s;
      });
    },
  });
  route(app, {
    method: 'POST', url: '/api/programmes/:code/submissions', summary: 'Put the candidates (of an area) in a new submission batch to BPJS', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: CodeParams, body: SubmissionBody },
    handler: async (req, reply) => {
      const { code } = req.params as Static<typeof CodeParams>;
      const b = req.body as Static<typeof SubmissionBody>;
      const r = await scoped(req, async (tx) => {
        const p = await getProgramme(tx, code);
        return createSubmission(tx, p, b.area ?? actorOf(req).areaCode ?? p.funderAreaCode, actorOf(req).username);
      });
      return reply.status(201).send(r);
    },
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/submissions', summary: 'Submission batches of a programme, candidates per regency still to submit, and candidates BPJS turned away', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'enrollment.read' }, schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => {
      const p = await getProgramme(tx, (req.params as Static<typeof CodeParams>).code);
      return { items: await listSubmissions(tx, p.id), toSubmit: await candidatesByRegency(tx, p.id), rejected: await rejectedCandidates(tx, p.id) };
    }),
  });
  route(app, {
    method: 'GET', url: '/api/submissions/:id/file', summary: 'The file of a submission batch for BPJS (?format=xlsx|csv), with its control sheet', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'enrollment.exchange' }, schema: { params: IdParams, querystring: FileQuery },
    handler: async (req, reply) => sendSubmissionFile(req, reply, (req.params as Static<typeof IdParams>).id, (req.query as Static<typeof FileQuery>).format ?? 'xlsx'),
  });
  route(app, {
    method: 'POST', url: '/api/submissions/:id/response', summary: 'Load BPJS\'s answer file (multipart "file": NIK, KPJ, status, TMT, reason), all or nothing', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'enrollment.exchange' }, schema: { params: IdParams },
    handler: async (req) => receiveResponse(req, (req.params as Static<typeof IdParams>).id),
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/bills', summary: 'Bills of a programme with what was paid', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'billing.manage' }, schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => ({ items: await listBills(tx, await getProgramme(tx, (req.params as Static<typeof CodeParams>).code)) })),
  });
  route(app, {
    method: 'POST', url: '/api/programmes/:code/bills', summary: 'Compute the bill of a month', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'billing.manage' }, schema: { params: CodeParams, body: BillBody },
    handler: async (req, reply) => {
      const { code } = req.params as Static<typeof CodeParams>;
      const bill = await scoped(req, async (tx) => runBilling(tx, await getProgramme(tx, code), (req.body as Static<typeof BillBody>).month, actorOf(req).username));
      return reply.status(201).send(bill);
    },
  });
  route(app, {
    method: 'POST', url: '/api/bills/:id/payments', summary: 'Record a payment (SP2D) of a bill', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'billing.manage' }, schema: { params: IdParams, body: PaymentBody },
    handler: async (req) => {
      const b = req.body as Static<typeof PaymentBody>;
      return scoped(req, (tx) => recordPayment(tx, (req.params as Static<typeof IdParams>).id, b, actorOf(req).username));
    },
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code/budget', summary: 'Budget: quota × months × tariff, allocation, billed, paid, committed, remaining', tags: ['enrollment'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => budgetOf(tx, await getProgramme(tx, (req.params as Static<typeof CodeParams>).code), todayInNtt())),
  });
}
