/**
 * API of the claim lifecycle: assess (coverage and entitlement, nothing stored), register, list,
 * one claim, the steps (complete, submit, decide, withdraw), documents, and a member's heirs.
 *
 * Every read of a claim or heirs is logged (personal data); NIKs and account numbers are masked
 * for roles that do not need them. NIKs travel in request bodies, never in URLs.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import { actorOf, scoped } from '../../http/context.js';
import { todayInNtt } from '../../clock.js';
import { MAX_DOCUMENT_BYTES } from '../../domain/claim-documents.js';
import type { Party } from '../../domain/claim-workflow.js';
import { can, type Role } from '../../domain/roles.js';
import { logAccess } from '../registry/access-log.js';
import { masker } from '../registry/mask.js';
import { getClaim, listClaims, previewClaim, registerClaim, type ClaimDetail, type ClaimList } from './claims.js';
import type { ClaimAssessment } from './entitlement.js';
import { getDocument, removeDocument, uploadDocument, type UploadInput } from './documents.js';
import { addHeir, listHeirs, removeHeir, updateHeir, type HeirRecord } from './heirs-store.js';
import { claimStep } from './workflow.js';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const DocParams = Type.Object({ id: Type.Integer({ minimum: 1 }), documentId: Type.Integer({ minimum: 1 }) });
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const Facts = {
  nik: Type.String({ pattern: '^[0-9 ]{16,20}$', description: 'The member\'s NIK (in the body, never in the URL)' }),
  type: Type.String({ maxLength: 32, description: 'jkm_death | jkk_death | jkk_medical | jkk_temporary | jkk_disability_total | jkk_disability_partial | funeral' }),
  eventDate: Day,
  disabilityPercent: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0, maximum: 100 }), Type.Null()])),
  incapacityDays: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()])),
  medicalCost: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
};
const AssessBody = Type.Object({ ...Facts, purpose: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
const RegisterBody = Type.Object({
  ...Facts,
  eventPlace: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  registerUncovered: Type.Optional(Type.Boolean({ description: 'Register although the event date was not covered (the claim can then only be rejected)' })),
}, { additionalProperties: false });
const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 32 })),
  type: Type.Optional(Type.String({ maxLength: 32 })),
  area: Type.Optional(Type.String({ maxLength: 13 })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Claim number or start of the member\'s name (a NIK goes in POST /api/claims/search)' })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
const SearchBody = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 32 })),
  type: Type.Optional(Type.String({ maxLength: 32 })),
  area: Type.Optional(Type.String({ maxLength: 13 })),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Claim number, exact NIK, or the start of the member\'s name' })),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
}, { additionalProperties: false });
const Version = Type.Optional(Type.Integer({ minimum: 1, description: 'The claim version the caller saw; refused when it changed since' }));
const StepBody = Type.Object({ version: Version }, { additionalProperties: false });
const WithdrawBody = Type.Object({ reason: Type.String({ maxLength: 1000 }), version: Version }, { additionalProperties: false });
const DecideBody = Type.Object({
  decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
  amount: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  version: Version,
}, { additionalProperties: false });
const Nullable = (t: ReturnType<typeof Type.String>) => Type.Optional(Type.Union([t, Type.Null()]));
const HeirFields = {
  fullName: Type.String({ maxLength: 200 }),
  relation: Type.String({ maxLength: 20, description: 'suami | istri | anak | ayah | ibu | cucu | kakek | nenek | saudara | ayah_mertua | ibu_mertua | wasiat' }),
  nik: Nullable(Type.String({ maxLength: 20 })),
  birthDate: Nullable(Type.String({ maxLength: 10 })),
  proof: Nullable(Type.String({ maxLength: 500, description: 'What proves the relation: heir certificate number, KK, marriage book…' })),
  bankName: Nullable(Type.String({ maxLength: 100 })),
  bankAccount: Nullable(Type.String({ maxLength: 30 })),
  accountHolder: Nullable(Type.String({ maxLength: 200 })),
  educationLevel: Nullable(Type.String({ maxLength: 5, description: 'tk | sd | smp | sma | s1 (children, for the scholarship)' })),
  deceased: Type.Optional(Type.Boolean()),
};
const HeirBody = Type.Object(HeirFields, { additionalProperties: false });
const HeirPatch = Type.Object({ ...Type.Partial(Type.Object(HeirFields)).properties, version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const VersionQuery = Type.Object({ version: Type.Integer({ minimum: 1 }) });

export function partyOf(req: FastifyRequest): Party {
  const a = actorOf(req);
  return { userId: a.userId, label: a.username };
}

/** A claim as the role may see it: NIKs and account numbers masked unless the role's work needs them. */
export function maskClaim<T extends ClaimDetail>(c: T, role: Role): T {
  const m = masker(role);
  return {
    ...c,
    nik: m.nik(c.nik)!,
    member: { ...c.member, bankAccount: m.account(c.member.bankAccount) },
    heirs: c.heirs.map((h) => maskHeir(h, role)),
    plan: {
      ...c.plan,
      payees: c.plan.payees.map((p) => ({ ...p, bankAccount: m.account(p.bankAccount)! })),
      // The reasons quote accounts; the role that may not see them gets them without.
      reasons: can(role, 'registry.see_account') ? c.plan.reasons : c.plan.reasons.map((r) => ({ id: hideAccounts(r.id), en: hideAccounts(r.en) })),
    },
    payees: c.payees.map((p) => ({ ...p, bankAccount: m.account(p.bankAccount)! })),
    history: c.history.map((h) => ({ ...h, changes: h.changes.map((x) => ({ ...x, before: m.field(x.field, x.before), after: m.field(x.field, x.after) })) })),
  };
}

