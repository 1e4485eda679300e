import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import Papa from 'papaparse';
import {
  areaKey,
  buildAreaIndex,
  normaliseAreaCode,
  resolveArea,
  type AreaIndex,
  type AreaQuery,
  type AreaRecord,
  type AreaResolution,
} from '../../src/features/intake/area-resolver.js';

// ---------------------------------------------------------------------------
// A real slice of the Kemendagri list: Nusa Tenggara Timur (53), from idn-area-data.

const DATA = path.join(process.cwd(), 'node_modules', 'idn-area-data', 'data');

function readCsv(file: string): Record<string, string>[] {
  const text = fs.readFileSync(path.join(DATA, file), 'utf8');
  return Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data.filter((r) => (r.code ?? '').startsWith('53.'));
}

const regencies: AreaRecord[] = readCsv('regencies.csv').map((r) => ({ code: r.code ?? '', parent_code: r.province_code ?? '', level: 2, name: r.name ?? '' }));
const districts: AreaRecord[] = readCsv('districts.csv').map((r) => ({ code: r.code ?? '', parent_code: r.regency_code ?? '', level: 3, name: r.name ?? '' }));
const villages: AreaRecord[] = readCsv('villages.csv').map((r) => ({ code: r.code ?? '', parent_code: r.district_code ?? '', level: 4, name: r.name ?? '' }));
const PROVINCE: AreaRecord = { code: '53', parent_code: null, level: 1, name: 'NUSA TENGGARA TIMUR' };
const AREAS = [PROVINCE, ...regencies, ...districts, ...villages];
const byCode = new Map(AREAS.map((a) => [a.code, a]));

const index = buildAreaIndex(AREAS);

interface Names {
  village: string;
  district: string;
  regency: string;
}

function namesOf(villageCode: string): Names {
  const v = byCode.get(villageCode);
  const d = v?.parent_code ? byCode.get(v.parent_code) : undefined;
  const r = d?.parent_code ? byCode.get(d.parent_code) : undefined;
  if (!v || !d || !r) throw new Error(`no such village ${villageCode}`);
  return { village: v.name, district: d.name, regency: r.name };
}

function ok(r: AreaResolution): { code: string; label: string; warnings: readonly { code: string; id: string; en: string }[] } {
  if (!r.ok) throw new Error(`expected a village, got ${r.error.code}: ${r.error.en}`);
  return r;
}

function err(r: AreaResolution) {
  if (r.ok) throw new Error(`expected an error, got ${r.code} (${r.label})`);
  return r;
}

const resolve = (q: AreaQuery, idx: AreaIndex = index) => resolveArea(idx, q);

/** Villages grouped by normalised name, for finding real duplicates. */
const byVillageKey = new Map<string, AreaRecord[]>();
for (const v of villages) {
  const key = areaKey(v.name, 4).key;
  byVillageKey.set(key, [...(byVillageKey.get(key) ?? []), v]);
}
const duplicateGroups = [...byVillageKey.values()].filter((g) => g.length > 1);
/** Same name twice in one district: only "Desa"/"Kel." or the code tells them apart. */
const sameDistrictTwins = duplicateGroups.filter((g) => new Set(g.map((v) => v.parent_code)).size < g.length);

// ---------------------------------------------------------------------------

describe('the NTT reference slice', () => {
  it('has the 22 regencies, 315 districts and 3,442 villages of the domain brief', () => {
    expect(index.size).toEqual({ regencies: 22, districts: 315, villages: 3442 });
  });

  it('contains real duplicate village names (the ambiguity this resolver must handle)', () => {
    expect(duplicateGroups.length).toBeGreaterThan(50);
    const names = new Set(duplicateGroups.map((g) => g[0]?.name));
    expect(names).toContain('Merdeka'); // four times, in Kab. Kupang, Alor, Lembata and Kota Kupang
    expect(names).toContain('Oinlasi'); // three times, all in Timor Tengah Selatan
  });
});

