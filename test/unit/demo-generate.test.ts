import fs from 'node:fs';
import { describe, it, expect, beforeAll } from 'vitest';
import Papa from 'papaparse';
import {
  COPY_HEIR,
  COPY_HOUSEHOLD,
  COPY_PERSON,
  NTT_REGENCIES,
  SPLIT_FROM,
  generateDemo,
  nttRegencyPoverty,
  type DemoBatch,
  type DemoInput,
  type DemoVillage,
} from '../../src/features/demo/generate.js';

// Real Kemendagri codes: Belu (parent of Malaka), Malaka (split), Kota Kupang (richest) and
// Sumba Tengah (poorest; its parent Sumba Barat is deliberately absent from the fixture).
const VILLAGES: DemoVillage[] = [
  ['53.04.01.2001', 'Kewar'], ['53.04.01.2002', 'Fulur'], ['53.04.02.2001', 'Silawan'], ['53.04.02.2002', 'Tulakadi'],
  ['53.04.03.2001', 'Asumanu'],
  ['53.21.01.2001', 'Barene'], ['53.21.01.2002', 'Kakaniuk'], ['53.21.02.2001', 'Motaulun'], ['53.21.03.2001', 'Halibasar'],
  ['53.71.01.1001', 'Namosain'], ['53.71.02.1001', 'Oepura'], ['53.71.03.1010', 'Oesapa'],
  ['53.17.01.2001', 'Makata Keri'], ['53.17.02.2002', 'Praimadeta'], ['53.17.03.2001', 'Wendewa Timur'],
].map(([code, name]) => ({ code: code!, name: name!, districtCode: code!.slice(0, 8), regencyCode: code!.slice(0, 5) }));

const TODAY = '2025-10-01';
const base = (over: Partial<DemoInput> = {}): DemoInput => ({
  seed: 42,
  size: 3000,
  today: TODAY,
  villages: VILLAGES,
  regencyPoverty: nttRegencyPoverty(),
  ...over,
});

const rows = (csv: string): string[][] => {
  if (csv === '') return [];
  const parsed = Papa.parse<string[]>(csv, { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
};
const all = (input: DemoInput, batchSize?: number): DemoBatch[] => [...generateDemo(input, batchSize)];
const concat = (batches: DemoBatch[]) => ({
  households: batches.map((b) => b.households).join(''),
  persons: batches.map((b) => b.persons).join(''),
  heirs: batches.map((b) => b.heirs).join(''),
});

/** Column lists of the COPY statements, so the tests read rows by name. */
const columns = (copy: string): string[] => /\(([^)]*)\) FROM STDIN/.exec(copy)![1]!.split(',').map((c) => c.trim());
const P = Object.fromEntries(columns(COPY_PERSON).map((c, i) => [c, i])) as Record<string, number>;
const H = Object.fromEntries(columns(COPY_HEIR).map((c, i) => [c, i])) as Record<string, number>;
const HH = Object.fromEntries(columns(COPY_HOUSEHOLD).map((c, i) => [c, i])) as Record<string, number>;

/** Allowed values of a CHECK (col IN (...)) in the foundation migration: the schema is the truth. */
const MIGRATION = fs.readFileSync(new URL('../../src/db/migrations/001_foundation.sql', import.meta.url), 'utf8');
function allowed(column: string): Set<string> {
  const m = new RegExp(`CHECK \\(${column} IN \\(([^)]*)\\)`, 's').exec(MIGRATION);
  if (!m) throw new Error(`no CHECK for ${column} in the migration`);
  return new Set([...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!));
}

/** A calendar date 'YYYY-MM-DD', or an exception. */
function parseIso(d: string): { y: number; m: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) throw new Error(`not a date: '${d}'`);
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, da));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== da) throw new Error(`not a calendar date: '${d}'`);
  return { y, m: mo, d: da };
}

/**
 * Collects violations over many rows and reports them together (one expect per row would make
 * a 50,000-row check take minutes). At most 20 are kept, with the count of all.
 */
