import type { Db } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { recordSecurityEvent } from './security-events.js';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;

export type LoginResult =
  | { ok: true; userId: number }
  | { ok: false; reason: 'bad_credentials' }
  | { ok: false; reason: 'locked'; until: Date };

/**
 * Checks a username and password. Five wrong passwords in a row lock the account for
 * 15 minutes; the answer for an unknown user and a wrong password is the same.
 */
export async function login(db: Db, username: string, password: string, ip: string | null): Promise<LoginResult> {
  const [user] = await db.query<{ id: number; password_hash: string; locked_until: Date | null; disabled: boolean }>(
    'SELECT id, password_hash, locked_until, disabled FROM app_user WHERE lower(username) = lower($1)',
    [username],
  );
  if (!user || user.disabled) {
    await verifyPassword(await decoyHash(), password);
    await recordSecurityEvent(db, 'login_failed', { username, ip, detail: { reason: user ? 'disabled' : 'unknown_user' } });
    return { ok: false, reason: 'bad_credentials' };
  }
  if (user.locked_until && user.locked_until > new Date()) {
    await recordSecurityEvent(db, 'login_locked', { userId: user.id, username, ip });
    return { ok: false, reason: 'locked', until: user.locked_until };
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    const [after] = await asSystem(db, `login:${username}`, (tx) =>
      tx.query<{ failed_attempts: number; locked_until: Date | null }>(
        `UPDATE app_user
            SET failed_attempts = failed_attempts + 1,
                locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN now() + make_interval(mins => $3) END
          WHERE id = $1 RETURNING failed_attempts, locked_until`,
        [user.id, MAX_FAILED_ATTEMPTS, LOCK_MINUTES],
      ),
    );
    await recordSecurityEvent(db, after?.locked_until ? 'account_locked' : 'login_failed', {
      userId: user.id, username, ip, detail: { failedAttempts: after?.failed_attempts },
    });
    if (after?.locked_until) return { ok: false, reason: 'locked', until: after.locked_until };
    return { ok: false, reason: 'bad_credentials' };
  }
  await asSystem(db, `login:${username}`, (tx) =>
    tx.query('UPDATE app_user SET failed_attempts = 0, locked_until = NULL, last_login_at = now() WHERE id = $1', [user.id]),
  );
  return { ok: true, userId: user.id };
}