describe('resolveArea by names: exact', () => {
  it('resolves every NTT village from its own desa/kecamatan/kabupaten names, as the data writes them', () => {
    const twins = new Set(sameDistrictTwins.flat().map((v) => v.code));
    let resolved = 0;
    for (const v of villages) {
      const r = resolve(namesOf(v.code));
      if (twins.has(v.code)) {
        expect(err(r).error.code).toBe('area_village_ambiguous');
        continue;
      }
      expect(ok(r).code, v.name).toBe(v.code);
      expect(ok(r).warnings).toEqual([]);
      resolved++;
    }
    expect(resolved).toBe(villages.length - twins.size);
  });

  it('tells same-district twins apart by "Desa" / "Kel." (Oesao in Kec. Kupang Timur)', () => {
    expect(sameDistrictTwins.length).toBeGreaterThan(0);
    for (const group of sameDistrictTwins) {
      for (const v of group) {
        const kel = v.code.split('.')[3]?.startsWith('1');
        const n = namesOf(v.code);
        expect(ok(resolve({ ...n, village: `${kel ? 'Kel.' : 'Desa'} ${n.village}` })).code).toBe(v.code);
      }
    }
    const r = err(resolve({ village: 'Oesao', district: 'Kupang Timur', regency: 'Kupang' }));
    expect(r.error.id).toContain("'Kel. Oesao'");
    expect(r.suggestions.map((s) => s.code)).toEqual(['53.01.06.1004', '53.01.06.2015']);
  });

  it.each<[string, AreaQuery]>([
    ['as in the data', { village: 'Oelnasi', district: 'Kupang Tengah', regency: 'KABUPATEN KUPANG' }],
    ['with prefixes', { village: 'Desa Oelnasi', district: 'Kec. Kupang Tengah', regency: 'Kab. Kupang' }],
    ['with long prefixes', { village: 'Desa Oelnasi', district: 'Kecamatan Kupang Tengah', regency: 'Kabupaten Kupang' }],
    ['in capitals', { village: 'DESA OELNASI', district: 'KEC. KUPANG TENGAH', regency: 'KAB. KUPANG' }],
    ['in lower case', { village: 'oelnasi', district: 'kupang tengah', regency: 'kab kupang' }],
    ['with extra spaces', { village: '  Oelnasi ', district: 'Kupang   Tengah', regency: ' Kupang' }],
    ['written in two words', { village: 'Oel Nasi', district: 'Kupang-Tengah', regency: 'Kab.Kupang' }],
    ['with "Desa/Kel." in front', { village: 'Desa/Kel. Oelnasi', district: 'Kupang Tengah', regency: 'Kupang' }],
    ['by village name alone (unique in NTT)', { village: 'Oelnasi' }],
    ['with only the regency', { village: 'oelnasi', regency: 'Kabupaten Kupang' }],
    ['with only the district', { village: 'Oelnasi', district: 'Kupang Tengah' }],
  ])('Desa Oelnasi %s', (_name, q) => {
    const r = ok(resolve(q));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.label).toBe('Desa Oelnasi, Kec. Kupang Tengah, Kab. Kupang');
    expect(r.warnings).toEqual([]);
  });

  it('ignores apostrophes and reads a final number as a Roman numeral', () => {
    // "Oel'Ekam" (Kec. Mollo Tengah) and "Kot'olin" (the village) / "Kot olin" (the district).
    expect(ok(resolve({ village: 'OELEKAM', district: 'Mollo Tengah', regency: 'TTS' })).code).toBe('53.02.30.2004');
    expect(ok(resolve({ village: 'Oel Ekam' })).code).toBe('53.02.30.2004');
    expect(ok(resolve({ village: 'Kotolin', district: "Kot'Olin", regency: 'Timor Tengah Selatan' })).code).toBe('53.02.20.2001');
    expect(ok(resolve({ village: 'Hoelea 2', regency: 'Lembata' })).label).toBe('Desa Hoelea II, Kec. Omesuri, Kab. Lembata');
    expect(ok(resolve({ village: 'Hoelea I', regency: 'Lembata' })).label).toBe('Desa Hoelea I, Kec. Omesuri, Kab. Lembata');
  });

  it('labels kelurahan as "Kel." and cities as "Kota"', () => {
    expect(ok(resolve({ village: 'Merdeka', district: 'Kota Lama', regency: 'Kota Kupang' })).label).toBe('Kel. Merdeka, Kec. Kota Lama, Kota Kupang');
  });

  it('tells Kota Kupang from Kabupaten Kupang by the prefix', () => {
    expect(ok(resolve({ village: 'Merdeka', regency: 'Kota Kupang' })).code).toBe('53.71.06.1006');
    expect(ok(resolve({ village: 'Merdeka', regency: 'Kab. Kupang' })).code).toBe('53.01.06.1005');
    expect(ok(resolve({ village: 'Merdeka', regency: 'KABUPATEN KUPANG' })).code).toBe('53.01.06.1005');
    // "Kupang" alone is both: both have a Merdeka.
    const r = err(resolve({ village: 'Merdeka', regency: 'Kupang' }));
    expect(r.error.code).toBe('area_village_ambiguous');
    expect(r.suggestions.map((s) => s.code)).toEqual(['53.01.06.1005', '53.71.06.1006']);
  });

  it('reads regency initials (TTS, TTU, SBD) and aliases passed in', () => {
    expect(ok(resolve({ village: 'Oinlasi', district: 'Mollo Selatan', regency: 'TTS' })).code).toBe('53.02.02.2008');
    const sbdVillage = villages.find((v) => v.code.startsWith('53.18.'));
    if (!sbdVillage) throw new Error('no Sumba Barat Daya village');
    const n = namesOf(sbdVillage.code);
    expect(ok(resolve({ ...n, regency: 'SBD' })).code).toBe(sbdVillage.code);
    const withAlias = buildAreaIndex(AREAS, { aliases: { Mabar: '53.15' } });
    const mabar = villages.find((v) => v.code.startsWith('53.15.'));
    if (!mabar) throw new Error('no Manggarai Barat village');
    expect(ok(resolve({ ...namesOf(mabar.code), regency: 'Mabar' }, withAlias)).code).toBe(mabar.code);
  });

  it('handles names in title case as well as the package’s capitals', () => {
    const titled = buildAreaIndex(
      AREAS.map((a) => ({ ...a, name: a.level === 2 ? a.name.toLowerCase().replace(/(^|\s)\p{L}/gu, (m) => m.toUpperCase()) : a.name })),
    );
    expect(ok(resolve({ village: 'Oelnasi', district: 'Kupang Tengah', regency: 'Kupang' }, titled)).label).toBe(
      'Desa Oelnasi, Kec. Kupang Tengah, Kab. Kupang',
    );
    expect(ok(resolve({ village: 'Merdeka', regency: 'Kota Kupang' }, titled)).code).toBe('53.71.06.1006');
  });
});

