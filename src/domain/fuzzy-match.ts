/**
 * Fuzzy person matching: are two person records the same human being although the NIK was
 * mistyped or mangled by Excel?
 *
 * Pure: no I/O, no clock, no randomness (a bounded memo of canonical word forms and scratch
 * buffers are internal and never change a result). Used by intake (a new row against the registry
 * and the other rows of the file) and by the duplicate review queue, which shows `evidence` side
 * by side.
 *
 * How it works (Fellegi–Sunter style): every signal — NIK closeness, name, birth date, sex, area —
 * adds a weight in log-odds: positive when it is more likely for one person, negative when it is
 * more likely for two people. The sum becomes `score` (0..1) on a logistic curve, and then:
 *   - 'same'      score ≥ SAME_SCORE, the names agree and no signal contradicts: one person;
 *   - 'likely'    score ≥ LIKELY_SCORE: a verifier decides in the review queue;
 *   - 'different' below that.
 * Precision matters more than recall for 'same' (a wrong merge hides a person), so a contradiction
 * (other sex, other birth date, a conflicting given name, Jr/Sr, an NIK that differs for a reason
 * of its own) never yields 'same' however strong the rest is.
 *
 * Namesakes are the other way to be wrong in a province of millions: the same common name and
 * birth date. Neighbours born the same day in one kecamatan (NIKs one serial apart) whose names
 * agree only in part, and the same name and birth date in different kecamatan without NIK
 * evidence, stay 'different' although their score reaches LIKELY_SCORE, unless one more thing
 * agrees: the village, or the KK or phone number (`needsKkOrPhone` tells a caller that did not
 * pass those that they would settle it).
 *
 * Differences that each record explains by itself are not typing slips. Serial numbers are nearly
 * always 0001 (few people share a kecamatan, birth date and sex), so two different people born on
 * neighbouring days, or in neighbouring kecamatan, often have NIKs only one or two digits apart;
 * when each NIK agrees with its own record's birth date or kecamatan, that closeness counts
 * against a match, not for it.
 *
 * `blockingKeys` gives the cheap keys the SQL side groups by to find candidate pairs; only pairs
 * sharing a key are scored. `scorePeople` is the fast path for bulk scoring (no messages);
 * `comparePeople` adds the evidence for the review queue. Prepare each record once with
 * `preparePerson` when it is compared many times.
 *
 * The weights and thresholds were tuned on a generated labelled set (features/intake/
 * dedup-testset.ts) with tuning seeds, and are checked on another seed in
 * test/unit/fuzzy-match.test.ts.
 *
 * Jaro–Winkler is implemented here (standard form: common prefix up to 4, scale 0.1) rather than
 * taken from @skyra/jaro-winkler: its 1.1.1 counts a common 4-letter prefix as 5, which inflates
 * the similarity of different names ('Marselina'/'Marselinus'), and it splits strings into arrays
 * on every call.
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import type { Message } from './messages.js';

export type MatchSex = 'L' | 'P';

/** A person as the matcher sees it: raw values from a file row or from the registry. */
export interface MatchPerson {
  /** As typed: 16 digits, possibly with spaces, a leading apostrophe, or Excel damage ('5.30101E+15'). */
  nik: string | null;
  name: string;
  /** YYYY-MM-DD */
  birthDate: string | null;
  sex: MatchSex | null;
  /** Kemendagri village code '53.01.02.2001'. */
  villageCode: string | null;
  /**
   * KK and phone number, when known. Household members share both, so agreement proves nothing
   * by itself (weight 0); it is the one more agreement namesakes need (see evaluate).
   */
  kk?: string | null;
  phone?: string | null;
}

export type MatchDecision = 'same' | 'likely' | 'different';

export type MatchRule =
  | 'nik_exact'
  | 'nik_excel_zeros'
  | 'nik_scientific'
  | 'nik_transposed'
  | 'nik_one_digit'
  | 'nik_same_region_date'
  | 'nik_two_digits'
  | 'nik_explained'
  | 'nik_different'
  | 'nik_missing'
  | 'name_exact'
  | 'name_typo'
  | 'name_subset'
  | 'name_similar'
  | 'name_conflict'
  | 'name_missing'
  | 'name_generation'
  | 'birth_date_equal'
  | 'birth_date_swapped'
  | 'birth_date_typo'
  | 'birth_date_nik'
  | 'birth_date_nik_differs'
  | 'birth_date_differs'
  | 'birth_date_missing'
  | 'sex_equal'
  | 'sex_differs'
  | 'sex_nik_differs'
  | 'area_same_village'
  | 'area_same_district'
  | 'area_same_regency'
  | 'area_other_regency'
  | 'kk_equal'
  | 'phone_equal';

export interface MatchEvidence {
  rule: MatchRule;
  /** Log-odds contribution: > 0 speaks for one person, < 0 for two. */
  weight: number;
  message: Message;
}

export interface MatchScore {
  /** 0..1: how sure we are that both records are the same person. */
  score: number;
  decision: MatchDecision;
  /**
   * Set (true) when the pair scored 'likely' but was held back as namesakes (neighbours one serial
   * apart, or the same name and date in different kecamatan) with nothing else in common: compared
   * again with both records' KK and phone number, a shared one makes it 'likely'. Callers that did
   * not pass them may fetch them for these few pairs.
   */
  needsKkOrPhone?: true;
}

export interface MatchResult extends MatchScore {
  /** Strongest signals first. */
  evidence: MatchEvidence[];
}

/** Score from which a pair goes to the review queue. */
export const LIKELY_SCORE = 0.5;
/** Score from which a pair is treated as the same person (when nothing contradicts it). */
export const SAME_SCORE = 0.97;

/** Log-odds weights per rule and variant. Exported read-only for screens and documentation. */
export const MATCH_WEIGHTS = {
  nik_exact: 9,
  nik_excel_zeros_1: 6,
  nik_excel_zeros_more: 3,
  nik_scientific_date: 4,
  nik_scientific_region: 2,
  nik_transposed: 5,
  nik_one_digit: 4,
  nik_same_region_date: 1.5,
  nik_two_digits: 2,
  nik_explained_date: -3,
  nik_explained_region: -2,
  nik_different: -4,
  name_exact: 4.5,
  name_typo: 3,
  name_subset: 2.5,
  name_subset_single: -0.5,
  name_similar: -2,
  name_conflict: -7,
  name_generation: -5,
  birth_date_equal: 3,
  birth_date_swapped: 2,
  birth_date_typo: 0.5,
  birth_date_nik: 2,
  birth_date_nik_other: 1.5,
  birth_date_nik_differs: -1.5,
  birth_date_differs_near: -4,
  birth_date_differs: -7,
  sex_equal: 0.3,
  sex_differs: -8,
  sex_nik_differs: -2,
  area_same_village: 1,
  area_same_district: 0.5,
  area_same_regency: 0,
  area_other_regency: -1,
  /** Household members share a KK and often a phone: agreement only unlocks namesakes (see evaluate). */
  kk_equal: 0,
  phone_equal: 0,
  /** Sum of weights at which the score is 0.5 (the review threshold). */
  offset: 5.5,
  /** Logistic slope. */
  slope: 0.8,
} as const;

