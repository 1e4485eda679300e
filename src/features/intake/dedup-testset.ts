/**
 * A labelled evaluation set for fuzzy duplicate detection (domain/fuzzy-match.ts).
 *
 * Pure and deterministic: the output depends only on the input. It uses its own seeded PRNG
 * (sfc32 seeded through splitmix32), never Math.random or the clock.
 *
 * Base people come from the demo generator (realistic NTT names, NIKs consistent with birth date,
 * sex and kecamatan, households sharing a KK). From them it builds pairs `a` (the registry record)
 * and `b` (an incoming row), each labelled:
 *   - 'same': `b` is `a` again, damaged the way village spreadsheets damage data: NIK typos (one digit
 *     changed, two neighbouring digits swapped, a digit lost, two digits wrong, the serial mistyped),
 *     Excel damage (last digit turned to 0, scientific notation '5.30101E+15'), a missing NIK; name
 *     typos (a letter dropped, doubled, swapped or replaced), case and spacing, word order, a dropped
 *     second given name or Sumba title, an initial, spelling variants (Yohanis/Yohanes,
 *     Fransiscus/Fransiskus, Christina/Kristina, old spelling dj/oe); day and month swapped, a digit
 *     wrong in the date, a missing date or sex; another village or regency after a move.
 *   - 'different': hard negatives: twins (same birth date, same KK, NIK serials one apart), siblings
 *     on the same KK with close birth dates and sometimes the same first baptismal name, other
 *     household members, father and son with the same name (with or without 'Jr'), the same name and
 *     birth year in another village, the same name and birth date in another regency, people of the
 *     same clan, and neighbours; half of them carry the same kind of damage as the duplicates.
 */
import Papa from 'papaparse';
import type { MatchPerson, MatchSex } from '../../domain/fuzzy-match.js';
import { COPY_PERSON, generateDemo, nttRegencyPoverty, type DemoVillage } from '../demo/generate.js';
import {
  CLAN_NAMES, FEMALE_GIVEN, FEMALE_SECOND, MALE_GIVEN, MALE_SECOND, MUSLIM_FEMALE_GIVEN, MUSLIM_MALE_GIVEN,
} from '../demo/names.js';
import { makeRng } from '../../domain/random.js';

export type DedupLabel = 'same' | 'different';

export type NegativeKind =
  | 'twin'
  | 'sibling'
  | 'household'
  | 'father_son'
  | 'namesake_year'
  | 'namesake_date'
  | 'same_clan'
  | 'neighbour';

export interface DedupPair {
  /** The record already known (registry). */
  a: MatchPerson;
  /** The incoming record. */
  b: MatchPerson;
  label: DedupLabel;
  /** 'duplicate' for true duplicates, else the kind of hard negative. */
  kind: 'duplicate' | NegativeKind;
  /** What was done to `b` (e.g. 'nik:transposed', 'name:typo', 'date:swapped'). */
  damage: string[];
}

export interface DedupTestsetInput {
  seed: number;
  /** Number of pairs (about half duplicates, half hard negatives). */
  pairs: number;
  /** 'YYYY-MM-DD' for the base people's ages. */
  today: string;
  /** Villages to place the base people in (Kemendagri codes, as for the demo). */
  villages: readonly DemoVillage[];
  /** Share of duplicate pairs, default 0.5. */
  duplicateShare?: number;
}

export interface DedupTestset {
  pairs: DedupPair[];
  counts: Record<string, number>;
}


// ------------------------------------------------------------------------------------------------
// Dates as days since 1970-01-01 (UTC arithmetic only, no clock).

const DAY_MS = 86_400_000;
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOfDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad4 = (n: number): string => String(n).padStart(4, '0');

// ------------------------------------------------------------------------------------------------

interface Base {
  nik: string;
  kk: string;
  name: string;
  birthDate: string;
  sex: MatchSex;
  village: string;
}

interface NameParts {
  /** 'Umbu' / 'Rambu' or null. */
  title: string | null;
  given: string[];
  clan: string;
  degree: string;
}

const TWO_WORD_CLANS: ReadonlySet<string> = new Set(
  Object.values(CLAN_NAMES).flat().filter((c) => c.includes(' ')),
);

