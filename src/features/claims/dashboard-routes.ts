/**
 * API of the claims dashboard (JSON, XLSX) and of a claim's letters (decision letter, payout
 * notice as PDF). The letters also answer at /claims/:id/letters/… for the screens' links.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { todayInNtt } from '../../clock.js';
import { claimList, claimsDashboard, type DashboardFilter } from './dashboard.js';
import { claimsDashboardXlsx } from './dashboard-xlsx.js';
import { letterData, letterFileName, letterPdf, type LetterKind } from './letters.js';
import type { ClaimType } from '../../domain/claim-dashboard.js';

export const DashboardQuery = Type.Object({
  programme: Type.Optional(Type.String({ maxLength: 32, description: 'Programme code, e.g. NTT-2026' })),
  regency: Type.Optional(Type.String({ maxLength: 5, description: 'Regency code, e.g. 53.08 (within your area)' })),
  type: Type.Optional(Type.String({ maxLength: 32, description: 'jkm_death, jkk_death, jkk_medical, jkk_temporary, jkk_disability_total, jkk_disability_partial, funeral' })),
  from: Type.Optional(Type.String({ maxLength: 10, description: 'Event date from (YYYY-MM-DD)' })),
  to: Type.Optional(Type.String({ maxLength: 10, description: 'Event date to (YYYY-MM-DD)' })),
  overdueLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'Overdue claims listed (default 100); the count is always the full one' })),
});
type DashboardQueryT = Static<typeof DashboardQuery>;

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function filterOf(q: Partial<Record<keyof DashboardQueryT, unknown>>): DashboardFilter {
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  return { programme: s(q.programme), regency: s(q.regency), type: s(q.type) as ClaimType | null, from: s(q.from), to: s(q.to) };
}

export async function sendDashboardXlsx(req: FastifyRequest, reply: FastifyReply) {
  const q = req.query as DashboardQueryT;
  const { d, claims } = await scoped(req, async (tx) => {
    const d = await claimsDashboard(tx, filterOf(q), todayInNtt(), { overdueLimit: 0 });
    return { d, claims: await claimList(tx, d) };
  });
  return reply.type(XLSX).header('content-disposition', `attachment; filename="dasbor-klaim-${d.asOf}.xlsx"`).send(await claimsDashboardXlsx(d, claims));
}

export async function sendLetter(req: FastifyRequest, reply: FastifyReply, kind: LetterKind) {
  const id = Number((req.params as { id: number | string }).id);
  const d = await scoped(req, (tx) => letterData(tx, id));
  const pdf = await letterPdf(kind, d, { printedOn: todayInNtt() });
  return reply.type('application/pdf').header('content-disposition', `inline; filename="${letterFileName(kind, d)}"`).send(pdf);
}

export function claimDashboardRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/api/claims/dashboard', summary: 'Claims dashboard: counts and amounts by type, status and regency, time to payment, overdue list', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { querystring: DashboardQuery },
    handler: async (req) => {
      const q = req.query as DashboardQueryT;
      return scoped(req, (tx) => claimsDashboard(tx, filterOf(q), todayInNtt(), { overdueLimit: q.overdueLimit }));
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims/dashboard.xlsx', summary: 'The claims dashboard as XLSX (Indonesian): summary, per regency, time to payment, overdue, every claim', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { querystring: DashboardQuery },
    handler: sendDashboardXlsx,
  });
  for (const kind of ['decision', 'payout'] as const) {
    const what = kind === 'decision' ? 'The decision letter of a decided claim (PDF, Indonesian, amount in words)' : 'The payout notice of a paid claim (PDF, Indonesian, per payee, amount in words)';
    route(app, {
      method: 'GET', url: `/api/claims/:id/letters/${kind}.pdf`, summary: what, tags: ['claims'],
      access: { kind: 'permission', permission: 'claims.read' }, schema: { params: IdParams },
      handler: (req, reply) => sendLetter(req, reply, kind),
    });
    route(app, {
      method: 'GET', url: `/claims/:id/letters/${kind}.pdf`, summary: what, tags: ['web'], web: true,
      access: { kind: 'permission', permission: 'claims.read' }, schema: { params: IdParams },
      handler: (req, reply) => sendLetter(req, reply, kind),
    });
  }
}
