/**
 * A real server on a real test database, driven through Fastify's inject (no socket needed):
 * NTT areas loaded, one account per role bound to Kabupaten Kupang (53.01), a few workers in
 * Kupang and in Ende (53.08, the "foreign" area).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer } from '../../src/http/server.js';
import { loadConfig, type Config } from '../../src/config.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { addUser } from '../../src/features/users/users.js';
import { asSystem } from '../../src/db/scope.js';
import { ROLES, type Role } from '../../src/domain/roles.js';
import type { Db } from '../../src/db/types.js';
import { openTestDb } from './db.js';
import { ensureDemoProgrammes } from '../../src/features/programmes/demo-programmes.js';

export const PASSWORD = 'correct horse battery';
export const HOME = '53.01';
export const FOREIGN = '53.08';

export interface Fixture {
  app: FastifyInstance;
  db: Db;
  homeVillage: string;
  foreignVillage: string;
  homePersonId: number;
  foreignPersonId: number;
  foreignUserId: number;
  /** A checked and submitted intake batch of Ende (row 2, one open duplicate review). */
  foreignBatchId: number;
  foreignReviewId: number;
  cleanup(): Promise<void>;
}

export async function firstVillage(db: Db, regency: string): Promise<string> {
  const [v] = await db.query<{ code: string }>("SELECT code FROM area WHERE level = 4 AND code LIKE $1 || '.%' ORDER BY code LIMIT 1", [regency]);
  return v!.code;
}

export async function insertPerson(db: Db, p: { nik: string; name: string; village: string; birth?: string; sex?: 'L' | 'P'; kk?: string | null }): Promise<number> {
  return asSystem(db, 'test', async (tx) => {
    if (p.kk) await tx.query('INSERT INTO household (kk, village_code) VALUES ($1, $2) ON CONFLICT DO NOTHING', [p.kk, p.village]);
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO person (nik, kk, full_name, birth_date, sex, village_code, phone, bank_name, bank_account, occupation, dtsen_decile)
       VALUES ($1, $2, $3, $4, $5, $6, '081234567890', 'Bank NTT', '0012345678901', 'petani', 2) RETURNING id`,
      [p.nik, p.kk ?? null, p.name, p.birth ?? '1980-01-01', p.sex ?? 'L', p.village],
    );
    return row!.id;
  });
}

/** An Ende programme and a submitted Ende batch with one likely duplicate: what the access probes aim at. */
async function foreignBatch(db: Db, userId: number, village: string, personId: number): Promise<{ batchId: number; reviewId: number }> {
  return asSystem(db, 'test', async (tx) => {
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ('ENDE-2026', 'Program Kabupaten Ende 2026', 'regency', '53.08', 'Pemerintah Kabupaten Ende', 2026, '2026-01-01', '2026-12-31', '{JKK,JKM}', 1000000, 500)`,
    );
    await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.08', 500, 'proportional' FROM programme WHERE code = 'ENDE-2026'`);
    const [b] = await tx.query<{ id: number }>(
      `INSERT INTO intake_batch (programme_id, area_code, source, status, created_by, created_by_label, submitted_by, submitted_at, columns, counts)
       SELECT id, '53.08', 'form', 'submitted', $1, 'ende.operator', $1, now(), '{"headers":["NIK","Nama Lengkap"],"mapping":{}}', '{"rows":1}' FROM programme WHERE code = 'ENDE-2026'
       RETURNING id`,
      [userId],
    );
    await tx.query(
      `INSERT INTO intake_row (batch_id, row_no, raw, nik, full_name, birth_date, sex, village_code, status)
       VALUES ($1, 2, '["5308010101800013","Fransiskus Wange"]', '5308010101800013', 'Fransiskus Wange', '1980-01-01', 'L', $2, 'review')`,
      [b!.id, village],
    );
    const [r] = await tx.query<{ id: number }>(
      `INSERT INTO duplicate_review (batch_id, row_no, person_id, score, evidence) VALUES ($1, 2, $2, 0.9, '[]') RETURNING id`,
      [b!.id, personId],
    );
    await tx.query(
      `INSERT INTO bill (programme_id, month, persons, per_person, amount, due_date, area_code, created_by_label)
       SELECT id, '2026-01-01', 0, 16800, 0, '2026-01-15', '53.08', 'test' FROM programme WHERE code = 'ENDE-2026'`,
    );
    return { batchId: b!.id, reviewId: r!.id };
  });
}

export const username = (role: Role) => `t.${role.replace(/_/g, '-')}`;

export async function startFixture(name: string, configOverrides: Partial<Config> = {}): Promise<Fixture> {
  const { db, cleanup, config } = await openTestDb(name);
  await ensureReferenceData(db);
  const homeVillage = await firstVillage(db, HOME);
  const foreignVillage = await firstVillage(db, FOREIGN);
  let foreignUserId = 0;
  await asSystem(db, 'test', async (tx) => {
    for (const role of ROLES) {
      await addUser(tx, { username: username(role), fullName: role, role, areaCode: role === 'village_operator' ? homeVillage : HOME, password: PASSWORD });
    }
    await addUser(tx, { username: 'national', fullName: 'National admin', role: 'admin', areaCode: null, password: PASSWORD });
    foreignUserId = await addUser(tx, { username: 'ende.operator', fullName: 'Ende', role: 'regency_operator', areaCode: FOREIGN, password: PASSWORD });
  });
  const homePersonId = await insertPerson(db, { nik: '5301010101800001', name: 'Yohanes Tefa', village: homeVillage, kk: '5301010101100001' });
  await insertPerson(db, { nik: '5301014101850002', name: 'Maria Tefa', village: homeVillage, sex: 'P', birth: '1985-01-01', kk: '5301010101100001' });
  const foreignPersonId = await insertPerson(db, { nik: '5308010101800003', name: 'Fransiskus Wangge', village: foreignVillage });
  await ensureDemoProgrammes(db);
  const { batchId: foreignBatchId, reviewId: foreignReviewId } = await foreignBatch(db, foreignUserId, foreignVillage, foreignPersonId);
  const app = await buildServer(db, { ...loadConfig({}), dataDir: config.dataDir, port: 0, loginRatePerMinute: 10_000, ...configOverrides });
  await app.ready();
  return {
    app, db, homeVillage, foreignVillage, homePersonId, foreignPersonId, foreignUserId, foreignBatchId, foreignReviewId,
    async cleanup() {
      await app.close();
      await cleanup();
    },
  };
}

export interface Client {
  cookie: string;
  csrf: string;
  request(method: string, url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export async function signInAs(app: FastifyInstance, user: string, password = PASSWORD): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user, password } });
  if (res.statusCode !== 200) throw new Error(`login ${user} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'lindung_session')!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  const jar = `lindung_session=${cookie.value}`;
  return {
    cookie: jar,
    csrf,
    request: (method, url, payload, headers = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        ...(payload === undefined ? {} : { payload: payload as object }),
        headers: { cookie: jar, 'x-csrf-token': csrf, ...headers },
      }),
  };
}
