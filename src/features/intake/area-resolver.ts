/**
 * Resolving the area of an imported row to a Kemendagri village (desa/kelurahan) code.
 *
 * Pure: the reference areas are passed in (`buildAreaIndex`), nothing is read here. A row gives
 * its area as a code ("53.01.08.2006", "5301082006") or as names (desa / kecamatan / kabupaten),
 * with or without prefixes ("Desa", "Kel.", "Kec.", "Kab.", "Kabupaten", "Kota"), in any case,
 * spacing or punctuation ("Oel Nasi" = "Oelnasi", "Oe'Ekam" = "Oeekam", "Hoelea 2" = "Hoelea II").
 *
 * Exact matches on those normalised names are Map look-ups. Only when a name is not found do we
 * look for a small spelling slip (Levenshtein distance, scaled to the name's length), and then
 * only among the villages of the district or regency the row names when it names one. A slip is
 * accepted only when exactly one name is that close, and always with a warning saying what it was
 * read as. The same village name in two districts (common in NTT) is an error with suggestions
 * unless the district or regency tells them apart.
 *
 * Results are cached per distinct input (files repeat the same village thousands of times);
 * treat them as read-only.
 */
import { distance } from 'fastest-levenshtein';
import { jaroWinkler } from '@skyra/jaro-winkler';
import type { Message } from '../../domain/messages.js';
import type { Problem } from './values.js';

export interface AreaRecord {
  code: string;
  parent_code: string | null;
  /** 1 province, 2 regency/city, 3 district (kecamatan), 4 village (desa/kelurahan). */
  level: number;
  name: string;
}

type Level = 1 | 2 | 3 | 4;

export interface AreaNode {
  code: string;
  level: Level;
  parent: string | null;
  /** Display name without prefix, e.g. "Kupang" for "KABUPATEN KUPANG". */
  name: string;
  key: string;
  /** Regencies: a kota (city) rather than a kabupaten. */
  kota: boolean;
  /** Villages: a kelurahan (code part 1xxx) rather than a desa (2xxx). */
  kelurahan: boolean;
  regency: string | null;
  district: string | null;
  label: string;
}

export interface AreaIndexOptions {
  /** Extra names, e.g. { 'Mabar': '53.15', 'Matim': '53.19' }; matched like the official ones. */
  aliases?: Readonly<Record<string, string>>;
  /** Cache results per distinct input (default true). */
  cache?: boolean;
}

export interface AreaIndex {
  readonly size: { regencies: number; districts: number; villages: number };
  /** @internal */ readonly nodes: ReadonlyMap<string, AreaNode>;
  /** @internal */ readonly byKey: Readonly<Record<2 | 3 | 4, ReadonlyMap<string, readonly AreaNode[]>>>;
  /** @internal */ readonly all: Readonly<Record<2 | 3 | 4, readonly AreaNode[]>>;
  /** @internal Children of a regency (districts) or district (villages), and villages per regency. */
  readonly children: ReadonlyMap<string, readonly AreaNode[]>;
  /** @internal */ readonly villagesOfRegency: ReadonlyMap<string, readonly AreaNode[]>;
  /** @internal */ readonly cache: Map<string, AreaResolution> | null;
}

export interface AreaQuery {
  code?: unknown;
  village?: unknown;
  district?: unknown;
  regency?: unknown;
}

export interface AreaSuggestion {
  code: string;
  /** "Desa X, Kec. Y, Kab. Z" */
  label: string;
  /** 1 for an exact name, lower for less similar names (Jaro-Winkler). */
  score: number;
}

export type AreaResolution =
  | { readonly ok: true; readonly code: string; readonly label: string; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly error: Problem; readonly suggestions: readonly AreaSuggestion[]; readonly warnings: readonly Problem[] };

// ---------------------------------------------------------------------------
// Names

const PREFIXES: Readonly<Record<2 | 3 | 4, readonly (readonly [string, AreaKey['kind']])[]>> = {
  2: [['kabupaten', 'kab'], ['kab', 'kab'], ['kota', 'kota'], ['kotamadya', 'kota'], ['kodya', 'kota']],
  // "Kota Soe" and "Kota Lama" are district names: "Kota" is not a district prefix.
  3: [['kecamatan', null], ['kec', null], ['distrik', null]],
  4: [['desa', 'desa'], ['ds', 'desa'], ['kelurahan', 'kel'], ['kel', 'kel']],
};

