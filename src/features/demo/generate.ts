/**
 * Deterministic generator of a synthetic worker registry for Nusa Tenggara Timur.
 *
 * Pure: the output depends only on the input (seed, size, today, villages, poverty rates). It uses
 * its own seeded PRNG (sfc32 seeded through splitmix32), never Math.random or the clock. Rows come
 * out as CSV batches ready for `COPY … FROM STDIN (FORMAT csv)` and are never all held in memory:
 * what stays in memory for the whole run is one small serial counter per (kecamatan, date) slot,
 * which is what guarantees unique NIK and KK numbers.
 */
import { makeRng } from '../../domain/random.js';
import {
  CLAN_NAMES, DUSUN_NAMES, FEMALE_GIVEN, FEMALE_SECOND, KUPANG_STREETS, MALE_GIVEN, MALE_SECOND,
  MUSLIM_FEMALE_GIVEN, MUSLIM_MALE_GIVEN, SUMBA_TITLE, birthPlacePool, nameMixOf, occupationTable,
  type Occupation, type PoolId,
} from './names.js';

export const COPY_HOUSEHOLD = 'COPY household (kk, village_code, address, synthetic) FROM STDIN (FORMAT csv)';
export const COPY_PERSON =
  'COPY person (id, nik, kk, full_name, birth_place, birth_date, sex, marital_status, address, village_code, ' +
  'phone, occupation, declared_income, dtsen_decile, extreme_poor, disability, bank_name, bank_account, synthetic) ' +
  'FROM STDIN (FORMAT csv)';
export const COPY_HEIR = 'COPY heir (person_id, full_name, nik, relation, birth_date) FROM STDIN (FORMAT csv)';

/** Where NTT_REGENCIES comes from. */
export const NTT_REGENCY_SOURCE =
  'Lindung domain brief (domain.md §8): BPS 2024 population and 2025 poverty rate (% poor) per regency/city, ' +
  'by Kemendagri code. Indicative reference data for the synthetic demo only, replaceable, not truth.';

export interface NttRegency {
  code: string;
  name: string;
  population: number;
  /** Share of poor people, in percent. */
  poorPct: number;
}

export const NTT_REGENCIES: readonly NttRegency[] = [
  { code: '53.01', name: 'Kupang', population: 380_212, poorPct: 20 },
  { code: '53.02', name: 'Timor Tengah Selatan', population: 481_281, poorPct: 24 },
  { code: '53.03', name: 'Timor Tengah Utara', population: 275_439, poorPct: 20 },
  { code: '53.04', name: 'Belu', population: 235_709, poorPct: 12 },
  { code: '53.05', name: 'Alor', population: 225_020, poorPct: 18 },
  { code: '53.06', name: 'Flores Timur', population: 292_523, poorPct: 10 },
  { code: '53.07', name: 'Sikka', population: 340_327, poorPct: 11 },
  { code: '53.08', name: 'Ende', population: 281_371, poorPct: 21 },
  { code: '53.09', name: 'Ngada', population: 174_088, poorPct: 11 },
  { code: '53.10', name: 'Manggarai', population: 334_464, poorPct: 18 },
  { code: '53.11', name: 'Sumba Timur', population: 259_261, poorPct: 25 },
  { code: '53.12', name: 'Sumba Barat', population: 155_013, poorPct: 26 },
  { code: '53.13', name: 'Lembata', population: 143_345, poorPct: 23 },
  { code: '53.14', name: 'Rote Ndao', population: 152_950, poorPct: 24 },
  { code: '53.15', name: 'Manggarai Barat', population: 276_284, poorPct: 16 },
  { code: '53.16', name: 'Nagekeo', population: 168_355, poorPct: 12 },
  { code: '53.17', name: 'Sumba Tengah', population: 92_354, poorPct: 29 },
  { code: '53.18', name: 'Sumba Barat Daya', population: 328_771, poorPct: 25 },
  { code: '53.19', name: 'Manggarai Timur', population: 296_174, poorPct: 23 },
  { code: '53.20', name: 'Sabu Raijua', population: 94_797, poorPct: 27 },
  { code: '53.21', name: 'Malaka', population: 193_510, poorPct: 13 },
  { code: '53.71', name: 'Kota Kupang', population: 474_801, poorPct: 7 },
];

/** Province-wide poverty rate (March 2025), used for a regency missing from the poverty input. */
export const NTT_POOR_PCT = 18.6;

/** Poverty rate (percent) by regency code, from NTT_REGENCIES. */
export function nttRegencyPoverty(): Record<string, number> {
  return Object.fromEntries(NTT_REGENCIES.map((r) => [r.code, r.poorPct]));
}

