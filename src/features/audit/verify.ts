/**
 * Checks the hash chain of the history: every entry's hash against its content, every block's
 * hash against the previous block and its entries. Set-based, so a million entries take seconds.
 *
 * History has two forms (see migrations 001 and 002): entries written before migration 002 live
 * in audit_log (jsonb content, lindung_audit_entry_hash), later ones in audit_entry (JSON text,
 * lindung_audit_entry_hash2). Both take their ids from one sequence and hang from the one chain of
 * audit_block, whose hash is the same for both: sha256(prev_hash || entry hashes in id order).
 */
import type { Queryable } from '../../db/types.js';

export interface VerifyResult {
  ok: boolean;
  blocks: number;
  entries: number;
  badEntries: number[];
  badBlocks: number[];
  /** Hash of the newest block: write it down elsewhere to detect removal of the newest history too. */
  head: string | null;
}

/** Every entry of both forms, as (id, block_id, entry_hash): what the block hashes cover. */
const ALL_ENTRIES = `(SELECT id, block_id, entry_hash FROM audit_log UNION ALL SELECT id, block_id, entry_hash FROM audit_entry)`;

export async function verifyAudit(db: Queryable, limit = 100): Promise<VerifyResult> {
  const badEntries = await db.query<{ id: number }>(
    `SELECT id FROM audit_log
      WHERE entry_hash IS DISTINCT FROM lindung_audit_entry_hash(table_name, op, row_key, actor_id, actor_label, at, before, after)
     UNION ALL
     SELECT id FROM audit_entry
      WHERE entry_hash IS DISTINCT FROM lindung_audit_entry_hash2(id, at, actor_id, actor_label, request_id, table_name, op, row_key,
                                                                  subject, area_code, before, after)
     ORDER BY id LIMIT $1`,
    [limit],
  );
  const badBlocks = await db.query<{ id: number }>(
    `SELECT id FROM (
       SELECT b.id, b.prev_hash, b.hash, b.entry_count,
              lag(b.hash, 1, '\\x'::bytea) OVER (ORDER BY b.id) AS expected_prev,
              coalesce(e.n, 0) AS n, e.h
         FROM audit_block b
         LEFT JOIN (SELECT block_id, count(*) AS n, string_agg(entry_hash, ''::bytea ORDER BY id) AS h FROM ${ALL_ENTRIES} x GROUP BY block_id) e
           ON e.block_id = b.id
     ) x
     WHERE prev_hash <> expected_prev OR n <> entry_count OR hash <> sha256(prev_hash || coalesce(h, '\\x'::bytea))
     ORDER BY id LIMIT $1`,
    [limit],
  );
  // Entries that belong to no block at all were inserted around the chain.
  const orphans = await db.query<{ id: number }>(
    `SELECT l.id FROM ${ALL_ENTRIES} l LEFT JOIN audit_block b ON b.id = l.block_id WHERE b.id IS NULL ORDER BY l.id LIMIT $1`,
    [limit],
  );
  const [counts] = await db.query<{ blocks: number; entries: number }>(
    `SELECT (SELECT count(*) FROM audit_block)::int AS blocks,
            ((SELECT count(*) FROM audit_log) + (SELECT count(*) FROM audit_entry))::int AS entries`,
  );
  const [head] = await db.query<{ hash: string }>("SELECT encode(hash, 'hex') AS hash FROM audit_block ORDER BY id DESC LIMIT 1");
  const entryIds = [...new Set([...badEntries, ...orphans].map((r) => r.id))].sort((a, b) => a - b);
  return {
    ok: entryIds.length === 0 && badBlocks.length === 0,
    blocks: counts?.blocks ?? 0,
    entries: counts?.entries ?? 0,
    badEntries: entryIds,
    badBlocks: badBlocks.map((r) => r.id),
    head: head?.hash ?? null,
  };
}
