/** Member cards over HTTP: the PDF for a ceremony (staff), and the public check of a card. */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, requireAreaInScope, scoped } from '../../http/context.js';
import { getProgramme } from '../programmes/programmes.js';
import { logAccess } from '../registry/access-log.js';
import { checkAreaParam } from '../registry/routes.js';
import { todayInNtt } from '../../clock.js';
import { cardPages, defaultCardArea, startPrintRun, verifyCard } from './cards.js';
import { writeCardsPdf } from './card-pdf.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const AreaQuery = Type.Object({ area: Type.Optional(Type.String({ maxLength: 13, description: 'Kemendagri code of a regency or district, e.g. 53.08 (default: your area)' })) });
const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) });

/** The public check is open to anyone, so it is limited per client address. */
export const CARD_CHECK_RATE = { max: 60, timeWindow: '1 minute' };

/**
 * Where the card's QR code points. There is no public-address setting (src/config.ts), so the
 * address the staff member used to reach the app is taken — behind a proxy that forwards
 * X-Forwarded-Proto/Host (LINDUNG_TRUST_PROXY=1), the public one.
 */
export function requestBaseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Starts a print run in one transaction, then streams the PDF, reading the cards page by page. */
export async function sendCardsPdf(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { code } = req.params as Static<typeof CodeParams>;
  const { area } = req.query as Static<typeof AreaQuery>;
  checkAreaParam(area);
  const actor = actorOf(req);
  const { programme, run } = await scoped(req, async (tx) => {
    const programme = await getProgramme(tx, code);
    const chosen = area ?? defaultCardArea(programme, actor.areaCode);
    await requireAreaInScope(tx, chosen);
    const run = await startPrintRun(tx, programme, chosen, actor.username);
    // Cards carry names and KPJ numbers: an export of personal data.
    await logAccess(tx, actor, {
      action: 'export', subjectType: 'membership', ids: [], purpose: 'cards.print', requestId: req.id,
      query: { programme: programme.code, area: chosen, cardPrint: run.printId, cards: run.cards },
    });
    return { programme, run };
  });
  const out = new PassThrough();
  writeCardsPdf(out, cardPages((fn) => scoped(req, fn), programme.id, run.area), {
    baseUrl: requestBaseUrl(req),
    programme: { code: programme.code, name: programme.name, funderName: programme.funderName, benefits: programme.benefits },
  }).catch((e: unknown) => req.log.error({ err: e, cardPrint: run.printId }, 'card PDF stopped before the end'));
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="kartu-${programme.code}-${run.area}.pdf"`)
    .header('x-cards', String(run.cards))
    .header('x-card-print', String(run.printId))
    .send(out);
}

export function cardRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/api/programmes/:code/cards.pdf', summary: 'Member cards of the active members in an area as PDF (A4, 10 cards per sheet, ceremony order); records the print run', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'cards.print' }, schema: { params: CodeParams, querystring: AreaQuery },
    handler: sendCardsPdf,
  });
  route(app, {
    method: 'GET', url: '/programmes/:code/cards.pdf', summary: 'Member cards PDF (web)', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'cards.print' }, schema: { params: CodeParams, querystring: AreaQuery },
    handler: sendCardsPdf,
  });
  route(app, {
    method: 'GET', url: '/api/cards/:token', summary: 'Public check of a member card: valid or not, programme and period — no personal data', tags: ['public'],
    access: { kind: 'public' }, schema: { params: TokenParams }, rateLimit: CARD_CHECK_RATE,
    handler: async (req, reply) => {
      const r = await verifyCard(app.db, (req.params as Static<typeof TokenParams>).token, todayInNtt());
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      return { valid: r.valid, state: r.state, programme: r.programme, periodFrom: r.periodFrom, periodTo: r.periodTo, message: r.message };
    },
  });
}