function hideAccounts(s: string): string {
  return s.replace(/\b([0-9]{2,16})([0-9]{4})\b/g, (_all, a: string, b: string) => `${'x'.repeat(a.length)}${b}`);
}

export function maskHeir(h: HeirRecord, role: Role): HeirRecord {
  const m = masker(role);
  return { ...h, nik: m.nik(h.nik), bankAccount: m.account(h.bankAccount) };
}

export function maskList(l: ClaimList, role: Role): ClaimList {
  const m = masker(role);
  return { ...l, items: l.items.map((i) => ({ ...i, nik: m.nik(i.nik)! })) };
}

export function maskAssessment(a: ClaimAssessment, role: Role): ClaimAssessment {
  return { ...a, person: { ...a.person, nik: masker(role).nik(a.person.nik)! } };
}

/** One claim for the caller: read, logged, masked. */
export async function claimFor(req: FastifyRequest, id: number, purpose: string): Promise<ClaimDetail> {
  const actor = actorOf(req);
  const c = await scoped(req, async (tx) => {
    const c = await getClaim(tx, id);
    await logAccess(tx, actor, { action: 'view', subjectType: 'claim', ids: [id], purpose, requestId: req.id });
    return c;
  });
  return maskClaim(c, actor.role);
}

/**
 * Reads a multipart document upload: the field "kind" (or ?kind=) and the file. The file is kept in
 * memory only up to the limit; beyond it the rest is counted and dropped, so a 100 MB scan gets a
 * message naming its size instead of filling the server.
 */
export async function receiveDocument(req: FastifyRequest): Promise<UploadInput> {
  if (!req.isMultipart()) {
    throw problems.badRequest({ id: 'Kirim dokumen sebagai multipart/form-data dengan kolom "kind" dan "file".', en: 'Send the document as multipart/form-data with the fields "kind" and "file".' });
  }
  let kind = String((req.query as Record<string, unknown>).kind ?? '');
  let file: UploadInput | null = null;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === 'kind') kind = String(part.value ?? '');
      continue;
    }
    if (file) {
      part.file.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (kept <= MAX_DOCUMENT_BYTES) {
        chunks.push(chunk);
        kept += chunk.length;
      }
    }
    // Past the server's own upload limit the stream stops early: the size is at least that.
    if (part.file.truncated) size = Math.max(size, req.server.config.maxUploadBytes + 1);
    file = { kind: '', fileName: part.filename, content: Buffer.concat(chunks, kept), sizeBytes: size };
  }
  if (!file) throw problems.badRequest({ id: 'Tidak ada berkas yang dikirim. Pilih pindaian atau foto dokumen (PDF, JPG, PNG).', en: 'No file was sent. Choose a scan or photo of the document (PDF, JPG, PNG).' });
  return { ...file, kind: kind.trim() };
}