/** Regencies split off after NIKs were first issued: child → parent regency. */
export const SPLIT_FROM: Readonly<Record<string, string>> = {
  '53.21': '53.04', // Malaka ← Belu
  '53.20': '53.01', // Sabu Raijua ← Kupang
  '53.16': '53.09', // Nagekeo ← Ngada
  '53.19': '53.10', // Manggarai Timur ← Manggarai
  '53.17': '53.12', // Sumba Tengah ← Sumba Barat
  '53.18': '53.12', // Sumba Barat Daya ← Sumba Barat
};

/** Share of the people of a split regency whose NIK still carries the parent regency's kecamatan. */
export const SPLIT_NIK_SHARE = 0.08;

export interface DemoVillage {
  code: string; // '53.01.02.2001'
  districtCode: string; // '53.01.02'
  regencyCode: string; // '53.01'
  name: string;
}

export interface DemoInput {
  seed: number;
  /** Number of workers (person rows). */
  size: number;
  /** 'YYYY-MM-DD': ages, birth dates and KK registration dates are computed against it. */
  today: string;
  villages: readonly DemoVillage[];
  /** Poor share in percent (0–100) by regency code; a missing regency uses NTT_POOR_PCT. */
  regencyPoverty: Readonly<Record<string, number>>;
  /** Id of the first person (default 1): ids run firstId … firstId + size − 1. */
  firstId?: number;
}

export interface DemoBatch {
  /** CSV for COPY_HOUSEHOLD. */
  households: string;
  /** CSV for COPY_PERSON. */
  persons: string;
  /** CSV for COPY_HEIR. */
  heirs: string;
  counts: { households: number; persons: number; heirs: number };
  firstPersonId: number;
  lastPersonId: number;
}

type Sex = 'L' | 'P';
type Marital = 'belum_kawin' | 'kawin' | 'cerai_hidup' | 'cerai_mati';
type Relation = 'suami' | 'istri' | 'anak' | 'ayah' | 'ibu' | 'saudara';

/** FNV-1a: a stable hash of a string (village sizes, old-kecamatan mapping). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// ------------------------------------------------------------------------------------------------
// Calendar: days since 1970-01-01 (proleptic Gregorian, H. Hinnant's algorithms).

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The same calendar day `years` later (negative: earlier); 29 February becomes 28 February. */
function shiftYears(day: number, years: number): number {
  const [y, m, d] = civilFromDays(day);
  const ny = y + years;
  return daysFromCivil(ny, m, m === 2 && d === 29 && !isLeap(ny) ? 28 : d);
}

function parseDay(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`today must be YYYY-MM-DD, got '${text}'`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = daysFromCivil(y, mo, d);
  const [cy, cm, cd] = civilFromDays(day);
  if (cy !== y || cm !== mo || cd !== d) throw new Error(`today is not a calendar date: '${text}'`);
  return day;
}

