import type { Db, Queryable } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import { isRole, type Role } from '../../domain/roles.js';
import type { Message } from '../../domain/messages.js';
import { hashPassword, passwordProblem, verifyPassword } from '../auth/passwords.js';
import { deleteUserSessions } from '../auth/sessions.js';

export interface UserRow {
  id: number;
  username: string;
  full_name: string;
  role: Role;
  area_code: string | null;
  area_name: string | null;
  disabled: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  must_change_password: boolean;
}

export class UserInputError extends Error {
  constructor(readonly msg: Message) {
    super(msg.en);
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;

export interface NewUser {
  username: string;
  fullName: string;
  role: string;
  areaCode: string | null;
  password: string;
  mustChangePassword?: boolean;
}

export async function addUser(tx: Queryable, u: NewUser): Promise<number> {
  const username = u.username.trim().toLowerCase();
  if (!USERNAME.test(username))
    throw new UserInputError({
      id: 'Nama pengguna 3–40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.',
      en: 'A username has 3–40 characters: lower-case letters, digits, dot, underscore or hyphen.',
    });
  if (!isRole(u.role))
    throw new UserInputError({ id: `Peran "${u.role}" tidak dikenal.`, en: `Unknown role "${u.role}".` });
  if (u.areaCode !== null) {
    const [area] = await tx.query<{ level: number }>('SELECT level FROM area WHERE code = $1', [u.areaCode]);
    if (!area)
      throw new UserInputError({
        id: `Kode wilayah ${u.areaCode} tidak ada. Gunakan kode Kemendagri, misalnya 53 atau 53.01.`,
        en: `Area code ${u.areaCode} does not exist. Use a Kemendagri code such as 53 or 53.01.`,
      });
    if (u.role === 'village_operator' && area.level !== 4)
      throw new UserInputError({ id: 'Operator desa harus terikat pada satu desa/kelurahan.', en: 'A village operator must be bound to one village.' });
    if (u.role === 'regency_operator' && area.level !== 2)
      throw new UserInputError({ id: 'Operator kabupaten harus terikat pada satu kabupaten/kota.', en: 'A regency operator must be bound to one regency.' });
  } else if (u.role !== 'admin' && u.role !== 'viewer') {
    throw new UserInputError({ id: 'Akun ini harus terikat pada satu wilayah.', en: 'This account must be bound to an area.' });
  }
  const problem = passwordProblem(u.password, username);
  if (problem) throw new UserInputError(problem);
  const [exists] = await tx.query('SELECT 1 FROM app_user WHERE lower(username) = $1', [username]);
  if (exists) throw new UserInputError({ id: `Nama pengguna ${username} sudah dipakai.`, en: `Username ${username} is already taken.` });
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO app_user (username, full_name, role, area_code, password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [username, u.fullName.trim() || username, u.role, u.areaCode, await hashPassword(u.password), u.mustChangePassword ?? false],
  );
  return row!.id;
}

export async function listUsers(tx: Queryable): Promise<UserRow[]> {
  return tx.query<UserRow>(
    `SELECT u.id, u.username, u.full_name, u.role, u.area_code, a.name AS area_name, u.disabled, u.locked_until,
            u.last_login_at, u.must_change_password
       FROM app_user u LEFT JOIN area a ON a.code = u.area_code ORDER BY u.username`,
  );
}

/** Sets a new password chosen by an administrator; the user must change it at next sign-in. */
export async function resetPassword(db: Db, username: string, password: string, by: string): Promise<void> {
  const problem = passwordProblem(password, username);
  if (problem) throw new UserInputError(problem);
  const hashed = await hashPassword(password);
  const rows = await asSystem(db, by, (tx) =>
    tx.query<{ id: number }>(
      `UPDATE app_user SET password_hash = $2, must_change_password = true, failed_attempts = 0, locked_until = NULL, updated_at = now()
        WHERE lower(username) = lower($1) RETURNING id`,
      [username, hashed],
    ),
  );
  if (!rows[0]) throw new UserInputError({ id: `Pengguna ${username} tidak ada.`, en: `There is no user ${username}.` });
  await deleteUserSessions(db, rows[0].id);
}

/** A user changes their own password (the caller ends their other sessions). */
export async function changeOwnPassword(db: Db, userId: number, current: string, next: string): Promise<void> {
  const [user] = await db.query<{ username: string; password_hash: string }>('SELECT username, password_hash FROM app_user WHERE id = $1', [userId]);
  if (!user || !(await verifyPassword(user.password_hash, current)))
    throw new UserInputError({ id: 'Kata sandi lama salah.', en: 'The current password is wrong.' });
  if (current === next) throw new UserInputError({ id: 'Kata sandi baru harus berbeda dari yang lama.', en: 'The new password must differ from the current one.' });
  const problem = passwordProblem(next, user.username);
  if (problem) throw new UserInputError(problem);
  const hashed = await hashPassword(next);
  await asSystem(db, user.username, (tx) =>
    tx.query('UPDATE app_user SET password_hash = $2, must_change_password = false, updated_at = now() WHERE id = $1', [userId, hashed]),
  );
}
