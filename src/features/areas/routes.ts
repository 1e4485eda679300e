import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { problems } from '../../http/problem.js';
import { childAreas, getArea } from './queries.js';
import { loadProvince, provinceList } from './load.js';
import { actorOf } from '../../http/context.js';

const ChildQuery = Type.Object({ parent: Type.Optional(Type.String({ maxLength: 13, description: 'Parent code; omit for provinces' })) });
const CodeParams = Type.Object({ code: Type.String({ maxLength: 13 }) });
const ProvinceParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{2}$' }) });

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
  route(app, {
    method: 'POST',
    url: '/api/areas/provinces/:code/load',
    summary: "Load a province's Kemendagri areas (national administrators; same as `lindung areas load`)",
    tags: ['areas'],
    access: { kind: 'permission', permission: 'areas.manage' },
    schema: { params: ProvinceParams },
    handler: async (req) => {
      // Reference data for the whole country: only a national account may add to it.
      if (actorOf(req).areaCode !== null) throw problems.outOfArea();
      const { code } = req.params as Static<typeof ProvinceParams>;
      if (!provinceList().some((p) => p.code === code))
        throw problems.notFound({ id: `Kode provinsi ${code} tidak ada dalam data Kemendagri.`, en: `Province code ${code} is not in the Kemendagri list.` });
      return loadProvince(app.db, code);
    },
  });
}
