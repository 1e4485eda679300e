/**
 * Reference statistics per area (e.g. poor population per regency): imported from a CSV with
 * their date and source, replaceable when newer figures come out.
 */
import Papa from 'papaparse';
import type { Queryable } from '../../db/types.js';
import { UserError } from '../../domain/user-error.js';

export interface StatisticRow {
  indicator: string;
  areaCode: string;
  asOf: string;
  value: number;
  source: string;
}

/**
 * Reads `indicator;area_code;as_of;value;source` (comma or semicolon). Every bad line is named
 * with what to fix; nothing is stored unless every line is good.
 */
export function parseStatisticsCsv(text: string): StatisticRow[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim().toLowerCase() });
  const need = ['indicator', 'area_code', 'as_of', 'value', 'source'];
  const missing = need.filter((h) => !parsed.meta.fields?.includes(h));
  if (missing.length) {
    throw new UserError('invalid', 'statistics_columns', {
      id: `Kolom ${missing.join(', ')} tidak ada. Baris judul harus: ${need.join(';')}.`,
      en: `Columns ${missing.join(', ')} are missing. The header must be: ${need.join(';')}.`,
    });
  }
  const errors: string[] = [];
  const rows: StatisticRow[] = [];
  parsed.data.forEach((r, i) => {
    const line = i + 2;
    const value = Number(String(r.value ?? '').replace(/[.\s](?=\d{3}\b)/g, ''));
    const row = { indicator: (r.indicator ?? '').trim(), areaCode: (r.area_code ?? '').trim(), asOf: (r.as_of ?? '').trim(), value, source: (r.source ?? '').trim() };
    if (!/^[a-z][a-z0-9_]*$/.test(row.indicator)) errors.push(`line ${line}: indicator "${row.indicator}" must be lower-case letters, digits and _`);
    else if (!/^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/.test(row.areaCode)) errors.push(`line ${line}: area_code "${row.areaCode}" is not a Kemendagri code such as 53.08`);
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(row.asOf)) errors.push(`line ${line}: as_of "${row.asOf}" must be YYYY-MM-DD`);
    else if (!Number.isSafeInteger(value) || value < 0) errors.push(`line ${line}: value "${r.value}" must be a whole number of 0 or more`);
    else if (!row.source) errors.push(`line ${line}: source is empty (name the publication, e.g. BPS 2025)`);
    else rows.push(row);
  });
  if (errors.length) {
    throw new UserError('invalid', 'statistics_rows', { id: `Statistik tidak disimpan: ${errors.join('; ')}.`, en: `Nothing stored: ${errors.join('; ')}.` }, { errors });
  }
  return rows;
}

export async function saveStatistics(tx: Queryable, rows: readonly StatisticRow[]): Promise<number> {
  let n = 0;
  for (const r of rows) {
    const [known] = await tx.query('SELECT 1 FROM area WHERE code = $1', [r.areaCode]);
    if (!known) {
      throw new UserError('invalid', 'statistics_area_unknown', {
        id: `Wilayah ${r.areaCode} belum dimuat. Muat provinsinya dulu (lindung areas load --province ${r.areaCode.slice(0, 2)}).`,
        en: `Area ${r.areaCode} is not loaded. Load its province first (lindung areas load --province ${r.areaCode.slice(0, 2)}).`,
      });
    }
    await tx.query(
      `INSERT INTO reference_statistic (indicator, area_code, as_of, value, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (indicator, area_code, as_of) DO UPDATE SET value = EXCLUDED.value, source = EXCLUDED.source`,
      [r.indicator, r.areaCode, r.asOf, r.value, r.source],
    );
    n++;
  }
  return n;
}

export async function listIndicators(tx: Queryable): Promise<{ indicator: string; asOf: string; areas: number; source: string }[]> {
  return tx.query(
    `SELECT indicator, as_of AS "asOf", count(*)::int AS areas, min(source) AS source
       FROM reference_statistic GROUP BY indicator, as_of ORDER BY indicator, as_of DESC`,
  );
}