const YEAR = 365.2425;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}
function pad3(n: number): string {
  return n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`;
}
function pad4(n: number): string {
  return n < 10 ? `000${n}` : n < 100 ? `00${n}` : n < 1000 ? `0${n}` : `${n}`;
}

/** A CSV field: quoted when it holds a comma, quote or line break. Empty and unquoted = NULL. */
function csv(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

// ------------------------------------------------------------------------------------------------
// Serial numbers: one counter per (6-digit region, slot). Counts up to 255 live in a byte array;
// the rare higher counts move to a map. Returns 0 once the 4-digit space (9999) is used up.

class SerialPool {
  private readonly counts = new Map<string, Uint8Array>();
  private readonly overflow = new Map<string, number>();
  constructor(private readonly slots: number) {}

  take(region: string, slot: number): number {
    if (slot < 0 || slot >= this.slots) return 0;
    let arr = this.counts.get(region);
    if (!arr) {
      arr = new Uint8Array(this.slots);
      this.counts.set(region, arr);
    }
    const c = arr[slot]!;
    if (c < 255) {
      arr[slot] = c + 1;
      return c + 1;
    }
    const key = `${region}:${slot}`;
    const next = (this.overflow.get(key) ?? 255) + 1;
    if (next > 9999) return 0;
    this.overflow.set(key, next);
    return next;
  }
}

/**
 * CSV lines of one batch. Rows are joined into flat chunks every few hundred lines so the many
 * small concatenation pieces die young instead of surviving (and being copied) until the batch ends.
 */
class Lines {
  private pending: string[] = [];
  private chunks: string[] = [];
  count = 0;

  push(line: string): void {
    this.pending.push(line);
    this.count++;
    if (this.pending.length === 512) {
      this.chunks.push(this.pending.join('\n'));
      this.pending = [];
    }
  }

  /** The CSV text (each line ended by a newline), and an empty buffer again. */
  take(): string {
    if (this.pending.length) this.chunks.push(this.pending.join('\n'));
    const text = this.chunks.length ? `${this.chunks.join('\n')}\n` : '';
    this.pending = [];
    this.chunks = [];
    this.count = 0;
    return text;
  }
}

// ------------------------------------------------------------------------------------------------

interface Table<T> {
  values: readonly T[];
  /** Cumulative probabilities, the last one 1. */
  cumulative: readonly number[];
}

function table<T>(entries: readonly (readonly [T, number])[]): Table<T> {
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let acc = 0;
  return {
    values: entries.map(([v]) => v),
    cumulative: entries.map(([, w]) => (acc += w) / total),
  };
}

function draw<T>(t: Table<T>, u: number): T {
  const c = t.cumulative;
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < c[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return t.values[lo]!;
}

interface VillageModel {
  code: string;
  district6: string;
  /** Kecamatan code (6 digits) in the parent regency for the split-NIK people, or null. */
  oldDistrict6: string | null;
  regency: RegencyModel;
}

interface RegencyModel {
  code: string;
  parentCode: string | null;
  villages: VillageModel[];
  villageTable: Table<VillageModel>;
  decileTable: Table<number>;
  occupation: Record<Sex, Table<Occupation>>;
  pools: Table<PoolId>;
  mainPool: PoolId;
  muslimShare: number;
  isCity: boolean;
  bankBranch: string;
  accountFill: number;
}

/** A relative named as an heir: a registered worker of the same household or an invented one. */
interface Kin {
  name: string;
  nik: string;
  birth: number | null;
  sex: Sex;
}

interface Member extends Kin {
  id: number;
  birth: number;
  clan: string;
  marital: Marital;
  nikRegion: string;
  occupation: Occupation;
}

/**
 * A keyed permutation of [0, 10^7): a 4-round Feistel network on 24 bits, cycle-walked back into
 * range. Gives every person id below 10^7 a distinct account number that does not look sequential.
 */
function permute7(x: number, key: number): number {
  let v = x;
  do {
    let l = v >>> 12;
    let r = v & 0xfff;
    for (let round = 0; round < 4; round++) {
      let f = Math.imul(r ^ key ^ (round * 0x9e37), 0x2c1b3c6d);
      f = Math.imul(f ^ (f >>> 15), 0x297a2d39);
      const nl = r;
      r = (l ^ (f >>> 20)) & 0xfff;
      l = nl;
    }
    v = (l << 12) | r;
  } while (v >= 10_000_000);
  return v;
}

/** Probability that a household of a DTSEN decile is on the extreme-poverty (P3KE) list. */
const EXTREME_BY_DECILE = [0, 0.22, 0.08, 0.015, 0.002, 0, 0, 0, 0, 0, 0];

const PHONE_PREFIX = table<string>([
  ['12', 18], ['13', 16], ['21', 12], ['22', 10], ['23', 6], ['52', 12], ['53', 10], ['51', 3], ['11', 2],
  ['57', 3], ['58', 2], ['56', 1], ['77', 2], ['78', 2], ['19', 1], ['59', 1], ['95', 2], ['96', 1], ['98', 1], ['81', 1],
]);

const ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII'];

/**
 * Generates `size` workers in households, as CSV batches of about `batchSize` persons. A batch
 * always holds whole households, so it may exceed batchSize by up to two persons.
 */
export function* generateDemo(input: DemoInput, batchSize = 20_000): Generator<DemoBatch, void, undefined> {
  const { size } = input;
  const firstId = input.firstId ?? 1;
  if (!Number.isSafeInteger(input.seed)) throw new Error('seed must be an integer');
  if (!Number.isSafeInteger(size) || size < 0) throw new Error('size must be a non-negative integer');
  if (!Number.isSafeInteger(firstId) || firstId < 1) throw new Error('firstId must be a positive integer');
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const today = parseDay(input.today);
  if (size === 0) return;
  if (input.villages.length === 0) throw new Error('no villages to place the workers in');

  const rnd = makeRng(input.seed);
  const accountKey = hash32(`accounts:${input.seed}`);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  /** Like pick, but the first entries of the list (the commonest names) come up more often. */
  const pickCommon = <T>(arr: readonly T[], skew: number): T => arr[Math.floor(rnd() ** skew * arr.length)]!;

  // ---- areas ----------------------------------------------------------------------------------
  const villages = [...input.villages].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const districtsByRegency = new Map<string, Set<string>>();
  for (const v of villages) {
    if (!/^\d{2}\.\d{2}\.\d{2}$/.test(v.districtCode) || !v.code.startsWith(`${v.districtCode}.`)) {
      throw new Error(`village ${v.code} does not belong to kecamatan ${v.districtCode}`);
    }
    if (v.districtCode.slice(0, 5) !== v.regencyCode) {
      throw new Error(`kecamatan ${v.districtCode} does not belong to regency ${v.regencyCode}`);
    }
    let set = districtsByRegency.get(v.regencyCode);
    if (!set) districtsByRegency.set(v.regencyCode, (set = new Set()));
    set.add(v.districtCode);
  }
  const populationOf = new Map(NTT_REGENCIES.map((r) => [r.code, r.population]));
  const regencies: RegencyModel[] = [];
  const regencyByCode = new Map<string, RegencyModel>();
  for (const v of villages) {
    let r = regencyByCode.get(v.regencyCode);
    if (!r) {
      const poor = input.regencyPoverty[v.regencyCode] ?? NTT_POOR_PCT;
      if (!(poor >= 0 && poor <= 100)) throw new Error(`poverty rate of ${v.regencyCode} must be a percentage`);
      // Deciles fall off geometrically; the poorer the regency, the steeper (more mass in 1–4).
      const lambda = 0.15 + 1.2 * (poor / 100);
      const mix = nameMixOf(v.regencyCode);
      const regIndex = Number(v.regencyCode.slice(3));
      r = {
        code: v.regencyCode,
        parentCode: SPLIT_FROM[v.regencyCode] ?? null,
        villages: [],
        villageTable: { values: [], cumulative: [] },
        decileTable: table(Array.from({ length: 10 }, (_, i) => [i + 1, Math.exp(-lambda * i)] as const)),
        occupation: { L: occupationTable(v.regencyCode, 'L'), P: occupationTable(v.regencyCode, 'P') },
        pools: table(mix.pools),
        mainPool: mix.pools[0]![0],
        muslimShare: mix.muslimShare,
        isCity: regIndex >= 71, // Kemendagri: 71 and up are cities (kota)
        bankBranch: pad3(regIndex),
        accountFill: regIndex % 4, // accounts of 10–13 digits depending on the branch
      };
      regencies.push(r);
      regencyByCode.set(r.code, r);
    }
    let oldDistrict6: string | null = null;
    if (r.parentCode) {
      const parentDistricts = [...(districtsByRegency.get(r.parentCode) ?? [])].sort();
      oldDistrict6 = parentDistricts.length
        ? parentDistricts[hash32(v.districtCode) % parentDistricts.length]!.replace(/\./g, '')
        : r.parentCode.replace('.', '') + v.districtCode.slice(6, 8);
    }
    r.villages.push({ code: v.code, district6: v.districtCode.replace(/\./g, ''), oldDistrict6, regency: r });
  }
  for (const r of regencies) {
    // Villages differ in size: a stable weight from the village code.
    r.villageTable = table(r.villages.map((v) => [v, 0.5 + (hash32(v.code) % 1000) / 1000] as const));
  }
  const regencyTable = table(regencies.map((r) => [r, populationOf.get(r.code) ?? 200_000] as const));

  // ---- ages and dates -------------------------------------------------------------------------
  const ageTable = table(
    Array.from({ length: 48 }, (_, i) => {
      const age = 18 + i;
      return [age, age < 25 ? 1 : age <= 55 ? 3 : 1.2] as const;
    }),
  );
  // Birth-date window of each age on `today`: [lo, hi].
  const ageLo: number[] = [];
  const ageHi: number[] = [];
  for (let age = 0; age <= 66; age++) {
    ageHi[age] = shiftYears(today, -age);
    ageLo[age] = shiftYears(today, -(age + 1)) + 1;
  }
  const birthInAge = (age: number): number => ageLo[age]! + int(ageHi[age]! - ageLo[age]! + 1);
  const [todayY, todayM, todayD] = civilFromDays(today);
  const ageOn = (birth: number): number => {
    const [y, m, d] = civilFromDays(birth);
    return todayY - y - (todayM < m || (todayM === m && todayD < d) ? 1 : 0);
  };

  const nikEpoch = shiftYears(today, -130);
  const kkEpoch = shiftYears(today, -16);
  const nikPool = new SerialPool((today - nikEpoch + 1) * 2);
  const kkPool = new SerialPool(today - kkEpoch + 1);
  const isoCache: string[] = [];
  const dmyCache: string[] = [];
  const iso = (day: number): string => {
    const k = day - nikEpoch;
    let s = isoCache[k];
    if (s === undefined) {
      const [y, m, d] = civilFromDays(day);
      s = isoCache[k] = `${y}-${pad2(m)}-${pad2(d)}`;
    }
    return s;
  };
  /** DDMMYY of a day; women's NIKs add 40 to the day. */
  const dmy = (day: number, female: boolean): string => {
    const k = (day - nikEpoch) * 2 + (female ? 1 : 0);
    let s = dmyCache[k];
    if (s === undefined) {
      const [y, m, d] = civilFromDays(day);
      s = dmyCache[k] = pad2(female ? d + 40 : d) + pad2(m) + pad2(y % 100);
    }
    return s;
  };
  /** A fresh NIK for this region, birth date and sex, or '' if that slot has no serial left. */
  const takeNik = (region6: string, birth: number, sex: Sex): string => {
    if (birth < nikEpoch || birth > today) return '';
    const female = sex === 'P';
    const serial = nikPool.take(region6, (birth - nikEpoch) * 2 + (female ? 1 : 0));
    return serial === 0 ? '' : region6 + dmy(birth, female) + pad4(serial);
  };

  // ---- names ----------------------------------------------------------------------------------
  const pickClan = (r: RegencyModel): [string, PoolId] => {
    const pool = draw(r.pools, rnd());
    return [pickCommon(CLAN_NAMES[pool], 1.3), pool];
  };
  const givenName = (sex: Sex, muslim: boolean): string => {
    if (muslim) {
      const list = sex === 'L' ? MUSLIM_MALE_GIVEN : MUSLIM_FEMALE_GIVEN;
      return chance(0.3) ? `${pickCommon(list, 1.4)} ${pick(list)}` : pickCommon(list, 1.4);
    }
    const first = pickCommon(sex === 'L' ? MALE_GIVEN : FEMALE_GIVEN, 1.8);
    return chance(0.35) ? `${first} ${pick(sex === 'L' ? MALE_SECOND : FEMALE_SECOND)}` : first;
  };
  const fullName = (sex: Sex, clan: string, pool: PoolId, muslim: boolean): string => {
    if (pool === 'sumba' && !muslim && chance(0.45)) {
      let personal = pick(CLAN_NAMES.sumba);
      if (personal === clan) personal = pick(CLAN_NAMES.sumba);
      return `${SUMBA_TITLE[sex]} ${personal} ${clan}`;
    }
    return `${givenName(sex, muslim)} ${clan}`;
  };

  // ---- batch buffers --------------------------------------------------------------------------
  const hhRows = new Lines();
  const personRows = new Lines();
  const heirRows = new Lines();
  let batchFirstId = firstId;
  const flush = (lastId: number): DemoBatch => {
    const counts = { households: hhRows.count, persons: personRows.count, heirs: heirRows.count };
    const batch: DemoBatch = {
      households: hhRows.take(),
      persons: personRows.take(),
      heirs: heirRows.take(),
      counts,
      firstPersonId: batchFirstId,
      lastPersonId: lastId,
    };
    batchFirstId = lastId + 1;
    return batch;
  };

  const lastId = firstId + size - 1;
  let nextId = firstId;

  // The household being generated. The helpers below read it instead of being re-created per
  // household (closures per household cost more than the rows themselves).
  let v = null as unknown as VillageModel;
  let r = null as unknown as RegencyModel;
  let familyClan = '';
  let familyPool: PoolId = 'timor_dawan';
  let muslim = false;

  const ownClan = (): string => pickClan(r)[0];
  const yearsDays = (minYears: number, maxYears: number): number => Math.round((minYears + rnd() * (maxYears - minYears)) * YEAR);

  const phone = (): string => {
    if (!chance(0.85)) return '';
    const rest = 7 + int(3); // 9–11 digits after '08'
    return `08${draw(PHONE_PREFIX, rnd())}${String(int(10 ** rest)).padStart(rest, '0')}`;
  };

  const makeMember = (sex: Sex, age: number, clan: string, marital: Marital): Member => {
    const id = nextId++;
    const nikRegion = v.oldDistrict6 && chance(SPLIT_NIK_SHARE) ? v.oldDistrict6 : v.district6;
    let birth = birthInAge(age);
    let nik = takeNik(nikRegion, birth, sex);
    for (let tries = 0; !nik; tries++) {
      // Only reachable with absurdly dense input (thousands of people per kecamatan and day).
      if (tries > 2000) throw new Error(`NIK serials exhausted in kecamatan ${nikRegion}`);
      birth = birthInAge(age);
      nik = takeNik(nikRegion, birth, sex);
    }
    const occupation = draw(r.occupation[sex], rnd());
    let name = fullName(sex, clan, familyPool, muslim);
    if (occupation === 'guru_honorer' && chance(0.45)) name += ', S.Pd';
    return { id, sex, birth, name, nik, clan, marital, nikRegion, occupation };
  };

  const youngMarital = (age: number): Marital => {
    const x = rnd();
    if (age < 25) return x < 0.93 ? 'belum_kawin' : 'kawin';
    return x < 0.68 ? 'belum_kawin' : x < 0.97 ? 'kawin' : 'cerai_hidup';
  };
  const headMarital = (age: number, hasChild: boolean): Marital => {
    const x = rnd();
    let m: Marital;
    if (age < 25) m = x < 0.85 ? 'belum_kawin' : 'kawin';
    else if (age < 35) m = x < 0.35 ? 'belum_kawin' : x < 0.95 ? 'kawin' : 'cerai_hidup';
    else if (age < 50) m = x < 0.1 ? 'belum_kawin' : x < 0.85 ? 'kawin' : x < 0.91 ? 'cerai_hidup' : 'cerai_mati';
    else m = x < 0.05 ? 'belum_kawin' : x < 0.7 ? 'kawin' : x < 0.75 ? 'cerai_hidup' : 'cerai_mati';
    return hasChild && m === 'belum_kawin' ? 'kawin' : m;
  };

  // ---- relatives ----------------------------------------------------------------------------
  const kinNik = (region6: string, birth: number | null, sex: Sex): string => {
    if (birth === null) return '';
    const adult = today - birth >= 17 * YEAR;
    return chance(adult ? 0.9 : 0.6) ? takeNik(region6, birth, sex) : '';
  };
  const invent = (sex: Sex, birth: number | null, clan: string, region6: string): Kin => {
    const b = birth !== null && birth > today - 30 ? today - 30 - int(300) : birth;
    return { sex, birth: b, name: fullName(sex, clan, familyPool, muslim), nik: kinNik(region6, b, sex) };
  };
  /** Children of a person (and partner), oldest first; `mother` is the mother's birth date. */
  const inventChildren = (mother: number, max: number, clan: string): Kin[] => {
    const lo = mother + Math.round(19 * YEAR);
    const hi = Math.min(today - 30, mother + Math.round(42 * YEAR));
    if (lo > hi || max <= 0) return [];
    const count = 1 + int(max);
    const kids: Kin[] = [];
    // The first child within the first years of the window, the next ones 15 months to 5 years apart.
    let birth = lo + int(Math.min(hi - lo, Math.round(12 * YEAR)) + 1);
    while (kids.length < count && birth <= hi) {
      kids.push(invent(chance(0.51) ? 'L' : 'P', birth, clan, v.district6));
      birth += Math.round(YEAR * 1.25) + int(Math.round(YEAR * 3.75));
    }
    return kids;
  };
  const partnerOf = (m: Member): Kin => {
    const sex: Sex = m.sex === 'L' ? 'P' : 'L';
    const gap = yearsDays(-2, 8);
    const birth = Math.min(shiftYears(today, -18), m.sex === 'L' ? m.birth + gap : m.birth - gap);
    return invent(sex, birth, sex === 'L' ? familyClan : ownClan(), chance(0.85) ? v.district6 : m.nikRegion);
  };
  const parentsOf = (m: Member): { ayah: Kin | null; ibu: Kin | null } => {
    const age = ageOn(m.birth);
    const ayahBirth = m.birth - yearsDays(22, 40);
    const ibuBirth = m.birth - yearsDays(18, 36);
    // Alive: likelier for younger workers, and nobody is older than about 90.
    const ayahAlive = today - ayahBirth < 90 * YEAR && chance(age < 30 ? 0.8 : age < 45 ? 0.55 : 0.25);
    const ibuAlive = today - ibuBirth < 92 * YEAR && chance(age < 30 ? 0.9 : age < 45 ? 0.7 : 0.35);
    // Some birth dates of old parents are simply not known.
    return {
      ayah: ayahAlive ? invent('L', chance(0.92) ? ayahBirth : null, m.clan, m.nikRegion) : null,
      ibu: ibuAlive ? invent('P', chance(0.92) ? ibuBirth : null, ownClan(), m.nikRegion) : null,
    };
  };
  const maxChildrenFor = (age: number): number => (age < 22 ? 1 : age < 30 ? 2 : age < 40 ? 3 : 4);

  interface Family {
    head: Member;
    spouse: Member | null;
    child: Member | null;
    /** The head's spouse: the registered one, an invented one, or none. */
    headPartner: Kin | null;
    /** The couple's (or single parent's) children, oldest first, shared by both partners. */
    children: Kin[];
  }

  const heirsOf = (m: Member, f: Family): [Relation, Kin][] => {
    const list: [Relation, Kin][] = [];
    const spouseRel: Relation = m.sex === 'L' ? 'istri' : 'suami';
    if (m === f.head || m === f.spouse) {
      const partner = m === f.head ? f.headPartner : f.head;
      if (m.marital === 'kawin' && partner) list.push([spouseRel, partner]);
      for (const c of f.children) list.push(['anak', c]);
      if (list.length === 0) {
        const { ayah, ibu } = parentsOf(m);
        if (ayah) list.push(['ayah', ayah]);
        if (ibu) list.push(['ibu', ibu]);
      }
    } else if (m === f.child) {
      if (m.marital !== 'belum_kawin') {
        const partner = m.marital === 'kawin' ? partnerOf(m) : null;
        if (partner) list.push([spouseRel, partner]);
        const mother = m.sex === 'P' ? m.birth : (partner?.birth ?? m.birth);
        if (chance(0.7)) for (const c of inventChildren(mother, maxChildrenFor(ageOn(m.birth)), m.clan)) list.push(['anak', c]);
      }
      if (list.length === 0) {
        // Unmarried adult child: the parents, registered in the same household or not.
        const father = f.head.sex === 'L' ? f.head : f.headPartner?.sex === 'L' ? f.headPartner : null;
        const mother = f.head.sex === 'P' ? f.head : f.headPartner?.sex === 'P' ? f.headPartner : null;
        const invented = father && mother ? null : parentsOf(m);
        const ayah = father ?? invented?.ayah ?? null;
        const ibu = mother ?? invented?.ibu ?? null;
        if (ayah) list.push(['ayah', ayah]);
        if (ibu) list.push(['ibu', ibu]);
      }
    } else {
      // A sibling of the head living in the household.
      if (m.marital === 'kawin') list.push([spouseRel, partnerOf(m)]);
      if (list.length === 0) {
        const { ayah, ibu } = parentsOf(m);
        if (ayah) list.push(['ayah', ayah]);
        if (ibu) list.push(['ibu', ibu]);
        if (list.length < 2) list.push(['saudara', f.head]);
      }
    }
    if (list.length === 0) {
      const sibSex: Sex = chance(0.5) ? 'L' : 'P';
      const birth = Math.min(shiftYears(today, -17), m.birth + yearsDays(-10, 10));
      list.push(['saudara', invent(sibSex, birth, sibSex === 'L' || chance(0.5) ? m.clan : ownClan(), m.nikRegion)]);
    }
    return list.length > 4 ? list.slice(0, 4) : list;
  };

  const INCOMES = [1_500_000, 2_000_000, 2_500_000];

  while (nextId <= lastId) {
    const remaining = lastId - nextId + 1;
    r = draw(regencyTable, rnd());
    v = draw(r.villageTable, rnd());
    muslim = chance(r.muslimShare);
    [familyClan, familyPool] = pickClan(r);

    // Household-level poverty: DTSEN ranks households, P3KE lists households.
    const decile = draw(r.decileTable, rnd());
    const extremePoor = chance(EXTREME_BY_DECILE[decile]!);

    const u = rnd();
    const n = Math.min(remaining, u < 0.5 ? 1 : u < 0.85 ? 2 : 3);
    const headSex: Sex = chance(0.68) ? 'L' : 'P';
    const headAge = draw(ageTable, rnd());
    let structure: 'alone' | 'spouse' | 'child' | 'spouse+child' | 'spouse+sibling' = 'alone';
    if (n === 2) structure = headAge >= 40 && chance(0.3) ? 'child' : 'spouse';
    else if (n === 3) structure = headAge >= 40 ? 'spouse+child' : 'spouse+sibling';

    const address = r.isCity
      ? `${pick(KUPANG_STREETS)}, RT ${pad3(1 + int(25))}/RW ${pad3(1 + int(9))}`
      : `Dusun ${chance(0.5) ? pick(ROMAN) : pick(DUSUN_NAMES[r.mainPool])}, RT ${pad3(1 + int(20))}/RW ${pad3(1 + int(6))}`;

    const members: Member[] = [];
    const withSpouse = structure === 'spouse' || structure === 'spouse+child' || structure === 'spouse+sibling';
    // Men carry the family clan; a woman keeps her own or takes her husband's.
    const headClan = headSex === 'L' || chance(withSpouse ? 0.4 : 0.5) ? familyClan : ownClan();
    const head = makeMember(headSex, headAge, headClan, 'kawin');
    members.push(head);
    let spouse: Member | null = null;
    let child: Member | null = null;
    if (withSpouse) {
      const sex: Sex = headSex === 'L' ? 'P' : 'L';
      // Wives are on average a few years younger than their husbands.
      const gap = int(11) - 2;
      const age = Math.max(18, Math.min(65, sex === 'P' ? headAge - gap : headAge + gap));
      spouse = makeMember(sex, age, sex === 'L' || chance(0.4) ? familyClan : ownClan(), 'kawin');
      members.push(spouse);
    }
    if (structure === 'child' || structure === 'spouse+child') {
      const gap = 20 + int(Math.min(40, headAge - 18) - 20 + 1);
      const age = headAge - gap;
      child = makeMember(chance(0.55) ? 'L' : 'P', age, familyClan, youngMarital(age));
      members.push(child);
    }
    if (structure === 'spouse+sibling') {
      const age = Math.max(18, Math.min(65, headAge + int(13) - 6));
      members.push(makeMember(chance(0.5) ? 'L' : 'P', age, head.clan, youngMarital(age)));
    }
    if (!spouse) head.marital = headMarital(headAge, child !== null);

    // ---- KK ---------------------------------------------------------------------------------
    let kk = '';
    {
      const lo = Math.max(kkEpoch, shiftYears(head.birth, 17));
      const hi = today - 1;
      for (let tries = 0; !kk; tries++) {
        if (tries > 2000) throw new Error(`KK serials exhausted in kecamatan ${v.district6}`);
        const day = lo + int(Math.max(1, hi - lo + 1));
        const serial = kkPool.take(v.district6, day - kkEpoch);
        if (serial) kk = v.district6 + dmy(day, false) + pad4(serial);
      }
    }
    const addressCsv = csv(address);
    hhRows.push(`${kk},${v.code},${addressCsv},t`);

    // ---- the family the heirs come from -----------------------------------------------------
    const wife = head.sex === 'P' ? head : spouse;
    const headPartner: Kin | null = spouse ?? (head.marital === 'kawin' ? partnerOf(head) : null);
    let children: Kin[] = [];
    if (head.marital !== 'belum_kawin') {
      const fallback = head.birth + Math.round(3 * YEAR);
      const motherBirth = wife?.birth ?? (headPartner?.sex === 'P' ? (headPartner.birth ?? fallback) : fallback);
      const invented = chance(head.marital === 'kawin' ? 0.9 : 0.75)
        ? inventChildren(motherBirth, maxChildrenFor(ageOn(motherBirth)) - (child ? 1 : 0), familyClan)
        : [];
      if (child) {
        // A registered adult child takes the place of any invented sibling born within 15 months.
        const born = child.birth;
        children = invented.filter((k) => Math.abs((k.birth ?? 0) - born) > 1.25 * YEAR);
        children.push(child);
        children.sort((a, b) => (a.birth ?? 0) - (b.birth ?? 0));
      } else {
        children = invented;
      }
    }
    const family: Family = { head, spouse, child, headPartner, children };

    // ---- rows -------------------------------------------------------------------------------
    for (const m of members) {
      const occupation = m.occupation;
      const birthPlaces = birthPlacePool(m.nikRegion === v.district6 ? r.code : (r.parentCode ?? r.code));
      const x = rnd();
      const birthPlace = x < 0.82 ? pick(birthPlaces.home) : x < 0.94 ? pick(birthPlaces.away) : pick(birthPlacePool(draw(regencyTable, rnd()).code).home);
      const income = (occupation === 'pedagang' || occupation === 'sopir' || occupation === 'tukang' || occupation === 'ojek') && chance(0.15)
        ? pick(INCOMES)
        : 1_000_000;
      const disability = chance(0.025);
      let bank = ',';
      if (chance(0.7)) {
        const fill = r.accountFill ? String(int(10 ** r.accountFill)).padStart(r.accountFill, '0') : '';
        // A permutation of the id inside 10^7 keeps accounts unique without looking sequential.
        const tail = String(m.id < 10_000_000 ? permute7(m.id, accountKey) : m.id).padStart(7, '0');
        bank = `Bank NTT,${r.bankBranch}${fill}${tail}`;
      }
      personRows.push(
        `${m.id},${m.nik},${kk},${csv(m.name)},${csv(birthPlace)},${iso(m.birth)},${m.sex},${m.marital},${addressCsv},${v.code},` +
          `${phone()},${occupation},${income},${decile},${extremePoor ? 't' : 'f'},${disability ? 't' : 'f'},${bank},t`,
      );
      for (const [relation, k] of heirsOf(m, family)) {
        heirRows.push(`${m.id},${csv(k.name)},${k.nik},${relation},${k.birth === null ? '' : iso(k.birth)}`);
      }
    }

    if (personRows.count >= batchSize) yield flush(nextId - 1);
  }
  if (personRows.count > 0) yield flush(nextId - 1);
}