const W = MATCH_WEIGHTS;

// -------------------------------------------------------------------------------------------------
// Jaro–Winkler (standard), on UTF-16 code units; names are ASCII once normalised.

let scratchA = new Uint8Array(64);
let scratchB = new Uint8Array(64);

export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length ? 1 : 0;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > scratchA.length || lb > scratchB.length) {
    scratchA = new Uint8Array(Math.max(la, lb) * 2);
    scratchB = new Uint8Array(Math.max(la, lb) * 2);
  }
  const ma = scratchA;
  const mb = scratchB;
  ma.fill(0, 0, la);
  mb.fill(0, 0, lb);
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (mb[j] || b.charCodeAt(j) !== c) continue;
      ma[i] = 1;
      mb[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let half = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (!ma[i]) continue;
    while (!mb[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) half++;
    j++;
  }
  const jaro = (matches / la + matches / lb + (matches - (half >> 1)) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

// -------------------------------------------------------------------------------------------------
// Names

/** Academic degrees written after a comma ("Yohanes Tefa, S.Pd"), compared without dots and spaces. */
const DEGREES: ReadonlySet<string> = new Set([
  'spd', 'spdsd', 'spdk', 'spdi', 'sh', 'se', 'skom', 'ssos', 'sag', 'skep', 'sst', 'st', 'sip', 'sfarm', 'sked',
  'skm', 'str', 'sth', 'spt', 'ssi', 'sikom', 'sak', 'sgz', 'stp', 'spsi', 'shut', 'amd', 'ama', 'amapd',
  'amdkep', 'amdkeb', 'mpd', 'msi', 'mm', 'mh', 'mth', 'mkes', 'dr', 'drs', 'dra', 'ir', 'bsc', 'ba', 'ners', 'ns',
]);
/** Degrees also recognised without a comma, as the last word ("Yohanes Tefa SPd"). */
const TRAILING_DEGREES: ReadonlySet<string> = new Set(['spd', 'spdsd', 'skm', 'amd', 'mpd', 'skom', 'ssos', 'sag', 'skep']);
/** Honorifics in front of a name (Bapak Yohanes, Ibu Maria, Sdr. …, H. for haji). */
const HONORIFICS: ReadonlySet<string> = new Set(['bapak', 'bpk', 'pak', 'ibu', 'sdr', 'sdri', 'tn', 'ny', 'nn', 'hj', 'h', 'drs', 'dra', 'dr', 'ir', 'alm', 'almh']);
/** Abbreviated given names. */
const ABBREVIATIONS: Readonly<Record<string, string>> = { moh: 'muhammad', muh: 'muhammad', mhd: 'muhammad', moch: 'muhammad', abd: 'abdul' };
/** Generation markers: 'Yohanes Tefa Jr' is the son of 'Yohanes Tefa'. */
const GENERATION: Readonly<Record<string, string>> = { jr: 'jr', junior: 'jr', sr: 'sr', senior: 'sr', ii: 'ii', iii: 'iii', iv: 'iv' };
/** Particles of Portuguese and Dutch family names, joined to the next word: 'da Costa' = 'Dacosta'. */
const PARTICLES: ReadonlySet<string> = new Set(['da', 'de', 'do', 'dos', 'das', 'del', 'van', 'von', 'der', 'den']);
/**
 * Sumba noble titles. They are part of the name as written on the KTP (Umbu Ndapa Hina), so they
 * are kept and compared, but a title written on one side only says nothing either way.
 */
const TITLES: ReadonlySet<string> = new Set(['umbu', 'rambu']);

interface NameWords {
  words: string[];
  generation: string | null;
}

function isDegree(part: string): boolean {
  const words = part.split(/\s+/).filter(Boolean);
  return words.every((w) => {
    const k = w.replace(/[^a-z]/g, '');
    return k === '' || DEGREES.has(k);
  });
}

function nameWords(raw: string): NameWords {
  let s = (/^[ -~]*$/.test(raw) ? raw : raw.normalize('NFKD').replace(/\p{M}/gu, '')).toLowerCase();
  // Parts after a comma are degrees ("…, S.Pd") unless they read as a name ("Tefa, Yohanes").
  if (s.includes(',')) s = s.split(',').filter((p, i) => i === 0 || !isDegree(p)).join(' ');
  s = s.replace(/['’`´]/g, '').replace(/[^a-z]+/g, ' ').trim();
  const tokens = s === '' ? [] : s.split(' ');
  const words: string[] = [];
  let generation: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const gen = GENERATION[t];
    if (gen !== undefined && i > 0) {
      generation = gen;
      continue;
    }
    if (i === 0 && tokens.length > 1 && HONORIFICS.has(t)) continue;
    if (i > 0 && i === tokens.length - 1 && tokens.length > 2 && TRAILING_DEGREES.has(t)) continue;
    words.push(ABBREVIATIONS[t] ?? t);
  }
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (next !== undefined && PARTICLES.has(w)) {
      joined.push(w + next);
      i++;
    } else {
      joined.push(w);
    }
  }
  return { words: joined, generation };
}

/** Lower case, no diacritics, no degrees or honorifics, punctuation to spaces, single spaces. */
export function normaliseName(name: string): string {
  return nameWords(name).words.join(' ');
}

const canonicalCache = new Map<string, string>();

/**
 * A spelling-insensitive form of one (normalised) word: old and new spelling (dj→j, tj→c, oe→u),
 * Dutch and Latin spellings (ch, ph, th, c, x, q, z, v), double letters, a final h after a vowel.
 * 'Christina' and 'Kristina', 'Fransiscus' and 'Fransiskus', 'Djami' and 'Jami' get one form.
 */
export function canonicalWord(word: string): string {
  const cached = canonicalCache.get(word);
  if (cached !== undefined) return cached;
  let w = word;
  w = w.replace(/dj/g, 'j').replace(/tj/g, 'c').replace(/sj/g, 'sy').replace(/oe/g, 'u');
  w = w.replace(/ch/g, 'k').replace(/ph/g, 'f').replace(/th/g, 't').replace(/kh/g, 'k').replace(/gh/g, 'g');
  w = w.replace(/ck/g, 'k').replace(/c(?=[eiy])/g, 's').replace(/c/g, 'k').replace(/q/g, 'k').replace(/x/g, 'ks');
  w = w.replace(/z/g, 's').replace(/v/g, 'f').replace(/sy/g, 's').replace(/^j(?=[aeiou])/, 'y');
  w = w.replace(/([a-z])\1+/g, '$1');
  if (w.length > 3) w = w.replace(/([aeiou])h$/, '$1');
  if (canonicalCache.size >= 50_000) canonicalCache.clear();
  canonicalCache.set(word, w);
  return w;
}

interface PreparedName {
  /** Canonical words, in written order. */
  words: string[];
  /** The same words before canonicalisation (a typo can defeat a spelling rule: 'Nope'/'Npoe'). */
  raw: string[];
  /** Same length as words: true for a Sumba title. */
  title: boolean[];
  /** Canonical words joined without spaces (spacing slips: 'Maria Goreti' / 'MariaGoreti'). */
  joined: string;
  generation: string | null;
  /** The name as written (spaces tidied), for messages. */
  display: string;
}

function prepareName(name: string): PreparedName {
  const all = nameWords(name);
  // Bit sets of word positions are used when pairing words: 15 words is more than any name has.
  const words = all.words.length > 15 ? all.words.slice(0, 15) : all.words;
  const generation = all.generation;
  const canon = words.map(canonicalWord);
  return {
    words: canon,
    raw: words,
    title: canon.map((w) => TITLES.has(w)),
    joined: canon.join(''),
    generation,
    display: name.trim().replace(/\s+/g, ' '),
  };
}

/** Below this two words are not paired at all. */
const PAIR_FLOOR = 0.72;
/** Between PAIR_FLOOR and this, paired words are different names (Petrus / Paulus). */
const SIMILAR_SIM = 0.8;
/** From this similarity two paired words are one word with a typo or another spelling. */
const TYPO_SIM = 0.88;

/** Similarity of two words, from their canonical (ca, cb) and raw (ra, rb) forms. */
function wordSimilarity(ca: string, cb: string, ra: string, rb: string): number {
  if (ca === cb) return 1;
  // An initial stands for the whole word: 'Maria G. Nenobais'.
  if (ra.length === 1 || rb.length === 1) return ra.charCodeAt(0) === rb.charCodeAt(0) ? 0.9 : 0;
  let sim = jaroWinkler(ca, cb);
  if (sim >= TYPO_SIM) return sim;
  if (ra !== ca || rb !== cb) sim = Math.max(sim, jaroWinkler(ra, rb));
  if (sim >= TYPO_SIM || sim < 0.6) return sim;
  // One slip in a short word costs Jaro–Winkler a lot ('Dopo'/'Dpo', 'Kana'/'Kena').
  if (Math.min(ra.length, rb.length) >= 3 && (levenshtein(ra, rb) === 1 || levenshtein(ca, cb) === 1)) return TYPO_SIM;
  return sim;
}

type NameKind = 'exact' | 'typo' | 'subset' | 'subset_single' | 'similar' | 'conflict' | 'empty';

interface NameComparison {
  kind: NameKind;
  /** Bit sets of the word positions paired with a word of the other name. */
  usedA: number;
  usedB: number;
  /** Positions of the matched pair of words that differ most, or -1. */
  worstA: number;
  worstB: number;
  generationDiffers: boolean;
}

// Scratch space for pairing words (names have at most 15 words; see prepareName).
const pairSim = new Float64Array(256);
const pairIdx = new Int32Array(256);

function compareNames(a: PreparedName, b: PreparedName): NameComparison {
  const generationDiffers = a.generation !== b.generation;
  const na = a.words.length;
  const nb = b.words.length;
  if (na === 0 || nb === 0) return { kind: 'empty', usedA: 0, usedB: 0, worstA: -1, worstB: -1, generationDiffers };
  const everyA = (1 << na) - 1;
  const everyB = (1 << nb) - 1;
  if (a.joined === b.joined) return { kind: 'exact', usedA: everyA, usedB: everyB, worstA: -1, worstB: -1, generationDiffers };

  // Greedy pairing on word similarity: repeatedly take the most similar pair of free words.
  let count = 0;
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      const sim = wordSimilarity(a.words[i]!, b.words[j]!, a.raw[i]!, b.raw[j]!);
      if (sim >= PAIR_FLOOR) {
        pairSim[count] = sim;
        pairIdx[count] = i * 16 + j;
        count++;
      }
    }
  }
  let usedA = 0;
  let usedB = 0;
  let minSim = 1;
  let matched = 0;
  let worstA = -1;
  let worstB = -1;
  for (;;) {
    let best = -1;
    for (let k = 0; k < count; k++) {
      const i = pairIdx[k]! >> 4;
      const j = pairIdx[k]! & 15;
      if (usedA & (1 << i) || usedB & (1 << j)) continue;
      if (best < 0 || pairSim[k]! > pairSim[best]!) best = k;
    }
    if (best < 0) break;
    const i = pairIdx[best]! >> 4;
    const j = pairIdx[best]! & 15;
    usedA |= 1 << i;
    usedB |= 1 << j;
    if (a.title[i] && b.title[j]) continue;
    matched++;
    if (pairSim[best]! < minSim) {
      minSim = pairSim[best]!;
      worstA = i;
      worstB = j;
    }
  }
  let extraA = 0;
  let extraB = 0;
  for (let i = 0; i < na; i++) if (!(usedA & (1 << i)) && !a.title[i]) extraA++;
  for (let j = 0; j < nb; j++) if (!(usedB & (1 << j)) && !b.title[j]) extraB++;
  const extras = extraA + extraB;

  let kind: NameKind;
  if (matched === 0 || (extraA > 0 && extraB > 0) || minSim < SIMILAR_SIM) kind = 'conflict';
  else if (minSim < TYPO_SIM) kind = extras > 0 ? 'conflict' : 'similar';
  else if (extras === 0) kind = minSim === 1 ? 'exact' : 'typo';
  else kind = matched >= 2 ? 'subset' : 'subset_single';
  // The whole name read as one string: a spacing slip ('Maria Goreti' / 'Mariagoreti') or one
  // slip of two letters in a long name is still the same name.
  if (
    kind !== 'exact' && kind !== 'typo' &&
    Math.abs(a.joined.length - b.joined.length) <= 1 && jaroWinkler(a.joined, b.joined) >= 0.97
  ) {
    kind = 'typo';
    usedA = everyA;
    usedB = everyB;
  }
  return { kind, usedA, usedB, worstA, worstB, generationDiffers };
}

