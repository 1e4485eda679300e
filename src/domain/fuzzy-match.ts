/**
 * Fuzzy person matching: are two person records the same human being although the NIK was
 * mistyped or mangled by Excel?
 *
 * Pure: no I/O, no clock, no randomness. Used by intake (a new row against the registry and the
 * other rows of the file) and by the duplicate review queue, which shows `evidence` side by side.
 *
 * How it works (Fellegi–Sunter style): every signal (NIK closeness, name, birth date, sex, area)
 * adds a weight — positive when it is more likely for the same person, negative when it is more
 * likely for two different people. The sum becomes `score` (0..1) through a logistic curve, and
 * the decision:
 *   - 'same'      score ≥ SAME_SCORE and no contradicting signal: safe to treat as one person;
 *   - 'likely'    score ≥ LIKELY_SCORE: a verifier decides in the review queue;
 *   - 'different' below that.
 * Precision matters more than recall for 'same' (a wrong merge hides a person), so a
 * contradiction (other sex, other birth date, a conflicting given name, Jr/Sr) never yields 'same'.
 *
 * `blockingKeys` gives the cheap keys the SQL side groups by to find candidate pairs; only pairs
 * sharing at least one key are scored.
 *
 * The weights were tuned on a generated labelled set (features/intake/dedup-testset.ts) with a
 * tuning seed and then checked on a different seed (test/unit/fuzzy-match.test.ts).
 *
 * Jaro–Winkler is implemented here (standard form: prefix up to 4, scale 0.1) rather than taken
 * from @skyra/jaro-winkler, whose 1.1.1 prefix count reaches 5 for a common 4-letter prefix and
 * inflates the similarity of different names such as "Marselina"/"Marselinus".
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
  | 'nik_different'
  | 'nik_missing'
  | 'name_exact'
  | 'name_typo'
  | 'name_subset'
  | 'name_similar'
  | 'name_conflict'
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
  | 'area_same_village'
  | 'area_same_district'
  | 'area_same_regency'
  | 'area_other_regency';

export interface MatchEvidence {
  rule: MatchRule;
  /** Log-odds contribution: > 0 speaks for the same person, < 0 against. */
  weight: number;
  message: Message;
}

export interface MatchResult {
  /** 0..1: how sure we are that both records are the same person. */
  score: number;
  decision: MatchDecision;
  /** Strongest signals first. */
  evidence: MatchEvidence[];
}

/** Score from which a pair goes to the review queue. */
export const LIKELY_SCORE = 0.5;
/** Score from which a pair is treated as the same person (when nothing contradicts it). */
export const SAME_SCORE = 0.97;

/**
 * Log-odds weights per rule. Exported read-only so screens and docs can show them; the matcher
 * itself is the only user.
 */
export const MATCH_WEIGHTS = {
  nik_exact: 9,
  nik_excel_zeros_1: 6,
  nik_excel_zeros_more: 3,
  nik_scientific_date: 2.5,
  nik_scientific_region: 1,
  nik_transposed: 5,
  nik_one_digit: 4,
  nik_same_region_date: 1.5,
  nik_two_digits: 2,
  nik_different: -4,
  name_exact: 4.5,
  name_typo: 3,
  name_subset: 2,
  name_subset_single: -0.5,
  name_similar: -1,
  name_conflict: -7,
  name_generation: -5,
  birth_date_equal: 3,
  birth_date_swapped: 2,
  birth_date_typo: 0.5,
  birth_date_nik: 2,
  birth_date_nik_differs: -1.5,
  birth_date_differs_near: -4,
  birth_date_differs: -7,
  sex_equal: 0.3,
  sex_differs: -8,
  area_same_village: 1,
  area_same_district: 0.5,
  area_same_regency: 0,
  area_other_regency: -1,
  /** Sum of weights at which the score is 0.5 (the review threshold). */
  offset: 6.5,
  /** Logistic slope. */
  slope: 0.8,
} as const;

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

