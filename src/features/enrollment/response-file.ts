/**
 * Reading BPJS's answer file (CSV or XLSX): NIK, KPJ, accepted or rejected, effective date
 * (TMT), reason. Header names vary between BPJS branches; every unreadable line is named.
 */
import { UserError } from '../../domain/user-error.js';
import { openIntakeFile, type Cell } from '../intake/read-file.js';
import { normaliseDate } from '../intake/values.js';
import type { ResponseLine } from './submissions.js';

type Column = 'nik' | 'kpj' | 'status' | 'effective' | 'reason';

const HEADERS: Record<Column, readonly string[]> = {
  nik: ['nik', 'no nik', 'nomor induk kependudukan'],
  kpj: ['kpj', 'no kpj', 'nomor kpj', 'nomor peserta', 'no peserta'],
  status: ['status', 'hasil', 'keputusan', 'status kepesertaan', 'result'],
  effective: ['tmt', 'tanggal efektif', 'tgl efektif', 'tanggal kepesertaan', 'tmt kepesertaan', 'effective date'],
  reason: ['alasan', 'keterangan', 'alasan penolakan', 'reason', 'catatan'],
};

const key = (c: Cell) => String(c ?? '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

const ACCEPTED = new Set(['diterima', 'terima', 'berhasil', 'sukses', 'aktif', 'accepted', 'ok', 'valid']);
const REJECTED = new Set(['ditolak', 'tolak', 'gagal', 'rejected', 'invalid', 'tidak valid']);

export async function readResponseFile(path: string, today: string): Promise<{ lines: ResponseLine[]; sha256: string }> {
  const file = await openIntakeFile(path);
  let columns: Partial<Record<Column, number>> | null = null;
  const lines: ResponseLine[] = [];
  const problems: string[] = [];
  for await (const chunk of file.rows()) {
    for (const row of chunk) {
      if (!columns) {
        const found: Partial<Record<Column, number>> = {};
        row.cells.forEach((c, i) => {
          for (const [col, names] of Object.entries(HEADERS) as [Column, readonly string[]][]) if (names.includes(key(c)) && found[col] === undefined) found[col] = i;
        });
        if (found.nik !== undefined && found.status !== undefined) columns = found;
        continue;
      }
      const cell = (c: Column) => (columns![c] === undefined ? null : row.cells[columns![c]!] ?? null);
      const nik = String(cell('nik') ?? '').replace(/[\s'.]/g, '');
      if (!nik && !cell('status')) continue;
      const status = key(cell('status'));
      const accepted = ACCEPTED.has(status);
      if (!/^\d{16}$/.test(nik)) problems.push(`line ${row.rowNo}: NIK "${String(cell('nik') ?? '')}" is not 16 digits`);
      if (!accepted && !REJECTED.has(status)) problems.push(`line ${row.rowNo}: status "${String(cell('status') ?? '')}" is neither DITERIMA nor DITOLAK`);
      let effective: string | null = null;
      if (cell('effective') !== null && String(cell('effective')).trim() !== '') {
        const d = normaliseDate(cell('effective'), { today, kind: 'any' });
        if (d.ok) effective = d.value;
        else problems.push(`line ${row.rowNo}: effective date: ${d.error.en}`);
      }
      const kpj = String(cell('kpj') ?? '').replace(/\s/g, '') || null;
      lines.push({ fileLine: row.rowNo, nik, kpj, accepted, effectiveDate: effective, reason: String(cell('reason') ?? '').trim() || null });
    }
  }
  if (!columns) {
    throw new UserError('invalid', 'response_columns', {
      id: 'Berkas jawaban BPJS harus punya kolom NIK dan Status (DITERIMA/DITOLAK), serta KPJ, TMT (tanggal efektif) dan Alasan.',
      en: 'BPJS\'s answer file needs the columns NIK and Status (DITERIMA/DITOLAK), plus KPJ, TMT (effective date) and Alasan (reason).',
    });
  }
  if (problems.length) {
    throw new UserError('invalid', 'response_unreadable', {
      id: `Berkas jawaban tidak diterapkan: ${problems.slice(0, 30).join('; ')}.`,
      en: `The answer file was not applied: ${problems.slice(0, 30).join('; ')}.`,
    }, { problems });
  }
  return { lines, sha256: file.sha256 };
}