/** Words of a name (not titles) left without a counterpart in the other name. */
function unpaired(name: PreparedName, used: number): string[] {
  return name.raw.filter((_, i) => !(used & (1 << i)) && !name.title[i]);
}

// -------------------------------------------------------------------------------------------------
// NIK

type NikRead =
  | { kind: 'digits'; digits: string }
  | { kind: 'scientific'; mantissa: string; length: number; text: string }
  | { kind: 'none' };

const SCIENTIFIC = /^(\d)(?:[.,](\d+))?\s*[eE]\s*\+?\s*(\d{1,2})$/;
const NO_NIK: NikRead = { kind: 'none' };

function readNik(raw: string | null): NikRead {
  if (raw === null) return NO_NIK;
  const s = raw.trim().replace(/^['‘’`]+/, '').trim();
  if (s === '') return NO_NIK;
  const sci = SCIENTIFIC.exec(s);
  if (sci) {
    const mantissa = (sci[1]! + (sci[2] ?? '')).replace(/0+$/, '') || '0';
    return { kind: 'scientific', mantissa, length: Number(sci[3]) + 1, text: s };
  }
  const compact = s.replace(/[\s.\-_]/g, '');
  if (/^\d{12,18}$/.test(compact)) return { kind: 'digits', digits: compact };
  return NO_NIK;
}

/** DDMMYY of the NIK without the +40, and the sex it encodes; null when the date part cannot be a date. */
function nikDatePart(digits: string): { ddmmyy: string; sex: MatchSex } | null {
  if (digits.length !== 16) return null;
  const raw = Number(digits.slice(6, 8));
  const month = Number(digits.slice(8, 10));
  const female = raw > 40;
  const day = female ? raw - 40 : raw;
  if (day < 1 || day > 31 || month < 1 || month > 12) return null;
  return { ddmmyy: pad2(day) + digits.slice(8, 12), sex: female ? 'P' : 'L' };
}

/** The scientific form equals the NIK rounded or cut to the mantissa's digits. */
function scientificMatches(sci: { mantissa: string; length: number }, digits: string): boolean {
  if (sci.length !== digits.length || sci.mantissa.length >= digits.length) return false;
  if (digits.startsWith(sci.mantissa)) return true;
  // Rounded instead of cut: the kept digits plus one when the first lost digit is 5 or more.
  const k = sci.mantissa.length;
  return digits.charCodeAt(k) >= 53 && Number(digits.slice(0, k)) + 1 === Number(sci.mantissa);
}

/** Position of the first of two swapped neighbouring characters, or -1. */
function transposedAt(a: string, b: string): number {
  if (a.length !== b.length) return -1;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (first >= 0) {
      if (i !== first + 1 || a[i] !== b[first] || a[first] !== b[i]) return -1;
      for (let k = i + 1; k < a.length; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return -1;
      return first;
    }
    first = i;
  }
  return -1;
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return i;
  return n;
}

function allZeros(s: string, from: number): boolean {
  if (from >= s.length) return false;
  for (let i = from; i < s.length; i++) if (s.charCodeAt(i) !== 48) return false;
  return true;
}

// -------------------------------------------------------------------------------------------------
// Prepared records

interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** A person with everything the matcher needs computed once (reuse it across many comparisons). */
export interface PreparedPerson {
  readonly prepared: true;
  readonly source: MatchPerson;
  readonly nik: NikRead;
  readonly nikDate: { ddmmyy: string; sex: MatchSex } | null;
  readonly name: PreparedName;
  readonly birth: Ymd | null;
  /** DDMMYY of the stated birth date (no +40), or null. */
  readonly birthDdmmyy: string | null;
  readonly sex: MatchSex | null;
  readonly village: string | null;
  /** Kecamatan ('53.01.02') and regency ('53.01') of the village, or null. */
  readonly district: string | null;
  readonly regency: string | null;
  /** Kecamatan of the village as 6 digits ('530102'), to compare with an NIK's area part. */
  readonly district6: string | null;
  /** KK as 16 digits, phone as digits from the leading 0 (+62 read as 0); null when unknown or unusable. */
  readonly kk: string | null;
  readonly phone: string | null;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

function kkDigits(s: string | null | undefined): string | null {
  const d = s?.replace(/\D/g, '') ?? '';
  return d.length === 16 ? d : null;
}

function phoneDigits(s: string | null | undefined): string | null {
  let d = s?.replace(/\D/g, '') ?? '';
  if (d.startsWith('62')) d = `0${d.slice(2)}`;
  return d.length >= 9 ? d : null;
}

function parseDate(s: string | null): Ymd | null {
  if (!s) return null;
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (!m) return null;
  const ymd = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  if (ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > 31) return null;
  return ymd;
}

export function preparePerson(p: MatchPerson | PreparedPerson): PreparedPerson {
  if ('prepared' in p) return p;
  const nik = readNik(p.nik);
  const village = p.villageCode?.trim() || null;
  const coded = village !== null && /^\d{2}\.\d{2}\.\d{2}/.test(village);
  const birth = parseDate(p.birthDate);
  const nikDate = nik.kind === 'digits' ? nikDatePart(nik.digits) : null;
  const sex = p.sex === 'L' || p.sex === 'P' ? p.sex : null;
  return {
    prepared: true,
    source: p,
    nik,
    nikDate,
    name: prepareName(p.name),
    birth,
    birthDdmmyy: birth ? pad2(birth.d) + pad2(birth.m) + pad2(birth.y % 100) : null,
    sex,
    village,
    district: coded ? village.slice(0, 8) : null,
    regency: coded ? village.slice(0, 5) : null,
    district6: coded ? village.slice(0, 2) + village.slice(3, 5) + village.slice(6, 8) : null,
    kk: kkDigits(p.kk),
    phone: phoneDigits(p.phone),
  };
}

// -------------------------------------------------------------------------------------------------
// Signals. Each comparison returns a finding (rule, weight and what the message needs); messages
// are only written when evidence is asked for.

interface Finding {
  rule: MatchRule;
  weight: number;
  /** A position or count the message mentions. */
  n: number;
  /** A variant of the rule for the message. */
  v: number;
}

const finding = (rule: MatchRule, weight: number, n = 0, v = 0): Finding => ({ rule, weight, n, v });

function compareNik(pa: PreparedPerson, pb: PreparedPerson): Finding {
  const a = pa.nik;
  const b = pb.nik;
  if (a.kind === 'none' || b.kind === 'none') return finding('nik_missing', 0);
  if (a.kind === 'scientific' || b.kind === 'scientific') {
    const sci = a.kind === 'scientific' ? a : (b as Extract<NikRead, { kind: 'scientific' }>);
    const other = a.kind === 'scientific' ? b : a;
    const matches =
      other.kind === 'digits'
        ? scientificMatches(sci, other.digits)
        : other.kind === 'scientific' && other.mantissa === sci.mantissa && other.length === sci.length;
    if (!matches) return finding('nik_missing', 0, sci.mantissa.length, 1);
    const dateKept = sci.mantissa.length >= 12;
    return finding('nik_scientific', dateKept ? W.nik_scientific_date : W.nik_scientific_region, sci.mantissa.length);
  }
  const x = a.digits;
  const y = b.digits;
  if (x === y) return finding('nik_exact', W.nik_exact);
  if (x.length === 16 && y.length === 16) {
    const p = firstDifference(x, y);
    // Excel keeps 15 significant digits: the last digit(s) of a 16-digit NIK become 0.
    if (p >= 12 && (allZeros(x, p) || allZeros(y, p))) {
      const n = 16 - p;
      return finding('nik_excel_zeros', n === 1 ? W.nik_excel_zeros_1 : W.nik_excel_zeros_more, n);
    }
    // A difference each record explains by itself is real, not a typing slip: each NIK carries its
    // own record's birth date (and sex, when recorded), and the records differ in date or sex.
    if (
      pa.nikDate !== null && pb.nikDate !== null && pa.birthDdmmyy !== null && pb.birthDdmmyy !== null &&
      pa.nikDate.ddmmyy === pa.birthDdmmyy && pb.nikDate.ddmmyy === pb.birthDdmmyy &&
      (pa.sex === null || pa.sex === pa.nikDate.sex) && (pb.sex === null || pb.sex === pb.nikDate.sex) &&
      (pa.birthDdmmyy !== pb.birthDdmmyy || (pa.sex !== null && pb.sex !== null && pa.sex !== pb.sex))
    ) {
      return finding('nik_explained', W.nik_explained_date, 0, 0);
    }
    if (
      pa.district6 !== null && pb.district6 !== null && pa.district6 !== pb.district6 &&
      x.startsWith(pa.district6) && y.startsWith(pb.district6)
    ) {
      return finding('nik_explained', W.nik_explained_region, 0, 1);
    }
  }
  const swap = transposedAt(x, y);
  if (swap >= 0) return finding('nik_transposed', W.nik_transposed, swap);
  const d = levenshtein(x, y);
  if (d === 1) return finding('nik_one_digit', W.nik_one_digit, firstDifference(x, y), x.length === y.length ? 0 : 1);
  if (x.length === 16 && y.length === 16 && firstDifference(x, y) >= 12) return finding('nik_same_region_date', W.nik_same_region_date);
  // v = 1: both digits in the area code, the kind of difference two people born the same day in
  // different kecamatan have.
  if (d === 2) return finding('nik_two_digits', W.nik_two_digits, 0, x.length === 16 && y.length === 16 && x.slice(6) === y.slice(6) ? 1 : 0);
  return finding('nik_different', W.nik_different, d);
}

function hamming(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) n++;
  return n;
}

function daysApart(a: Ymd, b: Ymd): number {
  return Math.abs(Date.UTC(a.y, a.m - 1, a.d) - Date.UTC(b.y, b.m - 1, b.d)) / 86_400_000;
}

function compareDates(a: PreparedPerson, b: PreparedPerson): Finding {
  const da = a.birth;
  const db = b.birth;
  if (da && db) {
    if (da.y === db.y && da.m === db.m && da.d === db.d) return finding('birth_date_equal', W.birth_date_equal);
    if (da.y === db.y && da.m === db.d && da.d === db.m) return finding('birth_date_swapped', W.birth_date_swapped);
    // One record's NIK carries the other record's stated date: the stated date is the slip.
    if (a.nikDate?.ddmmyy === b.birthDdmmyy || b.nikDate?.ddmmyy === a.birthDdmmyy) {
      return finding('birth_date_nik', W.birth_date_nik_other, 0, 1);
    }
    // A slip (one digit, a day or a year off) unless each NIK confirms its own record's date.
    const confirmed = a.nikDate?.ddmmyy === a.birthDdmmyy && b.nikDate?.ddmmyy === b.birthDdmmyy;
    const ia = `${da.y}${pad2(da.m)}${pad2(da.d)}`;
    const ib = `${db.y}${pad2(db.m)}${pad2(db.d)}`;
    const days = daysApart(da, db);
    const slip =
      hamming(ia, ib) === 1 || transposedAt(ia, ib) >= 0 || days === 1 || (da.m === db.m && da.d === db.d && Math.abs(da.y - db.y) === 1);
    if (slip && !confirmed) return finding('birth_date_typo', W.birth_date_typo);
    return finding('birth_date_differs', days < 366 ? W.birth_date_differs_near : W.birth_date_differs, days);
  }
  // One stated date missing: the date in the other record's NIK can stand in.
  const stated = da ? a : db ? b : null;
  const other = da ? b : a;
  if (stated && other.nikDate) {
    const want = stated.birthDdmmyy!;
    if (other.nikDate.ddmmyy === want) return finding('birth_date_nik', W.birth_date_nik, 0, 0);
    // One digit off: the NIK itself is probably mistyped (the NIK rule already counts that).
    if (hamming(other.nikDate.ddmmyy, want) === 1) return finding('birth_date_missing', 0, 0, 1);
    return finding('birth_date_nik_differs', W.birth_date_nik_differs);
  }
  if (!stated && a.nikDate && b.nikDate && a.nikDate.ddmmyy === b.nikDate.ddmmyy) return finding('birth_date_nik', W.birth_date_nik, 0, 2);
  return finding('birth_date_missing', 0);
}

function compareSex(a: PreparedPerson, b: PreparedPerson): Finding | null {
  const sa = a.sex ?? a.nikDate?.sex ?? null;
  const sb = b.sex ?? b.nikDate?.sex ?? null;
  if (!sa || !sb) return null;
  if (sa === sb) return finding('sex_equal', W.sex_equal);
  // The sex read from a (possibly mistyped) NIK is only a hint.
  if (!a.sex || !b.sex) return finding('sex_nik_differs', W.sex_nik_differs);
  return finding('sex_differs', W.sex_differs);
}

function compareArea(a: PreparedPerson, b: PreparedPerson): Finding | null {
  if (!a.village || !b.village) return null;
  if (a.village === b.village) return finding('area_same_village', W.area_same_village);
  if (a.district !== null && a.district === b.district) return finding('area_same_district', W.area_same_district);
  if (a.regency !== null && a.regency === b.regency) return finding('area_same_regency', W.area_same_regency);
  return finding('area_other_regency', W.area_other_regency);
}

function nameFindings(c: NameComparison, out: Finding[]): void {
  switch (c.kind) {
    case 'empty':
      out.push(finding('name_missing', 0));
      break;
    case 'exact':
      out.push(finding('name_exact', W.name_exact));
      break;
    case 'typo':
      out.push(finding('name_typo', W.name_typo));
      break;
    case 'subset':
      out.push(finding('name_subset', W.name_subset));
      break;
    case 'subset_single':
      out.push(finding('name_subset', W.name_subset_single, 0, 1));
      break;
    case 'similar':
      out.push(finding('name_similar', W.name_similar));
      break;
    case 'conflict':
      out.push(finding('name_conflict', W.name_conflict));
      break;
  }
  if (c.generationDiffers) out.push(finding('name_generation', W.name_generation));
}

/** Rules that rule out 'same' however strong the rest is. */
const CONTRADICTIONS: ReadonlySet<MatchRule> = new Set([
  'name_conflict', 'name_similar', 'name_generation', 'sex_differs', 'sex_nik_differs', 'birth_date_differs',
  'birth_date_nik_differs', 'nik_explained', 'nik_different', 'area_other_regency',
]);

interface Evaluation extends MatchScore {
  a: PreparedPerson;
  b: PreparedPerson;
  names: NameComparison;
  findings: Finding[];
}

function evaluate(x: MatchPerson | PreparedPerson, y: MatchPerson | PreparedPerson): Evaluation {
  const a = preparePerson(x);
  const b = preparePerson(y);
  const findings: Finding[] = [compareNik(a, b)];
  const names = compareNames(a.name, b.name);
  nameFindings(names, findings);
  findings.push(compareDates(a, b));
  const sex = compareSex(a, b);
  if (sex) findings.push(sex);
  const area = compareArea(a, b);
  if (area) findings.push(area);
  if (a.kk !== null && a.kk === b.kk) findings.push(finding('kk_equal', W.kk_equal));
  if (a.phone !== null && a.phone === b.phone) findings.push(finding('phone_equal', W.phone_equal));

  let total = 0;
  let contradicted = false;
  for (const f of findings) {
    total += f.weight;
    if (f.weight < 0 && CONTRADICTIONS.has(f.rule)) contradicted = true;
  }
  const score = 1 / (1 + Math.exp(-(total - W.offset) * W.slope));
  // 'same' needs the names to agree word for word; a left-out word is enough only with the same NIK
  // (twins' NIKs differ only in the serial, and twins may share a first baptismal name), and
  // A typo-level name needs an NIK that differs elsewhere than in the serial (twins: Maria/Martha).
  const nik = findings[0]!;
  const serialOnly = (nik.rule === 'nik_one_digit' && nik.n >= 12) || nik.rule === 'nik_same_region_date';
  const namesAgree =
    names.kind === 'exact' ||
    (names.kind === 'typo' && !serialOnly) ||
    (names.kind === 'subset' && nik.rule === 'nik_exact');
  let decision: MatchDecision =
    score >= SAME_SCORE && namesAgree && !contradicted ? 'same' : score >= LIKELY_SCORE ? 'likely' : 'different';
  let needsKkOrPhone = false;
  if (decision !== 'different') {
    const fullNames = names.kind === 'exact' || names.kind === 'typo';
    const sameVillage = a.village !== null && a.village === b.village;
    const shared = (a.kk !== null && a.kk === b.kk) || (a.phone !== null && a.phone === b.phone);
    const dateEqual = findings.some((f) => f.rule === 'birth_date_equal');
    // Born the same day in the same kecamatan, NIKs one serial apart: that is what siblings, twins
    // and neighbours look like (serials are handed out in turn). With a name that agrees only in
    // part, one more agreement is needed: the same village, KK or phone number.
    const neighbours = serialOnly && dateEqual && a.district !== null && a.district === b.district;
    // Namesakes in different kecamatan: each NIK agrees with its own kecamatan, or (with a name
    // that agrees only in part) the NIKs are too far apart to be one slip. The same KK or phone
    // number is needed (the village cannot agree).
    const otherDistrict = a.district !== null && b.district !== null && a.district !== b.district;
    const namesakes =
      nik.rule === 'nik_explained' ||
      (otherDistrict && ((!fullNames && nik.weight < W.nik_one_digit) || (nik.rule === 'nik_two_digits' && nik.v === 1)));
    if (((neighbours && !fullNames && !sameVillage) || namesakes) && !shared) {
      decision = 'different';
      needsKkOrPhone = true;
    }
  }
  return {
    a, b, names, findings, score: Math.round(score * 10_000) / 10_000, decision,
    ...(needsKkOrPhone ? { needsKkOrPhone: true as const } : {}),
  };
}

/** Score and decision only: the fast path for scoring many candidate pairs. Symmetric. */
export function scorePeople(a: MatchPerson | PreparedPerson, b: MatchPerson | PreparedPerson): MatchScore {
  const e = evaluate(a, b);
  return { score: e.score, decision: e.decision, ...(e.needsKkOrPhone ? { needsKkOrPhone: true as const } : {}) };
}

/** Score, decision and the evidence (Indonesian and English) for the review queue. Symmetric. */
export function comparePeople(a: MatchPerson | PreparedPerson, b: MatchPerson | PreparedPerson): MatchResult {
  const e = evaluate(a, b);
  const evidence = e.findings.map((f) => ({ rule: f.rule, weight: f.weight, message: messageFor(f, e) }));
  evidence.sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight));
  return { score: e.score, decision: e.decision, ...(e.needsKkOrPhone ? { needsKkOrPhone: true as const } : {}), evidence };
}

