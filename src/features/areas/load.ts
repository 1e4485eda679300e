/**
 * Kemendagri reference areas from the npm package idn-area-data. NTT is loaded on first start;
 * any other province on demand. Loading is idempotent: rows already there are left alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import Papa from 'papaparse';
import type { Db } from '../../db/types.js';
import type { AreaCodes } from '../../domain/nik.js';

export const DEFAULT_PROVINCE = '53';

function dataDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('idn-area-data/package.json')), 'data');
}

function readCsv(file: string): Record<string, string>[] {
  const text = fs.readFileSync(path.join(dataDir(), file), 'utf8');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
}

/** The package writes regencies and provinces in capitals ("KABUPATEN SUMBA TIMUR"); screens want "Kabupaten Sumba Timur". */
export function displayName(name: string): string {
  if (name !== name.toUpperCase()) return name;
  return name.toLowerCase().replace(/(^|[\s(/-])(\p{L})/gu, (_m, pre: string, ch: string) => pre + ch.toUpperCase());
}

export function provinceList(): { code: string; name: string }[] {
  return readCsv('provinces.csv').map((r) => ({ code: r.code!, name: displayName(r.name!) }));
}

// An unquoted empty field is NULL in CSV COPY; a quoted one would be an empty string.
const csvField = (v: string) => (v === '' ? '' : `"${v.replace(/"/g, '""')}"`);

export interface AreaCounts {
  province: string;
  regencies: number;
  districts: number;
  villages: number;
  inserted: number;
}

export async function loadProvince(db: Db, provinceCode: string): Promise<AreaCounts> {
  const province = readCsv('provinces.csv').find((r) => r.code === provinceCode);
  if (!province) {
    throw new Error(
      `Province code "${provinceCode}" is not a Kemendagri province code (for example 53 = Nusa Tenggara Timur, 52 = Nusa Tenggara Barat). ` +
        `Kode provinsi "${provinceCode}" tidak dikenal.`,
    );
  }
  const prefix = `${provinceCode}.`;
  const regencies = readCsv('regencies.csv').filter((r) => r.code!.startsWith(prefix));
  const districts = readCsv('districts.csv').filter((r) => r.code!.startsWith(prefix));
  const villages = readCsv('villages.csv').filter((r) => r.code!.startsWith(prefix));
  const lines = [
    [province.code!, '', '1', displayName(province.name!)],
    ...regencies.map((r) => [r.code!, r.province_code!, '2', displayName(r.name!)]),
    ...districts.map((r) => [r.code!, r.regency_code!, '3', displayName(r.name!)]),
    ...villages.map((r) => [r.code!, r.district_code!, '4', displayName(r.name!)]),
  ];
  const csv = lines.map((l) => l.map(csvField).join(',')).join('\n') + '\n';
  const inserted = await db.transaction(async (tx) => {
    await tx.exec('CREATE TEMP TABLE area_load (code text, parent_code text, level smallint, name text) ON COMMIT DROP');
    await tx.copyFrom(`COPY area_load (code, parent_code, level, name) FROM STDIN (FORMAT csv, NULL '')`, csv);
    const rows = await tx.query<{ n: number }>(
      `WITH ins AS (
         INSERT INTO area (code, parent_code, level, name)
         SELECT code, parent_code, level, name FROM area_load ORDER BY level, code
         ON CONFLICT (code) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
    );
    return rows[0]?.n ?? 0;
  });
  return { province: provinceCode, regencies: regencies.length, districts: districts.length, villages: villages.length, inserted };
}

export async function areasLoaded(db: Db, provinceCode: string): Promise<boolean> {
  const [row] = await db.query('SELECT 1 FROM area WHERE code = $1', [provinceCode]);
  return Boolean(row);
}

let nationalCodes: AreaCodes | null = null;

/**
 * Every Kemendagri province and regency code in the package, loaded or not: an NIK issued in
 * another province is normal (people move), so its codes are checked against the whole country.
 */
export function nationalAreaCodes(): AreaCodes {
  nationalCodes ??= {
    provinces: new Set(readCsv('provinces.csv').map((r) => r.code!)),
    regencies: new Set(readCsv('regencies.csv').map((r) => r.code!)),
  };
  return nationalCodes;
}