describe('resolveArea: duplicate village names found in the data', () => {
  it('every duplicated name alone is an error listing exactly its villages', () => {
    for (const group of duplicateGroups) {
      const name = group[0]?.name ?? '';
      const r = err(resolve({ village: name }));
      expect(r.error.code).toBe('area_village_ambiguous');
      expect(r.suggestions.map((s) => s.code)).toEqual(group.map((v) => v.code).sort());
      expect(r.suggestions.every((s) => s.score === 1)).toBe(true);
    }
  });

  it('every duplicated name resolves when the district and regency are given', () => {
    const twins = new Set(sameDistrictTwins.flat().map((v) => v.code));
    for (const v of duplicateGroups.flat()) {
      if (twins.has(v.code)) continue;
      expect(ok(resolve(namesOf(v.code))).code).toBe(v.code);
    }
  });

  it('Oinlasi: three villages in Timor Tengah Selatan; the district decides', () => {
    const r = err(resolve({ village: 'Oinlasi', regency: 'Timor Tengah Selatan' }));
    expect(r.error.id).toContain('Ada 3 desa/kelurahan');
    expect(r.suggestions.map((s) => s.label)).toEqual([
      'Desa Oinlasi, Kec. Mollo Selatan, Kab. Timor Tengah Selatan',
      'Desa Oinlasi, Kec. Amanatun Selatan, Kab. Timor Tengah Selatan',
      "Desa Oinlasi, Kec. Ki'e, Kab. Timor Tengah Selatan",
    ]);
    expect(ok(resolve({ village: 'Oinlasi', district: 'Amanatun Selatan', regency: 'TTS' })).code).toBe('53.02.08.2001');
    expect(ok(resolve({ village: 'Oinlasi', district: "KI'E" })).code).toBe('53.02.10.2009');
  });

  it('Merdeka: the regency alone decides when each regency has one', () => {
    expect(ok(resolve({ village: 'Merdeka', regency: 'Alor' })).code).toBe('53.05.14.2006');
    expect(ok(resolve({ village: 'Merdeka', regency: 'Lembata' })).code).toBe('53.13.04.2009');
  });
});

