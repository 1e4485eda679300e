/**
 * Priority ranking of eligible candidates when a regency's quota is short.
 *
 * Pure. Order (domain.md §2, issue 3): extreme poor first, then people with a
 * disability, then the lower DTSEN decile (poorer first; unknown decile last),
 * then the older person (earlier birth date; unknown last), then a stable key
 * such as the NIK or a row id so the same input always gives the same list and
 * nobody's place depends on upload order.
 */

export interface RankKey {
  extremePoor: boolean;
  disability: boolean;
  dtsenDecile: number | null;
  /** YYYY-MM-DD; ISO dates sort correctly as text. */
  birthDate: string | null;
  /** Final tiebreak: numbers ascending before strings; strings by code unit (not locale). */
  tiebreak: string | number;
}

function compareNullableLast(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTiebreak(a: string | number, b: string | number): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` comes first. */
export function compareRankKeys(a: RankKey, b: RankKey): number {
  return (
    Number(b.extremePoor) - Number(a.extremePoor) ||
    Number(b.disability) - Number(a.disability) ||
    compareNullableLast(a.dtsenDecile, b.dtsenDecile) ||
    compareNullableLast(a.birthDate, b.birthDate) ||
    compareTiebreak(a.tiebreak, b.tiebreak)
  );
}

/**
 * Returns a new array in priority order; the input is not changed. Keys are
 * computed once per item. Items with identical keys keep their input order
 * (the sort is stable), though a unique tiebreak makes that moot.
 */
export function rankCandidates<T>(items: readonly T[], key: (item: T) => RankKey): T[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => compareRankKeys(a.key, b.key));
  return keyed.map((k) => k.item);
}

export interface WaitingEntry<T> {
  item: T;
  /** 1 = next in line when a place frees up. */
  position: number;
}

export interface QuotaSplit<T> {
  within: T[];
  waiting: WaitingEntry<T>[];
}

/** The first `quota` ranked items are within the quota; the rest wait in rank order. */
export function splitByQuota<T>(rankedItems: readonly T[], quota: number): QuotaSplit<T> {
  if (!Number.isSafeInteger(quota) || quota < 0) throw new RangeError(`quota must be a whole number of 0 or more, got ${quota}`);
  return {
    within: rankedItems.slice(0, quota),
    waiting: rankedItems.slice(quota).map((item, i) => ({ item, position: i + 1 })),
  };
}
