/**
 * A programme's quota per regency: allocated in proportion to a dated reference statistic
 * (largest remainder, optional minimum), with manual overrides that carry a reason; and how each
 * regency's quota is filling.
 */
import type { Queryable } from '../../db/types.js';
import { allocateQuota, type QuotaAllocation } from '../../domain/quota.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from './programmes.js';

export interface AllocateOptions {
  /** Reference statistic to divide by, e.g. 'poor_population'. */
  indicator: string;
  /** Date of the statistic; default the latest one available. */
  asOf?: string;
  minimum?: number;
  /** Keep earlier overrides (default true). */
  keepOverrides?: boolean;
}

export interface QuotaStatusRow {
  regencyCode: string;
  regencyName: string;
  quota: number;
  method: string;
  reason: string | null;
  /** Eligible rows in batches checked or submitted, not yet decided. */
  proposed: number;
  /** Approved candidates and members holding a place. */
  approved: number;
  waiting: number;
  free: number;
}

/** The programme's regencies: those inside the funder's area. */
async function regenciesOf(tx: Queryable, programme: Programme): Promise<string[]> {
  const area = programme.funderAreaCode;
  const rows = await tx.query<{ code: string }>(
    `SELECT code FROM area WHERE level = 2 AND (code = $1 OR starts_with(code, $1 || '.')) ORDER BY code`,
    [area.slice(0, 5)],
  );
  return rows.map((r) => r.code);
}

export async function allocateProgrammeQuota(tx: Queryable, programme: Programme, opts: AllocateOptions): Promise<QuotaAllocation[]> {
  const regencies = await regenciesOf(tx, programme);
  const [latest] = await tx.query<{ as_of: string | null }>(
    'SELECT max(as_of) AS as_of FROM reference_statistic WHERE indicator = $1 AND area_code = ANY($2::text[])',
    [opts.indicator, regencies],
  );
  const asOf = opts.asOf ?? latest?.as_of ?? null;
  if (!asOf) {
    throw new UserError('invalid', 'quota_indicator_missing', {
      id: `Belum ada statistik "${opts.indicator}" untuk kabupaten/kota program ${programme.code}. Impor statistik rujukan dulu (lindung statistics import).`,
      en: `There is no "${opts.indicator}" statistic for the regencies of programme ${programme.code}. Import the reference statistics first (lindung statistics import).`,
    });
  }
  const values = await tx.query<{ area_code: string; value: number }>(
    'SELECT area_code, value FROM reference_statistic WHERE indicator = $1 AND as_of = $2 AND area_code = ANY($3::text[]) ORDER BY area_code',
    [opts.indicator, asOf, regencies],
  );
  const missing = regencies.filter((r) => !values.some((v) => v.area_code === r));
  if (missing.length) {
    throw new UserError('invalid', 'quota_indicator_incomplete', {
      id: `Statistik "${opts.indicator}" per ${asOf} tidak lengkap: tidak ada nilai untuk ${missing.join(', ')}. Lengkapi statistik lalu bagi ulang.`,
      en: `The "${opts.indicator}" statistic of ${asOf} is incomplete: no value for ${missing.join(', ')}. Complete it and allocate again.`,
    });
  }
  const overrides = opts.keepOverrides === false
    ? []
    : (await tx.query<{ regency_code: string; quota: number; reason: string }>(
        `SELECT regency_code, quota, reason FROM programme_quota WHERE programme_id = $1 AND method = 'override' ORDER BY regency_code`,
        [programme.id],
      )).map((o) => ({ code: o.regency_code, quota: o.quota, reason: o.reason }));
  const allocation = allocateQuota({
    total: programme.totalQuota,
    indicator: values.map((v) => ({ code: v.area_code, value: v.value })),
    minimum: opts.minimum,
    overrides,
  });
  await writeAllocation(tx, programme.id, allocation, opts.indicator, asOf);
  return allocation;
}

async function writeAllocation(tx: Queryable, programmeId: number, allocation: QuotaAllocation[], indicator: string, asOf: string): Promise<void> {
  for (const a of allocation) {
    // One statement per regency (22 rows): the history shows each change with before and after.
    await tx.query(
      `INSERT INTO programme_quota (programme_id, regency_code, quota, method, share, reason, indicator, indicator_as_of)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (programme_id, regency_code) DO UPDATE SET quota = EXCLUDED.quota, method = EXCLUDED.method, share = EXCLUDED.share,
         reason = EXCLUDED.reason, indicator = EXCLUDED.indicator, indicator_as_of = EXCLUDED.indicator_as_of, updated_at = now()
       WHERE (programme_quota.quota, programme_quota.method, programme_quota.reason) IS DISTINCT FROM (EXCLUDED.quota, EXCLUDED.method, EXCLUDED.reason)`,
      [programmeId, a.code, a.quota, a.method, a.share.toFixed(6), a.reason, indicator, asOf],
    );
  }
}