describe('resolveArea by names: spelling slips', () => {
  it('reads a close misspelling with a warning naming what it matched', () => {
    const r = ok(resolve({ village: 'Oelnasih', district: 'Kupang Tengah', regency: 'Kupang' }));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.warnings.map((w) => w.code)).toEqual(['area_fuzzy_match']);
    expect(r.warnings[0]?.id).toContain("'Oelnasih' dibaca sebagai 'Oelnasi'");
    expect(r.warnings[0]?.en).toContain("'Oelnasih' was read as 'Oelnasi'");
  });

  it('a swap of two letters counts as one slip', () => {
    const r = ok(resolve({ village: 'Oelnais', district: 'Kupang Tengah', regency: 'Kupang' }));
    expect(r.code).toBe('53.01.08.2006');
  });

  it('reads slips in district and regency names too, with a warning each', () => {
    const r = ok(resolve({ village: 'Oelnasi', district: 'Kupang Tenga', regency: 'Kab. Kupnag' }));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.warnings.map((w) => w.code)).toEqual(['area_fuzzy_match', 'area_fuzzy_match']);
    // "Kupnag" alone is as close to Kota Kupang as to Kabupaten Kupang: not used, and said so.
    const both = ok(resolve({ village: 'Oelnasi', district: 'Kupang Tengah', regency: 'Kupnag' }));
    expect(both.warnings.map((w) => w.code)).toEqual(['area_name_unknown']);
    const kota = ok(resolve({ village: 'Wolotopo', regency: 'Kota Ende' }));
    expect(kota.warnings[0]?.id).toContain("dibaca sebagai 'Ende'");
  });

  it('does not accept a slip when two names are that close: suggestions instead', () => {
    const r = err(resolve({ village: 'Hoelea', regency: 'Lembata' }));
    expect(r.error.code).toBe('area_village_unknown');
    expect(r.suggestions.map((s) => s.label)).toEqual(['Desa Hoelea I, Kec. Omesuri, Kab. Lembata', 'Desa Hoelea II, Kec. Omesuri, Kab. Lembata']);
  });

  it('suggests similar names when nothing is close enough', () => {
    const r = err(resolve({ village: 'Oelnasiiii', district: 'Kupang Tengah', regency: 'Kupang' }));
    expect(r.error.code).toBe('area_village_unknown');
    expect(r.suggestions[0]?.code).toBe('53.01.08.2006');
    expect(r.suggestions[0]?.score).toBeLessThan(1);
    expect(r.error.id).toContain('Mungkin maksudnya');
  });

  it('gives no suggestions for a name like nothing in the list', () => {
    const r = err(resolve({ village: 'Zzyzx', regency: 'Kupang' }));
    expect(r.error.code).toBe('area_village_unknown');
    expect(r.suggestions).toEqual([]);
  });

  it('never reads a one-letter slip into the wrong village (every NTT village, deterministic typos)', () => {
    let seed = 20250721;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const stats = { district: { right: 0, error: 0 }, regency: { right: 0, error: 0 }, none: { right: 0, error: 0 } };
    for (const v of villages) {
      const name = v.name;
      if (name.length < 5) continue;
      const i = 1 + Math.floor(rnd() * (name.length - 2));
      const op = Math.floor(rnd() * 4);
      const typo =
        op === 0 ? name.slice(0, i) + name.slice(i + 1)
        : op === 1 ? name.slice(0, i) + 'a' + name.slice(i)
        : op === 2 ? name.slice(0, i) + (name[i + 1] ?? '') + (name[i] ?? '') + name.slice(i + 2)
        : name.slice(0, i) + 'e' + name.slice(i + 1);
      const key = areaKey(typo, 4).key;
      // A typo that spells another real village (or no change at all) cannot be caught.
      if (key === areaKey(name, 4).key || byVillageKey.has(key)) continue;
      const n = namesOf(v.code);
      for (const mode of ['district', 'regency', 'none'] as const) {
        const q = mode === 'district' ? { ...n, village: typo } : mode === 'regency' ? { village: typo, regency: n.regency } : { village: typo };
        const r = resolve(q);
        if (r.ok) {
          expect(r.code, `${typo} (${name}) by ${mode}`).toBe(v.code);
          expect(r.warnings.map((w) => w.code)).toContain('area_fuzzy_match');
          stats[mode].right++;
        } else {
          expect(['area_village_unknown', 'area_village_ambiguous', 'area_village_outside']).toContain(r.error.code);
          stats[mode].error++;
        }
      }
    }
    const share = (s: { right: number; error: number }) => s.right / (s.right + s.error);
    // The narrower the scope the row gives, the more slips are read.
    expect(share(stats.district)).toBeGreaterThan(0.9);
    expect(share(stats.regency)).toBeGreaterThan(0.8);
    expect(share(stats.none)).toBeGreaterThan(0.6);
  });
});

