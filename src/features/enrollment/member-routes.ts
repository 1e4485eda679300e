/**
 * API for lapses, ends, reopens and replacements. NIKs travel in request bodies, never in URLs;
 * answers mask them for roles that do not need them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, requireAreaInScope, scoped } from '../../http/context.js';
import { todayInNtt } from '../../clock.js';
import { ENDED_REASONS } from '../../domain/membership-state.js';
import { getProgramme } from '../programmes/programmes.js';
import { logAccess } from '../registry/access-log.js';
import { masker } from '../registry/mask.js';
import { checkRunDate, processLapses } from './lapse-run.js';
import { endMembership, reopenMembership } from './membership-end.js';
import { defaultStart, replaceFreedPlaces } from './replacement.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Nik = Type.String({ pattern: '^[0-9 ]{16,20}$', description: 'In the body, never in the URL' });
const LapseBody = Type.Object({ on: Type.Optional(Day) });
const EndBody = Type.Object({
  nik: Nik,
  reason: Type.String({ maxLength: 40, description: `One of ${ENDED_REASONS.join(', ')}` }),
  on: Day,
  note: Type.Optional(Type.String({ maxLength: 500 })),
  programme: Type.Optional(Type.String({ maxLength: 32, description: 'Needed only when the person has several memberships that could end' })),
});
const ReopenBody = Type.Object({
  nik: Nik,
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  programme: Type.Optional(Type.String({ maxLength: 32 })),
});
const ReplaceBody = Type.Object({
  regency: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}$' })),
  start: Type.Optional(Day),
});

/** The regency a replacement run is about: the one asked for, or the caller's own regency; null = every regency. */
export function replacementArea(req: FastifyRequest, asked: string | undefined): string | null {
  if (asked) return asked;
  const area = actorOf(req).areaCode;
  return area && area.length >= 5 ? area.slice(0, 5) : null;
}

export function memberRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST', url: '/api/programmes/:code/lapses', summary: 'Run lapse processing on a date (default today): lapse unpaid memberships, reinstate paid-up ones', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'billing.manage' }, schema: { params: CodeParams, body: LapseBody },
    handler: async (req) => {
      const { code } = req.params as Static<typeof CodeParams>;
      const today = todayInNtt();
      const on = (req.body as Static<typeof LapseBody>).on ?? today;
      checkRunDate(on, today);
      return scoped(req, async (tx) => {
        const p = await getProgramme(tx, code);
        // The funder's work: run for the whole programme by someone whose area covers the funder.
        await requireAreaInScope(tx, p.funderAreaCode);
        return processLapses(tx, p, on);
      });
    },
  });
  route(app, {
    method: 'POST', url: '/api/members/end', summary: 'End a membership (death, moved away, wage earner, age limit, duplicate, withdrawn)', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { body: EndBody },
    handler: async (req) => {
      const b = req.body as Static<typeof EndBody>;
      const actor = actorOf(req);
      return scoped(req, async (tx) => {
        const r = await endMembership(tx, { nik: b.nik, programme: b.programme }, { reason: b.reason, on: b.on, note: b.note ?? null }, todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [r.personId], purpose: 'members.end', requestId: req.id });
        return { ...r, nik: masker(actor.role).nik(r.nik) };
      });
    },
  });
  route(app, {
    method: 'POST', url: '/api/members/reopen', summary: 'Reopen an ended membership (an administrator correcting a mistake), with the reason', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { body: ReopenBody },
    handler: async (req) => {
      const b = req.body as Static<typeof ReopenBody>;
      const actor = actorOf(req);
      return scoped(req, async (tx) => {
        const r = await reopenMembership(tx, { nik: b.nik, programme: b.programme }, b.reason, todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [r.personId], purpose: 'members.reopen', requestId: req.id });
        return { ...r, nik: masker(actor.role).nik(r.nik) };
      });
    },
  });
  route(app, {
    method: 'POST', url: '/api/programmes/:code/replacements', summary: 'Fill freed places from the waiting list (per regency, within its quota)', tags: ['enrollment'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: CodeParams, body: ReplaceBody },
    handler: async (req) => {
      const { code } = req.params as Static<typeof CodeParams>;
      const b = req.body as Static<typeof ReplaceBody>;
      const actor = actorOf(req);
      const regency = replacementArea(req, b.regency);
      return scoped(req, async (tx) => {
        const p = await getProgramme(tx, code);
        await requireAreaInScope(tx, regency ?? p.funderAreaCode);
        const r = await replaceFreedPlaces(tx, p, regency, b.start ?? defaultStart(p, todayInNtt()), actor.username);
        const ids = r.replacements.flatMap((x) => (x.replaces ? [x.personId, x.replaces.personId] : [x.personId]));
        if (ids.length) await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids, purpose: 'members.replace', requestId: req.id });
        const mask = masker(actor.role);
        return {
          ...r,
          replacements: r.replacements.map((x) => ({ ...x, nik: mask.nik(x.nik), replaces: x.replaces && { ...x.replaces, nik: mask.nik(x.replaces.nik) } })),
        };
      });
    },
  });
}