// -------------------------------------------------------------------------------------------------
// Messages

function nikPart(position: number): Message {
  if (position < 6) return { id: 'kode wilayah', en: 'area code' };
  if (position < 12) return { id: 'tanggal lahir', en: 'birth date' };
  return { id: 'nomor urut', en: 'serial number' };
}

const isoOf = (d: Ymd): string => `${d.y}-${pad2(d.m)}-${pad2(d.d)}`;
const sexWord = (s: MatchSex): Message => (s === 'L' ? { id: 'laki-laki', en: 'male' } : { id: 'perempuan', en: 'female' });

function messageFor(f: Finding, e: Evaluation): Message {
  const { a, b, names } = e;
  const sciText = a.nik.kind === 'scientific' ? a.nik.text : b.nik.kind === 'scientific' ? b.nik.text : '';
  const A = a.name.display;
  const B = b.name.display;
  switch (f.rule) {
    case 'nik_missing':
      return f.v === 1
        ? {
            id: `NIK tersimpan oleh Excel sebagai bilangan (${sciText}) sehingga angka-angkanya hilang; ${f.n} angka yang tersisa tidak cocok dengan NIK lainnya.`,
            en: `The NIK was stored by Excel as a number (${sciText}) and lost its digits; the ${f.n} digits left do not agree with the other NIK.`,
          }
        : {
            id: 'NIK kosong atau tidak terbaca pada salah satu data, sehingga tidak dapat dibandingkan.',
            en: 'The NIK is empty or unreadable in one of the records, so it cannot be compared.',
          };
    case 'nik_scientific':
      return {
        id: `NIK tersimpan oleh Excel sebagai bilangan (${sciText}); ${f.n} angka pertama yang tersisa cocok dengan NIK lainnya.`,
        en: `The NIK was stored by Excel as a number (${sciText}); the ${f.n} leading digits left agree with the other NIK.`,
      };
    case 'nik_exact':
      return { id: 'NIK sama persis.', en: 'The NIKs are identical.' };
    case 'nik_excel_zeros':
      return {
        id: `NIK sama kecuali ${f.n} angka terakhir yang menjadi 0 — ciri NIK yang pernah tersimpan sebagai bilangan di Excel (Excel hanya menyimpan 15 angka).`,
        en: `The NIKs agree except for the last ${f.n} digit(s), which became 0 — the mark of an NIK once stored as a number in Excel (Excel keeps only 15 digits).`,
      };
    case 'nik_explained': {
      const what: Message = f.v === 0 ? { id: 'tanggal lahir', en: 'birth date' } : { id: 'kecamatan', en: 'kecamatan' };
      return {
        id: `NIK berbeda, dan masing-masing NIK sesuai dengan ${what.id} pada datanya sendiri: perbedaannya nyata, bukan salah ketik.`,
        en: `The NIKs differ, and each agrees with the ${what.en} of its own record: the difference is real, not a typing slip.`,
      };
    }
    case 'nik_transposed': {
      const part = nikPart(f.n);
      return {
        id: `NIK sama kecuali dua angka bersebelahan yang tertukar (angka ke-${f.n + 1} dan ke-${f.n + 2}, bagian ${part.id}) — salah ketik yang umum.`,
        en: `The NIKs agree except for two neighbouring digits that are swapped (digits ${f.n + 1} and ${f.n + 2}, in the ${part.en}) — a common typing slip.`,
      };
    }
    case 'nik_one_digit': {
      const part = nikPart(f.n);
      const what =
        f.v === 0
          ? { id: `satu angka berbeda (angka ke-${f.n + 1}, bagian ${part.id})`, en: `one digit differs (digit ${f.n + 1}, in the ${part.en})` }
          : { id: 'satu angka hilang atau berlebih', en: 'one digit is missing or extra' };
      return {
        id: `NIK hampir sama: ${what.id} — kemungkinan salah ketik, tetapi NIK saudara kembar juga hanya berbeda pada nomor urut.`,
        en: `The NIKs are nearly the same: ${what.en} — probably a typing slip, but twins' NIKs also differ only in the serial number.`,
      };
    }
    case 'nik_same_region_date':
      return {
        id: 'NIK memiliki kode wilayah dan tanggal lahir yang sama, tetapi nomor urut berbeda (bisa nomor urut yang salah, atau orang lain yang lahir di hari yang sama di kecamatan yang sama).',
        en: 'The NIKs share the area code and birth date but have different serial numbers (a wrong serial, or someone else born the same day in the same kecamatan).',
      };
    case 'nik_two_digits':
      return { id: 'NIK berbeda pada dua angka — bisa salah ketik ganda.', en: 'The NIKs differ in two digits — possibly two typing slips.' };
    case 'nik_different':
      return { id: `NIK berbeda pada ${f.n} angka: bukan salah ketik biasa.`, en: `The NIKs differ in ${f.n} digits: not an ordinary typing slip.` };
    case 'name_missing':
      return { id: 'Nama kosong pada salah satu data.', en: 'The name is empty in one of the records.' };
    case 'name_exact':
      return {
        id: `Nama sama ("${A}"${A === B ? '' : ` dan "${B}"`}; huruf besar/kecil, spasi, gelar dan ejaan lama/baru diabaikan).`,
        en: `Same name ("${A}"${A === B ? '' : ` and "${B}"`}; ignoring case, spacing, degrees and old/new spelling).`,
      };
    case 'name_typo':
      return {
        id: `Nama hampir sama ("${A}" dan "${B}"): beda ejaan atau salah ketik.`,
        en: `Nearly the same name ("${A}" and "${B}"): a spelling variant or typing slip.`,
      };
    case 'name_subset': {
      const extra = [...unpaired(a.name, names.usedA), ...unpaired(b.name, names.usedB)].join(' ');
      return {
        id: `Nama cocok, tetapi satu data tidak menuliskan "${extra}" ("${A}" dan "${B}"), misalnya nama baptis kedua.`,
        en: `The names agree, but one record leaves out "${extra}" ("${A}" and "${B}"), e.g. a second baptismal name.`,
      };
    }
    case 'name_similar': {
      const w = names.worstA >= 0 ? [a.name.raw[names.worstA], b.name.raw[names.worstB]] : null;
      return {
        id: `Nama mirip tetapi tidak sama ("${A}" dan "${B}")${w ? `: "${w[0]}" dan "${w[1]}" bisa nama yang berbeda` : ''}.`,
        en: `Similar but not the same names ("${A}" and "${B}")${w ? `: "${w[0]}" and "${w[1]}" may be different names` : ''}.`,
      };
    }
    case 'name_conflict':
      return {
        id: `Nama berbeda ("${A}" dan "${B}") — misalnya saudara kandung atau kembar dengan marga yang sama.`,
        en: `Different names ("${A}" and "${B}") — e.g. siblings or twins with the same family name.`,
      };
    case 'name_generation': {
      const g = a.name.generation ?? b.name.generation ?? '';
      return {
        id: `Hanya satu nama memakai penanda generasi "${g}" — bisa ayah dan anak dengan nama yang sama.`,
        en: `Only one name carries the generation marker "${g}" — possibly a father and son with the same name.`,
      };
    }
    case 'birth_date_equal':
      return { id: `Tanggal lahir sama (${isoOf(a.birth!)}).`, en: `Same birth date (${isoOf(a.birth!)}).` };
    case 'birth_date_swapped':
      return {
        id: `Tanggal lahir ${isoOf(a.birth!)} dan ${isoOf(b.birth!)}: tanggal dan bulan tertukar (salah baca format tanggal).`,
        en: `Birth dates ${isoOf(a.birth!)} and ${isoOf(b.birth!)}: day and month are swapped (a date-format slip).`,
      };
    case 'birth_date_typo':
      return {
        id: `Tanggal lahir ${isoOf(a.birth!)} dan ${isoOf(b.birth!)} berbeda satu angka — mungkin salah ketik.`,
        en: `Birth dates ${isoOf(a.birth!)} and ${isoOf(b.birth!)} differ in one digit — possibly a typing slip.`,
      };
    case 'birth_date_differs': {
      const near = f.n < 366;
      const gapId = near ? `${Math.round(f.n)} hari` : `${Math.round(f.n / 365.25)} tahun`;
      const gapEn = near ? `${Math.round(f.n)} days` : `${Math.round(f.n / 365.25)} years`;
      return {
        id: `Tanggal lahir berbeda (${isoOf(a.birth!)} dan ${isoOf(b.birth!)}, selisih ${gapId}).`,
        en: `Different birth dates (${isoOf(a.birth!)} and ${isoOf(b.birth!)}, ${gapEn} apart).`,
      };
    }
    case 'birth_date_nik': {
      if (f.v === 1) {
        return {
          id: `Tanggal lahir tercatat berbeda (${isoOf(a.birth!)} dan ${isoOf(b.birth!)}), tetapi NIK salah satu data memuat tanggal lahir data lainnya — kemungkinan salah tulis tanggal.`,
          en: `The recorded birth dates differ (${isoOf(a.birth!)} and ${isoOf(b.birth!)}), but one record's NIK encodes the other record's birth date — probably a slip in the date.`,
        };
      }
      if (f.v === 2) {
        return { id: 'Tanggal lahir tidak tercatat, tetapi tanggal lahir dalam kedua NIK sama.', en: 'No birth date is recorded, but both NIKs encode the same birth date.' };
      }
      const stated = isoOf((a.birth ?? b.birth)!);
      return {
        id: `Tanggal lahir hanya tercatat pada satu data (${stated}) dan cocok dengan tanggal lahir dalam NIK data lainnya.`,
        en: `The birth date is recorded in one record only (${stated}) and agrees with the birth date encoded in the other record's NIK.`,
      };
    }
    case 'birth_date_nik_differs': {
      const stated = isoOf((a.birth ?? b.birth)!);
      return {
        id: `Tanggal lahir hanya tercatat pada satu data (${stated}) dan tidak cocok dengan tanggal lahir dalam NIK data lainnya.`,
        en: `The birth date is recorded in one record only (${stated}) and does not agree with the birth date in the other record's NIK.`,
      };
    }
    case 'birth_date_missing':
      return f.v === 1
        ? {
            id: `Tanggal lahir hanya tercatat pada satu data (${isoOf((a.birth ?? b.birth)!)}); tanggal lahir dalam NIK data lainnya berbeda satu angka (bisa salah ketik NIK).`,
            en: `The birth date is recorded in one record only (${isoOf((a.birth ?? b.birth)!)}); the birth date in the other record's NIK differs in one digit (possibly an NIK typo).`,
          }
        : { id: 'Tanggal lahir tidak dapat dibandingkan (kosong).', en: 'The birth dates cannot be compared (missing).' };
    case 'sex_equal': {
      const s = sexWord((a.sex ?? a.nikDate?.sex)!);
      return { id: `Jenis kelamin sama (${s.id}).`, en: `Same sex (${s.en}).` };
    }
    case 'sex_differs': {
      const sa = sexWord(a.sex!);
      const sb = sexWord(b.sex!);
      return { id: `Jenis kelamin berbeda (${sa.id} dan ${sb.id}).`, en: `Different sex (${sa.en} and ${sb.en}).` };
    }
    case 'sex_nik_differs': {
      const known = sexWord((a.sex ?? b.sex)!);
      const fromNik = sexWord((a.sex ? b.nikDate?.sex : a.nikDate?.sex) ?? 'L');
      return {
        id: `Jenis kelamin tidak tercatat pada satu data; menurut NIK-nya ${fromNik.id}, sedangkan data lainnya ${known.id}.`,
        en: `The sex is missing in one record; its NIK says ${fromNik.en}, the other record says ${known.en}.`,
      };
    }
    case 'area_same_village':
      return { id: `Desa/kelurahan sama (${a.village}).`, en: `Same village (${a.village}).` };
    case 'area_same_district':
      return {
        id: `Desa berbeda dalam kecamatan yang sama (${a.village!.slice(0, 8)}).`,
        en: `Different villages in the same kecamatan (${a.village!.slice(0, 8)}).`,
      };
    case 'area_same_regency':
      return {
        id: `Kecamatan berbeda dalam kabupaten/kota yang sama (${a.village!.slice(0, 5)}).`,
        en: `Different kecamatan in the same regency (${a.village!.slice(0, 5)}).`,
      };
    case 'area_other_regency':
      return {
        id: `Tinggal di kabupaten/kota yang berbeda (${a.village!.slice(0, 5)} dan ${b.village!.slice(0, 5)}); bisa karena pindah domisili.`,
        en: `Living in different regencies (${a.village!.slice(0, 5)} and ${b.village!.slice(0, 5)}); possibly after a move.`,
      };
    case 'kk_equal':
      return { id: `Nomor KK sama (${a.kk}): satu keluarga — bisa orang yang sama, bisa anggota keluarga lain.`, en: `Same KK number (${a.kk}): one household — the same person, or another member of it.` };
    case 'phone_equal':
      return { id: `Nomor HP sama (${a.phone}) — anggota keluarga sering memakai nomor yang sama.`, en: `Same phone number (${a.phone}) — household members often share one.` };
  }
}