describe('resolveArea by names: conflicts and missing parts', () => {
  it('a village that exists, but not in the district or regency written, is an error with where it is', () => {
    const r = err(resolve({ village: 'Oelnasi', district: 'Kota Lama', regency: 'Kota Kupang' }));
    expect(r.error.code).toBe('area_village_outside');
    expect(r.error.id).toContain('Desa Oelnasi, Kec. Kupang Tengah, Kab. Kupang');
    expect(r.suggestions.map((s) => s.code)).toContain('53.01.08.2006');
  });

  it('an unknown district name is reported as a warning when the village is found anyway', () => {
    const r = ok(resolve({ village: 'Oelnasi', district: 'Xyz Abc', regency: 'Kupang' }));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.warnings.map((w) => w.code)).toEqual(['area_name_unknown']);
    expect(r.warnings[0]?.id).toContain('Kec. Kupang Tengah');
  });

  it('a district from another regency is reported as a warning when the village is found in the regency', () => {
    // Kota Lama is a district of Kota Kupang; Oelnasi is in Kabupaten Kupang.
    const r = ok(resolve({ village: 'Oelnasi', district: 'Kota Lama', regency: 'Kab. Kupang' }));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.warnings.map((w) => w.code)).toEqual(['area_name_conflict']);
  });

  it('an unknown regency name is reported as a warning when the village is found anyway', () => {
    const r = ok(resolve({ village: 'Oelnasi', district: 'Kupang Tengah', regency: 'Atlantis' }));
    expect(r.warnings.map((w) => w.code)).toEqual(['area_name_unknown']);
  });

  it('needs a village name', () => {
    expect(err(resolve({ district: 'Kupang Tengah', regency: 'Kupang' })).error.code).toBe('area_village_missing');
  });

  it('needs something', () => {
    expect(err(resolve({})).error.code).toBe('area_missing');
    expect(err(resolve({ code: '  ', village: '', district: null, regency: undefined })).error.code).toBe('area_missing');
  });
});

