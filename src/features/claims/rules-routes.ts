/**
 * API of the dated data claims are judged by: benefit rules, the scholarship schedule, the SLA rule
 * and public holidays. Reading is for every signed-in user (it is the law, no personal data);
 * adding a benefit rule and adding or removing a holiday need claims.rules and a national account.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import type { Queryable } from '../../db/types.js';
import { CLAIM_TYPES, type ClaimType } from '../../domain/entitlement.js';
import { todayInNtt } from '../../clock.js';
import { addBenefitRule, addHoliday, listBenefitRules, listHolidays, listScholarshipRules, removeHoliday } from './rules.js';
import type { SlaRule } from './sla.js';

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const RulesQuery = Type.Object({
  type: Type.Optional(Type.Union(CLAIM_TYPES.map((t) => Type.Literal(t)))),
  on: Type.Optional(Type.String({ maxLength: 10, description: 'Mark the rules a claim with this event date would use (YYYY-MM-DD; default today)' })),
});
const RuleBody = Type.Object({
  claimType: Type.String({ maxLength: 32 }),
  component: Type.String({ maxLength: 40 }),
  labelId: Type.String({ maxLength: 200 }),
  labelEn: Type.String({ maxLength: 200 }),
  amount: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  incomeMultiple: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
  scale: Type.Optional(Type.String({ maxLength: 32 })),
  laterDaysFactor: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
  minMembershipMonths: Type.Optional(Type.Integer({ minimum: 0 })),
  maxMembershipMonths: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  validFrom: Type.String({ maxLength: 10 }),
  validTo: Type.Optional(Type.Union([Type.String({ maxLength: 10 }), Type.Null()])),
  legalBasis: Type.String({ maxLength: 300 }),
  verified: Type.Optional(Type.Boolean()),
  areaCode: Type.Optional(Type.Union([Type.String({ maxLength: 13 }), Type.Null()])),
});
const HolidaysQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) });
const HolidayBody = Type.Object({ day: Day, name: Type.String({ maxLength: 120 }), areaCode: Type.Optional(Type.Union([Type.String({ maxLength: 13 }), Type.Null()])) });
const HolidayParams = Type.Object({ day: Day });
const HolidayDeleteQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 120 }) });

export async function slaRules(tx: Queryable): Promise<SlaRule[]> {
  const rows = await tx.query<{ working_days: number; valid_from: string; legal_basis: string }>('SELECT working_days, valid_from, legal_basis FROM claim_sla_rule ORDER BY valid_from');
  return rows.map((r) => ({ workingDays: r.working_days, validFrom: r.valid_from, legalBasis: r.legal_basis }));
}

export function claimRulesRoutes(app: FastifyInstance): void {
  const manage = { kind: 'permission', permission: 'claims.rules' } as const;
  route(app, {
    method: 'GET', url: '/api/claims/rules', summary: 'Benefit rules (marked in force on a date), scholarship schedule and SLA rules', tags: ['claims'],
    access: { kind: 'signed_in' }, schema: { querystring: RulesQuery },
    handler: async (req) => {
      const q = req.query as Static<typeof RulesQuery>;
      const on = q.on ?? todayInNtt();
      return scoped(req, async (tx) => ({
        on,
        benefits: await listBenefitRules(tx, { type: q.type as ClaimType | undefined, on }),
        scholarships: await listScholarshipRules(tx),
        sla: await slaRules(tx),
      }));
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims/rules', summary: 'Add a benefit rule from a date (rules are never edited; the latest in force wins)', tags: ['claims'],
    access: manage, schema: { body: RuleBody },
    handler: async (req, reply) => reply.status(201).send(await scoped(req, (tx) => addBenefitRule(tx, req.body as Static<typeof RuleBody>))),
  });
  route(app, {
    method: 'GET', url: '/api/claims/holidays', summary: 'Public holidays the SLA skips (national and regional), of a year', tags: ['claims'],
    access: { kind: 'signed_in' }, schema: { querystring: HolidaysQuery },
    handler: async (req) => {
      const year = (req.query as Static<typeof HolidaysQuery>).year ?? Number(todayInNtt().slice(0, 4));
      return scoped(req, async (tx) => ({ year, items: await listHolidays(tx, { year }) }));
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims/holidays', summary: 'Add a public holiday (national, or regional with an area code)', tags: ['claims'],
    access: manage, schema: { body: HolidayBody },
    handler: async (req, reply) => reply.status(201).send(await scoped(req, (tx) => addHoliday(tx, req.body as Static<typeof HolidayBody>))),
  });
  route(app, {
    method: 'DELETE', url: '/api/claims/holidays/:day', summary: 'Remove a public holiday (by date and name)', tags: ['claims'],
    access: manage, schema: { params: HolidayParams, querystring: HolidayDeleteQuery },
    handler: async (req) => {
      const { day } = req.params as Static<typeof HolidayParams>;
      const { name } = req.query as Static<typeof HolidayDeleteQuery>;
      return scoped(req, (tx) => removeHoliday(tx, { day, name }));
    },
  });
}