class Problems {
  readonly list: string[] = [];
  count = 0;
  check(ok: boolean, what: () => string): void {
    if (ok) return;
    this.count++;
    if (this.list.length < 20) this.list.push(what());
  }
  assertNone(): void {
    expect({ count: this.count, first: this.list }).toEqual({ count: 0, first: [] });
  }
}
function ageOn(birth: string, today: string): number {
  const b = parseIso(birth);
  const t = parseIso(today);
  return t.y - b.y - (t.m < b.m || (t.m === b.m && t.d < b.d) ? 1 : 0);
}
/** NIK = region(6) DD(+40 women) MM YY serial(4). */
function decodeNik(nik: string) {
  const dd = Number(nik.slice(6, 8));
  return {
    region: nik.slice(0, 6),
    female: dd > 40,
    day: dd > 40 ? dd - 40 : dd,
    month: Number(nik.slice(8, 10)),
    yy: Number(nik.slice(10, 12)),
    serial: Number(nik.slice(12, 16)),
  };
}

describe('demo generator: determinism and batching', () => {
  it('gives identical output for the same input and different output for another seed', () => {
    const a = concat(all(base()));
    const b = concat(all(base()));
    const c = concat(all(base({ seed: 43 })));
    expect(a).toEqual(b);
    expect(c.persons).not.toEqual(a.persons);
    expect(c.heirs).not.toEqual(a.heirs);
  });

  it('does not depend on the batch size or the order of the villages', () => {
    const big = concat(all(base(), 20_000));
    expect(concat(all(base(), 250))).toEqual(big);
    expect(concat(all(base({ villages: [...VILLAGES].reverse() }), 20_000))).toEqual(big);
  });

  it('depends on the day given as today, never on the clock', () => {
    const a = concat(all(base()));
    const b = concat(all(base({ today: '2026-10-01' })));
    expect(b.persons).not.toEqual(a.persons);
  });

  it('produces exactly `size` people with ids 1..size, in whole-household batches', () => {
    const size = 5_001;
    const batches = all(base({ size }), 1000);
    expect(batches.reduce((s, b) => s + b.counts.persons, 0)).toBe(size);
    let expected = 1;
    batches.forEach((b, i) => {
      const persons = rows(b.persons);
      const households = rows(b.households);
      expect(persons.length).toBe(b.counts.persons);
      expect(households.length).toBe(b.counts.households);
      expect(rows(b.heirs).length).toBe(b.counts.heirs);
      expect(b.firstPersonId).toBe(expected);
      for (const p of persons) expect(Number(p[P.id!])).toBe(expected++);
      expect(b.lastPersonId).toBe(expected - 1);
      if (i < batches.length - 1) {
        expect(b.counts.persons).toBeGreaterThanOrEqual(1000);
        expect(b.counts.persons).toBeLessThanOrEqual(1002);
      }
      // Whole households: every person's KK is declared in the same batch.
      const kks = new Set(households.map((h) => h[HH.kk!]!));
      for (const p of persons) expect(kks.has(p[P.kk!]!)).toBe(true);
    });
    expect(expected - 1).toBe(size);
  });

  it('starts at firstId when asked and yields nothing for size 0', () => {
    const [first] = all(base({ size: 10, firstId: 501 }));
    expect(rows(first!.persons).map((p) => Number(p[P.id!]))).toEqual(Array.from({ length: 10 }, (_, i) => 501 + i));
    expect(all(base({ size: 0 }))).toEqual([]);
  });

  it('refuses input it cannot honour', () => {
    expect(() => all(base({ today: '2025-02-30' }))).toThrow(/today/);
    expect(() => all(base({ today: 'yesterday' }))).toThrow(/today/);
    expect(() => all(base({ villages: [] }))).toThrow(/villages/);
    expect(() => all(base({ size: 1.5 }))).toThrow(/size/);
    expect(() => all(base({ villages: [{ ...VILLAGES[0]!, districtCode: '53.04.09' }] }))).toThrow(/kecamatan/);
  });
});

