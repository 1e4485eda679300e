import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import multipart from '@fastify/multipart';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import type { Db } from '../db/types.js';
import { UserError } from '../domain/user-error.js';
import { QuotaError } from '../domain/quota.js';
import { DbError } from '../db/types.js';
import { findSession } from '../features/auth/sessions.js';
import { recordSecurityEvent, type SecurityEventKind } from '../features/auth/security-events.js';
import { can } from '../domain/roles.js';
import { Problem, problems } from './problem.js';
import { requestLang } from './lang.js';
import type { Access } from './route.js';
import './context.js';
import { registerFeatures } from './features.js';
import { IntakeJobRunner } from '../features/intake/jobs.js';
import { renderErrorPage } from '../web/error-page.js';

export const SESSION_COOKIE = 'lindung_session';

/** Refusals worth a security record: who tried what, from where. */
const SECURITY_EVENT: Record<string, SecurityEventKind> = {
  forbidden: 'forbidden',
  'out-of-area': 'out_of_area',
  csrf: 'csrf_rejected',
  'bad-request': 'bad_request',
  'too-large': 'bad_request',
  'unsupported-media-type': 'bad_request',
  'rate-limited': 'rate_limited',
};
export const BODY_LIMIT = 1024 * 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
  if (err instanceof UserError) {
    const status = { invalid: 422, conflict: 409, not_found: 404, forbidden: 403 }[err.kind];
    const title = {
      invalid: { id: 'Data tidak dapat diterima', en: 'Cannot be accepted' },
      conflict: { id: 'Bentrok dengan data yang ada', en: 'Conflicts with existing data' },
      not_found: { id: 'Tidak ditemukan', en: 'Not found' },
      forbidden: { id: 'Tidak diizinkan', en: 'Not allowed' },
    }[err.kind];
    return new Problem(status, err.code.replace(/_/g, '-'), title, err.text, { code: err.code, ...err.extra });
  }
  if (err instanceof QuotaError) return new Problem(422, err.code.replace(/_/g, '-'), { id: 'Kuota tidak dapat dibagi', en: 'Quota cannot be allocated' }, err.text, { code: err.code });
  if (err instanceof DbError) {
    // Row-level security refused a write outside the actor's area.
    // (Other 42501s — a missing GRANT, COPY outside the system scope — are bugs: left to be a 500.)
    if (err.code === '42501' && /row-level security/.test(err.message)) return problems.outOfArea();
    if (err.code === '23505')
      return problems.conflict({ id: 'Data yang sama sudah ada.', en: 'The same record already exists.' });
    if (err.code === '22021' || err.code === '22P05' || err.code === '22P02' || err.code === '22007' || err.code === '22008' || err.code === '23514')
      return problems.badRequest({ id: 'Nilai yang dikirim tidak sesuai format.', en: 'A value sent is not in the expected format.' });
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    return problems.badRequest(
      { id: 'Permintaan tidak sesuai skema: periksa kolom yang disebut pada daftar errors.', en: 'The request does not match the schema: see the fields listed in errors.' },
      { errors: fe.validation.map((v) => ({ field: v.instancePath || (v.params as { missingProperty?: string }).missingProperty || '', message: v.message })) },
    );
  }
  const status = fe.statusCode ?? 500;
  if (status === 413)
    return new Problem(413, 'too-large', { id: 'Data terlalu besar', en: 'Payload too large' }, {
      id: `Isi permintaan melebihi ${BODY_LIMIT / 1024} KB. Kirim data yang lebih kecil; berkas besar diunggah lewat fitur impor.`,
      en: `The request body exceeds ${BODY_LIMIT / 1024} KB. Send less; large files go through the import feature.`,
    });
  if (status === 415)
    return new Problem(415, 'unsupported-media-type', { id: 'Jenis isi tidak didukung', en: 'Unsupported media type' }, {
      id: 'Kirim JSON (Content-Type: application/json) atau isian formulir.', en: 'Send JSON (Content-Type: application/json) or form fields.',
    });
  if (status === 429)
    return new Problem(429, 'rate-limited', { id: 'Terlalu banyak percobaan', en: 'Too many attempts' }, {
      id: 'Terlalu banyak permintaan dalam waktu singkat. Tunggu satu menit lalu coba lagi.', en: 'Too many requests in a short time. Wait a minute and try again.',
    });
  if (status >= 400 && status < 500)
    return problems.badRequest({ id: 'Permintaan tidak dapat dibaca (misalnya JSON rusak). Periksa isinya lalu kirim ulang.', en: 'The request could not be read (for example malformed JSON). Check it and send it again.' });
  return new Problem(500, 'internal', { id: 'Kesalahan sistem', en: 'Internal error' }, {
    id: 'Terjadi kesalahan di server. Tidak ada data yang berubah sebagian. Coba lagi; jika berulang, hubungi administrator dengan nomor permintaan.',
    en: 'Something went wrong on the server. Nothing was changed partly. Try again; if it keeps happening, give the administrator the request id.',
  });
}