// -------------------------------------------------------------------------------------------------
// Blocking

/**
 * Keys for finding candidate pairs: two records are compared only when they share a key. Designed
 * so that a duplicate with damaged fields (NIK typo or Excel damage, name typo, swapped day and
 * month, a wrong digit in the date, a missing date, a move to another village) still shares a key,
 * while in a registry of a million people a key holds a handful of people (measured on the demo
 * registry: about 8 candidate pairs per person in all, largest block a few hundred):
 *   - `n1:` NIK digits 1–12 (area + birth date + sex): survives a wrong serial or Excel zeros;
 *   - `n2:` NIK digits 7–16 (birth date + serial) + first 3 letters of a name word: survives a slip
 *           in the area code;
 *   - `d:`  birth date (day and month in either order) + first 3 letters of a name word: survives
 *           any NIK damage, word order, a dropped second name, one typo per word;
 *   - `y:`  birth year + kecamatan of domicile + first 3 letters of a name word: survives a wrong
 *           birth day or month;
 *   - `m:`  day and month of birth + kecamatan + first 3 letters of a name word: survives a wrong
 *           birth year;
 *   - `v:`  kecamatan + first 3 letters of two name words: survives a missing birth date together
 *           with a missing or mangled NIK.
 * "First 3 letters" are taken from the spelling-insensitive form, so Christina/Kristina and
 * Djami/Jami share keys. The birth date also comes from the NIK when it differs or is missing.
 */