describe('resolveArea by code', () => {
  it.each<[string, unknown]>([
    ['dotted', '53.01.08.2006'],
    ['digits', '5301082006'],
    ['a number cell', 5301082006],
    ['spaced', '53 01 08 2006'],
    ['with an Excel apostrophe', "'53.01.08.2006"],
    ['with dashes', '53-01-08-2006'],
  ])('reads a village code %s', (_name, code) => {
    const r = ok(resolve({ code }));
    expect(r.code).toBe('53.01.08.2006');
    expect(r.label).toBe('Desa Oelnasi, Kec. Kupang Tengah, Kab. Kupang');
  });

  it('resolves every NTT village code', () => {
    for (const v of villages) expect(ok(resolve({ code: v.code.replace(/\./g, '') })).code).toBe(v.code);
  });

  it('a code that does not exist is an error', () => {
    const r = err(resolve({ code: '53.01.08.2999' }));
    expect(r.error.code).toBe('area_code_unknown');
    expect(r.error.id).toContain('Kec. Kupang Tengah');
    expect(err(resolve({ code: '53.99.01.2001' })).error.code).toBe('area_code_unknown');
  });

  it('a code that does not exist, next to names, suggests what the names say', () => {
    const r = err(resolve({ code: '53.01.08.2999', village: 'Oelnasi', district: 'Kupang Tengah', regency: 'Kupang' }));
    expect(r.suggestions.map((s) => s.code)).toEqual(['53.01.08.2006']);
  });

  it('a code of the wrong shape is an error with an example', () => {
    for (const code of ['53.1.8.2006', '530108200', 'abc', '53.01.08.2006.1']) {
      const r = err(resolve({ code }));
      expect(r.error.code).toBe('area_code_format');
      expect(r.error.id).toContain('53.01.08.2006');
    }
  });

  it('a regency or district code is not a village code', () => {
    expect(err(resolve({ code: '53.01.08' })).error.code).toBe('area_code_not_village');
    const r = err(resolve({ code: '5301' }));
    expect(r.error.code).toBe('area_code_not_village');
    expect(r.error.id).toContain('kabupaten/kota');
  });

  it('names next to a code must agree with it (case, prefixes and small slips allowed)', () => {
    expect(ok(resolve({ code: '53.01.08.2006', village: 'DESA OELNASI', district: 'Kec. Kupang Tengah', regency: 'Kab. Kupang' })).warnings).toEqual([]);
    expect(ok(resolve({ code: '53.01.08.2006', village: 'Oelnasih' })).code).toBe('53.01.08.2006');
    const r = err(resolve({ code: '53.01.08.2006', village: 'Merdeka', regency: 'Alor' }));
    expect(r.error.code).toBe('area_code_name_mismatch');
    expect(r.suggestions.map((s) => s.code)).toEqual(['53.01.08.2006', '53.05.14.2006']);
    expect(err(resolve({ code: '53.01.08.2006', regency: 'Kota Kupang' })).error.code).toBe('area_code_name_mismatch');
  });
});

describe('messages', () => {
  it('every error and warning has a code and says how to fix it in Indonesian and English', () => {
    const queries: AreaQuery[] = [
      { village: 'Merdeka' }, { village: 'Oelnasih' }, { village: 'Hoelea' }, { village: 'Zzyzx' }, {}, { district: 'Kupang Tengah' },
      { village: 'Oelnasi', district: 'Kota Lama', regency: 'Kota Kupang' }, { village: 'Oelnasi', district: 'Xyz', regency: 'Kupang' },
      { code: '53.01.08.2999' }, { code: 'abc' }, { code: '53.01' }, { code: '53.01.08.2006', village: 'Merdeka' },
      { village: 'Oesao', district: 'Kupang Timur' }, { village: 'Wolotopo', regency: 'Kota Ende' },
    ];
    let count = 0;
    for (const q of queries) {
      const r = resolve(q);
      const problems = [...r.warnings, ...(r.ok ? [] : [r.error])];
      for (const p of problems) {
        count++;
        expect(p.code).toMatch(/^area_[a-z_]+$/);
        expect(p.id, p.id).toMatch(/Periksa|Perbaiki|perbaiki|Isi|isi|Tulis|tulis/);
        expect(p.en, p.en).toMatch(/Check|Correct|correct|Fill|fill|Write|write|fix/);
      }
    }
    expect(count).toBe(queries.length);
  });
});

