import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { Problem, problems } from '../../http/problem.js';
import { SESSION_COOKIE } from '../../http/server.js';
import { createSession, deleteSession, deleteUserSessions, findSession } from './sessions.js';
import { login } from './login.js';
import { changeOwnPassword, UserInputError } from '../users/users.js';

const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) });
const PasswordBody = Type.Object({
  currentPassword: Type.String({ minLength: 1, maxLength: 200 }),
  newPassword: Type.String({ minLength: 1, maxLength: 200 }),
});

export function setSessionCookie(app: FastifyInstance, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: app.config.secureCookies,
    path: '/',
    maxAge: app.config.sessionHours * 3600,
  });
}

export function loginProblem(result: { reason: 'bad_credentials' } | { reason: 'locked'; until: Date }): Problem {
  if (result.reason === 'locked') {
    const minutes = Math.max(1, Math.ceil((result.until.getTime() - Date.now()) / 60000));
    return new Problem(423, 'account-locked', { id: 'Akun dikunci sementara', en: 'Account temporarily locked' }, {
      id: `Terlalu banyak kata sandi salah. Akun dikunci ${minutes} menit lagi; coba lagi nanti atau minta administrator mengatur ulang kata sandi.`,
      en: `Too many wrong passwords. The account is locked for ${minutes} more minute(s); try again later or ask an administrator to reset the password.`,
    });
  }
  return new Problem(401, 'bad-credentials', { id: 'Gagal masuk', en: 'Sign-in failed' }, {
    id: 'Nama pengguna atau kata sandi salah. Periksa huruf besar/kecil lalu coba lagi.',
    en: 'Wrong username or password. Check upper/lower case and try again.',
  });
}

/** Signs a user in: checks the password, opens a session, sets the cookie. Shared by the API and the login form. */
export async function signIn(req: FastifyRequest, reply: FastifyReply, username: string, password: string) {
  const result = await login(req.server.db, username, password, req.ip);
  if (!result.ok) throw loginProblem(result);
  const { token, csrfToken } = await createSession(req.server.db, result.userId, req.server.config.sessionHours, req.ip, req.headers['user-agent'] ?? null);
  setSessionCookie(req.server, reply, token);
  const session = await findSession(req.server.db, token);
  return { session: session!, csrfToken };
}

export function authRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Sign in with username and password; sets the session cookie',
    tags: ['auth'],
    access: { kind: 'public' },
    rateLimit: { max: app.config.loginRatePerMinute, timeWindow: '1 minute' },
    schema: { body: LoginBody },
    handler: async (req, reply) => {
      const body = req.body as Static<typeof LoginBody>;
      const { session, csrfToken } = await signIn(req, reply, body.username, body.password);
      return { user: session.user, csrfToken };
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'Sign out: ends this session',
    tags: ['auth'],
    access: { kind: 'signed_in' },
    handler: async (req, reply) => {
      if (req.sessionToken) await deleteSession(app.db, req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/auth/me',
    summary: 'The signed-in user and the CSRF token to send with changes',
    tags: ['auth'],
    access: { kind: 'signed_in' },
    handler: async (req) => ({ user: req.session!.user, csrfToken: req.session!.csrfToken, expiresAt: req.session!.expiresAt }),
  });
  route(app, {
    method: 'POST',
    url: '/api/auth/password',
    summary: 'Change your own password; every other session of yours ends',
    tags: ['auth'],
    access: { kind: 'signed_in' },
    schema: { body: PasswordBody },
    handler: async (req, reply) => {
      const body = req.body as Static<typeof PasswordBody>;
      const user = req.session!.user;
      try {
        await changeOwnPassword(app.db, user.userId, body.currentPassword, body.newPassword);
      } catch (e) {
        if (e instanceof UserInputError) throw problems.badRequest(e.msg);
        throw e;
      }
      await deleteUserSessions(app.db, user.userId);
      const { token, csrfToken } = await createSession(app.db, user.userId, app.config.sessionHours, req.ip, req.headers['user-agent'] ?? null);
      setSessionCookie(app, reply, token);
      return { csrfToken };
    },
  });
}
