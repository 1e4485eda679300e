import type { FastifyRequest } from 'fastify';
import type { Db, Queryable } from '../db/types.js';
import { asActor, inScope, type Actor } from '../db/scope.js';
import type { Session } from '../features/auth/sessions.js';
import { problems } from './problem.js';
import type { Lang } from '../domain/messages.js';
import type { Config } from '../config.js';
import type { RouteSpec } from './route.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    config: Config;
    routeSpecs: RouteSpec[];
  }
  interface FastifyRequest {
    session: Session | null;
    sessionToken: string | null;
    lang: Lang;
  }
}

export function actorOf(req: FastifyRequest): Actor {
  if (!req.session) throw problems.unauthenticated();
  return req.session.user;
}

/** Runs `fn` as the signed-in user: row-level security limits it to their area. */
export function scoped<T>(req: FastifyRequest, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return asActor(req.server.db, actorOf(req), fn, req.id);
}

/** Refuses an explicit area outside the user's own (the error handler logs it, outside the transaction). */
export async function requireAreaInScope(tx: Queryable, code: string): Promise<void> {
  if (!(await inScope(tx, code))) throw problems.outOfArea();
}