describe('areaKey and normaliseAreaCode', () => {
  it.each<[string, 2 | 3 | 4, string, string | null]>([
    ['KABUPATEN KUPANG', 2, 'kupang', 'kab'],
    ['Kab. Kupang', 2, 'kupang', 'kab'],
    ['KOTA KUPANG', 2, 'kupang', 'kota'],
    ['Kota Soe', 3, 'kotasoe', null], // a district really called "Kota Soe"
    ['Kec. Kota Soe', 3, 'kotasoe', null],
    ['Desa Oel Nasi', 4, 'oelnasi', 'desa'],
    ['Kel. Oesao', 4, 'oesao', 'kel'],
    ["Oe'Ekam", 4, 'oeekam', null],
    ['Hoelea 2', 4, 'hoeleaii', null],
    ['Kelapa Lima', 4, 'kelapalima', null], // "Kel" only as a whole word
    ['Desa', 4, 'desa', null], // a prefix alone is a name
  ])('%j at level %i → %s (%s)', (name, level, key, kind) => {
    expect(areaKey(name, level)).toEqual({ key, kind });
  });

  it.each([
    ['53.01.08.2006', '53.01.08.2006'],
    ['5301082006', '53.01.08.2006'],
    ['530108', '53.01.08'],
    ['5301', '53.01'],
    ['53', '53'],
    ['53 . 01 . 08 . 2006', '53.01.08.2006'],
    ['53.1.8.2006', null],
    ['53010820', null],
    ['x', null],
  ])('normaliseAreaCode(%j) → %j', (raw, code) => {
    expect(normaliseAreaCode(raw)).toBe(code);
  });
});

describe('caching and speed', () => {
  it('returns the same result for the same input, and works without a cache', () => {
    const q = { village: 'Oelnasi', district: 'Kupang Tengah', regency: 'Kupang' };
    expect(resolve(q)).toBe(resolve({ ...q }));
    const uncached = buildAreaIndex(AREAS, { cache: false });
    expect(resolve(q, uncached)).toEqual(resolve(q));
    expect(resolve(q, uncached)).not.toBe(resolve(q, uncached));
  });

  it('resolves 100,000 rows of exact names in well under a second', () => {
    const twins = new Set(sameDistrictTwins.flat().map((v) => v.code));
    const base = villages.filter((v) => !twins.has(v.code)).map((v) => namesOf(v.code));
    // Three spellings of every village: as in the data, with prefixes in capitals, lower case.
    const spell = (n: Names, variant: number): AreaQuery =>
      variant === 0 ? n
      : variant === 1 ? { village: `DESA ${n.village.toUpperCase()}`, district: `Kec. ${n.district}`, regency: n.regency.replace('KABUPATEN', 'Kab.') }
      : { village: n.village.toLowerCase(), district: n.district.toLowerCase(), regency: n.regency.toLowerCase() };
    const rows = Array.from({ length: 100_000 }, (_, i) => spell(base[i % base.length] as Names, Math.floor(i / base.length) % 3));

    const timings: Record<string, number> = {};
    for (const cache of [true, false]) {
      const idx = buildAreaIndex(AREAS, { cache });
      const t0 = performance.now();
      let resolved = 0;
      for (const q of rows) if (resolveArea(idx, q).ok) resolved++;
      timings[cache ? 'cached' : 'uncached'] = performance.now() - t0;
      expect(resolved).toBe(rows.length);
    }
    const build0 = performance.now();
    buildAreaIndex(AREAS);
    timings.build = performance.now() - build0;
    console.log(`area resolver, 100,000 rows: ${timings.cached?.toFixed(0)} ms (cache on), ${timings.uncached?.toFixed(0)} ms (cache off); build ${timings.build.toFixed(0)} ms`);
    expect(timings.cached).toBeLessThan(1000);
    expect(timings.uncached).toBeLessThan(1500);
  });
});
