import type { Db } from '../db/types.js';
import { areasLoaded, DEFAULT_PROVINCE, loadProvince } from './areas/load.js';

/** What every start needs: the reference areas of NTT (first start only; later starts skip it in one query). */
export async function ensureReferenceData(db: Db, log: (msg: string) => void = () => undefined): Promise<void> {
  if (await areasLoaded(db, DEFAULT_PROVINCE)) return;
  const c = await loadProvince(db, DEFAULT_PROVINCE);
  log(`Loaded Kemendagri areas of province ${c.province}: ${c.regencies} regencies, ${c.districts} districts, ${c.villages} villages`);
}