export function claimRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST', url: '/api/claims/assess', summary: 'Coverage on the event date and the entitlement with its reasons, for a member and a claim type — nothing is stored', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { body: AssessBody },
    handler: async (req) => {
      const b = req.body as Static<typeof AssessBody>;
      const actor = actorOf(req);
      const a = await scoped(req, async (tx) => {
        const a = await previewClaim(tx, b, todayInNtt());
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [a.person.id], purpose: b.purpose || 'claims.assess', requestId: req.id });
        return a;
      });
      return maskAssessment(a, actor.role);
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims', summary: 'Register a death or accident of a member (a draft claim with coverage and entitlement)', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { body: RegisterBody },
    handler: async (req, reply) => {
      const b = req.body as Static<typeof RegisterBody>;
      const actor = actorOf(req);
      const c = await scoped(req, (tx) => registerClaim(tx, b, partyOf(req), todayInNtt()));
      return reply.status(201).send(maskClaim(c, actor.role));
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims', summary: 'Claims of your area, newest first (?status, type, area, q = claim number or name, overdue)', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { querystring: ListQuery },
    handler: async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      if (q.q && /[0-9]{16}/.test(q.q.replace(/\s/g, ''))) {
        throw problems.badRequest({ id: 'Jangan taruh NIK di alamat (URL): cari dengan POST /api/claims/search.', en: 'Do not put a NIK in the URL: search with POST /api/claims/search.' });
      }
      const actor = actorOf(req);
      return maskList(await scoped(req, (tx) => listClaims(tx, q)), actor.role);
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims/search', summary: 'Claims of your area by claim number, exact NIK or name (the NIK in the body), with the list\'s filters', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { body: SearchBody },
    handler: async (req) => {
      const b = req.body as Static<typeof SearchBody>;
      const actor = actorOf(req);
      const l = await scoped(req, async (tx) => {
        const l = await listClaims(tx, b);
        if (b.q && l.items.length) await logAccess(tx, actor, { action: 'search', subjectType: 'claim', ids: l.items.map((i) => i.id), purpose: 'claims.search', requestId: req.id });
        return l;
      });
      return maskList(l, actor.role);
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims/:id', summary: 'One claim: member, coverage, entitlement with reasons, heirs and payees, documents checklist, next steps, history', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { params: IdParams },
    handler: async (req) => claimFor(req, (req.params as Static<typeof IdParams>).id, 'claims.detail'),
  });

  const step = (action: 'complete' | 'submit', what: string) => route(app, {
    method: 'POST', url: `/api/claims/:id/${action}`, summary: what, tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams, body: StepBody },
    handler: async (req) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const b = (req.body ?? {}) as Static<typeof StepBody>;
      const c = await scoped(req, (tx) => claimStep(tx, id, { action, version: b.version }, partyOf(req)));
      return maskClaim(c, actorOf(req).role);
    },
  });
  step('complete', 'Declare the file complete: every document there, payees clear; starts the SLA clock');
  step('submit', 'Submit the complete file to BPJS (the maker\'s step)');
  route(app, {
    method: 'POST', url: '/api/claims/:id/withdraw', summary: 'Withdraw a claim not yet submitted, with a reason', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams, body: WithdrawBody },
    handler: async (req) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const b = req.body as Static<typeof WithdrawBody>;
      const c = await scoped(req, (tx) => claimStep(tx, id, { action: 'withdraw', reason: b.reason, version: b.version }, partyOf(req)));
      return maskClaim(c, actorOf(req).role);
    },
  });
  route(app, {
    method: 'POST', url: '/api/claims/:id/decide', summary: 'Record the decision on a submitted claim: approve (amount, payees fixed) or reject (reason) — not by its maker', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.decide' }, schema: { params: IdParams, body: DecideBody },
    handler: async (req) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const b = req.body as Static<typeof DecideBody>;
      const c = await scoped(req, (tx) => claimStep(tx, id, { action: b.decision, amount: b.amount, note: b.note, reason: b.reason, version: b.version }, partyOf(req)));
      return maskClaim(c, actorOf(req).role);
    },
  });

  route(app, {
    method: 'POST', url: '/api/claims/:id/documents', summary: `Upload a document (multipart: kind, file; PDF/JPEG/PNG by content, at most ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB)`, tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams },
    handler: async (req, reply) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const up = await receiveDocument(req);
      const d = await scoped(req, (tx) => uploadDocument(tx, id, up, actorOf(req).username));
      return reply.status(201).send(d);
    },
  });
  route(app, {
    method: 'GET', url: '/api/claims/:id/documents/:documentId', summary: 'A claim document\'s file (the read is logged)', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { params: DocParams },
    handler: async (req, reply) => {
      const p = req.params as Static<typeof DocParams>;
      const actor = actorOf(req);
      const d = await scoped(req, async (tx) => {
        const d = await getDocument(tx, p.id, p.documentId);
        await logAccess(tx, actor, { action: 'view', subjectType: 'claim_document', ids: [p.documentId], purpose: 'claims.document', requestId: req.id });
        return d;
      });
      return reply.type(d.mediaType).header('content-disposition', `inline; filename="${d.fileName.replace(/["\\\r\n]/g, '_')}"`).header('x-content-type-options', 'nosniff').send(d.content);
    },
  });
  route(app, {
    method: 'DELETE', url: '/api/claims/:id/documents/:documentId', summary: 'Remove a wrong upload while the claim is a draft', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: DocParams },
    handler: async (req, reply) => {
      const p = req.params as Static<typeof DocParams>;
      await scoped(req, (tx) => removeDocument(tx, p.id, p.documentId));
      return reply.status(204).send();
    },
  });

  route(app, {
    method: 'GET', url: '/api/persons/:id/heirs', summary: 'A member\'s heirs with relation, proof and (masked) account', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.read' }, schema: { params: IdParams },
    handler: async (req) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const actor = actorOf(req);
      const heirs = await scoped(req, async (tx) => {
        const [p] = await tx.query('SELECT 1 FROM person WHERE id = $1', [id]);
        if (!p) throw problems.notFound({ id: `Pekerja #${id} tidak ada (atau di luar wilayah Anda).`, en: `Worker #${id} does not exist (or is outside your area).` });
        const heirs = await listHeirs(tx, id);
        await logAccess(tx, actor, { action: 'view', subjectType: 'person', ids: [id], purpose: 'claims.heirs', requestId: req.id });
        return heirs;
      });
      return { items: heirs.map((h) => maskHeir(h, actor.role)) };
    },
  });
  route(app, {
    method: 'POST', url: '/api/persons/:id/heirs', summary: 'Record an heir of a member', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams, body: HeirBody },
    handler: async (req, reply) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const h = await scoped(req, (tx) => addHeir(tx, id, req.body as Static<typeof HeirBody>, todayInNtt()));
      return reply.status(201).send(maskHeir(h, actorOf(req).role));
    },
  });
  route(app, {
    method: 'PATCH', url: '/api/heirs/:id', summary: 'Change an heir (the fields given; version required)', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams, body: HeirPatch },
    handler: async (req) => {
      const id = (req.params as Static<typeof IdParams>).id;
      const { version, ...patch } = req.body as Static<typeof HeirPatch>;
      const h = await scoped(req, (tx) => updateHeir(tx, id, version, patch, todayInNtt()));
      return maskHeir(h, actorOf(req).role);
    },
  });
  route(app, {
    method: 'DELETE', url: '/api/heirs/:id', summary: 'Remove an heir recorded by mistake (?version=)', tags: ['claims'],
    access: { kind: 'permission', permission: 'claims.register' }, schema: { params: IdParams, querystring: VersionQuery },
    handler: async (req, reply) => {
      const id = (req.params as Static<typeof IdParams>).id;
      await scoped(req, (tx) => removeHeir(tx, id, (req.query as Static<typeof VersionQuery>).version));
      return reply.status(204).send();
    },
  });
}
