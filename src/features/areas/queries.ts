import type { Queryable } from '../../db/types.js';

export interface AreaRow {
  code: string;
  parent_code: string | null;
  level: number;
  name: string;
}

export const LEVEL_NAME = {
  1: { id: 'Provinsi', en: 'Province' },
  2: { id: 'Kabupaten/Kota', en: 'Regency/City' },
  3: { id: 'Kecamatan', en: 'District' },
  4: { id: 'Desa/Kelurahan', en: 'Village' },
} as const;

export async function getArea(tx: Queryable, code: string): Promise<AreaRow | null> {
  const [row] = await tx.query<AreaRow>('SELECT code, parent_code, level, name FROM area WHERE code = $1', [code]);
  return row ?? null;
}

export async function childAreas(tx: Queryable, parent: string | null): Promise<AreaRow[]> {
  return parent === null
    ? tx.query<AreaRow>('SELECT code, parent_code, level, name FROM area WHERE level = 1 ORDER BY code')
    : tx.query<AreaRow>('SELECT code, parent_code, level, name FROM area WHERE parent_code = $1 ORDER BY code', [parent]);
}

/** The area and its ancestors, province first: for breadcrumbs and addresses. */
export async function areaPath(tx: Queryable, code: string): Promise<AreaRow[]> {
  const parts = code.split('.');
  const codes = parts.map((_, i) => parts.slice(0, i + 1).join('.'));
  return tx.query<AreaRow>('SELECT code, parent_code, level, name FROM area WHERE code = ANY($1) ORDER BY level', [codes]);
}