const ROMAN = ['', 'i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv', 'xvi', 'xvii', 'xviii', 'xix', 'xx'];

function tokens(name: string): string[] {
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(name);
  return (ascii ? name : name.normalize('NFKD').replace(/\p{M}/gu, ''))
    .toLowerCase()
    .replace(/['’‘`´"]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

interface AreaKey {
  key: string;
  /** From the prefix: regencies 'kota' / 'kab', villages 'kel' / 'desa'. */
  kind: 'kota' | 'kab' | 'kel' | 'desa' | null;
}

/**
 * The look-up key of an area name at a level: prefixes removed, case, accents, spaces and
 * punctuation dropped, a final number written as a Roman numeral ("Hoelea 2" → "hoeleaii").
 */
export function areaKey(name: string, level: 2 | 3 | 4): AreaKey {
  let t = tokens(name);
  let kind: AreaKey['kind'] = null;
  // Up to two prefixes: "Desa/Kel. Oelnasi".
  for (let round = 0; round < 2; round++) {
    const hit = PREFIXES[level].find(([p]) => t[0] === p);
    if (!hit || t.length < 2) break;
    t = t.slice(1);
    kind ??= hit[1];
  }
  const last = t[t.length - 1];
  if (t.length > 1 && last !== undefined && /^\d{1,2}$/.test(last) && Number(last) >= 1 && Number(last) <= 20) {
    t[t.length - 1] = ROMAN[Number(last)] ?? last;
  }
  return { key: t.join(''), kind };
}

function displayName(name: string): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean !== clean.toUpperCase() || clean.length <= 3) return clean;
  return clean.toLowerCase().replace(/(^|[\s(/-])(\p{L})/gu, (_m, pre: string, ch: string) => pre + ch.toUpperCase());
}

function stripPrefix(display: string, level: Level): string {
  const re = level === 2 ? /^(kabupaten|kab\.?|kota)\s+/i : level === 3 ? /^(kecamatan|kec\.)\s+/i : /^(desa|kelurahan|kel\.)\s+/i;
  const stripped = display.replace(re, '');
  return stripped === '' ? display : stripped;
}

/**
 * Edit distance where swapping two neighbouring letters is one edit (optimal string alignment).
 * Only used on the few names a plain Levenshtein distance put just out of reach.
 */
function swapDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/** How far apart two keys may be to count as a spelling slip. */
function maxEdits(length: number): number {
  if (length <= 3) return 0;
  if (length <= 5) return 1;
  if (length <= 10) return 2;
  return 3;
}

// ---------------------------------------------------------------------------
// Index

function regencyLabel(n: AreaNode): string {
  return `${n.kota ? 'Kota' : 'Kab.'} ${n.name}`;
}

/** Builds the look-up index once; resolving is then Map look-ups. */
export function buildAreaIndex(areas: readonly AreaRecord[], opts: AreaIndexOptions = {}): AreaIndex {
  const nodes = new Map<string, AreaNode>();
  for (const a of areas) {
    const level = a.level as Level;
    if (level < 1 || level > 4) continue;
    const display = displayName(a.name);
    const upperKota = level === 2 && /^kota\b/i.test(a.name.trim());
    const part = a.code.split('.')[1] ?? '';
    nodes.set(a.code, {
      code: a.code,
      level,
      parent: a.parent_code,
      name: level === 1 ? display : stripPrefix(display, level),
      key: level === 1 ? tokens(a.name).join('') : areaKey(a.name, level).key,
      kota: level === 2 && (upperKota || Number(part) >= 71),
      kelurahan: level === 4 && (a.code.split('.')[3] ?? '').startsWith('1'),
      regency: null,
      district: null,
      label: '',
    });
  }
  // Ancestors and labels.
  for (const n of nodes.values()) {
    if (n.level === 2) {
      n.regency = n.code;
      n.label = regencyLabel(n);
    } else if (n.level === 3) {
      const r = n.parent ? nodes.get(n.parent) : undefined;
      n.district = n.code;
      n.regency = r?.code ?? n.parent;
      n.label = `Kec. ${n.name}` + (r ? `, ${regencyLabel(r)}` : '');
    } else if (n.level === 4) {
      const d = n.parent ? nodes.get(n.parent) : undefined;
      const r = d?.parent ? nodes.get(d.parent) : undefined;
      n.district = d?.code ?? n.parent;
      n.regency = r?.code ?? d?.parent ?? null;
      n.label = `${n.kelurahan ? 'Kel.' : 'Desa'} ${n.name}` + (d ? `, Kec. ${d.name}` : '') + (r ? `, ${regencyLabel(r)}` : '');
    }
  }

  const byKey: Record<2 | 3 | 4, Map<string, AreaNode[]>> = { 2: new Map(), 3: new Map(), 4: new Map() };
  const all: Record<2 | 3 | 4, AreaNode[]> = { 2: [], 3: [], 4: [] };
  const children = new Map<string, AreaNode[]>();
  const villagesOfRegency = new Map<string, AreaNode[]>();
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
    const list = map.get(key);
    if (list) {
      if (!list.includes(value)) list.push(value);
    } else map.set(key, [value]);
  };
  for (const n of nodes.values()) {
    if (n.level === 1) continue;
    all[n.level].push(n);
    if (n.key) push(byKey[n.level], n.key, n);
    if (n.parent) push(children, n.parent, n);
    if (n.level === 4 && n.regency) push(villagesOfRegency, n.regency, n);
  }
  // Initials of regencies with three or more words: TTS, TTU, SBD.
  for (const n of all[2]) {
    const words = tokens(n.name);
    if (words.length >= 3) {
      const initials = words.map((w) => w[0]).join('');
      if (!byKey[2].has(initials)) push(byKey[2], initials, n);
    }
  }
  for (const [alias, code] of Object.entries(opts.aliases ?? {})) {
    const n = nodes.get(code);
    if (!n || n.level === 1) continue;
    push(byKey[n.level], areaKey(alias, n.level).key, n);
  }
  return {
    size: { regencies: all[2].length, districts: all[3].length, villages: all[4].length },
    nodes,
    byKey,
    all,
    children,
    villagesOfRegency,
    cache: opts.cache === false ? null : new Map(),
  };
}

// ---------------------------------------------------------------------------
// Matching one level

interface Scored {
  node: AreaNode;
  score: number;
}

type LevelMatch =
  | { kind: 'exact'; nodes: readonly AreaNode[]; kindSwapped: boolean }
  | { kind: 'fuzzy'; node: AreaNode; score: number }
  | { kind: 'outside'; nodes: readonly AreaNode[]; near: Scored[] }
  | { kind: 'ambiguous'; near: Scored[] }
  | { kind: 'unknown'; near: Scored[] };

/** Where a search may look: under these regencies (level 2) or districts (level 3). */
interface Scope {
  level: 2 | 3;
  codes: ReadonlySet<string>;
  nodes: readonly AreaNode[];
}

function inScope(n: AreaNode, scope: Scope | null): boolean {
  if (!scope) return true;
  const anc = scope.level === 2 ? n.regency : n.district;
  return anc !== null && scope.codes.has(anc);
}

function pool(index: AreaIndex, level: 2 | 3 | 4, scope: Scope | null): readonly AreaNode[] {
  if (!scope) return index.all[level];
  const out: AreaNode[] = [];
  for (const s of scope.nodes) {
    if (level === 4 && scope.level === 2) out.push(...(index.villagesOfRegency.get(s.code) ?? []));
    else out.push(...(index.children.get(s.code) ?? []).filter((c) => c.level === level));
  }
  return out;
}

function scoreAll(key: string, candidates: readonly AreaNode[], limit = 5, min = 0.8): Scored[] {
  return candidates
    .map((node) => ({ node, score: jaroWinkler(key, node.key) }))
    .filter((s) => s.score >= min)
    .sort((a, b) => b.score - a.score || a.node.code.localeCompare(b.node.code))
    .slice(0, limit);
}

/** Keys of the names met so far: district and regency names repeat on almost every row. */
const KEY_MEMO = new Map<string, AreaKey>();

function memoKey(raw: string, level: 2 | 3 | 4): AreaKey {
  const memoId = `${level}${raw}`;
  let k = KEY_MEMO.get(memoId);
  if (!k) {
    k = areaKey(raw, level);
    if (KEY_MEMO.size >= 50_000) KEY_MEMO.clear();
    KEY_MEMO.set(memoId, k);
  }
  return k;
}

function matchLevel(index: AreaIndex, level: 2 | 3 | 4, raw: string, scope: Scope | null): LevelMatch {
  const { key, kind } = memoKey(raw, level);
  const exact = key ? (index.byKey[level].get(key) ?? []) : [];
  let found = exact.filter((n) => inScope(n, scope));
  let kindSwapped = false;
  if (kind && found.length > 1) {
    // "Kota Kupang" / "Kab. Kupang"; "Kel. Oesao" / "Desa Oesao" (both in Kec. Kupang Timur).
    const sameKind = found.filter((n) => (level === 2 ? n.kota === (kind === 'kota') : n.kelurahan === (kind === 'kel')));
    if (sameKind.length > 0) found = sameKind;
  } else if (level === 2 && kind && found[0] && found[0].kota !== (kind === 'kota')) {
    kindSwapped = true;
  }
  if (found.length > 0) return { kind: 'exact', nodes: found, kindSwapped };

  // Spelling slips, only where the row says the area is.
  const candidates = pool(index, level, scope);
  const limit = maxEdits(key.length);
  const close: { node: AreaNode; d: number }[] = [];
  if (limit > 0) {
    for (const node of candidates) {
      if (Math.abs(node.key.length - key.length) > limit) continue;
      const allowed = Math.min(limit, maxEdits(node.key.length));
      let d = distance(key, node.key);
      // Levenshtein counts a swap of two letters ("Olasi" for "Olais") as 2 edits; count it as 1.
      if (d > allowed && d <= 2 * allowed) d = swapDistance(key, node.key);
      if (d <= allowed) close.push({ node, d });
    }
  }
  let uniqueClose = [...new Map(close.map((c) => [c.node.code, c])).values()];
  if (kind && uniqueClose.length > 1) {
    const sameKind = uniqueClose.filter((c) => (level === 2 ? c.node.kota === (kind === 'kota') : c.node.kelurahan === (kind === 'kel')));
    if (sameKind.length > 0) uniqueClose = sameKind;
  }
  if (exact.length > 0) {
    return { kind: 'outside', nodes: exact, near: uniqueClose.map((c) => ({ node: c.node, score: jaroWinkler(key, c.node.key) })) };
  }
  if (uniqueClose.length === 1 && uniqueClose[0]) {
    const node = uniqueClose[0].node;
    return { kind: 'fuzzy', node, score: jaroWinkler(key, node.key) };
  }
  if (uniqueClose.length > 1) {
    const near = uniqueClose
      .map((c) => ({ node: c.node, score: jaroWinkler(key, c.node.key) }))
      .sort((a, b) => b.score - a.score || a.node.code.localeCompare(b.node.code));
    return { kind: 'ambiguous', near };
  }
  return { kind: 'unknown', near: key ? scoreAll(key, candidates) : [] };
}

// ---------------------------------------------------------------------------
// Messages

const LEVEL_WORDS: Readonly<Record<2 | 3 | 4, Message>> = {
  2: { id: 'kabupaten/kota', en: 'regency/city' },
  3: { id: 'kecamatan', en: 'district (kecamatan)' },
  4: { id: 'desa/kelurahan', en: 'village (desa/kelurahan)' },
};

const FIX_AREA: Message = {
  id: 'Perbaiki nama sesuai daftar wilayah Kemendagri, atau isi kolom Kode Wilayah (misalnya 53.01.08.2006)',
  en: 'Correct the name to match the Kemendagri area list, or fill in the Kode Wilayah column (for example 53.01.08.2006)',
};

function q(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return `'${t.length > 40 ? `${t.slice(0, 37)}…` : t}'`;
}

function problem(code: string, severity: Problem['severity'], message: Message): Problem {
  return { code, severity, ...message };
}

function listLabels(nodes: readonly AreaNode[], max = 4): string {
  const shown = nodes.slice(0, max).map((n) => n.label);
  return shown.join('; ') + (nodes.length > max ? ` … (+${nodes.length - max})` : '');
}

function fuzzyWarning(level: 2 | 3 | 4, raw: string, node: AreaNode): Problem {
  const w = LEVEL_WORDS[level];
  return problem('area_fuzzy_match', 'warning', {
    id: `${q(raw)} dibaca sebagai '${node.name}' (${node.label}). Bila benar, perbaiki ejaan nama ${w.id}; bila salah, tulis nama yang benar atau isi Kode Wilayah.`,
    en: `${q(raw)} was read as '${node.name}' (${node.label}). If that is right, fix the spelling of the ${w.en} name; if not, write the right name or fill in the Kode Wilayah (area code).`,
  });
}

function suggestionsOf(scored: readonly Scored[]): AreaSuggestion[] {
  return scored.map((s) => ({ code: s.node.code, label: s.node.label, score: Math.round(s.score * 1000) / 1000 }));
}

function exactSuggestions(nodes: readonly AreaNode[]): AreaSuggestion[] {
  return [...nodes].sort((a, b) => a.code.localeCompare(b.code)).map((n) => ({ code: n.code, label: n.label, score: 1 }));
}

function success(node: AreaNode, warnings: Problem[]): AreaResolution {
  return { ok: true, code: node.code, label: node.label, warnings };
}

function failure(code: string, message: Message, suggestions: AreaSuggestion[] = [], warnings: Problem[] = []): AreaResolution {
  const seen = new Set<string>();
  const unique: AreaSuggestion[] = [];
  for (const s of suggestions) {
    if (seen.has(s.code)) continue;
    seen.add(s.code);
    unique.push(s);
  }
  return { ok: false, error: problem(code, 'error', message), suggestions: unique.slice(0, 8), warnings };
}

// ---------------------------------------------------------------------------
// Resolving

function raw(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.replace(/[\u00a0\u200b\ufeff]/g, ' ').replace(/\s+/g, ' ').trim();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return '';
}

/** "53.01.08.2006", "53 01 08 2006", "5301082006" → "53.01.08.2006"; null when not a code's shape. */
export function normaliseAreaCode(raw: string): string | null {
  const s = raw.replace(/^'/, '').trim();
  const widths = [2, 2, 2, 4];
  let parts: string[];
  if (/^\d+$/.test(s)) {
    const cuts = [2, 4, 6, 10];
    if (!cuts.includes(s.length)) return null;
    parts = [];
    let at = 0;
    for (const w of widths) {
      if (at >= s.length) break;
      parts.push(s.slice(at, at + w));
      at += w;
    }
  } else {
    parts = s.split(/\s*[.\-/\s]\s*/);
    if (parts.length > 4 || parts.some((p, i) => !/^\d+$/.test(p) || p.length !== widths[i])) return null;
  }
  return parts.join('.');
}

function sameName(level: 2 | 3 | 4, raw: string, node: AreaNode, index: AreaIndex): boolean {
  const { key, kind } = areaKey(raw, level);
  if (level === 2 && kind && node.kota !== (kind === 'kota')) return false;
  if (key === node.key) return true;
  if ((index.byKey[level].get(key) ?? []).includes(node)) return true; // an alias or initials
  const limit = Math.min(maxEdits(key.length), maxEdits(node.key.length));
  return limit > 0 && distance(key, node.key) <= limit;
}

function resolveByCode(index: AreaIndex, rawCode: string, names: { village: string; district: string; regency: string }): AreaResolution {
  const code = normaliseAreaCode(rawCode);
  // What the names on the row point to: offered as suggestions when the code is wrong.
  const nameSuggestions = (): AreaSuggestion[] => {
    if (!names.village) return [];
    const byNames = resolveByNames(index, names);
    return byNames.ok ? [{ code: byNames.code, label: byNames.label, score: 1 }] : [...byNames.suggestions];
  };
  if (!code) {
    return failure('area_code_format', {
      id: `Kode wilayah ${q(rawCode)} tidak berbentuk kode desa Kemendagri. Tulis 10 angka dengan titik seperti 53.01.08.2006 (provinsi.kabupaten.kecamatan.desa), atau kosongkan dan isi nama desa, kecamatan dan kabupaten.`,
      en: `Area code ${q(rawCode)} is not shaped like a Kemendagri village code. Write 10 digits with dots like 53.01.08.2006 (province.regency.district.village), or leave it empty and fill in the village, district and regency names.`,
    }, nameSuggestions());
  }
  const node = index.nodes.get(code);
  if (!node) {
    const district = index.nodes.get(code.split('.').slice(0, 3).join('.'));
    const hint: Message =
      district && district.level === 3 && code.split('.').length === 4
        ? { id: ` Kecamatan ${district.code} (${district.label}) ada, tetapi desa dengan kode itu tidak.`, en: ` District ${district.code} (${district.label}) exists, but no village has that code.` }
        : { id: '', en: '' };
    return failure('area_code_unknown', {
      id: `Kode wilayah ${code} tidak ada dalam daftar wilayah Kemendagri.${hint.id} Periksa kodenya, atau kosongkan dan isi nama desa, kecamatan dan kabupaten.`,
      en: `Area code ${code} is not in the Kemendagri area list.${hint.en} Check the code, or leave it empty and fill in the village, district and regency names.`,
    }, nameSuggestions());
  }
  if (node.level !== 4) {
    const w = node.level === 1 ? { id: 'provinsi', en: 'province' } : LEVEL_WORDS[node.level];
    return failure('area_code_not_village', {
      id: `Kode wilayah ${code} adalah kode ${w.id} (${node.label || node.name}), bukan kode desa/kelurahan. Tulis kode desa lengkap, 4 bagian seperti 53.01.08.2006.`,
      en: `Area code ${code} is a ${w.en} code (${node.label || node.name}), not a village code. Write the full village code, 4 parts like 53.01.08.2006.`,
    }, nameSuggestions());
  }
  // Names written next to the code must agree with it.
  const district = node.district ? index.nodes.get(node.district) : undefined;
  const regency = node.regency ? index.nodes.get(node.regency) : undefined;
  const clashes: string[] = [];
  if (names.village && !sameName(4, names.village, node, index)) clashes.push(q(names.village));
  if (names.district && district && !sameName(3, names.district, district, index)) clashes.push(q(names.district));
  if (names.regency && regency && !sameName(2, names.regency, regency, index)) clashes.push(q(names.regency));
  if (clashes.length > 0) {
    return failure('area_code_name_mismatch', {
      id: `Kode wilayah ${code} adalah ${node.label}, tetapi nama wilayah yang tertulis (${clashes.join(', ')}) tidak cocok. Periksa mana yang benar, lalu perbaiki kode atau namanya.`,
      en: `Area code ${code} is ${node.label}, but the area names written (${clashes.join(', ')}) do not match. Check which is right, then correct the code or the names.`,
    }, [{ code: node.code, label: node.label, score: 1 }, ...nameSuggestions()]);
  }
  return success(node, []);
}

function scopeOf(nodes: readonly AreaNode[], level: 2 | 3): Scope {
  return { level, codes: new Set(nodes.map((n) => n.code)), nodes };
}

function resolveByNames(index: AreaIndex, names: { village: string; district: string; regency: string }): AreaResolution {
  const warnings: Problem[] = [];
  /** A name given for an upper level that could not be used; reported only if the village is found anyway. */
  const unused: { level: 2 | 3; raw: string; why: 'unknown' | 'outside' }[] = [];

  let regencies: readonly AreaNode[] | null = null;
  if (names.regency) {
    const m = matchLevel(index, 2, names.regency, null);
    if (m.kind === 'exact') {
      regencies = m.nodes;
      const [first] = m.nodes;
      if (m.kindSwapped && first) warnings.push(fuzzyWarning(2, names.regency, first));
    } else if (m.kind === 'fuzzy') {
      regencies = [m.node];
      warnings.push(fuzzyWarning(2, names.regency, m.node));
    } else unused.push({ level: 2, raw: names.regency, why: 'unknown' });
  }

  let districts: readonly AreaNode[] | null = null;
  if (names.district) {
    const m = matchLevel(index, 3, names.district, regencies ? scopeOf(regencies, 2) : null);
    if (m.kind === 'exact') districts = m.nodes;
    else if (m.kind === 'fuzzy') {
      districts = [m.node];
      warnings.push(fuzzyWarning(3, names.district, m.node));
    } else unused.push({ level: 3, raw: names.district, why: m.kind === 'outside' ? 'outside' : 'unknown' });
  }

  if (!names.village) {
    return failure('area_village_missing', {
      id: 'Nama desa/kelurahan belum diisi. Isi nama desa/kelurahan (dengan kecamatan dan kabupaten), atau isi Kode Wilayah desa seperti 53.01.08.2006.',
      en: 'The village (desa/kelurahan) name is empty. Fill in the village name (with district and regency), or the village’s Kode Wilayah (area code) like 53.01.08.2006.',
    }, [], warnings);
  }

  const scope = districts ? scopeOf(districts, 3) : regencies ? scopeOf(regencies, 2) : null;
  const m = matchLevel(index, 4, names.village, scope);
  if (m.kind === 'exact' && m.nodes.length === 1 && m.nodes[0] && unused.length === 0) return success(m.nodes[0], warnings);

  const where = [names.district && districts ? `Kec. ${districts.map((d) => d.name).join('/')}` : '', regencies ? regencies.map(regencyLabel).join('/') : '']
    .filter(Boolean)
    .join(', ');

  if (m.kind === 'exact' && m.nodes.length > 1) {
    const sameDistrict = new Set(m.nodes.map((n) => n.district)).size === 1;
    const fix: Message =
      sameDistrict && m.nodes.some((n) => n.kelurahan) && m.nodes.some((n) => !n.kelurahan)
        ? {
            id: `Nama ini dipakai desa dan kelurahan di kecamatan yang sama: tulis 'Kel. ${m.nodes[0]?.name ?? ''}' untuk kelurahan atau 'Desa ${m.nodes[0]?.name ?? ''}' untuk desa, atau isi Kode Wilayah desa.`,
            en: `A desa and a kelurahan in the same district share this name: write 'Kel. ${m.nodes[0]?.name ?? ''}' for the kelurahan or 'Desa ${m.nodes[0]?.name ?? ''}' for the desa, or fill in the village’s Kode Wilayah (area code).`,
          }
        : {
            id: 'Isi nama kecamatan dan kabupaten yang benar, atau Kode Wilayah desa, agar jelas desa yang dimaksud.',
            en: 'Fill in the right district and regency names, or the village’s Kode Wilayah (area code), so it is clear which one is meant.',
          };
    return failure('area_village_ambiguous', {
      id: `Ada ${m.nodes.length} desa/kelurahan bernama ${q(names.village)}${where ? ` di ${where}` : ''}: ${listLabels(m.nodes)}. ${fix.id}`,
      en: `There are ${m.nodes.length} villages named ${q(names.village)}${where ? ` in ${where}` : ''}: ${listLabels(m.nodes)}. ${fix.en}`,
    }, exactSuggestions(m.nodes), warnings);
  }
  if (m.kind === 'outside') {
    return failure('area_village_outside', {
      id: `Desa/kelurahan ${q(names.village)} tidak ada di ${where || 'wilayah yang tertulis'}, tetapi ada di: ${listLabels(m.nodes)}. Periksa nama desa, kecamatan dan kabupaten; perbaiki yang salah, atau isi Kode Wilayah.`,
      en: `Village ${q(names.village)} is not in ${where || 'the area written'}, but there is one in: ${listLabels(m.nodes)}. Check the village, district and regency names and correct the wrong one, or fill in the Kode Wilayah (area code).`,
    }, [...suggestionsOf(m.near), ...exactSuggestions(m.nodes)], warnings);
  }
  if (m.kind === 'ambiguous') {
    return failure('area_village_unknown', {
      id: `Desa/kelurahan ${q(names.village)} tidak ditemukan${where ? ` di ${where}` : ''}; beberapa nama mirip: ${listLabels(m.near.map((s) => s.node))}. ${FIX_AREA.id}.`,
      en: `Village ${q(names.village)} was not found${where ? ` in ${where}` : ''}; several names are similar: ${listLabels(m.near.map((s) => s.node))}. ${FIX_AREA.en}.`,
    }, suggestionsOf(m.near), warnings);
  }
  if (m.kind === 'unknown') {
    const near = m.near.length > 0 ? { id: ` Mungkin maksudnya: ${listLabels(m.near.map((s) => s.node), 3)}.`, en: ` Perhaps: ${listLabels(m.near.map((s) => s.node), 3)}.` } : { id: '', en: '' };
    const problems = unused.map((u) => `${LEVEL_WORDS[u.level].id} ${q(u.raw)}`);
    const problemsEn = unused.map((u) => `${LEVEL_WORDS[u.level].en} ${q(u.raw)}`);
    return failure('area_village_unknown', {
      id: `Desa/kelurahan ${q(names.village)} tidak ditemukan${where ? ` di ${where}` : ''}${problems.length ? ` (nama ${problems.join(' dan ')} juga tidak dikenali)` : ''}.${near.id} ${FIX_AREA.id}.`,
      en: `Village ${q(names.village)} was not found${where ? ` in ${where}` : ''}${problemsEn.length ? ` (the ${problemsEn.join(' and ')} was not recognised either)` : ''}.${near.en} ${FIX_AREA.en}.`,
    }, suggestionsOf(m.near), warnings);
  }

  const node = m.kind === 'exact' ? m.nodes[0] : m.node;
  if (!node) return failure('area_village_unknown', { id: `Desa/kelurahan ${q(names.village)} tidak ditemukan. ${FIX_AREA.id}.`, en: `Village ${q(names.village)} was not found. ${FIX_AREA.en}.` });
  if (m.kind === 'fuzzy') warnings.push(fuzzyWarning(4, names.village, node));
  for (const u of unused) {
    const w = LEVEL_WORDS[u.level];
    const actual = index.nodes.get((u.level === 2 ? node.regency : node.district) ?? '');
    const actualLabel = actual ? (u.level === 2 ? regencyLabel(actual) : `Kec. ${actual.name}`) : '';
    warnings.push(
      problem(u.why === 'outside' ? 'area_name_conflict' : 'area_name_unknown', 'warning', {
        id: `Nama ${w.id} ${q(u.raw)} ${u.why === 'outside' ? 'tidak sesuai dengan wilayah lain di baris ini' : 'tidak dikenali'}; desa ditemukan di ${actualLabel || node.label}. Perbaiki nama ${w.id} agar sesuai.`,
        en: `The ${w.en} name ${q(u.raw)} ${u.why === 'outside' ? 'does not fit the rest of the area on this row' : 'was not recognised'}; the village was found in ${actualLabel || node.label}. Correct the ${w.en} name to match.`,
      }),
    );
  }
  return success(node, warnings);
}

const CACHE_LIMIT = 100_000;

/**
 * Resolves one row's area to a village code. A code wins when given (names next to it must agree);
 * otherwise the names are used. See the module comment for the rules.
 */
export function resolveArea(index: AreaIndex, query: AreaQuery): AreaResolution {
  const cacheKey = index.cache ? `${raw(query.code)}\u0001${raw(query.village)}\u0001${raw(query.district)}\u0001${raw(query.regency)}` : '';
  const cached = index.cache?.get(cacheKey);
  if (cached) return cached;
  const code = text(query.code);
  const names = { village: text(query.village), district: text(query.district), regency: text(query.regency) };

  let result: AreaResolution;
  if (code) result = resolveByCode(index, code, names);
  else if (names.village || names.district || names.regency) result = resolveByNames(index, names);
  else {
    result = failure('area_missing', {
      id: 'Wilayah belum diisi. Isi Kode Wilayah desa (misalnya 53.01.08.2006), atau nama desa/kelurahan, kecamatan dan kabupaten/kota.',
      en: 'The area is empty. Fill in the village’s Kode Wilayah (area code, for example 53.01.08.2006), or the village, district and regency names.',
    });
  }
  if (index.cache) {
    if (index.cache.size >= CACHE_LIMIT) index.cache.clear();
    index.cache.set(cacheKey, result);
  }
  return result;
}
