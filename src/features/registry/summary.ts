import type { Queryable } from '../../db/types.js';

export interface RegencyCount {
  code: string;
  name: string;
  workers: number;
  women: number;
  extreme_poor: number;
  disability: number;
}

/** Workers per regency: every regency of the province appears, with zero where nobody is registered. */
export async function regencySummary(tx: Queryable, area: string | null, province = '53'): Promise<RegencyCount[]> {
  const prov = area ? area.slice(0, 2) : province;
  return tx.query<RegencyCount>(
    `SELECT r.code, r.name, coalesce(c.workers, 0)::int AS workers, coalesce(c.women, 0)::int AS women,
            coalesce(c.extreme_poor, 0)::int AS extreme_poor, coalesce(c.disability, 0)::int AS disability
       FROM area r
       LEFT JOIN (
         SELECT regency_code, count(*) AS workers, count(*) FILTER (WHERE sex = 'P') AS women,
                count(*) FILTER (WHERE extreme_poor) AS extreme_poor, count(*) FILTER (WHERE disability) AS disability
           FROM person WHERE left(village_code, 2) = $1 GROUP BY regency_code
       ) c ON c.regency_code = r.code
      WHERE r.parent_code = $1 AND ($2::text IS NULL OR r.code = left($2, 5) OR length($2) = 2)
      ORDER BY r.code`,
    [prov, area],
  );
}

// Counting a million rows takes a moment: the same scope sees the same counts for half a minute.
const cache = new Map<string, { at: number; rows: RegencyCount[] }>();
const TTL_MS = 30_000;

/** regencySummary for one user's scope, cached briefly per (user area, requested area). */
export async function cachedRegencySummary(tx: Queryable, scopeArea: string | null, area: string | null): Promise<RegencyCount[]> {
  const key = `${scopeArea ?? '*'}|${area ?? ''}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.rows;
  const rows = await regencySummary(tx, area);
  cache.set(key, { at: Date.now(), rows });
  return rows;
}

export function clearSummaryCache(): void {
  cache.clear();
}
