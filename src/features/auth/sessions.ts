import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/types.js';
import type { Actor } from '../../db/scope.js';
import type { Role } from '../../domain/roles.js';

export interface SessionUser extends Actor {
  userId: number;
  fullName: string;
  mustChangePassword: boolean;
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
  expiresAt: Date;
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(db: Db, userId: number, hours: number, ip: string | null, userAgent: string | null) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db.query(
    `INSERT INTO user_session (id, user_id, csrf_token, expires_at, ip, user_agent)
     VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6)`,
    [tokenId(token), userId, csrfToken, hours, ip, userAgent?.slice(0, 300) ?? null],
  );
  return { token, csrfToken };
}

/** The session behind a cookie token, or null when unknown, expired or its user is disabled. */
export async function findSession(db: Db, token: string): Promise<Session | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [row] = await db.query<{
    user_id: number; username: string; full_name: string; role: Role; area_code: string | null;
    must_change_password: boolean; csrf_token: string; expires_at: Date;
  }>(
    `SELECT s.user_id, u.username, u.full_name, u.role, u.area_code, u.must_change_password, s.csrf_token, s.expires_at
       FROM user_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.id = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenId(token)],
  );
  if (!row) return null;
  return {
    user: {
      userId: row.user_id,
      username: row.username,
      fullName: row.full_name,
      role: row.role,
      areaCode: row.area_code,
      mustChangePassword: row.must_change_password,
    },
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE id = $1', [tokenId(token)]);
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.query('DELETE FROM user_session WHERE user_id = $1', [userId]);
}
