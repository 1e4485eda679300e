/**
 * Registry search: exact NIK, name prefix (case and spacing do not matter), area filter, sorted,
 * paged server-side. Each shape of query is one index range (see person_* indexes), so a page
 * costs the same with 1,000 or 1,000,000 people. No total count: counting is what made peers slow.
 */
import type { Queryable } from '../../db/types.js';

export const SORTS = ['name', 'birth_date', 'newest'] as const;
export type Sort = (typeof SORTS)[number];
export const MAX_PAGE_SIZE = 100;
const ORDER: Record<Sort, string> = { name: 'p.name_norm, p.id', birth_date: 'p.birth_date, p.id', newest: 'p.id DESC' };

export interface SearchInput {
  q?: string;
  area?: string;
  sort?: Sort;
  page?: number;
  pageSize?: number;
}

export interface PersonListRow {
  id: number;
  nik: string;
  full_name: string;
  birth_date: string;
  sex: 'L' | 'P';
  village_code: string;
  village_name: string;
  regency_name: string;
  occupation: string | null;
  dtsen_decile: number | null;
  extreme_poor: boolean;
  disability: boolean;
}

export function normaliseName(q: string): string {
  return q.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The smallest string greater than every string starting with `prefix` (byte order, C collation). */
export function prefixUpperBound(prefix: string): string {
  const last = prefix.codePointAt(prefix.length - 1) ?? 0;
  const head = prefix.slice(0, prefix.length - (last > 0xffff ? 2 : 1));
  return head + String.fromCodePoint(last + 1);
}

const AREA_COLUMN: Record<number, string> = {
  2: 'left(p.village_code, 2)',
  5: 'p.regency_code',
  8: 'p.district_code',
  13: 'p.village_code',
};

export function isAreaCode(code: string): boolean {
  return /^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$/.test(code);
}

export function isNikQuery(q: string): boolean {
  return /^[0-9]{16}$/.test(q.replace(/[\s.-]/g, ''));
}

export async function searchPersons(tx: Queryable, input: SearchInput) {
  const pageSize = Math.min(Math.max(1, input.pageSize ?? 25), MAX_PAGE_SIZE);
  const page = Math.max(1, input.page ?? 1);
  const where: string[] = [];
  const params: (string | number)[] = [];
  const q = input.q?.trim() ?? '';
  let namePrefix = false;
  if (q && isNikQuery(q)) {
    params.push(q.replace(/[\s.-]/g, ''));
    where.push(`p.nik = $${params.length}`);
  } else if (q) {
    const norm = normaliseName(q);
    params.push(norm, prefixUpperBound(norm));
    where.push(`p.name_norm >= $${params.length - 1} AND p.name_norm < $${params.length}`);
    namePrefix = true;
  }
  if (input.area) {
    const column = AREA_COLUMN[input.area.length];
    if (!column || !isAreaCode(input.area)) throw new Error(`not an area code: ${input.area}`);
    params.push(input.area);
    where.push(`${column} = $${params.length}`);
  }
  const order = ORDER[input.sort ?? 'name'];
  params.push(pageSize + 1, (page - 1) * pageSize);
  // The planner underestimates how many names share a short prefix ("mar…": thousands, not
  // hundreds), and for pages 2–10 it then fetches every match and sorts them. For a name-prefix
  // page in name order, sorting is discouraged so it walks the index that already has the order and
  // stops after the page. The page is cut before the area joins.
  const walkIndex = namePrefix && (input.sort ?? 'name') === 'name';
  if (walkIndex) await tx.exec('SET LOCAL enable_sort = off');
  const rows = await tx.query<PersonListRow>(
    `SELECT p.id, p.nik, p.full_name, p.birth_date, p.sex, p.village_code, v.name AS village_name, r.name AS regency_name,
            p.occupation, p.dtsen_decile, p.extreme_poor, p.disability
       FROM (SELECT * FROM person p
              ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY ${order}
              LIMIT $${params.length - 1} OFFSET $${params.length}) p
       JOIN area v ON v.code = p.village_code
       JOIN area r ON r.code = p.regency_code
      ORDER BY ${order}`,
    params,
  );
  if (walkIndex) await tx.exec('SET LOCAL enable_sort = on');
  return { items: rows.slice(0, pageSize), page, pageSize, hasNext: rows.length > pageSize };
}

/**
 * The search as a user runs it. Row-level security already limits the rows; naming the user's own
 * regency, district or village as the default filter lets the planner use that area's index
 * instead of walking the whole province and discarding what the policy hides.
 */
export function searchAs(tx: Queryable, actorArea: string | null, input: SearchInput) {
  const ownArea = actorArea && actorArea.length >= 5 ? actorArea : undefined;
  return searchPersons(tx, { ...input, area: input.area ?? ownArea });
}
