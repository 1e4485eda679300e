import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { verifyAudit } from './verify.js';
import { problems } from '../../http/problem.js';

/** The whole history spans every area: only national accounts may inspect it. */
function requireNational(req: FastifyRequest): void {
  if (actorOf(req).areaCode !== null) throw problems.outOfArea();
}

const Paging = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });

export function auditRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET',
    url: '/api/audit/verify',
    summary: 'Verify the hash chain of the whole history (same check as `lindung audit verify`)',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'access_log.read' },
    handler: async (req) => {
      requireNational(req);
      return verifyAudit(app.db);
    },
  });
  route(app, {
    method: 'GET',
    url: '/api/audit/access-log',
    summary: 'Recent reads and exports of personal data: who, what, why',
    tags: ['audit'],
    access: { kind: 'permission', permission: 'access_log.read' },
    schema: { querystring: Paging },
    handler: async (req) => {
      requireNational(req);
      const { limit } = req.query as Static<typeof Paging>;
      return scoped(req, (tx) =>
        tx.query(
          `SELECT id, at, actor_label, action, subject_type, subject_count, subject_ids, purpose, query FROM data_access_log
            ORDER BY id DESC LIMIT $1`,
          [limit ?? 100],
        ),
      );
    },
  });
}
