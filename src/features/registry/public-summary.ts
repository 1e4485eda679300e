import type { Db } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import { regencySummary, type RegencyCount } from './summary.js';

// The public page may be hit by anyone: answer from a one-minute cache, never a fresh count per visit.
let cache: { at: number; rows: RegencyCount[] } | null = null;

/** Aggregates per regency for the public: counts only, no personal data. */
export async function publicSummary(db: Db): Promise<RegencyCount[]> {
  if (cache && Date.now() - cache.at < 60_000) return cache.rows;
  const rows = await asSystem(db, 'public', (tx) => regencySummary(tx, null));
  cache = { at: Date.now(), rows };
  return rows;
}

export function clearPublicSummaryCache(): void {
  cache = null;
}
