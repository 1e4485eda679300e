/**
 * Budget scenarios of a programme: "next year, so many workers for so many months at so much per
 * person" — 50.000 × 12 × Rp16.800 = Rp10.080.000.000. The per-person amount defaults to the
 * dated tariff in force in January of the next fiscal year, and is stored with the scenario, so
 * a scenario keeps saying what it assumed when the tariff table changes later.
 */
import type { Queryable } from '../../db/types.js';
import { scenarioTotal, type ScenarioCost } from '../../domain/budget.js';
import { formatRupiah } from '../../domain/money.js';
import { tariffFor } from '../../domain/tariff.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';
import { fundingOf, listScenarios, loadTariffs } from './billing.js';
import { outOfArea } from './summary.js';

export interface ScenarioInput {
  name: string;
  workers: number;
  months: number;
  /** Rupiah per person per month; default the tariff of January next year. */
  perPersonPerMonth?: number | null;
}

/** The month whose tariff a scenario uses by default: January of the next fiscal year. */
export const scenarioMonth = (p: Programme) => `${p.fiscalYear + 1}-01`;

export async function defaultPerPerson(tx: Queryable, p: Programme): Promise<number> {
  const t = tariffFor(await loadTariffs(tx), { benefits: p.benefits, declaredIncome: p.declaredIncome, month: scenarioMonth(p), funding: fundingOf(p) });
  if (!t.ok) {
    throw new UserError('invalid', 'tariff_missing', {
      id: `${t.message.id} Atau isi iuran per orang per bulan pada skenario.`,
      en: `${t.message.en} Or give the contribution per person per month in the scenario.`,
    });
  }
  return t.perPersonPerMonth;
}

function check(input: ScenarioInput): void {
  const problems: { id: string; en: string }[] = [];
  if (!input.name.trim() || input.name.trim().length > 100) problems.push({ id: 'nama skenario wajib diisi (paling banyak 100 huruf)', en: 'the scenario needs a name (at most 100 characters)' });
  if (!Number.isSafeInteger(input.workers) || input.workers < 0 || input.workers > 10_000_000) problems.push({ id: 'jumlah pekerja harus bilangan bulat 0 sampai 10.000.000', en: 'workers must be a whole number from 0 to 10,000,000' });
  if (!Number.isSafeInteger(input.months) || input.months < 1 || input.months > 24) problems.push({ id: 'jumlah bulan harus 1 sampai 24', en: 'months must be from 1 to 24' });
  const pp = input.perPersonPerMonth;
  if (pp !== null && pp !== undefined && (!Number.isSafeInteger(pp) || pp < 0)) problems.push({ id: 'iuran per orang per bulan harus rupiah bulat 0 atau lebih', en: 'the contribution per person per month must be whole rupiah of 0 or more' });
  if (problems.length) {
    throw new UserError('invalid', 'scenario_invalid', {
      id: `Skenario tidak disimpan: ${problems.map((p) => p.id).join('; ')}.`,
      en: `The scenario was not saved: ${problems.map((p) => p.en).join('; ')}.`,
    });
  }
}

export async function createScenario(tx: Queryable, p: Programme, input: ScenarioInput): Promise<ScenarioCost> {
  check(input);
  const name = input.name.trim().replace(/\s+/g, ' ');
  const perPerson = input.perPersonPerMonth ?? (await defaultPerPerson(tx, p));
  // The total must be countable exactly before anything is stored.
  scenarioTotal({ workers: input.workers, months: input.months, perPersonPerMonth: perPerson });
  const [same] = await tx.query<{ id: number }>('SELECT id FROM budget_scenario WHERE programme_id = $1 AND lower(name) = lower($2)', [p.id, name]);
  if (same) {
    throw new UserError('conflict', 'scenario_exists', {
      id: `Program ${p.code} sudah punya skenario "${name}". Pakai nama lain, atau hapus skenario itu dulu.`,
      en: `Programme ${p.code} already has a scenario "${name}". Use another name, or remove that scenario first.`,
    });
  }
  await tx.query(
    'INSERT INTO budget_scenario (programme_id, name, workers, months, per_person, area_code) VALUES ($1, $2, $3, $4, $5, $6)',
    [p.id, name, input.workers, input.months, perPerson, p.funderAreaCode],
  );
  return (await listScenarios(tx, p)).find((s) => s.name === name)!;
}

/** Removes a scenario by id or name; the history keeps what it said. */
export async function deleteScenario(tx: Queryable, p: Programme, which: number | string): Promise<ScenarioCost> {
  const all = await listScenarios(tx, p);
  const s = all.find((x) => (typeof which === 'number' ? x.id === which : x.name.toLowerCase() === which.trim().toLowerCase()));
  if (!s) {
    throw new UserError('not_found', 'scenario_unknown', {
      id: `Program ${p.code} tidak punya skenario ${typeof which === 'number' ? `#${which}` : `"${which}"`}.${all.length ? ` Skenario yang ada: ${all.map((x) => x.name).join(', ')}.` : ''}`,
      en: `Programme ${p.code} has no scenario ${typeof which === 'number' ? `#${which}` : `"${which}"`}.${all.length ? ` Its scenarios: ${all.map((x) => x.name).join(', ')}.` : ''}`,
    });
  }
  const gone = await tx.query('DELETE FROM budget_scenario WHERE id = $1 RETURNING id', [s.id]);
  // Row-level security hid the row from the delete: the scenario is another funder's.
  if (gone.length === 0) throw outOfArea();
  return s;
}

export function scenarioText(s: ScenarioCost): string {
  return `${s.name}: ${s.workers.toLocaleString('id-ID')} × ${s.months} × ${formatRupiah(s.perPersonPerMonth)} = ${formatRupiah(s.total)}`;
}