function splitName(full: string): NameParts {
  const [main = '', ...rest] = full.split(',');
  const degree = rest.length ? `,${rest.join(',')}` : '';
  const words = main.trim().split(/\s+/);
  let title: string | null = null;
  if (words[0] === 'Umbu' || words[0] === 'Rambu') title = words.shift()!;
  let clanWords = 1;
  const lastTwo = words.slice(-2).join(' ');
  if (words.length >= 3 && TWO_WORD_CLANS.has(lastTwo)) clanWords = 2;
  const clan = words.slice(-clanWords).join(' ');
  const given = words.slice(0, words.length - clanWords);
  return { title, given, clan, degree };
}

const joinName = (p: NameParts): string => [p.title, ...p.given, p.clan].filter(Boolean).join(' ') + p.degree;

/** Spelling variants seen in NTT lists, both ways. */
const VARIANTS: readonly (readonly string[])[] = [
  ['Yohanes', 'Yohanis', 'Johanes', 'Yohannes'],
  ['Fransiskus', 'Fransiscus', 'Franciscus', 'Fransiskus'],
  ['Kristina', 'Christina', 'Kristin'],
  ['Yosef', 'Yoseph', 'Josef', 'Yosep'],
  ['Theresia', 'Teresia', 'Theresa'],
  ['Elisabeth', 'Elisabet', 'Elizabeth'],
  ['Katarina', 'Katharina', 'Katrina', 'Catharina'],
  ['Margaretha', 'Margareta', 'Margarita'],
  ['Yakobus', 'Jakobus', 'Yacobus'],
  ['Yohana', 'Johana', 'Yohanna'],
  ['Agustinus', 'Augustinus', 'Agustinu'],
  ['Kornelis', 'Cornelis', 'Kornelius'],
  ['Marthen', 'Marten', 'Martin'],
  ['Benediktus', 'Benedictus'],
  ['Ferdinandus', 'Ferdinand'],
  ['Aloysius', 'Aloisius', 'Alosius'],
  ['Stefanus', 'Stephanus', 'Stevanus'],
  ['Markus', 'Marcus'],
  ['Matias', 'Mathias', 'Mattias'],
  ['Dominikus', 'Dominicus'],
  ['Hendrikus', 'Hendricus', 'Hendrik'],
  ['Ignasius', 'Ignatius'],
  ['Kristoforus', 'Christoforus', 'Kristoporus'],
  ['Laurensius', 'Laurentius', 'Lorensius'],
  ['Mikael', 'Michael', 'Mikhael'],
  ['Nikolaus', 'Nicolaus', 'Nikolas'],
  ['Philipus', 'Filipus', 'Philippus'],
  ['Vinsensius', 'Vincentius', 'Finsensius'],
  ['Wilhelmus', 'Wilhelmos', 'Welhelmus'],
  ['Yeremias', 'Jeremias', 'Yermias'],
  ['Yulius', 'Julius'],
  ['Zakarias', 'Sakarias', 'Zacharias'],
  ['Karolus', 'Carolus'],
  ['Klemens', 'Clemens'],
  ['Theodorus', 'Teodorus'],
  ['Viktor', 'Victor', 'Fiktor'],
  ['Yoakim', 'Joakim', 'Yoachim'],
  ['Semuel', 'Samuel'],
  ['Yuliana', 'Juliana'],
  ['Fransiska', 'Fransiska', 'Francisca'],
  ['Veronika', 'Veronica', 'Feronika'],
  ['Monika', 'Monica'],
  ['Florentina', 'Florentin'],
  ['Sisilia', 'Cecilia', 'Sesilia'],
  ['Skolastika', 'Scolastika', 'Skolastica'],
  ['Yosefina', 'Josefina', 'Yosephina'],
  ['Petronela', 'Petronella'],
  ['Rosalia', 'Rosalya'],
  ['Magdalena', 'Magdalina'],
  ['Marselina', 'Marcelina'],
  ['Natalia', 'Natalya'],
  ['Susana', 'Susanna', 'Suzana'],
  ['Muhammad', 'Muhamad', 'Mohammad', 'Moh'],
  ['Fatimah', 'Fatima'],
  ['Aminah', 'Amina'],
  ['Halimah', 'Halima'],
  ['Hadijah', 'Khadijah', 'Hadija'],
  ['Aisyah', 'Aisah', 'Aisya'],
  ['Syamsudin', 'Samsudin', 'Syamsuddin'],
  ['Jamaludin', 'Djamaludin', 'Jamaluddin'],
  ['Husen', 'Husein', 'Hussein'],
  ['Goreti', 'Goretti', 'Gorety'],
  ['Imakulata', 'Immaculata', 'Imaculata'],
  ['Xaverius', 'Saverius', 'Xaverios'],
  ['Djami', 'Jami'],
  ['Ludji', 'Luji'],
  ['Djawa', 'Jawa'],
  ['Ndjurumana', 'Njurumana'],
  ['Ndjuka', 'Njuka'],
  ['Radja', 'Raja'],
  ['Djahamou', 'Jahamou'],
  ['Oematan', 'Umatan'],
  ['Oetpah', 'Utpah'],
  ['Messakh', 'Mesakh'],
  ['Mesakh', 'Messakh'],
  ['Pellokila', 'Pelokila'],
  ['Fernandez', 'Fernandes'],
  ['Dasilva', 'da Silva'],
  ['da Silva', 'Dasilva', 'Da Silva'],
  ['da Costa', 'Dacosta', 'Da Costa'],
  ['dos Santos', 'Dos Santos', 'Dossantos'],
  ['de Rosari', 'Derosari', 'De Rosari'],
  ['Goncalves', 'Gonsalves', 'Gonzalves'],
  ['Ximenes', 'Ximenez', 'Chimenes'],
  ['Carvallo', 'Carvalho', 'Karvallo'],
  ['Kabba', 'Kaba'],
  ['Bessie', 'Besi'],
  ['Toelle', 'Tule', 'Toele'],
  ['Ndoen', 'Ndun'],
  ['Nubatonis', 'Nubatoni'],
];
const VARIANT_OF = new Map<string, string[]>();
for (const group of VARIANTS) {
  for (const w of group) {
    const others = group.filter((o) => o !== w);
    VARIANT_OF.set(w, [...new Set([...(VARIANT_OF.get(w) ?? []), ...others])]);
  }
}

