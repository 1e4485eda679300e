import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { problems } from '../../http/problem.js';
import { ROLES } from '../../domain/roles.js';
import { addUser, listUsers, resetPassword, UserInputError } from './users.js';

const NewUserBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 40 }),
  fullName: Type.String({ maxLength: 120 }),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  areaCode: Type.Union([Type.String({ maxLength: 13 }), Type.Null()]),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
const ResetBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const userInput = <T>(fn: () => Promise<T>) =>
  fn().catch((e: unknown) => {
    if (e instanceof UserInputError) throw problems.badRequest(e.msg);
    throw e;
  });

export function userRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET',
    url: '/api/users',
    summary: 'Accounts within your area',
    tags: ['users'],
    access: { kind: 'permission', permission: 'users.manage' },
    handler: async (req) => scoped(req, (tx) => listUsers(tx)),
  });
  route(app, {
    method: 'POST',
    url: '/api/users',
    summary: 'Create an account bound to a role and an area (within your own area)',
    tags: ['users'],
    access: { kind: 'permission', permission: 'users.manage' },
    schema: { body: NewUserBody },
    handler: async (req, reply) => {
      const body = req.body as Static<typeof NewUserBody>;
      const id = await userInput(() => scoped(req, (tx) => addUser(tx, { ...body, mustChangePassword: true })));
      return reply.status(201).send({ id });
    },
  });
  route(app, {
    method: 'POST',
    url: '/api/users/:id/password',
    summary: "Reset another account's password; they must change it at next sign-in",
    tags: ['users'],
    access: { kind: 'permission', permission: 'users.manage' },
    schema: { params: IdParams, body: ResetBody },
    handler: async (req, reply) => {
      const { id } = req.params as Static<typeof IdParams>;
      const [target] = await scoped(req, (tx) => tx.query<{ username: string }>('SELECT username FROM app_user WHERE id = $1', [id]));
      if (!target) throw problems.notFound({ id: 'Akun ini tidak ada atau di luar wilayah Anda.', en: 'This account does not exist or is outside your area.' });
      await userInput(() => resetPassword(app.db, target.username, (req.body as Static<typeof ResetBody>).password, req.session!.user.username));
      return reply.status(204).send();
    },
  });
}
