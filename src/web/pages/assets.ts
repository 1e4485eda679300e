import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

export function assetRoutes(app: FastifyInstance): void {
  // Read once: a handful of small files that never change while the server runs.
  const files = new Map(
    fs.readdirSync(DIR).filter((f) => TYPES[path.extname(f)]).map((f) => [f, fs.readFileSync(path.join(DIR, f))]),
  );
  route(app, {
    method: 'GET', url: '/assets/:file', summary: 'Stylesheet and script', tags: ['web'], web: true, access: { kind: 'public' },
    handler: async (req, reply) => {
      const name = (req.params as { file: string }).file;
      const body = files.get(name);
      if (!body) throw problems.notFound({ id: 'Berkas tidak ada.', en: 'No such file.' });
      return reply.type(TYPES[path.extname(name)]!).header('cache-control', 'public, max-age=300').send(body);
    },
  });
}
