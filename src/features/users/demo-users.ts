/**
 * One account per role for the demo, with the password the README documents. Created only on a
 * database that has no accounts yet, so a real installation never gets them by accident.
 */
import type { Db } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import type { Role } from '../../domain/roles.js';
import { addUser } from './users.js';

export const DEMO_PASSWORD = 'lindung-demo-2025';

/** `area` is a Kemendagri code, or 'first-village:<regency>' for the first village of that regency. */
export const DEMO_USERS: { username: string; fullName: string; role: Role; area: string | null }[] = [
  { username: 'admin', fullName: 'Administrator Sistem', role: 'admin', area: null },
  { username: 'provinsi', fullName: 'Maria Goreti Nenobais', role: 'province_officer', area: '53' },
  { username: 'kab.kupang', fullName: 'Yohanes Tefa', role: 'regency_operator', area: '53.01' },
  { username: 'kab.ende', fullName: 'Fransiskus Wangge', role: 'regency_operator', area: '53.08' },
  { username: 'desa.operator', fullName: 'Agustina Bria', role: 'village_operator', area: 'first-village:53.01' },
  { username: 'verifikator', fullName: 'Petrus Kedang', role: 'verifier', area: '53' },
  { username: 'keuangan', fullName: 'Theresia Manafe', role: 'finance_officer', area: '53' },
  { username: 'bpjs', fullName: 'Kornelis Ndoen', role: 'bpjs_liaison', area: '53' },
  { username: 'bankntt', fullName: 'Yuliana Pellokila', role: 'bank_liaison', area: '53' },
  { username: 'penilai', fullName: 'Benediktus Sabon', role: 'assessor', area: '53' },
  { username: 'pemantau', fullName: 'Margaretha Lay', role: 'viewer', area: '53' },
];

export async function ensureDemoUsers(db: Db): Promise<{ created: number }> {
  const [any] = await db.query('SELECT 1 FROM app_user LIMIT 1');
  if (any) return { created: 0 };
  return asSystem(db, 'demo', async (tx) => {
    for (const u of DEMO_USERS) {
      let area = u.area;
      if (area?.startsWith('first-village:')) {
        const [v] = await tx.query<{ code: string }>(
          "SELECT code FROM area WHERE level = 4 AND code LIKE $1 || '.%' ORDER BY code LIMIT 1",
          [area.slice('first-village:'.length)],
        );
        area = v?.code ?? null;
      }
      await addUser(tx, { username: u.username, fullName: u.fullName, role: u.role, areaCode: area, password: DEMO_PASSWORD });
    }
    return { created: DEMO_USERS.length };
  });
}