export function blockingKeys(p: MatchPerson | PreparedPerson): string[] {
  const r = preparePerson(p);
  const keys = new Set<string>();
  const prefixes: string[] = [];
  r.name.words.forEach((w, i) => {
    if (r.name.title[i] || w.length < 2) return;
    const pre = w.slice(0, 3);
    if (!prefixes.includes(pre)) prefixes.push(pre);
  });
  prefixes.sort();
  if (r.nik.kind === 'digits' && r.nik.digits.length === 16) {
    keys.add(`n1:${r.nik.digits.slice(0, 12)}`);
    for (const pre of prefixes) keys.add(`n2:${r.nik.digits.slice(6)}:${pre}`);
  }
  // Dates as year + day and month sorted (day and month in either order give the same key).
  const dates = new Map<string, { y: number; dm: string }>();
  const addDate = (y: number, m: number, d: number): void => {
    const dm = pad2(Math.min(m, d)) + pad2(Math.max(m, d));
    dates.set(`${y}${dm}`, { y, dm });
  };
  if (r.birth) addDate(r.birth.y, r.birth.m, r.birth.d);
  if (r.nikDate) {
    const dd = Number(r.nikDate.ddmmyy.slice(0, 2));
    const mm = Number(r.nikDate.ddmmyy.slice(2, 4));
    const yy = Number(r.nikDate.ddmmyy.slice(4, 6));
    // The century comes from the stated year when it agrees; otherwise both are plausible.
    if (r.birth && r.birth.y % 100 === yy) addDate(r.birth.y, mm, dd);
    else {
      addDate(1900 + yy, mm, dd);
      addDate(2000 + yy, mm, dd);
    }
  }
  const district = r.village && r.village.length >= 8 ? r.village.slice(0, 8) : null;
  for (const [ymd, { y, dm }] of dates) {
    for (const pre of prefixes) {
      keys.add(`d:${ymd}:${pre}`);
      if (district) {
        keys.add(`y:${y}:${district}:${pre}`);
        keys.add(`m:${dm}:${district}:${pre}`);
      }
    }
  }
  if (district) {
    for (let i = 0; i < prefixes.length; i++) {
      for (let j = i + 1; j < prefixes.length; j++) keys.add(`v:${district}:${prefixes[i]}${prefixes[j]}`);
    }
  }
  return [...keys];
}
