/**
 * The list of active BPJS Ketenagakerjaan participants, imported from BPJS: people already insured
 * are not eligible (rule `excludeActiveBpjs`). An import replaces the list as of its date.
 */
import Papa from 'papaparse';
import type { Queryable } from '../../db/types.js';
import { UserError } from '../../domain/user-error.js';

export interface ParticipantRow {
  nik: string;
  kpj: string | null;
  segment: string | null;
  active: boolean;
}

/** Reads `nik;kpj;segment;status` (comma or semicolon; status aktif/nonaktif, default aktif). */
export function parseParticipantsCsv(text: string): ParticipantRow[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\ufeff/, ''), { header: true, skipEmptyLines: true, transformHeader: (h) => h.trim().toLowerCase() });
  if (!parsed.meta.fields?.includes('nik')) {
    throw new UserError('invalid', 'participants_columns', {
      id: 'Kolom nik tidak ada. Baris judul harus: nik;kpj;segmen;status.',
      en: 'There is no nik column. The header must be: nik;kpj;segmen;status.',
    });
  }
  const errors: string[] = [];
  const rows: ParticipantRow[] = [];
  parsed.data.forEach((r, i) => {
    const nik = (r.nik ?? '').replace(/\s/g, '');
    const status = (r.status ?? 'aktif').trim().toLowerCase();
    if (!/^\d{16}$/.test(nik)) errors.push(`line ${i + 2}: nik "${r.nik}" is not 16 digits`);
    else if (!['aktif', 'active', 'nonaktif', 'non aktif', 'inactive', ''].includes(status)) errors.push(`line ${i + 2}: status "${r.status}" must be aktif or nonaktif`);
    else rows.push({ nik, kpj: r.kpj?.trim() || null, segment: (r.segmen ?? r.segment)?.trim() || null, active: !status.startsWith('non') && status !== 'inactive' });
  });
  if (errors.length) {
    throw new UserError('invalid', 'participants_rows', { id: `Tidak ada yang disimpan: ${errors.slice(0, 20).join('; ')}.`, en: `Nothing stored: ${errors.slice(0, 20).join('; ')}.` }, { errors });
  }
  return rows;
}

export async function replaceParticipants(tx: Queryable, rows: readonly ParticipantRow[], asOf: string, source: string): Promise<number> {
  await tx.query('DELETE FROM bpjs_participant');
  const csv = rows.map((r) => [r.nik, r.kpj ?? '', r.segment ?? '', r.active ? 't' : 'f', asOf, source].map((v) => `"${v.replace(/"/g, '""')}"`).join(',')).join('\n');
  if (rows.length) await tx.copyFrom("COPY bpjs_participant (nik, kpj, segment, active, as_of, source) FROM STDIN (FORMAT csv, NULL '')", `${csv}\n`);
  return rows.length;
}