/** Academic degrees written after the name ("Yohanes Tefa, S.Pd"), compared without dots and spaces. */
const DEGREES: ReadonlySet<string> = new Set([
  'spd', 'spdsd', 'spdk', 'spdi', 'sh', 'se', 'skom', 'ssos', 'sag', 'skep', 'sst', 'st', 'sip', 'sfarm', 'sked',
  'skm', 'str', 'sth', 'spt', 'ssi', 'sikom', 'sak', 'sgz', 'stp', 'spsi', 'shut', 'amd', 'ama', 'amapd',
  'amdkep', 'amdkeb', 'mpd', 'msi', 'mm', 'mh', 'mth', 'mkes', 'dr', 'drs', 'dra', 'ir', 'bsc', 'ba', 'ners', 'ns',
]);
/** Honorifics in front of a name (Bapak Yohanes, Ibu Maria, Sdr. …, H. for haji). */
const HONORIFICS: ReadonlySet<string> = new Set(['bapak', 'bpk', 'pak', 'ibu', 'sdr', 'sdri', 'tn', 'ny', 'nn', 'hj', 'h', 'drs', 'dra', 'dr', 'ir', 'alm', 'almh']);
/** Generation markers: 'Yohanes Tefa Jr' is the son of 'Yohanes Tefa'. */
const GENERATION: ReadonlySet<string> = new Set(['jr', 'junior', 'sr', 'senior', 'ii', 'iii', 'iv']);
/** Particles of Portuguese and Dutch family names, joined to the next word: 'da Costa' = 'Dacosta'. */
const PARTICLES: ReadonlySet<string> = new Set(['da', 'de', 'do', 'dos', 'das', 'del', 'van', 'von', 'der', 'den']);
/**
 * Sumba noble titles. They are part of the name as written on the KTP (Umbu Ndapa Hina), so they
 * are kept, but a title written on one side only says nothing either way.
 */
const TITLES: ReadonlySet<string> = new Set(['umbu', 'rambu', 'tamu']);

/** Lower case, no diacritics, no degrees or honorifics, punctuation to spaces, single spaces. */
export function normaliseName(name: string): string {
  return nameWords(name).words.join(' ');
}

interface NameWords {
  words: string[];
  generation: string | null;
}

function nameWords(raw: string): NameWords {
  let s = raw.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  // Parts after a comma are degrees ("…, S.Pd") unless they read as a name ("Tefa, Yohanes").
  const parts = s.split(',');
  s = parts.filter((p, i) => i === 0 || !isDegree(p)).join(' ');
  s = s.replace(/['’`´]/g, '').replace(/[^a-z]+/g, ' ').trim();
  const words: string[] = [];
  let generation: string | null = null;
  const tokens = s === '' ? [] : s.split(' ');
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (GENERATION.has(t) && i > 0) {
      generation = t === 'junior' ? 'jr' : t === 'senior' ? 'sr' : t;
      continue;
    }
    if (i === 0 && tokens.length > 1 && HONORIFICS.has(t)) continue;
    // Degrees written without a comma at the end ("Yohanes Tefa SPd").
    if (i > 0 && i === tokens.length - 1 && tokens.length > 2 && DEGREES.has(t) && t.length > 2) continue;
    words.push(t);
  }
  // Join particles to the following word.
  const joined: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (PARTICLES.has(w) && next !== undefined && i + 1 < words.length) {
      joined.push(w + next);
      i++;
    } else {
      joined.push(w);
    }
  }
  return { words: joined, generation };
}

function isDegree(part: string): boolean {
  const words = part.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  return words.every((w) => DEGREES.has(w.replace(/[^a-z]/g, '')) || w.replace(/[^a-z]/g, '') === '');
}

/**
 * A spelling-insensitive form of one word: old and new spelling (dj→j, tj→c, oe→u), Dutch and
 * Latin spellings (ch, ph, th, c, x, q, z, v), double letters, a final h after a vowel.
 * 'Christina' and 'Kristina', 'Fransiscus' and 'Fransiskus', 'Djami' and 'Jami' get one form.
 */
export function canonicalWord(word: string): string {
  let w = word;
  w = w.replace(/dj/g, 'j').replace(/tj/g, 'c').replace(/sj/g, 'sy').replace(/oe/g, 'u');
  w = w.replace(/ch/g, 'k').replace(/ph/g, 'f').replace(/th/g, 't').replace(/kh/g, 'k').replace(/gh/g, 'g');
  w = w.replace(/ck/g, 'k').replace(/c(?=[eiy])/g, 's').replace(/c/g, 'k').replace(/q/g, 'k').replace(/x/g, 'ks');
  w = w.replace(/z/g, 's').replace(/v/g, 'f').replace(/sy/g, 's').replace(/^j(?=[aeiou])/, 'y');
  w = w.replace(/([a-z])\1+/g, '$1');
  if (w.length > 3) w = w.replace(/([aeiou])h$/, '$1');
  return w;
}

interface PreparedName {
  /** Canonical words, in written order. */
  words: string[];
  /** The same words before spelling canonicalisation (a typo can defeat a spelling rule). */
  raw: string[];
  /** Same length as words: true for a Sumba title. */
  title: boolean[];
  /** Canonical words joined without spaces (spacing slips: 'Maria Goreti' / 'MariaGoreti'). */
  joined: string;
  generation: string | null;
  /** Normalised, display form. */
  display: string;
}

