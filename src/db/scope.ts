/**
 * The one data-access layer for user requests. Every query a user causes runs inside `asActor`:
 * one transaction, switched to the `lindung_user` role so PostgreSQL row-level security applies,
 * with the actor's area and identity set for the policies and the history triggers.
 */
import type { Role } from '../domain/roles.js';
import type { Db, Queryable } from './types.js';

export interface Actor {
  userId: number | null;
  username: string;
  role: Role;
  /** Kemendagri code of the area the account works in; null = the whole country. */
  areaCode: string | null;
}

async function setContext(tx: Queryable, label: string, actorId: number | null, area: string | null, requestId: string | null) {
  await tx.query(
    `SELECT set_config('lindung.actor', $1, true), set_config('lindung.actor_id', $2, true),
            set_config('lindung.area', $3, true), set_config('lindung.request_id', $4, true)`,
    [label, actorId === null ? '' : String(actorId), area ?? '', requestId ?? ''],
  );
}

export async function asActor<T>(db: Db, actor: Actor, fn: (tx: Queryable) => Promise<T>, requestId: string | null = null): Promise<T> {
  return db.transaction(async (tx) => {
    await setContext(tx, actor.username, actor.userId, actor.areaCode ?? '*', requestId);
    await tx.exec('SET LOCAL ROLE lindung_user');
    return fn(tx);
  });
}

/** Work the system does itself (CLI, demo load, login bookkeeping): no area limit, still recorded by name. */
export async function asSystem<T>(db: Db, label: string, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setContext(tx, label, null, '*', null);
    return fn(tx);
  });
}

/** True when `code` lies inside the current actor's area (policies use the same function). */
export async function inScope(tx: Queryable, code: string): Promise<boolean> {
  const [row] = await tx.query<{ ok: boolean | null }>('SELECT lindung_in_area($1) AS ok', [code]);
  return row?.ok === true;
}
