import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, requireAreaInScope, scoped } from '../../http/context.js';
import { problems } from '../../http/problem.js';
import { searchAs, SORTS, MAX_PAGE_SIZE, isAreaCode, type SearchInput } from './search.js';
import { getHeirs, getHistory, getHouseholdMembers, getPerson, PersonInputError, updatePerson, type PersonPatch } from './person.js';
import { logAccess } from './access-log.js';
import { masker } from './mask.js';
import { cachedRegencySummary } from './summary.js';
import { publicSummary } from './public-summary.js';

const SearchBody = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Exact NIK (16 digits) or the start of a name; case and spacing do not matter' })),
  area: Type.Optional(Type.String({ maxLength: 13, description: 'Kemendagri code of a province, regency, district or village' })),
  sort: Type.Optional(Type.Union(SORTS.map((s) => Type.Literal(s)))),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  purpose: Type.Optional(Type.String({ maxLength: 200, description: 'Why you look (recorded in the access log)' })),
});
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const PatchBody = Type.Object({
  version: Type.Integer({ minimum: 1, description: 'The version you read; a stale version is refused (409)' }),
  phone: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
  address: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  marital_status: Type.Optional(Type.Union([Type.String({ maxLength: 20 }), Type.Null()])),
  occupation: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
  bank_name: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
  bank_account: Type.Optional(Type.Union([Type.String({ maxLength: 30 }), Type.Null()])),
  purpose: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false });
const AreaQuery = Type.Object({ area: Type.Optional(Type.String({ maxLength: 13 })) });

const notFound = () =>
  problems.notFound({
    id: 'Orang ini tidak ada di registri atau berada di luar wilayah Anda.',
    en: 'This person is not in the registry or is outside your area.',
  });

export function checkAreaParam(area: string | undefined): void {
  if (area !== undefined && !isAreaCode(area))
    throw problems.badRequest({
      id: `"${area.slice(0, 20)}" bukan kode wilayah Kemendagri. Contoh: 53, 53.01, 53.01.02, 53.01.02.2001.`,
      en: `"${area.slice(0, 20)}" is not a Kemendagri area code. Examples: 53, 53.01, 53.01.02, 53.01.02.2001.`,
    });
}

/** Searches the registry as the signed-in user; shared by the API and the registry screen. */
export async function runSearch(req: Parameters<typeof scoped>[0], input: SearchInput & { purpose?: string }) {
  checkAreaParam(input.area);
  const actor = actorOf(req);
  const mask = masker(actor.role);
  return scoped(req, async (tx) => {
    if (input.area) await requireAreaInScope(tx, input.area);
    const result = await searchAs(tx, actor.areaCode, input);
    await logAccess(tx, actor, {
      action: 'search', subjectType: 'person', ids: result.items.map((r) => r.id), purpose: input.purpose || 'registry.search', requestId: req.id,
      query: { area: input.area ?? null, sort: input.sort ?? 'name', page: result.page, byNik: Boolean(input.q && /^[0-9\s.-]{16,}$/.test(input.q)), namePrefixLength: input.q?.length ?? 0 },
    });
    return { ...result, items: result.items.map((r) => ({ ...r, nik: mask.nik(r.nik)! })) };
  });
}

/** A person's page: record, heirs, household, history — one logged read. */
export async function loadPersonPage(req: Parameters<typeof scoped>[0], id: number, purpose = 'registry.view') {
  const actor = actorOf(req);
  const mask = masker(actor.role);
  return scoped(req, async (tx) => {
    const person = await getPerson(tx, id);
    if (!person) throw notFound();
    const [heirs, household, history, place] = await Promise.all([
      getHeirs(tx, id),
      getHouseholdMembers(tx, id),
      getHistory(tx, id),
      tx.query<{ village: string; district: string; regency: string; province: string }>(
        `SELECT v.name AS village, d.name AS district, r.name AS regency, p.name AS province
           FROM area v JOIN area d ON d.code = v.parent_code JOIN area r ON r.code = d.parent_code JOIN area p ON p.code = r.parent_code
          WHERE v.code = $1`,
        [person.village_code],
      ),
    ]);
    await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [id], purpose, requestId: req.id });
    return {
      person: { ...person, nik: mask.nik(person.nik)!, kk: mask.kk(person.kk), bank_account: mask.account(person.bank_account) },
      place: place[0] ?? null,
      heirs: heirs.map((h) => ({ ...h, nik: mask.nik(h.nik) })),
      household,
      history: history.map((h) => ({ ...h, changes: h.changes.map((c) => ({ field: c.field, before: mask.field(c.field, c.before), after: mask.field(c.field, c.after) })) })),
    };
  });
}

export async function editPerson(req: Parameters<typeof scoped>[0], id: number, version: number, patch: PersonPatch) {
  const outcome = await scoped(req, async (tx) => {
    try {
      return await updatePerson(tx, id, version, patch);
    } catch (e) {
      if (e instanceof PersonInputError) throw problems.badRequest(e.msg, { errors: [{ field: e.field, message: e.msg[req.lang] }] });
      throw e;
    }
  });
  if (outcome === 'missing') throw notFound();
  if (outcome === 'stale')
    throw problems.conflict({
      id: 'Data orang ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman lalu ulangi perubahan Anda.',
      en: 'Someone else changed this record since you opened it. Reload it and make your change again.',
    });
}

export function registryRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST',
    url: '/api/registry/search',
    summary: 'Search workers by NIK, name prefix and area; paged and sorted on the server (POST keeps NIKs out of URLs and logs)',
    tags: ['registry'],
    access: { kind: 'permission', permission: 'registry.read' },
    schema: { body: SearchBody },
    handler: async (req) => runSearch(req, req.body as Static<typeof SearchBody>),
  });
  route(app, {
    method: 'GET',
    url: '/api/registry/persons/:id',
    summary: "One worker: record, heirs, household members on the same KK, history (this read is logged)",
    tags: ['registry'],
    access: { kind: 'permission', permission: 'registry.read' },
    schema: { params: IdParams, querystring: Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 200 })) }) },
    handler: async (req) => {
      const { id } = req.params as Static<typeof IdParams>;
      return loadPersonPage(req, id, (req.query as { purpose?: string }).purpose);
    },
  });
  route(app, {
    method: 'PATCH',
    url: '/api/registry/persons/:id',
    summary: "Edit a worker's contact, occupation and bank fields (optimistic locking by version)",
    tags: ['registry'],
    access: { kind: 'permission', permission: 'registry.write' },
    schema: { params: IdParams, body: PatchBody },
    handler: async (req) => {
      const { id } = req.params as Static<typeof IdParams>;
      const { version, purpose: _purpose, ...patch } = req.body as Static<typeof PatchBody>;
      await editPerson(req, id, version, patch);
      return loadPersonPage(req, id, 'registry.edit');
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/registry/summary',
    summary: 'Registry counts per regency within your area',
    tags: ['registry'],
    access: { kind: 'permission', permission: 'registry.read' },
    schema: { querystring: AreaQuery },
    handler: async (req) => {
      const { area } = req.query as Static<typeof AreaQuery>;
      checkAreaParam(area);
      return scoped(req, async (tx) => {
        if (area) await requireAreaInScope(tx, area);
        return { regencies: await cachedRegencySummary(tx, actorOf(req).areaCode, area ?? null) };
      });
    },
  });
}

export function publicRegistryRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET',
    url: '/api/public/summary',
    summary: 'Public aggregates: registered workers per regency (no personal data, no sign-in)',
    tags: ['public'],
    access: { kind: 'public' },
    handler: async () => ({ regencies: await publicSummary(app.db) }),
  });
}
