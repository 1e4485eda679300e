import type { FastifyInstance } from 'fastify';
import { route } from '../../http/route.js';

const started = Date.now();

export function healthRoutes(app: FastifyInstance): void {
  // Answers from memory: a busy database (a million-row load) must not make the server look dead.
  route(app, {
    method: 'GET',
    url: '/api/health',
    summary: 'Liveness: the server answers',
    tags: ['system'],
    access: { kind: 'public' },
    handler: async () => ({ status: 'ok', database: app.db.kind, uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
  });
  route(app, {
    method: 'GET',
    url: '/api/docs',
    summary: 'This OpenAPI document',
    tags: ['system'],
    access: { kind: 'public' },
    schema: { hide: true },
    handler: async () => app.swagger(),
  });
}