/** Keys next to each other on a QWERTY keyboard (for substitutions). */
const NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sqe', b: 'vn', c: 'xv', d: 'sf', e: 'wri', f: 'dg', g: 'fh', h: 'gj', i: 'uoe', j: 'hk', k: 'jl', l: 'k',
  m: 'n', n: 'bm', o: 'ipu', p: 'o', q: 'w', r: 'et', s: 'ad', t: 'ry', u: 'yio', v: 'cb', w: 'qe', x: 'zc',
  y: 'tu', z: 'x',
};

// ------------------------------------------------------------------------------------------------

export function generateDedupTestset(input: DedupTestsetInput): DedupTestset {
  const { seed, pairs: total, today, villages } = input;
  if (!Number.isSafeInteger(seed)) throw new Error('seed must be an integer');
  if (!Number.isSafeInteger(total) || total < 2) throw new Error('pairs must be an integer of at least 2');
  const duplicateShare = input.duplicateShare ?? 0.5;
  const rnd = makeRng(seed ^ 0x5eed_d0b1);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(arr: readonly T[]): T => arr[Math.floor(rnd() * arr.length)]!;
  const chance = (p: number): boolean => rnd() < p;

  // ---- base people from the demo generator --------------------------------------------------
  const baseCount = Math.ceil(total * 1.1) + 50;
  const columns = /\(([^)]*)\) FROM STDIN/.exec(COPY_PERSON)![1]!.split(',').map((c) => c.trim());
  const col = (name: string): number => columns.indexOf(name);
  const [cNik, cKk, cName, cBirth, cSex, cVillage] = ['nik', 'kk', 'full_name', 'birth_date', 'sex', 'village_code'].map(col) as [
    number, number, number, number, number, number,
  ];
  const people: Base[] = [];
  for (const batch of generateDemo({ seed, size: baseCount, today, villages, regencyPoverty: nttRegencyPoverty() }, 50_000)) {
    const parsed = Papa.parse<string[]>(batch.persons, { skipEmptyLines: true });
    for (const row of parsed.data) {
      people.push({
        nik: row[cNik]!,
        kk: row[cKk]!,
        name: row[cName]!,
        birthDate: row[cBirth]!,
        sex: row[cSex] as MatchSex,
        village: row[cVillage]!,
      });
    }
  }
  const usedNiks = new Set(people.map((p) => p.nik));
  const byKk = new Map<string, Base[]>();
  const byDistrict = new Map<string, Base[]>();
  const byRegency = new Map<string, Base[]>();
  const byClan = new Map<string, Base[]>();
  const add = <K>(m: Map<K, Base[]>, k: K, p: Base): void => {
    const list = m.get(k);
    if (list) list.push(p);
    else m.set(k, [p]);
  };
  for (const p of people) {
    add(byKk, p.kk, p);
    add(byDistrict, p.village.slice(0, 8), p);
    add(byRegency, p.village.slice(0, 5), p);
    add(byClan, splitName(p.name).clan, p);
  }
  const villagesByDistrict = new Map<string, string[]>();
  const villagesByRegency = new Map<string, string[]>();
  for (const v of villages) {
    const d = villagesByDistrict.get(v.districtCode) ?? [];
    d.push(v.code);
    villagesByDistrict.set(v.districtCode, d);
    const r = villagesByRegency.get(v.regencyCode) ?? [];
    r.push(v.code);
    villagesByRegency.set(v.regencyCode, r);
  }
  const regencyCodes = [...villagesByRegency.keys()].sort();
  const todayDay = dayOf(today);

  const toRecord = (p: Base): MatchPerson => ({ nik: p.nik, name: p.name, birthDate: p.birthDate, sex: p.sex, villageCode: p.village });

  // ---- NIKs for invented people --------------------------------------------------------------
  const ddmmyy = (iso: string, sex: MatchSex): string => {
    const d = Number(iso.slice(8, 10)) + (sex === 'P' ? 40 : 0);
    return pad2(d) + iso.slice(5, 7) + iso.slice(2, 4);
  };
  const newNik = (region6: string, iso: string, sex: MatchSex, minSerial = 1): string => {
    const prefix = region6 + ddmmyy(iso, sex);
    for (let s = minSerial; s < 10_000; s++) {
      const nik = prefix + pad4(s);
      if (!usedNiks.has(nik)) {
        usedNiks.add(nik);
        return nik;
      }
    }
    throw new Error('no free NIK serial');
  };

  // ---- names for invented people -------------------------------------------------------------
  const isMuslim = (parts: NameParts): boolean => {
    const first = parts.given[0] ?? '';
    return MUSLIM_MALE_GIVEN.some((g) => g.startsWith(first)) || MUSLIM_FEMALE_GIVEN.some((g) => g.startsWith(first));
  };
  /** A different given name for a relative of `parts` (optionally keeping the first baptismal name). */
  const relativeName = (parts: NameParts, sex: MatchSex, keepFirst: boolean): string => {
    const original = joinName({ ...parts, degree: '' });
    const keep = keepFirst && parts.given.length >= 2;
    for (let tries = 0; tries < 20; tries++) {
      let given: string[];
      if (parts.title) {
        // Sumba: title + own personal name + clan.
        const personal = pick(CLAN_NAMES.sumba);
        const title = sex === 'L' ? 'Umbu' : 'Rambu';
        const name = `${title} ${personal} ${parts.clan}`;
        if (name !== original) return name;
        continue;
      }
      if (isMuslim(parts)) {
        given = [pick(sex === 'L' ? MUSLIM_MALE_GIVEN : MUSLIM_FEMALE_GIVEN)];
      } else if (keep) {
        given = [parts.given[0]!, pick(sex === 'L' ? MALE_SECOND : FEMALE_SECOND)];
      } else {
        given = [pick(sex === 'L' ? MALE_GIVEN : FEMALE_GIVEN)];
        if (chance(0.35)) given.push(pick(sex === 'L' ? MALE_SECOND : FEMALE_SECOND));
      }
      const name = [...given, parts.clan].join(' ');
      // Parents do not give two children the same first name, except as a shared first baptismal name.
      const sameFirst = given[0] === parts.given[0];
      if (name !== original && (keep ? given[1] !== parts.given[1] : !sameFirst)) return name;
    }
    return [pick(sex === 'L' ? MALE_GIVEN : FEMALE_GIVEN), parts.clan].join(' ');
  };

  // ---- damage ----------------------------------------------------------------------------------
  const typoWord = (w: string): string => {
    if (w.length < 3) return w + w.slice(-1);
    const op = int(4);
    const i = 1 + int(w.length - 1); // the first letter is seldom wrong
    const chars = [...w];
    const c = chars[i]!;
    if (op === 0) chars.splice(i, 1);
    else if (op === 1) chars.splice(i, 0, c);
    else if (op === 2 && i < chars.length - 1) [chars[i], chars[i + 1]] = [chars[i + 1]!, c];
    else {
      const lower = c.toLowerCase();
      const vowelSwap: Record<string, string> = { a: 'e', e: 'i', i: 'e', o: 'u', u: 'o' };
      const sub = vowelSwap[lower] && chance(0.5) ? vowelSwap[lower] : pick([...(NEIGHBOURS[lower] ?? 'a')]);
      chars[i] = c === lower ? sub : sub.toUpperCase();
    }
    return chars.join('');
  };

  const damageName = (name: string, ops: number, log: string[]): string => {
    let out = name;
    for (let k = 0; k < ops; k++) {
      const x = rnd();
      const parts = splitName(out);
      const words = [parts.title, ...parts.given, parts.clan].filter((w): w is string => Boolean(w));
      if (x < 0.34) {
        // Typo in one word (given names and clan alike).
        const i = int(words.length);
        const target = words[i]!;
        const hit = target.includes(' ') ? target : typoWord(target);
        words[i] = hit;
        out = words.join(' ') + parts.degree;
        log.push('name:typo');
      } else if (x < 0.5) {
        const y = rnd();
        if (y < 0.35) out = out.toUpperCase();
        else if (y < 0.55) out = out.toLowerCase();
        else if (y < 0.8) out = ` ${out.replace(/ /g, () => (chance(0.5) ? '  ' : ' '))} `;
        else out = parts.degree ? joinName({ ...parts, degree: '' }) : `${out}, S.Pd`;
        log.push('name:case_spacing');
      } else if (x < 0.62) {
        // Family name first, as on some lists ("Tefa Yohanes" or "TEFA, Yohanes").
        const given = [parts.title, ...parts.given].filter(Boolean).join(' ');
        out = given ? (chance(0.7) ? `${parts.clan} ${given}` : `${parts.clan}, ${given}`) : out;
        log.push('name:word_order');
      } else if (x < 0.74) {
        if (parts.given.length >= 2) {
          const drop = chance(0.8) ? 1 : 0;
          out = joinName({ ...parts, given: parts.given.filter((_, i) => i !== drop) });
          log.push('name:dropped_given');
        } else if (parts.title && chance(0.6)) {
          out = joinName({ ...parts, title: null });
          log.push('name:dropped_title');
        } else if (parts.given.length === 1 && chance(0.5)) {
          // Second name added from memory ("Maria" → "Maria Goreti").
          const second = pick([...FEMALE_SECOND, ...MALE_SECOND]);
          out = joinName({ ...parts, given: [...parts.given, second] });
          log.push('name:added_given');
        } else {
          const i = int(words.length);
          words[i] = typoWord(words[i]!);
          out = words.join(' ') + parts.degree;
          log.push('name:typo');
        }
      } else if (x < 0.8) {
        // Second given name written as an initial ("Maria G. Nenobais").
        if (parts.given.length >= 2) {
          const g = [...parts.given];
          g[1] = `${g[1]![0]}.`;
          out = joinName({ ...parts, given: g });
          log.push('name:initial');
        } else {
          out = out.toUpperCase();
          log.push('name:case_spacing');
        }
      } else {
        const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => VARIANT_OF.has(w));
        if (candidates.length) {
          const [w, i] = pick(candidates);
          words[i] = pick(VARIANT_OF.get(w)!);
          out = words.join(' ') + parts.degree;
          log.push('name:variant');
        } else {
          const i = int(words.length);
          words[i] = typoWord(words[i]!);
          out = words.join(' ') + parts.degree;
          log.push('name:typo');
        }
      }
    }
    return out;
  };

  const damageNik = (nik: string, log: string[]): string | null => {
    const x = rnd();
    const digits = [...nik];
    const otherDigit = (d: string): string => {
      const n = (Number(d) + 1 + int(9)) % 10;
      return String(n);
    };
    if (x < 0.07) {
      log.push('nik:none');
      return nik;
    }
    if (x < 0.32) {
      const i = int(16);
      digits[i] = otherDigit(digits[i]!);
      log.push('nik:one_digit');
      return digits.join('');
    }
    if (x < 0.47) {
      for (let tries = 0; tries < 20; tries++) {
        const i = int(15);
        if (digits[i] === digits[i + 1]) continue;
        [digits[i], digits[i + 1]] = [digits[i + 1]!, digits[i]!];
        log.push('nik:transposed');
        return digits.join('');
      }
      digits[15] = otherDigit(digits[15]!);
      log.push('nik:one_digit');
      return digits.join('');
    }
    if (x < 0.59) {
      // Excel keeps 15 significant digits; typed back from a damaged cell sometimes 14.
      const lost = chance(0.85) ? 1 : 2;
      const out = nik.slice(0, 16 - lost) + '0'.repeat(lost);
      log.push(out === nik ? 'nik:none' : 'nik:excel_zeros');
      return out;
    }
    if (x < 0.67) {
      // The cell shows '5.30101E+15' (General format), or with more digits when widened.
      const k = pick([6, 6, 6, 9, 11]);
      const scale = 10n ** BigInt(16 - k);
      const rounded = ((BigInt(nik) + scale / 2n) / scale).toString();
      const mantissa = rounded.replace(/0+$/, '') || '0';
      const text = `${mantissa[0]}${mantissa.length > 1 ? (chance(0.3) ? ',' : '.') + mantissa.slice(1) : ''}E+15`;
      log.push('nik:scientific');
      return text;
    }
    if (x < 0.77) {
      log.push('nik:missing');
      return chance(0.7) ? null : '';
    }
    if (x < 0.85) {
      const i = int(16);
      let j = int(16);
      if (j === i) j = (i + 1 + int(15)) % 16;
      digits[i] = otherDigit(digits[i]!);
      digits[j] = otherDigit(digits[j]!);
      log.push('nik:two_digits');
      return digits.join('');
    }
    if (x < 0.9) {
      const i = int(16);
      digits.splice(i, 1);
      log.push('nik:lost_digit');
      return digits.join('');
    }
    // The serial number mistyped or copied from a relative's NIK.
    const serial = Number(nik.slice(12));
    const s = chance(0.5) ? serial + 1 + int(3) : 1 + int(30);
    log.push('nik:serial');
    return nik.slice(0, 12) + pad4(s === serial ? serial + 1 : s);
  };

  const damageDate = (iso: string, log: string[]): string | null => {
    const x = rnd();
    const y = Number(iso.slice(0, 4));
    const m = Number(iso.slice(5, 7));
    const d = Number(iso.slice(8, 10));
    if (x < 0.86) return iso;
    if (x < 0.93) {
      if (d <= 12 && d !== m) {
        log.push('date:swapped');
        return `${y}-${pad2(d)}-${pad2(m)}`;
      }
      return iso;
    }
    if (x < 0.97) {
      // One digit wrong: year ±1 or a day off by one or ten.
      const z = rnd();
      log.push('date:typo');
      if (z < 0.4) return `${y + (chance(0.5) ? 1 : -1)}-${pad2(m)}-${pad2(d)}`;
      const nd = d + (z < 0.8 ? (d < 28 ? 1 : -1) : d <= 18 ? 10 : -10);
      return `${y}-${pad2(m)}-${pad2(nd)}`;
    }
    log.push('date:missing');
    return null;
  };

  const damageVillage = (village: string, log: string[]): string | null => {
    const x = rnd();
    if (x < 0.8) return village;
    if (x < 0.9) {
      const others = (villagesByDistrict.get(village.slice(0, 8)) ?? []).filter((v) => v !== village);
      if (others.length) {
        log.push('village:same_district');
        return pick(others);
      }
      return village;
    }
    if (x < 0.95) {
      log.push('village:missing');
      return null;
    }
    const regency = pick(regencyCodes);
    log.push('village:moved');
    return pick(villagesByRegency.get(regency)!);
  };

  /** The incoming record of a duplicate: the same person, damaged. */
  const damage = (p: MatchPerson, log: string[], keepNik?: string): MatchPerson => {
    let nik = p.nik === null ? null : damageNik(p.nik, log);
    if (keepNik !== undefined && nik === keepNik) nik = p.nik;
    const u = rnd();
    const ops = u < 0.3 ? 0 : u < 0.85 ? 1 : 2;
    const name = damageName(p.name, ops, log);
    const birthDate = p.birthDate === null ? null : damageDate(p.birthDate, log);
    let sex = p.sex;
    if (chance(0.03)) {
      sex = null;
      log.push('sex:missing');
    }
    const villageCode = p.villageCode === null ? null : damageVillage(p.villageCode, log);
    return { nik, name, birthDate, sex, villageCode };
  };

  // ---- pairs ----------------------------------------------------------------------------------
  const out: DedupPair[] = [];
  const counts: Record<string, number> = {};
  const push = (pair: DedupPair): void => {
    out.push(pair);
    counts[pair.kind] = (counts[pair.kind] ?? 0) + 1;
  };
  const duplicates = Math.round(total * duplicateShare);
  // Shuffle the base people so the duplicates and negatives draw from all regencies.
  const order = people.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let cursor = 0;
  const nextBase = (): Base => people[order[cursor++ % order.length]!]!;

  for (let i = 0; i < duplicates; i++) {
    const base = nextBase();
    const a = toRecord(base);
    const log: string[] = [];
    const b = damage(a, log);
    push({ a, b, label: 'same', kind: 'duplicate', damage: log });
  }

  const NEGATIVE_MIX: readonly (readonly [NegativeKind, number])[] = [
    ['twin', 0.14], ['sibling', 0.18], ['household', 0.1], ['father_son', 0.08], ['namesake_year', 0.14],
    ['namesake_date', 0.03], ['same_clan', 0.13], ['neighbour', 0.2],
  ];
  const drawKind = (): NegativeKind => {
    let u = rnd();
    for (const [k, w] of NEGATIVE_MIX) {
      if (u < w) return k;
      u -= w;
    }
    return 'neighbour';
  };

  const shiftDays = (iso: string, days: number): string => isoOfDay(dayOf(iso) + days);
  const adultBirth = (iso: string): string => {
    // Keep invented people between 17 and 75 years old.
    const day = Math.min(Math.max(dayOf(iso), todayDay - 75 * 365), todayDay - 17 * 366);
    return isoOfDay(day);
  };
  const otherBase = (list: readonly Base[] | undefined, self: Base, ok: (p: Base) => boolean): Base | null => {
    if (!list || list.length < 2) return null;
    for (let tries = 0; tries < 12; tries++) {
      const p = pick(list);
      if (p !== self && p.nik !== self.nik && ok(p)) return p;
    }
    return null;
  };
  const yearOf = (p: Base): number => Number(p.birthDate.slice(0, 4));

  const makeNegative = (kind: NegativeKind, base: Base): Base | null => {
    const parts = splitName(base.name);
    const region6 = base.nik.slice(0, 6);
    switch (kind) {
      case 'twin': {
        const sex: MatchSex = chance(0.6) ? base.sex : base.sex === 'L' ? 'P' : 'L';
        const name = relativeName(parts, sex, sex === base.sex && chance(0.2));
        const nik = newNik(region6, base.birthDate, sex, sex === base.sex ? Number(base.nik.slice(12)) + 1 : 1);
        return { nik, kk: base.kk, name, birthDate: base.birthDate, sex, village: base.village };
      }
      case 'sibling': {
        const sex: MatchSex = chance(0.6) ? base.sex : base.sex === 'L' ? 'P' : 'L';
        const gap = (chance(0.5) ? 1 : -1) * (456 + int(5 * 365));
        const birthDate = adultBirth(shiftDays(base.birthDate, gap));
        if (birthDate === base.birthDate) return null;
        const name = relativeName(parts, sex, sex === base.sex && chance(0.2));
        return { nik: newNik(region6, birthDate, sex), kk: base.kk, name, birthDate, sex, village: base.village };
      }
      case 'household':
        return otherBase(byKk.get(base.kk), base, () => true);
      case 'father_son': {
        // The registry holds the father, the row is the son (or the other way round), same name.
        const older = dayOf(base.birthDate) < todayDay - 40 * 365;
        const gap = (20 + int(16)) * 365 + int(365);
        const birthDate = older ? shiftDays(base.birthDate, gap) : shiftDays(base.birthDate, -gap);
        const plain = joinName({ ...parts, degree: '' });
        // Sons often carry 'Jr'; a daughter named after her mother does not.
        const name = older && base.sex === 'L' && chance(0.7) ? `${plain} ${pick(['Jr', 'Jr.', 'Junior'])}` : plain;
        return { nik: newNik(region6, birthDate, base.sex), kk: base.kk, name, birthDate, sex: base.sex, village: base.village };
      }
      case 'namesake_year':
      case 'namesake_date': {
        const sameDistrict = kind === 'namesake_year' && chance(0.3);
        const pool = sameDistrict
          ? (villagesByDistrict.get(base.village.slice(0, 8)) ?? []).filter((v) => v !== base.village)
          : kind === 'namesake_year'
            ? (villagesByRegency.get(base.village.slice(0, 5)) ?? []).filter((v) => v.slice(0, 8) !== base.village.slice(0, 8))
            : villages.filter((v) => v.regencyCode !== base.village.slice(0, 5)).map((v) => v.code);
        if (pool.length === 0) return null;
        const village = pick(pool);
        let birthDate = base.birthDate;
        if (kind === 'namesake_year') {
          const y = base.birthDate.slice(0, 4);
          for (let tries = 0; tries < 10 && birthDate === base.birthDate; tries++) birthDate = `${y}-${pad2(1 + int(12))}-${pad2(1 + int(28))}`;
          if (birthDate === base.birthDate) return null;
        }
        // Common names: often exactly the same, sometimes one given name more or less.
        const name = chance(0.8) ? joinName({ ...parts, degree: '' }) : relativeName(parts, base.sex, true);
        const nik = newNik(village.replace(/\./g, '').slice(0, 6), birthDate, base.sex);
        return { nik, kk: '', name, birthDate, sex: base.sex, village };
      }
      case 'same_clan':
        return otherBase(byClan.get(parts.clan), base, (p) => p.kk !== base.kk && p.sex === base.sex && Math.abs(yearOf(p) - yearOf(base)) <= 5);
      case 'neighbour':
        return (
          otherBase(byDistrict.get(base.village.slice(0, 8)), base, (p) => p.sex === base.sex && Math.abs(yearOf(p) - yearOf(base)) <= 3) ??
          otherBase(byRegency.get(base.village.slice(0, 5)), base, (p) => p.sex === base.sex && Math.abs(yearOf(p) - yearOf(base)) <= 3)
        );
    }
  };

  const negatives = total - duplicates;
  for (let made = 0, guard = 0; made < negatives && guard < negatives * 20; guard++) {
    const kind = drawKind();
    const base = nextBase();
    const other = makeNegative(kind, base);
    if (!other) continue;
    const a = toRecord(base);
    let b = toRecord(other);
    const log: string[] = [];
    if (chance(0.5)) b = damage(b, log, base.nik);
    push({ a, b, label: 'different', kind, damage: log });
    made++;
  }

  // Interleave duplicates and negatives deterministically.
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return { pairs: out, counts };
}
