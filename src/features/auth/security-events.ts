import type { Queryable } from '../../db/types.js';

export type SecurityEventKind =
  | 'login_failed'
  | 'login_locked'
  | 'account_locked'
  | 'csrf_rejected'
  | 'forbidden'
  | 'out_of_area'
  | 'bad_request'
  | 'rate_limited';

export async function recordSecurityEvent(
  db: Queryable,
  kind: SecurityEventKind,
  e: { userId?: number | null; username?: string | null; ip?: string | null; detail?: Record<string, unknown> },
): Promise<void> {
  await db.query('INSERT INTO security_event (kind, user_id, username, ip, detail) VALUES ($1, $2, $3, $4, $5)', [
    kind,
    e.userId ?? null,
    e.username?.slice(0, 100) ?? null,
    e.ip ?? null,
    e.detail ? JSON.stringify(e.detail) : null,
  ]);
}
