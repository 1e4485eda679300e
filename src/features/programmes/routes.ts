import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { createProgramme, getProgramme, listProgrammes, type ProgrammeInput } from './programmes.js';
import { allocateProgrammeQuota, overrideQuota, quotaStatus } from './quotas.js';
import { listIndicators, saveStatistics } from './statistics.js';

const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const QuotaParams = Type.Object({ code: Type.String({ maxLength: 32 }), regency: Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}$' }) });
const Date = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Rules = Type.Object({
  maxDecile: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  requireInformalOccupation: Type.Optional(Type.Boolean()),
  informalOccupations: Type.Optional(Type.Array(Type.String({ maxLength: 30 }))),
  minAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  maxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
  residencyArea: Type.Optional(Type.String({ maxLength: 13 })),
  excludeActiveBpjs: Type.Optional(Type.Boolean()),
  excludeOtherActiveProgramme: Type.Optional(Type.Boolean()),
  priorityExtremePoor: Type.Optional(Type.Boolean()),
  priorityDisability: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });
const ProgrammeBody = Type.Object({
  code: Type.String({ maxLength: 32 }),
  name: Type.String({ minLength: 3, maxLength: 200 }),
  legalBasis: Type.Optional(Type.String({ maxLength: 200 })),
  funderType: Type.Union([Type.Literal('province'), Type.Literal('regency'), Type.Literal('village'), Type.Literal('company')]),
  funderAreaCode: Type.String({ maxLength: 13 }),
  funderName: Type.String({ minLength: 3, maxLength: 200 }),
  budgetLine: Type.Optional(Type.String({ maxLength: 200 })),
  fiscalYear: Type.Integer({ minimum: 2000, maximum: 2100 }),
  coverageStart: Date,
  coverageEnd: Date,
  benefits: Type.Array(Type.Union([Type.Literal('JKK'), Type.Literal('JKM'), Type.Literal('JHT')]), { minItems: 1, uniqueItems: true }),
  declaredIncome: Type.Integer({ minimum: 1 }),
  totalQuota: Type.Integer({ minimum: 1 }),
  rules: Rules,
}, { additionalProperties: false });
const AllocateBody = Type.Object({
  indicator: Type.String({ maxLength: 60 }),
  asOf: Type.Optional(Date),
  minimum: Type.Optional(Type.Integer({ minimum: 0 })),
  resetOverrides: Type.Optional(Type.Boolean()),
});
const OverrideBody = Type.Object({ quota: Type.Integer({ minimum: 0 }), reason: Type.String({ minLength: 1, maxLength: 300 }) });
const StatisticsBody = Type.Object({
  rows: Type.Array(Type.Object({
    indicator: Type.String({ pattern: '^[a-z][a-z0-9_]*$', maxLength: 60 }),
    areaCode: Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{2}(\\.[0-9]{4})?)?)?$' }),
    asOf: Date,
    value: Type.Integer({ minimum: 0 }),
    source: Type.String({ minLength: 1, maxLength: 300 }),
  }), { minItems: 1, maxItems: 10000 }),
});

export function programmeRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/api/programmes', summary: 'Programmes', tags: ['programmes'], access: { kind: 'signed_in' },
    handler: async (req) => scoped(req, async (tx) => ({ items: await listProgrammes(tx) })),
  });
  route(app, {
    method: 'GET', url: '/api/programmes/:code', summary: 'A programme with its quota per regency (quota, proposed, approved, waiting, free)', tags: ['programmes'],
    access: { kind: 'signed_in' }, schema: { params: CodeParams },
    handler: async (req) => scoped(req, async (tx) => {
      const p = await getProgramme(tx, (req.params as Static<typeof CodeParams>).code);
      return { ...p, quotas: await quotaStatus(tx, p.id) };
    }),
  });
  route(app, {
    method: 'POST', url: '/api/programmes', summary: 'Create a programme', tags: ['programmes'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { body: ProgrammeBody },
    handler: async (req, reply) => reply.status(201).send(await scoped(req, (tx) => createProgramme(tx, req.body as ProgrammeInput))),
  });
  route(app, {
    method: 'POST', url: '/api/programmes/:code/quotas/allocate', summary: 'Divide the quota across regencies by a reference statistic (largest remainder)', tags: ['programmes'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: CodeParams, body: AllocateBody },
    handler: async (req) => scoped(req, async (tx) => {
      const b = req.body as Static<typeof AllocateBody>;
      const p = await getProgramme(tx, (req.params as Static<typeof CodeParams>).code);
      return { items: await allocateProgrammeQuota(tx, p, { indicator: b.indicator, asOf: b.asOf, minimum: b.minimum, keepOverrides: !b.resetOverrides }) };
    }),
  });
  route(app, {
    method: 'PUT', url: '/api/programmes/:code/quotas/:regency', summary: 'Set one regency\'s quota by hand, with a reason', tags: ['programmes'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { params: QuotaParams, body: OverrideBody },
    handler: async (req) => scoped(req, async (tx) => {
      const prm = req.params as Static<typeof QuotaParams>;
      const b = req.body as Static<typeof OverrideBody>;
      return { items: await overrideQuota(tx, await getProgramme(tx, prm.code), prm.regency, b.quota, b.reason) };
    }),
  });
  route(app, {
    method: 'GET', url: '/api/statistics', summary: 'Reference statistics: indicators and dates', tags: ['programmes'], access: { kind: 'signed_in' },
    handler: async (req) => scoped(req, async (tx) => ({ items: await listIndicators(tx) })),
  });
  route(app, {
    method: 'POST', url: '/api/statistics', summary: 'Import reference statistics (all or nothing)', tags: ['programmes'],
    access: { kind: 'permission', permission: 'programmes.manage' }, schema: { body: StatisticsBody },
    handler: async (req) => scoped(req, async (tx) => ({ saved: await saveStatistics(tx, (req.body as Static<typeof StatisticsBody>).rows) })),
  });
}
