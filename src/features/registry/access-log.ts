import type { Queryable } from '../../db/types.js';
import type { Actor } from '../../db/scope.js';

/** Records a read or export of personal data: who, what, why (UU 27/2022). Never stores a NIK. */
export async function logAccess(
  tx: Queryable,
  actor: Actor,
  e: { action: 'view' | 'search' | 'export'; subjectType: string; ids: number[]; purpose: string; query?: Record<string, unknown>; requestId?: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO data_access_log (actor_id, actor_label, action, subject_type, subject_ids, subject_count, purpose, query, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [actor.userId, actor.username, e.action, e.subjectType, e.ids, e.ids.length, e.purpose.slice(0, 200), e.query ? JSON.stringify(e.query) : null, e.requestId ?? null],
  );
}
