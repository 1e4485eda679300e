/**
 * The area resolver's index over the areas in the database, built once per process and rebuilt
 * when areas are added (a province loaded on demand).
 */
import type { Queryable } from '../../db/types.js';
import { buildAreaIndex, type AreaIndex, type AreaRecord } from './area-resolver.js';

let cached: { count: number; index: AreaIndex } | null = null;

export async function areaIndexOf(db: Queryable): Promise<AreaIndex> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM area');
  const count = row?.n ?? 0;
  if (cached && cached.count === count) return cached.index;
  const areas = await db.query<AreaRecord>('SELECT code, parent_code, level, name FROM area');
  // Short names people use for the newer regencies.
  const index = buildAreaIndex(areas, { aliases: { Mabar: '53.15', Matim: '53.19', SBD: '53.18', TTS: '53.02', TTU: '53.03' } });
  cached = { count, index };
  return index;
}