describe('demo generator: 50,000 workers', () => {
  const SIZE = 50_000;
  const persons: string[][] = [];
  const households: string[][] = [];
  const heirs: string[][] = [];
  const villageByCode = new Map(VILLAGES.map((v) => [v.code, v]));

  beforeAll(() => {
    for (const b of generateDemo(base({ seed: 2025, size: SIZE }))) {
      persons.push(...rows(b.persons));
      households.push(...rows(b.households));
      heirs.push(...rows(b.heirs));
    }
  });

  it('has the columns of the COPY statements in every row (quoting survives commas)', () => {
    expect(persons.length).toBe(SIZE);
    const bad = new Problems();
    for (const p of persons) bad.check(p.length === columns(COPY_PERSON).length, () => `person row ${p.join('|')}`);
    for (const h of heirs) bad.check(h.length === columns(COPY_HEIR).length, () => `heir row ${h.join('|')}`);
    for (const h of households) bad.check(h.length === columns(COPY_HOUSEHOLD).length, () => `household row ${h.join('|')}`);
    // Addresses ("Dusun I, RT 001/RW 002") hold commas, and so do teachers' degrees (", S.Pd").
    for (const h of households) {
      bad.check(/^(Dusun .+|Jl\. .+), RT \d{3}\/RW \d{3}$/.test(h[HH.address!]!), () => `address ${h[HH.address!]}`);
    }
    bad.assertNone();
    expect(persons.some((p) => p[P.full_name!]!.endsWith(', S.Pd'))).toBe(true);
  });

  it('only uses values the schema CHECK constraints allow', () => {
    const occupations = allowed('occupation');
    const marital = allowed('marital_status');
    const relations = allowed('relation');
    const sexes = allowed('sex');
    expect(occupations.size).toBeGreaterThan(5);
    const validDate = (d: string) => {
      try {
        parseIso(d);
        return true;
      } catch {
        return false;
      }
    };
    const bad = new Problems();
    for (const p of persons) {
      const id = p[P.id!];
      bad.check(occupations.has(p[P.occupation!]!), () => `${id} occupation ${p[P.occupation!]}`);
      bad.check(marital.has(p[P.marital_status!]!), () => `${id} marital ${p[P.marital_status!]}`);
      bad.check(sexes.has(p[P.sex!]!), () => `${id} sex ${p[P.sex!]}`);
      bad.check(/^[0-9]{16}$/.test(p[P.nik!]!), () => `${id} nik ${p[P.nik!]}`);
      bad.check(/^[0-9]{16}$/.test(p[P.kk!]!), () => `${id} kk ${p[P.kk!]}`);
      bad.check(p[P.full_name!]!.trim().length > 0, () => `${id} empty name`);
      const decile = Number(p[P.dtsen_decile!]);
      bad.check(Number.isInteger(decile) && decile >= 1 && decile <= 10, () => `${id} decile ${p[P.dtsen_decile!]}`);
      bad.check(/^[0-9]+$/.test(p[P.declared_income!]!), () => `${id} income ${p[P.declared_income!]}`);
      bad.check(p[P.extreme_poor!] === 't' || p[P.extreme_poor!] === 'f', () => `${id} extreme_poor`);
      bad.check(p[P.disability!] === 't' || p[P.disability!] === 'f', () => `${id} disability`);
      bad.check(p[P.synthetic!] === 't', () => `${id} synthetic`);
      bad.check(villageByCode.has(p[P.village_code!]!), () => `${id} village ${p[P.village_code!]}`);
      bad.check(validDate(p[P.birth_date!]!), () => `${id} birth ${p[P.birth_date!]}`);
    }
    for (const h of heirs) {
      bad.check(relations.has(h[H.relation!]!), () => `heir relation ${h[H.relation!]}`);
      bad.check(h[H.full_name!]!.trim().length > 0, () => `heir of ${h[H.person_id!]} without name`);
      bad.check(!h[H.nik!] || /^[0-9]{16}$/.test(h[H.nik!]!), () => `heir nik ${h[H.nik!]}`);
      bad.check(!h[H.birth_date!] || validDate(h[H.birth_date!]!), () => `heir birth ${h[H.birth_date!]}`);
    }
    for (const h of households) {
      bad.check(/^[0-9]{16}$/.test(h[HH.kk!]!), () => `household kk ${h[HH.kk!]}`);
      bad.check(villageByCode.has(h[HH.village_code!]!), () => `household village ${h[HH.village_code!]}`);
      bad.check(h[HH.synthetic!] === 't', () => `household synthetic`);
    }
    bad.assertNone();
  });

  it('gives unique NIKs and KKs, and heir NIKs that clash with no other person', () => {
    expect(new Set(persons.map((p) => p[P.nik!])).size).toBe(SIZE);
    expect(new Set(households.map((h) => h[HH.kk!])).size).toBe(households.length);
    // The fixture is small (13 kecamatan), so many people share a kecamatan and birth date:
    // the serial must really count up, and never be 0000.
    expect(persons.some((p) => decodeNik(p[P.nik!]!).serial > 1)).toBe(true);
    expect(persons.every((p) => decodeNik(p[P.nik!]!).serial >= 1)).toBe(true);
    // An heir's NIK is either the NIK of a registered worker with the same name or a NIK of its own.
    const nameByNik = new Map(persons.map((p) => [p[P.nik!]!, p[P.full_name!]!]));
    const heirNikOwner = new Map<string, string>();
    const bad = new Problems();
    for (const h of heirs) {
      const nik = h[H.nik!]!;
      if (!nik) continue;
      const name = h[H.full_name!]!;
      if (nameByNik.has(nik)) bad.check(name === nameByNik.get(nik), () => `heir ${name} has the NIK of ${nameByNik.get(nik)}`);
      const owner = heirNikOwner.get(nik);
      bad.check(owner === undefined || owner === name, () => `heirs ${owner} and ${name} share NIK ${nik}`);
      heirNikOwner.set(nik, name);
    }
    bad.assertNone();
  });

  it('encodes kecamatan, birth date and sex in the NIK', () => {
    let split = 0;
    let inSplitRegency = 0;
    const belu = new Set(VILLAGES.filter((v) => v.regencyCode === '53.04').map((v) => v.districtCode.replace(/\./g, '')));
    const bad = new Problems();
    for (const p of persons) {
      const village = villageByCode.get(p[P.village_code!]!)!;
      const nik = p[P.nik!]!;
      const n = decodeNik(nik);
      const b = parseIso(p[P.birth_date!]!);
      bad.check(n.female === (p[P.sex!] === 'P'), () => `${nik} sex vs ${p[P.sex!]}`);
      bad.check(n.day === b.d && n.month === b.m && n.yy === b.y % 100, () => `${nik} date vs ${p[P.birth_date!]}`);
      const home = village.districtCode.replace(/\./g, '');
      const parent = SPLIT_FROM[village.regencyCode];
      if (!parent) {
        bad.check(n.region === home, () => `${nik} region vs village ${village.code}`);
        continue;
      }
      inSplitRegency++;
      if (n.region === home) continue;
      split++;
      // Issued before the split: the parent regency's code.
      bad.check(n.region.slice(0, 4) === parent.replace('.', ''), () => `${nik} in ${village.code}: not ${parent}`);
      // Malaka's parent Belu is in the fixture: the old kecamatan is one of Belu's.
      if (village.regencyCode === '53.21') bad.check(belu.has(n.region), () => `${nik}: ${n.region} is no Belu kecamatan`);
    }
    bad.assertNone();
    expect(inSplitRegency).toBeGreaterThan(5000);
    expect(split / inSplitRegency).toBeGreaterThan(0.05);
    expect(split / inSplitRegency).toBeLessThan(0.11);
  });

  it('keeps ages within 18–65 on today, mostly 25–55', () => {
    const ages = persons.map((p) => ageOn(p[P.birth_date!]!, TODAY));
    expect(Math.min(...ages)).toBe(18);
    expect(Math.max(...ages)).toBe(65);
    expect(ages.filter((a) => a >= 25 && a <= 55).length / SIZE).toBeGreaterThan(0.7);
  });

  it('builds KKs of 1–3 workers sharing village and address, with a valid registration date', () => {
    const hh = new Map(households.map((h) => [h[HH.kk!]!, h]));
    const size = new Map<string, number>();
    const bad = new Problems();
    for (const p of persons) {
      const h = hh.get(p[P.kk!]!);
      bad.check(h !== undefined, () => `${p[P.id!]}: KK ${p[P.kk!]} not declared`);
      if (!h) continue;
      bad.check(p[P.village_code!] === h[HH.village_code!] && p[P.address!] === h[HH.address!], () => `${p[P.id!]} lives elsewhere than KK ${h[HH.kk!]}`);
      size.set(p[P.kk!]!, (size.get(p[P.kk!]!) ?? 0) + 1);
    }
    for (const h of households) {
      const kk = h[HH.kk!]!;
      bad.check(kk.slice(0, 6) === villageByCode.get(h[HH.village_code!]!)!.districtCode.replace(/\./g, ''), () => `KK ${kk} region`);
      const reg = `20${kk.slice(10, 12)}-${kk.slice(8, 10)}-${kk.slice(6, 8)}`;
      let valid = true;
      try {
        parseIso(reg);
      } catch {
        valid = false;
      }
      bad.check(valid && reg < TODAY, () => `KK ${kk} registered ${reg}`);
      bad.check(Number(kk.slice(12)) > 0, () => `KK ${kk} serial 0000`);
    }
    bad.assertNone();
    expect(size.size).toBe(households.length);
    const counts = [0, 0, 0, 0];
    for (const n of size.values()) counts[n]!++;
    expect(counts[1]! + counts[2]! + counts[3]!).toBe(households.length);
    expect(counts[2]).toBeGreaterThan(0);
    expect(counts[3]).toBeGreaterThan(0);
  });

  it('names heirs for every worker: 1–4, spouses of the opposite sex, children after their parents', () => {
    const byId = new Map(persons.map((p) => [p[P.id!]!, p]));
    const count = new Map<string, number>();
    const spouses = new Map<string, number>();
    const bad = new Problems();
    for (const h of heirs) {
      const pid = h[H.person_id!]!;
      const p = byId.get(pid);
      bad.check(p !== undefined, () => `heir of unknown person ${pid}`);
      if (!p) continue;
      count.set(pid, (count.get(pid) ?? 0) + 1);
      const rel = h[H.relation!]!;
      const heirNik = h[H.nik!] ? decodeNik(h[H.nik!]!) : null;
      const birth = h[H.birth_date!] || null;
      const what = () => `${pid} (${p[P.sex!]}, ${p[P.birth_date!]}, ${p[P.marital_status!]}): ${h.join('|')}`;
      if (birth) bad.check(birth <= TODAY, what);
      if (rel === 'suami' || rel === 'istri') {
        bad.check(p[P.sex!] === (rel === 'suami' ? 'P' : 'L'), what);
        bad.check(p[P.marital_status!] === 'kawin', what);
        if (heirNik) bad.check(heirNik.female === (rel === 'istri'), what);
        spouses.set(pid, (spouses.get(pid) ?? 0) + 1);
      }
      if ((rel === 'ayah' || rel === 'ibu') && heirNik) bad.check(heirNik.female === (rel === 'ibu'), what);
      if (rel === 'anak' && birth) bad.check(birth > p[P.birth_date!]!, what);
      if ((rel === 'ayah' || rel === 'ibu') && birth) bad.check(birth < p[P.birth_date!]!, what);
      if (heirNik && birth) {
        const b = parseIso(birth);
        bad.check(heirNik.day === b.d && heirNik.month === b.m && heirNik.yy === b.y % 100, what);
      }
    }
    for (const p of persons) {
      const n = count.get(p[P.id!]!) ?? 0;
      bad.check(n >= 1 && n <= 4, () => `${p[P.id!]} has ${n} heirs`);
      bad.check((spouses.get(p[P.id!]!) ?? 0) <= 1, () => `${p[P.id!]} has several spouses`);
    }
    bad.assertNone();
    // Married workers name their spouse; some heirs have no NIK on file.
    const married = persons.filter((p) => p[P.marital_status!] === 'kawin');
    expect(married.filter((p) => spouses.has(p[P.id!]!)).length / married.length).toBeGreaterThan(0.99);
    const rels = new Set(heirs.map((h) => h[H.relation!]));
    for (const r of ['suami', 'istri', 'anak', 'ayah', 'ibu']) expect(rels.has(r)).toBe(true);
    const withoutNik = heirs.filter((h) => !h[H.nik!]).length / heirs.length;
    expect(withoutNik).toBeGreaterThan(0.03);
    expect(withoutNik).toBeLessThan(0.4);
  });

  it('makes marital status plausible by age', () => {
    const young = persons.filter((p) => ageOn(p[P.birth_date!]!, TODAY) < 22);
    const older = persons.filter((p) => ageOn(p[P.birth_date!]!, TODAY) >= 40);
    const share = (list: string[][], status: string) => list.filter((p) => p[P.marital_status!] === status).length / list.length;
    expect(share(young, 'belum_kawin')).toBeGreaterThan(0.5);
    expect(share(older, 'kawin')).toBeGreaterThan(0.6);
    expect(share(young, 'cerai_mati')).toBeLessThan(share(older, 'cerai_mati'));
  });

  it('skews DTSEN deciles low, more so in the poorer regency, with extreme poverty in deciles 1–2', () => {
    const lowShare = (regency: string) => {
      const list = persons.filter((p) => p[P.village_code!]!.startsWith(`${regency}.`));
      return list.filter((p) => Number(p[P.dtsen_decile!]) <= 4).length / list.length;
    };
    const poverty = nttRegencyPoverty();
    expect(poverty['53.17']).toBeGreaterThan(poverty['53.71']!);
    expect(lowShare('53.17')).toBeGreaterThan(lowShare('53.71') + 0.1);
    expect(lowShare('53.71')).toBeGreaterThan(0.5);

    const extreme = persons.filter((p) => p[P.extreme_poor!] === 't');
    expect(extreme.length / SIZE).toBeGreaterThan(0.05);
    expect(extreme.length / SIZE).toBeLessThan(0.13);
    expect(extreme.filter((p) => Number(p[P.dtsen_decile!]) <= 2).length / extreme.length).toBeGreaterThan(0.85);
    const disabled = persons.filter((p) => p[P.disability!] === 't').length / SIZE;
    expect(disabled).toBeGreaterThan(0.015);
    expect(disabled).toBeLessThan(0.035);
  });

  it('follows the poverty input, not a hard-coded table', () => {
    const swapped = { ...nttRegencyPoverty(), '53.17': 7, '53.71': 29 };
    const list: string[][] = [];
    for (const b of generateDemo(base({ seed: 2025, size: 20_000, regencyPoverty: swapped }))) list.push(...rows(b.persons));
    const lowShare = (regency: string) => {
      const l = list.filter((p) => p[P.village_code!]!.startsWith(`${regency}.`));
      return l.filter((p) => Number(p[P.dtsen_decile!]) <= 4).length / l.length;
    };
    expect(lowShare('53.71')).toBeGreaterThan(lowShare('53.17') + 0.1);
  });

  it('spreads workers over regencies by population and over every village', () => {
    const byRegency = new Map<string, number>();
    for (const p of persons) byRegency.set(p[P.village_code!]!.slice(0, 5), (byRegency.get(p[P.village_code!]!.slice(0, 5)) ?? 0) + 1);
    const pop = new Map(NTT_REGENCIES.map((r) => [r.code, r.population]));
    const total = ['53.04', '53.21', '53.71', '53.17'].reduce((s, c) => s + pop.get(c)!, 0);
    for (const [code, n] of byRegency) expect(Math.abs(n / SIZE - pop.get(code)! / total)).toBeLessThan(0.02);
    expect(new Set(persons.map((p) => p[P.village_code!])).size).toBe(VILLAGES.length);
  });

  it('fills occupations, phones and Bank NTT accounts realistically', () => {
    const occ = (regency: string, o: string) => {
      const l = persons.filter((p) => p[P.village_code!]!.startsWith(`${regency}.`));
      return l.filter((p) => p[P.occupation!] === o).length / l.length;
    };
    expect(occ('53.04', 'petani')).toBeGreaterThan(0.4);
    expect(occ('53.71', 'ojek') + occ('53.71', 'sopir') + occ('53.71', 'pedagang')).toBeGreaterThan(occ('53.04', 'ojek') + occ('53.04', 'sopir') + occ('53.04', 'pedagang') + 0.2);
    expect(occ('53.71', 'nelayan')).toBeGreaterThan(occ('53.17', 'nelayan'));
    expect(persons.filter((p) => p[P.declared_income!] === '1000000').length / SIZE).toBeGreaterThan(0.9);

    const bad = new Problems();
    const phones = persons.map((p) => p[P.phone!]!);
    for (const ph of phones) bad.check(ph === '' || /^08[0-9]{9,11}$/.test(ph), () => `phone ${ph}`);
    const emptyPhones = phones.filter((ph) => !ph).length / SIZE;
    expect(emptyPhones).toBeGreaterThan(0.05);
    expect(emptyPhones).toBeLessThan(0.3);

    const banked = persons.filter((p) => p[P.bank_name!]);
    for (const p of banked) {
      bad.check(p[P.bank_name!] === 'Bank NTT' && /^[0-9]{10,13}$/.test(p[P.bank_account!]!), () => `bank ${p[P.bank_name!]} ${p[P.bank_account!]}`);
    }
    for (const p of persons) bad.check(p[P.bank_name!] !== '' || p[P.bank_account!] === '', () => `account without bank ${p[P.bank_account!]}`);
    bad.assertNone();
    expect(banked.length / SIZE).toBeGreaterThan(0.65);
    expect(banked.length / SIZE).toBeLessThan(0.75);
    expect(new Set(banked.map((p) => p[P.bank_account!])).size).toBe(banked.length);
  });
});