/**
 * Fixes one regency's quota by hand (a decree, a pledge) and shares the rest out again by the
 * same statistic, so the total stays the programme's.
 */
export async function overrideQuota(tx: Queryable, programme: Programme, regencyCode: string, quota: number, reason: string): Promise<QuotaAllocation[]> {
  if (!reason.trim()) {
    throw new UserError('invalid', 'quota_override_no_reason', { id: 'Tulis alasan perubahan kuota (misalnya nomor SK).', en: 'Give the reason for the change (for example the decree number).' });
  }
  const [current] = await tx.query<{ indicator: string | null; indicator_as_of: string | null }>(
    'SELECT indicator, indicator_as_of FROM programme_quota WHERE programme_id = $1 LIMIT 1',
    [programme.id],
  );
  if (!current?.indicator) {
    throw new UserError('invalid', 'quota_not_allocated', {
      id: `Kuota program ${programme.code} belum dibagi. Bagi dulu (lindung quota allocate ${programme.code}), lalu ubah per kabupaten.`,
      en: `Programme ${programme.code} has no quota allocation yet. Allocate first (lindung quota allocate ${programme.code}), then change a regency.`,
    });
  }
  await tx.query(
    `UPDATE programme_quota SET method = 'override', quota = $3, reason = $4, updated_at = now() WHERE programme_id = $1 AND regency_code = $2`,
    [programme.id, regencyCode, quota, reason.trim()],
  );
  return allocateProgrammeQuota(tx, programme, { indicator: current.indicator, asOf: current.indicator_as_of ?? undefined });
}

export async function quotaStatus(tx: Queryable, programmeId: number): Promise<QuotaStatusRow[]> {
  return tx.query<QuotaStatusRow>(
    `SELECT q.regency_code AS "regencyCode", a.name AS "regencyName", q.quota, q.method, q.reason,
            coalesce(p.n, 0)::int AS proposed, coalesce(m.approved, 0)::int AS approved, coalesce(m.waiting, 0)::int AS waiting,
            greatest(q.quota - coalesce(m.approved, 0), 0)::int AS free
       FROM programme_quota q
       JOIN area a ON a.code = q.regency_code
       -- From the trigger-kept tally: counting memberships under row-level security reads every
       -- one of them (seconds at 1,000,000). The tally shows a regency's counts to its villages too.
       LEFT JOIN (SELECT regency_code, sum(n) FILTER (WHERE state IN ('candidate', 'submitted', 'active', 'lapsed')) AS approved,
                         sum(n) FILTER (WHERE state = 'waiting') AS waiting
                    FROM membership_tally WHERE programme_id = $1 GROUP BY regency_code) m ON m.regency_code = q.regency_code
       LEFT JOIN (SELECT left(r.village_code, 5) AS regency_code, count(*) AS n
                    FROM intake_row r JOIN intake_batch b ON b.id = r.batch_id
                   WHERE b.programme_id = $1 AND b.status IN ('checked', 'submitted') AND r.status IN ('eligible', 'review')
                   GROUP BY 1) p ON p.regency_code = q.regency_code
      WHERE q.programme_id = $1
      ORDER BY q.regency_code`,
    [programmeId],
  );
}

export interface QuotaChange {
  at: string;
  actor: string;
  regencyCode: string;
  before: number | null;
  after: number | null;
  method: string | null;
  reason: string | null;
}

/** The latest changes of a programme's quotas, from the history (who, when, from what to what, why). */
export async function quotaHistory(tx: Queryable, programmeId: number, limit = 50): Promise<QuotaChange[]> {
  return tx.query<QuotaChange>(
    `SELECT at::text AS at, actor_label AS actor, row_key AS "regencyCode",
            (before::jsonb ->> 'quota')::int AS before, (after::jsonb ->> 'quota')::int AS after,
            after::jsonb ->> 'method' AS method, after::jsonb ->> 'reason' AS reason
       FROM audit_history
      WHERE subject = $1 AND table_name = 'programme_quota'
      ORDER BY id DESC LIMIT $2`,
    [`programme:${programmeId}`, limit],
  );
}
