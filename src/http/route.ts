/**
 * Every route is declared through `route()` with an access rule. The server refuses to start
 * with a route that has none (see server.ts `onRoute`), and test/integration/access.test.ts walks
 * every declared route with every role and a foreign area.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteShorthandOptions } from 'fastify';
import type { Permission } from '../domain/roles.js';

export type Access =
  /** Anyone, signed in or not (health, docs, sign-in, public aggregates). */
  | { kind: 'public' }
  /** Any signed-in user, about their own account only. */
  | { kind: 'signed_in' }
  /** Signed in with a role that has the permission; records further limited to the area by RLS. */
  | { kind: 'permission'; permission: Permission };

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tags: string[];
  access: Access;
  /** Web pages answer HTML and are left out of the OpenAPI document. */
  web?: boolean;
  schema?: FastifySchema;
  rateLimit?: { max: number; timeWindow: string };
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

export function route(app: FastifyInstance, spec: RouteSpec): void {
  app.routeSpecs.push(spec);
  const options: RouteShorthandOptions = {
    schema: { ...(spec.schema ?? {}), summary: spec.summary, tags: spec.tags, ...(spec.web ? { hide: true } : {}) },
    config: { access: spec.access, ...(spec.rateLimit ? { rateLimit: spec.rateLimit } : {}) },
  };
  app.route({ method: spec.method, url: spec.url, ...options, handler: spec.handler });
}
