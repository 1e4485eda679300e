import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { route } from '../../http/route.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { t } from '../i18n.js';
import { Problem } from '../../http/problem.js';
import { signIn, setSessionCookie } from '../../features/auth/routes.js';
import { deleteSession, deleteUserSessions, createSession } from '../../features/auth/sessions.js';
import { changeOwnPassword, UserInputError } from '../../features/users/users.js';
import { SESSION_COOKIE } from '../../http/server.js';
import { LANG_COOKIE } from '../../http/lang.js';

// Before sign-in there is no session: the login form is protected by a double-submit cookie.
const PRELOGIN_COOKIE = 'lindung_prelogin';

/** Only same-site paths: "next" must never send the user to another site. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

async function loginForm(req: FastifyRequest, reply: FastifyReply, error: string | null, status = 200) {
  const token = randomBytes(18).toString('base64url');
  reply.setCookie(PRELOGIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/login', secure: req.server.config.secureCookies });
  const next = safeNext((req.query as { next?: string }).next ?? (req.body as { next?: string } | undefined)?.next);
  const lang = req.lang;
  return page(req, reply, {
    title: t(lang, 'sign_in'),
    status,
    body: html`${error ? html`<div class="alert" role="alert">${error}</div>` : ''}
<form method="post" action="/login" class="form-grid" novalidate>
  <input type="hidden" name="_prelogin" value="${token}">
  <input type="hidden" name="next" value="${next}">
  <div><label for="username">${t(lang, 'username')}</label><input id="username" name="username" autocomplete="username" required autofocus></div>
  <div><label for="password">${t(lang, 'password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
  <div><button type="submit">${t(lang, 'sign_in')}</button></div>
</form>`,
  });
}

function passwordForm(req: FastifyRequest, reply: FastifyReply, message: { ok?: string; error?: string }, status = 200) {
  const lang = req.lang;
  return page(req, reply, {
    title: t(lang, 'change_password'),
    status,
    body: html`${req.session?.user.mustChangePassword ? html`<p class="ok">${t(lang, 'must_change_password')}</p>` : ''}
${message.error ? html`<div class="alert" role="alert">${message.error}</div>` : ''}
${message.ok ? html`<div class="ok" role="status">${message.ok}</div>` : ''}
<form method="post" action="/account/password" class="form-grid" novalidate>
  <input type="hidden" name="_csrf" value="${req.session!.csrfToken}">
  <div><label for="currentPassword">${t(lang, 'current_password')}</label><input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required></div>
  <div><label for="newPassword">${t(lang, 'new_password')}</label><input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength="10" required aria-describedby="pw-help"><small id="pw-help" class="muted">${lang === 'id' ? 'Minimal 10 karakter; kalimat pendek mudah diingat.' : 'At least 10 characters; a short sentence is easy to remember.'}</small></div>
  <div><button type="submit">${t(lang, 'change_password')}</button></div>
</form>`,
  });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length > 0 && x.length === y.length && timingSafeEqual(x, y);
}

export function authPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/login', summary: 'Sign-in form', tags: ['web'], web: true, access: { kind: 'public' },
    handler: async (req, reply) => (req.session ? reply.redirect('/', 303) : loginForm(req, reply, null)),
  });
  route(app, {
    method: 'POST', url: '/login', summary: 'Sign in (form)', tags: ['web'], web: true, access: { kind: 'public' },
    rateLimit: { max: app.config.loginRatePerMinute, timeWindow: '1 minute' },
    handler: async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      if (!sameToken(String(body._prelogin ?? ''), String(req.cookies[PRELOGIN_COOKIE] ?? ''))) {
        return loginForm(req, reply, req.lang === 'id' ? 'Formulir kedaluwarsa. Silakan coba lagi.' : 'The form expired. Please try again.', 403);
      }
      try {
        const { session } = await signIn(req, reply, String(body.username ?? ''), String(body.password ?? ''));
        reply.clearCookie(PRELOGIN_COOKIE, { path: '/login' });
        return reply.redirect(session.user.mustChangePassword ? '/account/password' : safeNext(body.next), 303);
      } catch (e) {
        if (e instanceof Problem) return loginForm(req, reply, e.detail[req.lang], e.status);
        throw e;
      }
    },
  });
  route(app, {
    method: 'POST', url: '/logout', summary: 'Sign out (form)', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => {
      if (req.sessionToken) await deleteSession(app.db, req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.redirect('/login', 303);
    },
  });
  route(app, {
    method: 'GET', url: '/account/password', summary: 'Password change form', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => passwordForm(req, reply, {}),
  });
  route(app, {
    method: 'POST', url: '/account/password', summary: 'Change password (form)', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const user = req.session!.user;
      try {
        await changeOwnPassword(app.db, user.userId, String(body.currentPassword ?? ''), String(body.newPassword ?? ''));
      } catch (e) {
        if (e instanceof UserInputError) return passwordForm(req, reply, { error: e.msg[req.lang] }, 400);
        throw e;
      }
      await deleteUserSessions(app.db, user.userId);
      const { token } = await createSession(app.db, user.userId, app.config.sessionHours, req.ip, req.headers['user-agent'] ?? null);
      setSessionCookie(app, reply, token);
      return reply.redirect('/?password=changed', 303);
    },
  });
  route(app, {
    method: 'GET', url: '/lang/:lang', summary: 'Switch the interface language', tags: ['web'], web: true, access: { kind: 'public' },
    handler: async (req, reply) => {
      const lang = (req.params as { lang: string }).lang === 'en' ? 'en' : 'id';
      reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
      return reply.redirect(safeNext((req.query as { next?: string }).next), 303);
    },
  });
}
