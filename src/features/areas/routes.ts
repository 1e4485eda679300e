import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import { childAreas, getArea } from './queries.js';

const ChildQuery = Type.Object({ parent: Type.Optional(Type.String({ maxLength: 13, description: 'Parent code; omit for provinces' })) });
const CodeParams = Type.Object({ code: Type.String({ maxLength: 13 }) });

/** Reference areas are public data (Kemendagri): no personal data, no scope. */
export function areaRoutes(app: FastifyInstance): void {
  route(app, {
    method: 'GET',
    url: '/api/areas',
    summary: 'Areas under a parent (provinces when no parent is given)',
    tags: ['areas'],
    access: { kind: 'public' },
    schema: { querystring: ChildQuery },
    handler: async (req) => childAreas(app.db, (req.query as Static<typeof ChildQuery>).parent ?? null),
  });
  route(app, {
    method: 'GET',
    url: '/api/areas/:code',
    summary: 'One area by its Kemendagri code',
    tags: ['areas'],
    access: { kind: 'public' },
    schema: { params: CodeParams },
    handler: async (req) => {
      const area = await getArea(app.db, (req.params as Static<typeof CodeParams>).code);
      if (!area) throw problems.notFound({ id: 'Kode wilayah ini tidak ada.', en: 'There is no area with this code.' });
      return area;
    },
  });
}