function prepareName(name: string): PreparedName {
  const { words, generation } = nameWords(name);
  const canon = words.map(canonicalWord);
  return {
    words: canon,
    raw: words,
    title: canon.map((w) => TITLES.has(w)),
    joined: canon.join(''),
    generation,
    display: words.join(' '),
  };
}

/** Similarity of two words, from their canonical (ca, cb) and raw (ra, rb) forms. */
function wordSimilarity(ca: string, cb: string, ra: string, rb: string): number {
  if (ca === cb || ra === rb) return 1;
  // An initial stands for the whole word: 'Maria G. Nenobais'.
  if (ra.length === 1 || rb.length === 1) return ra[0] === rb[0] ? 0.9 : 0;
  const sim = Math.max(jaroWinkler(ca, cb), jaroWinkler(ra, rb));
  if (sim >= TYPO_SIM) return sim;
  // One slip in a short word costs Jaro–Winkler a lot ('Dopo'/'Dpo', 'Kana'/'Kena').
  if (Math.min(ra.length, rb.length) >= 3 && (levenshtein(ra, rb) === 1 || levenshtein(ca, cb) === 1)) return Math.max(sim, TYPO_SIM);
  return sim;
}

type NameKind = 'exact' | 'typo' | 'subset' | 'subset_single' | 'similar' | 'conflict' | 'empty';

interface NameComparison {
  kind: NameKind;
  /** Lowest similarity among the matched words (1 when all equal). */
  minSim: number;
  /** Words (not titles) without a counterpart on each side. */
  extraA: string[];
  extraB: string[];
  /** The pair of words that differ most, for the message. */
  worst: [string, string] | null;
  generationDiffers: boolean;
}

/** Below this two words are not paired at all. */
const PAIR_FLOOR = 0.72;
/** From this similarity two paired words are the same word with a typo. */
const TYPO_SIM = 0.88;
/** Between PAIR_FLOOR and this, paired words are different names (Petrus / Paulus). */
const SIMILAR_SIM = 0.8;

function compareNames(a: PreparedName, b: PreparedName): NameComparison {
  const generationDiffers = a.generation !== b.generation;
  const base = { extraA: [] as string[], extraB: [] as string[], worst: null, generationDiffers };
  if (a.words.length === 0 || b.words.length === 0) return { ...base, kind: 'empty', minSim: 0 };
  if (a.joined === b.joined) return { ...base, kind: 'exact', minSim: 1 };

  // Greedy assignment on word similarity (names have at most a handful of words).
  const pairs: [number, number, number][] = [];
  for (let i = 0; i < a.words.length; i++) {
    for (let j = 0; j < b.words.length; j++) {
      const sim = wordSimilarity(a.words[i]!, b.words[j]!, a.raw[i]!, b.raw[j]!);
      if (sim >= PAIR_FLOOR) pairs.push([sim, i, j]);
    }
  }
  pairs.sort((x, y) => y[0] - x[0] || x[1] - y[1] || x[2] - y[2]);
  const usedA = new Array<boolean>(a.words.length).fill(false);
  const usedB = new Array<boolean>(b.words.length).fill(false);
  let minSim = 1;
  let matched = 0;
  let worst: [string, string] | null = null;
  for (const [sim, i, j] of pairs) {
    if (usedA[i] || usedB[j]) continue;
    usedA[i] = true;
    usedB[j] = true;
    if (a.title[i] && b.title[j]) continue;
    matched++;
    if (sim < minSim) {
      minSim = sim;
      worst = [a.words[i]!, b.words[j]!];
    }
  }
  const extraA = a.words.filter((w, i) => !usedA[i] && !a.title[i]);
  const extraB = b.words.filter((w, i) => !usedB[i] && !b.title[i]);
  const result = { ...base, extraA, extraB, worst, minSim };

  // Two words merged or split by a spacing slip ('Maria Goreti' / 'Mariagoreti').
  if (jaroWinkler(a.joined, b.joined) >= 0.97 && Math.abs(a.joined.length - b.joined.length) <= 1) {
    return { ...result, kind: 'typo', minSim: Math.max(minSim, 0.97), extraA: [], extraB: [] };
  }
  if (matched === 0) return { ...result, kind: 'conflict', minSim: 0 };
  if (extraA.length > 0 && extraB.length > 0) return { ...result, kind: 'conflict' };
  if (minSim < SIMILAR_SIM) return { ...result, kind: 'conflict' };
  if (minSim < TYPO_SIM) return { ...result, kind: extraA.length + extraB.length > 0 ? 'conflict' : 'similar' };
  if (extraA.length + extraB.length === 0) return { ...result, kind: minSim === 1 ? 'exact' : 'typo' };
  return { ...result, kind: matched >= 2 ? 'subset' : 'subset_single' };
}