export function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url === '/api';
}

async function checkAccess(req: FastifyRequest, access: Access): Promise<void> {
  if (access.kind === 'public') return;
  if (!req.session) throw problems.unauthenticated();
  if (access.kind === 'permission' && !can(req.session.user.role, access.permission)) {
    throw problems.forbidden({
      id: 'Peran akun Anda tidak mencakup pekerjaan ini. Minta administrator jika Anda memerlukannya.',
      en: 'Your account role does not include this work. Ask an administrator if you need it.',
    });
  }
  // Cookie-authenticated changes must carry the session's CSRF token (header for the API, field for forms).
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const body = req.body as Record<string, unknown> | undefined;
    // A multipart upload's body is streamed later, so a web form sends its token in the query.
    const query = req.isMultipart() ? (req.query as Record<string, unknown>)._csrf : undefined;
    const sent = String(req.headers['x-csrf-token'] ?? query ?? (body && typeof body === 'object' ? (body._csrf ?? '') : ''));
    if (!sent || !safeEqual(sent, req.session.csrfToken)) throw problems.csrf();
  }
}

export async function buildServer(db: Db, config: Config, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ? { level: process.env.LOG_LEVEL ?? 'info' } : false,
    bodyLimit: BODY_LIMIT,
    exposeHeadRoutes: false,
    genReqId: () => randomUUID(),
    trustProxy: process.env.LINDUNG_TRUST_PROXY === '1',
  });
  app.decorate('db', db);
  app.decorate('config', config);
  app.decorate('routeSpecs', []);
  app.decorateRequest('session', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('lang', 'id');

  app.addHook('onRoute', (r) => {
    const access = (r.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`Route ${r.method} ${r.url} has no access rule: declare it with route() (src/http/route.ts).`);
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  // Uploads stream to the data folder; the size limit is enforced while streaming (batches.ts).
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 10, fieldSize: 10_000 } });
  app.decorate('intakeJobs', new IntakeJobRunner(db, config.dataDir, (msg) => app.log.info(msg)));
  app.addHook('onClose', async () => app.intakeJobs.stop());
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error('rate limited'), { statusCode: ctx.statusCode }),
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lindung API',
        version: '0.1.0',
        description: 'Perlindungan BPJS Ketenagakerjaan bagi pekerja rentan — government-paid BPJS Ketenagakerjaan for vulnerable workers. Errors are RFC 9457 problem details in the language of the lindung_lang cookie or Accept-Language.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
  });

  app.addHook('onRequest', async (req) => {
    req.lang = requestLang(req);
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      req.sessionToken = token;
      req.session = await findSession(db, token);
    }
  });
  // Before schema validation: a signed-out caller hears "sign in", not "your body is invalid".
  app.addHook('preValidation', async (req) => {
    const access = (req.routeOptions.config as { access?: Access }).access;
    if (access) await checkAccess(req, access);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    if (!isApi(req)) {
      reply.header('x-frame-options', 'DENY');
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
    }
    return payload;
  });

  app.setErrorHandler(async (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) req.log.error({ err, route: req.routeOptions.url }, 'request failed');
    const kind = SECURITY_EVENT[problem.slug];
    if (kind) {
      // Recorded here, after any transaction of the request has ended (PGlite has one connection).
      await recordSecurityEvent(db, kind, {
        userId: req.session?.user.userId, username: req.session?.user.username, ip: req.ip,
        detail: { route: req.routeOptions.url ?? req.url.split('?')[0], method: req.method, problem: problem.slug },
      }).catch((e: unknown) => req.log.error({ err: e }, 'could not record security event'));
    }
    if (!isApi(req)) return renderErrorPage(req, reply, problem);
    return reply.status(problem.status).type('application/problem+json').send(problem.body(req.lang, req.url.split('?')[0]));
  });
  app.setNotFoundHandler(async (req, reply) => {
    const problem = problems.notFound({
      id: `Alamat ${req.method} ${req.url.split('?')[0]} tidak ada. Lihat /api/docs untuk daftar alamat API.`,
      en: `There is no ${req.method} ${req.url.split('?')[0]}. See /api/docs for the API's addresses.`,
    });
    if (!isApi(req)) return renderErrorPage(req, reply, problem);
    return reply.status(404).type('application/problem+json').send(problem.body(req.lang));
  });

  await registerFeatures(app);
  return app;
}