// -------------------------------------------------------------------------------------------------
// NIK

type NikRead =
  | { kind: 'digits'; digits: string }
  | { kind: 'scientific'; mantissa: string; length: number; text: string }
  | { kind: 'none' };

const SCIENTIFIC = /^(\d)(?:[.,](\d+))?\s*[eE]\s*\+?\s*(\d{1,2})$/;

function readNik(raw: string | null): NikRead {
  if (raw === null) return { kind: 'none' };
  const s = raw.trim().replace(/^['‘’`]+/, '').trim();
  if (s === '') return { kind: 'none' };
  const sci = SCIENTIFIC.exec(s);
  if (sci) {
    const mantissa = (sci[1]! + (sci[2] ?? '')).replace(/0+$/, '') || '0';
    return { kind: 'scientific', mantissa, length: Number(sci[3]) + 1, text: s };
  }
  const compact = s.replace(/[\s.\-_]/g, '');
  if (/^\d{12,18}$/.test(compact)) return { kind: 'digits', digits: compact };
  return { kind: 'none' };
}

/** DDMMYY of the NIK without the +40, and the sex it encodes; null when the date part cannot be a date. */
function nikDatePart(digits: string): { ddmmyy: string; sex: MatchSex } | null {
  if (digits.length !== 16) return null;
  const raw = Number(digits.slice(6, 8));
  const month = Number(digits.slice(8, 10));
  const female = raw > 40;
  const day = female ? raw - 40 : raw;
  if (day < 1 || day > 31 || month < 1 || month > 12) return null;
  return { ddmmyy: String(day).padStart(2, '0') + digits.slice(8, 12), sex: female ? 'P' : 'L' };
}

/** The scientific form equals the 16-digit NIK rounded or cut to the mantissa's digits. */
function scientificMatches(sci: { mantissa: string; length: number }, digits: string): boolean {
  if (sci.length !== digits.length || sci.mantissa.length >= digits.length) return false;
  const k = sci.mantissa.length;
  if (digits.startsWith(sci.mantissa)) return true;
  const scale = 10n ** BigInt(digits.length - k);
  const rounded = (BigInt(digits) + scale / 2n) / scale;
  return rounded.toString() === sci.mantissa;
}

function isTransposition(a: string, b: string): number {
  if (a.length !== b.length) return -1;
  let first = -1;
  for (let i = 0; i < a.length; i++) {
    if (a.charCodeAt(i) === b.charCodeAt(i)) continue;
    if (first >= 0) {
      if (i !== first + 1 || a[i] !== b[first] || a[first] !== b[i]) return -1;
      // A third difference rules it out.
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

/** Names of the parts of an NIK, for messages. */
function nikPart(position: number): Message {
  if (position < 6) return { id: 'kode wilayah', en: 'area code' };
  if (position < 12) return { id: 'tanggal lahir', en: 'birth date' };
  return { id: 'nomor urut', en: 'serial number' };
}

function evidence(rule: MatchRule, weight: number, message: Message): MatchEvidence {
  return { rule, weight, message };
}

function compareNik(a: NikRead, b: NikRead): MatchEvidence {
  const W = MATCH_WEIGHTS;
  if (a.kind === 'none' || b.kind === 'none') {
    return evidence('nik_missing', 0, {
      id: 'NIK kosong atau tidak terbaca pada salah satu data, sehingga tidak dapat dibandingkan.',
      en: 'The NIK is empty or unreadable in one of the records, so it cannot be compared.',
    });
  }
  if (a.kind === 'scientific' || b.kind === 'scientific') {
    const sci = a.kind === 'scientific' ? a : (b as Extract<NikRead, { kind: 'scientific' }>);
    const other = a.kind === 'scientific' ? b : a;
    const matches =
      other.kind === 'digits'
        ? scientificMatches(sci, other.digits)
        : other.kind === 'scientific' && other.mantissa === sci.mantissa && other.length === sci.length;
    if (!matches) {
      return evidence('nik_missing', 0, {
        id: `NIK tersimpan oleh Excel sebagai bilangan (${sci.text}) sehingga angka-angkanya hilang; angka yang tersisa tidak cocok dengan NIK lainnya.`,
        en: `The NIK was stored by Excel as a number (${sci.text}) and lost its digits; the digits left do not agree with the other NIK.`,
      });
    }
    const dateKept = sci.mantissa.length >= 12;
    return evidence('nik_scientific', dateKept ? W.nik_scientific_date : W.nik_scientific_region, {
      id: `NIK tersimpan oleh Excel sebagai bilangan (${sci.text}); ${sci.mantissa.length} angka pertama yang tersisa cocok dengan NIK lainnya.`,
      en: `The NIK was stored by Excel as a number (${sci.text}); the ${sci.mantissa.length} leading digits left agree with the other NIK.`,
    });
  }
  const x = a.digits;
  const y = b.digits;
  if (x === y) {
    return evidence('nik_exact', W.nik_exact, { id: 'NIK sama persis.', en: 'The NIKs are identical.' });
  }
  // Excel keeps 15 significant digits: the last digit(s) of a 16-digit NIK become 0.
  if (x.length === 16 && y.length === 16) {
    const p = firstDifference(x, y);
    const zerosX = /^0+$/.test(x.slice(p));
    const zerosY = /^0+$/.test(y.slice(p));
    if (p >= 12 && (zerosX || zerosY)) {
      const n = 16 - p;
      return evidence('nik_excel_zeros', n === 1 ? W.nik_excel_zeros_1 : W.nik_excel_zeros_more, {
        id: `NIK sama kecuali ${n} angka terakhir yang menjadi 0 — ciri NIK yang pernah tersimpan sebagai bilangan di Excel (Excel hanya menyimpan 15 angka).`,
        en: `The NIKs agree except for the last ${n} digit(s), which became 0 — the mark of an NIK once stored as a number in Excel (Excel keeps only 15 digits).`,
      });
    }
  }
  const swapAt = isTransposition(x, y);
  if (swapAt >= 0) {
    const part = nikPart(swapAt);
    return evidence('nik_transposed', W.nik_transposed, {
      id: `NIK sama kecuali dua angka bersebelahan yang tertukar (angka ke-${swapAt + 1} dan ke-${swapAt + 2}, bagian ${part.id}) — salah ketik yang umum.`,
      en: `The NIKs agree except for two neighbouring digits that are swapped (digits ${swapAt + 1} and ${swapAt + 2}, in the ${part.en}) — a common typing slip.`,
    });
  }
  const d = levenshtein(x, y);
  if (d === 1) {
    const at = firstDifference(x, y);
    const part = nikPart(at);
    const what =
      x.length === y.length
        ? { id: `satu angka berbeda (angka ke-${at + 1}, bagian ${part.id})`, en: `one digit differs (digit ${at + 1}, in the ${part.en})` }
        : { id: 'satu angka hilang atau berlebih', en: 'one digit is missing or extra' };
    return evidence('nik_one_digit', W.nik_one_digit, {
      id: `NIK hampir sama: ${what.id} — kemungkinan salah ketik, tetapi juga bisa NIK saudara kembar (nomor urut berurutan).`,
      en: `The NIKs are nearly the same: ${what.en} — probably a typing slip, but twins also get NIKs with consecutive serial numbers.`,
    });
  }
  if (x.length === 16 && y.length === 16 && x.slice(0, 12) === y.slice(0, 12)) {
    return evidence('nik_same_region_date', W.nik_same_region_date, {
      id: 'NIK memiliki kode wilayah dan tanggal lahir yang sama, tetapi nomor urut berbeda (bisa orang yang sama dengan nomor urut salah, atau orang lain yang lahir di hari yang sama di kecamatan yang sama).',
      en: 'The NIKs share the area code and birth date but have different serial numbers (the same person with a wrong serial, or someone born the same day in the same kecamatan).',
    });
  }
  if (d === 2) {
    return evidence('nik_two_digits', W.nik_two_digits, {
      id: 'NIK berbeda pada dua angka — bisa salah ketik ganda.',
      en: 'The NIKs differ in two digits — possibly two typing slips.',
    });
  }
  return evidence('nik_different', W.nik_different, {
    id: `NIK berbeda pada ${d} angka: bukan salah ketik biasa.`,
    en: `The NIKs differ in ${d} digits: not an ordinary typing slip.`,
  });
}

// -------------------------------------------------------------------------------------------------
// Dates, sex, area

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function parseDate(s: string | null): Ymd | null {
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s.trim());
  if (!m) return null;
  const ymd = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
  if (ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > 31) return null;
  return ymd;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const isoOf = (d: Ymd): string => `${d.y}-${pad2(d.m)}-${pad2(d.d)}`;
const ddmmyyOf = (d: Ymd): string => pad2(d.d) + pad2(d.m) + pad2(d.y % 100);

function hamming(a: string, b: string): number {
  if (a.length !== b.length) return Infinity;
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) n++;
  return n;
}

function daysApart(a: Ymd, b: Ymd): number {
  return Math.abs(Date.UTC(a.y, a.m - 1, a.d) - Date.UTC(b.y, b.m - 1, b.d)) / 86_400_000;
}

function compareDates(a: PreparedPerson, b: PreparedPerson): MatchEvidence {
  const W = MATCH_WEIGHTS;
  const da = a.birth;
  const db = b.birth;
  if (da && db) {
    const ia = isoOf(da);
    const ib = isoOf(db);
    if (ia === ib) {
      return evidence('birth_date_equal', W.birth_date_equal, { id: `Tanggal lahir sama (${ia}).`, en: `Same birth date (${ia}).` });
    }
    if (da.y === db.y && da.m === db.d && da.d === db.m) {
      return evidence('birth_date_swapped', W.birth_date_swapped, {
        id: `Tanggal lahir ${ia} dan ${ib}: tanggal dan bulan tertukar (salah baca format tanggal).`,
        en: `Birth dates ${ia} and ${ib}: day and month are swapped (a date-format slip).`,
      });
    }
    if (hamming(ia, ib) === 1 || isTransposition(ia, ib) >= 0) {
      return evidence('birth_date_typo', W.birth_date_typo, {
        id: `Tanggal lahir ${ia} dan ${ib} berbeda satu angka — mungkin salah ketik.`,
        en: `Birth dates ${ia} and ${ib} differ in one digit — possibly a typing slip.`,
      });
    }
    const days = daysApart(da, db);
    const near = days < 366;
    return evidence('birth_date_differs', near ? W.birth_date_differs_near : W.birth_date_differs, {
      id: `Tanggal lahir berbeda (${ia} dan ${ib}, selisih ${near ? `${Math.round(days)} hari` : `${Math.round(days / 365.25)} tahun`}).`,
      en: `Different birth dates (${ia} and ${ib}, ${near ? `${Math.round(days)} days` : `${Math.round(days / 365.25)} years`} apart).`,
    });
  }
  // One stated date missing: the date encoded in the other record's NIK can stand in.
  const stated = da ?? db;
  const other = da ? b : a;
  if (stated && other.nikDate) {
    const want = ddmmyyOf(stated);
    if (other.nikDate.ddmmyy === want) {
      return evidence('birth_date_nik', W.birth_date_nik, {
        id: `Tanggal lahir hanya tercatat pada satu data (${isoOf(stated)}) dan cocok dengan tanggal lahir yang terkandung dalam NIK data lainnya.`,
        en: `The birth date is recorded in one record only (${isoOf(stated)}) and agrees with the birth date encoded in the other record's NIK.`,
      });
    }
    return evidence('birth_date_nik_differs', W.birth_date_nik_differs, {
      id: `Tanggal lahir hanya tercatat pada satu data (${isoOf(stated)}) dan tidak cocok dengan tanggal lahir dalam NIK data lainnya.`,
      en: `The birth date is recorded in one record only (${isoOf(stated)}) and does not agree with the birth date in the other record's NIK.`,
    });
  }
  if (!stated && a.nikDate && b.nikDate && a.nikDate.ddmmyy === b.nikDate.ddmmyy) {
    return evidence('birth_date_nik', W.birth_date_nik, {
      id: 'Tanggal lahir tidak tercatat, tetapi tanggal lahir dalam kedua NIK sama.',
      en: 'No birth date is recorded, but both NIKs encode the same birth date.',
    });
  }
  return evidence('birth_date_missing', 0, {
    id: 'Tanggal lahir tidak dapat dibandingkan (kosong).',
    en: 'The birth dates cannot be compared (missing).',
  });
}

function compareSex(a: PreparedPerson, b: PreparedPerson): MatchEvidence | null {
  const sa = a.sex ?? a.nikDate?.sex ?? null;
  const sb = b.sex ?? b.nikDate?.sex ?? null;
  if (!sa || !sb) return null;
  const word = (s: MatchSex): Message => (s === 'L' ? { id: 'laki-laki', en: 'male' } : { id: 'perempuan', en: 'female' });
  if (sa === sb) {
    return evidence('sex_equal', MATCH_WEIGHTS.sex_equal, { id: `Jenis kelamin sama (${word(sa).id}).`, en: `Same sex (${word(sa).en}).` });
  }
  return evidence('sex_differs', MATCH_WEIGHTS.sex_differs, {
    id: `Jenis kelamin berbeda (${word(sa).id} dan ${word(sb).id}).`,
    en: `Different sex (${word(sa).en} and ${word(sb).en}).`,
  });
}

function compareArea(a: PreparedPerson, b: PreparedPerson): MatchEvidence | null {
  const va = a.village;
  const vb = b.village;
  if (!va || !vb) return null;
  const W = MATCH_WEIGHTS;
  if (va === vb) return evidence('area_same_village', W.area_same_village, { id: `Desa/kelurahan sama (${va}).`, en: `Same village (${va}).` });
  if (va.slice(0, 8) === vb.slice(0, 8)) {
    return evidence('area_same_district', W.area_same_district, {
      id: `Desa berbeda dalam kecamatan yang sama (${va.slice(0, 8)}).`,
      en: `Different villages in the same kecamatan (${va.slice(0, 8)}).`,
    });
  }
  if (va.slice(0, 5) === vb.slice(0, 5)) {
    return evidence('area_same_regency', W.area_same_regency, {
      id: `Kecamatan berbeda dalam kabupaten/kota yang sama (${va.slice(0, 5)}).`,
      en: `Different kecamatan in the same regency (${va.slice(0, 5)}).`,
    });
  }
  return evidence('area_other_regency', W.area_other_regency, {
    id: `Tinggal di kabupaten/kota yang berbeda (${va.slice(0, 5)} dan ${vb.slice(0, 5)}); bisa karena pindah domisili.`,
    en: `Living in different regencies (${va.slice(0, 5)} and ${vb.slice(0, 5)}); possibly after a move.`,
  });
}

function nameEvidence(a: PreparedPerson, b: PreparedPerson, c: NameComparison): MatchEvidence[] {
  const W = MATCH_WEIGHTS;
  const A = a.name.display;
  const B = b.name.display;
  const out: MatchEvidence[] = [];
  switch (c.kind) {
    case 'empty':
      out.push(evidence('name_conflict', 0, { id: 'Nama kosong pada salah satu data.', en: 'The name is empty in one of the records.' }));
      break;
    case 'exact':
      out.push(
        evidence('name_exact', W.name_exact, {
          id: `Nama sama ("${A}"${A === B ? '' : ` dan "${B}"`}, setelah huruf besar/kecil, spasi, gelar dan ejaan lama/baru diabaikan).`,
          en: `Same name ("${A}"${A === B ? '' : ` and "${B}"`}, ignoring case, spacing, degrees and old/new spelling).`,
        }),
      );
      break;
    case 'typo':
      out.push(
        evidence('name_typo', W.name_typo, {
          id: `Nama hampir sama ("${A}" dan "${B}"): beda ejaan atau salah ketik.`,
          en: `Nearly the same name ("${A}" and "${B}"): a spelling variant or typing slip.`,
        }),
      );
      break;
    case 'subset':
    case 'subset_single': {
      const extra = [...c.extraA, ...c.extraB].join(' ');
      out.push(
        evidence('name_subset', c.kind === 'subset' ? W.name_subset : W.name_subset_single, {
          id: `Nama cocok, tetapi satu data tidak menuliskan "${extra}" ("${A}" dan "${B}"), misalnya nama baptis kedua.`,
          en: `The names agree, but one record leaves out "${extra}" ("${A}" and "${B}"), e.g. a second baptismal name.`,
        }),
      );
      break;
    }
    case 'similar':
      out.push(
        evidence('name_similar', W.name_similar, {
          id: `Nama mirip tetapi tidak sama ("${A}" dan "${B}")${c.worst ? `: "${c.worst[0]}" dan "${c.worst[1]}" bisa nama yang berbeda` : ''}.`,
          en: `Similar but not the same names ("${A}" and "${B}")${c.worst ? `: "${c.worst[0]}" and "${c.worst[1]}" may be different names` : ''}.`,
        }),
      );
      break;
    case 'conflict':
      out.push(
        evidence('name_conflict', W.name_conflict, {
          id: `Nama berbeda ("${A}" dan "${B}") — misalnya saudara kandung atau kembar dengan nama marga yang sama.`,
          en: `Different names ("${A}" and "${B}") — e.g. siblings or twins sharing a family name.`,
        }),
      );
      break;
  }
  if (c.generationDiffers) {
    const g = a.name.generation ?? b.name.generation ?? '';
    out.push(
      evidence('name_generation', W.name_generation, {
        id: `Hanya satu nama memakai penanda generasi "${g}" — bisa ayah dan anak dengan nama yang sama.`,
        en: `Only one name carries the generation marker "${g}" — possibly a father and son with the same name.`,
      }),
    );
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// Public API

/** A person with everything the matcher needs computed once (reuse it across many comparisons). */
export interface PreparedPerson {
  readonly prepared: true;
  readonly source: MatchPerson;
  readonly nik: NikRead;
  readonly nikDate: { ddmmyy: string; sex: MatchSex } | null;
  readonly name: PreparedName;
  readonly birth: Ymd | null;
  readonly sex: MatchSex | null;
  readonly village: string | null;
}

export function preparePerson(p: MatchPerson | PreparedPerson): PreparedPerson {
  if ('prepared' in p) return p;
  const nik = readNik(p.nik);
  const village = p.villageCode?.trim() || null;
  return {
    prepared: true,
    source: p,
    nik,
    nikDate: nik.kind === 'digits' ? nikDatePart(nik.digits) : null,
    name: prepareName(p.name),
    birth: parseDate(p.birthDate),
    sex: p.sex,
    village,
  };
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Rules that rule out 'same' however strong the rest is. */
const CONTRADICTIONS: ReadonlySet<MatchRule> = new Set([
  'name_conflict', 'name_generation', 'sex_differs', 'birth_date_differs', 'birth_date_nik_differs', 'nik_different',
]);

/** Compares two people. Symmetric: compare(a, b) and compare(b, a) give the same score and decision. */
export function comparePeople(x: MatchPerson | PreparedPerson, y: MatchPerson | PreparedPerson): MatchResult {
  const a = preparePerson(x);
  const b = preparePerson(y);
  const items: MatchEvidence[] = [];
  items.push(compareNik(a.nik, b.nik));
  const names = compareNames(a.name, b.name);
  items.push(...nameEvidence(a, b, names));
  items.push(compareDates(a, b));
  const sex = compareSex(a, b);
  if (sex) items.push(sex);
  const area = compareArea(a, b);
  if (area) items.push(area);

  let total = 0;
  let contradicted = false;
  for (const e of items) {
    total += e.weight;
    if (e.weight < 0 && CONTRADICTIONS.has(e.rule)) contradicted = true;
  }
  const score = logistic((total - MATCH_WEIGHTS.offset) * MATCH_WEIGHTS.slope);
  const nameOk = names.kind === 'exact' || names.kind === 'typo' || names.kind === 'subset';
  const decision: MatchDecision =
    score >= SAME_SCORE && !contradicted && nameOk ? 'same' : score >= LIKELY_SCORE ? 'likely' : 'different';
  items.sort((p, q) => Math.abs(q.weight) - Math.abs(p.weight));
  return { score: Math.round(score * 10_000) / 10_000, decision, evidence: items };
}

// -------------------------------------------------------------------------------------------------
// Blocking

/**
 * Keys for finding candidate pairs: two records are compared only when they share a key. Designed
 * so that a duplicate with one damaged field (NIK typo, name typo, swapped day/month, moved
 * village) still shares a key, while in a registry of a million people each key holds only a few
 * dozen people at most:
 *   - `n1:` NIK digits 1–12 (area + birth date + sex): survives a wrong serial or Excel zeros;
 *   - `n2:` NIK digits 7–16 (birth date + serial): survives a slip in the area code;
 *   - `d:`  birth date (day and month in either order) + first 3 letters of each name word:
 *           survives any NIK damage, word order, a dropped second name, one typo per word;
 *   - `y:`  birth year + kecamatan of domicile + first 3 letters of each name word: survives a
 *           wrong birth day or month.
 * The birth date also comes from the NIK when it differs from the stated one (or is missing).
 */
export function blockingKeys(p: MatchPerson | PreparedPerson): string[] {
  const r = preparePerson(p);
  const keys = new Set<string>();
  if (r.nik.kind === 'digits' && r.nik.digits.length === 16) {
    keys.add(`n1:${r.nik.digits.slice(0, 12)}`);
    keys.add(`n2:${r.nik.digits.slice(6)}`);
  }
  const prefixes = new Set<string>();
  r.name.words.forEach((w, i) => {
    if (!r.name.title[i] && w.length >= 2) prefixes.add(w.slice(0, 3));
  });
  const dates = new Set<string>();
  const years = new Set<number>();
  if (r.birth) {
    const { y, m, d } = r.birth;
    dates.add(`${y}${pad2(Math.min(m, d))}${pad2(Math.max(m, d))}`);
    years.add(y);
  }
  if (r.nikDate) {
    const dd = Number(r.nikDate.ddmmyy.slice(0, 2));
    const mm = Number(r.nikDate.ddmmyy.slice(2, 4));
    const yy = Number(r.nikDate.ddmmyy.slice(4, 6));
    // The century comes from the stated year when it agrees; otherwise both are plausible.
    const centuries = r.birth && r.birth.y % 100 === yy ? [r.birth.y - yy] : [1900, 2000];
    for (const c of centuries) dates.add(`${c + yy}${pad2(Math.min(dd, mm))}${pad2(Math.max(dd, mm))}`);
    if (!r.birth) for (const c of centuries) years.add(c + yy);
  }
  for (const d of dates) for (const pre of prefixes) keys.add(`d:${d}:${pre}`);
  const district = r.village && r.village.length >= 8 ? r.village.slice(0, 8) : null;
  if (district) for (const y of years) for (const pre of prefixes) keys.add(`y:${y}:${district}:${pre}`);
  return [...keys];
}
