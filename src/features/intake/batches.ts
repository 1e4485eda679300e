/**
 * Intake batches: an uploaded file (kept in the data folder by content hash, so a check can be
 * resumed after a restart) and its place in the maker-checker flow.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Queryable } from '../../db/types.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';
import type { BatchCounts } from './check.js';

export type BatchStatus = 'queued' | 'checking' | 'checked' | 'failed' | 'cancelled' | 'submitted' | 'returned' | 'approved';

export interface BatchSummary {
  id: number;
  programmeCode: string;
  areaCode: string;
  areaName: string;
  source: 'file' | 'form';
  fileName: string | null;
  format: string | null;
  sheet: string | null;
  status: BatchStatus;
  counts: BatchCounts | null;
  fileProblems: { code: string; severity: string; id: string; en: string }[];
  error: { code: string; id: string; en: string }[] | null;
  createdBy: number | null;
  createdByLabel: string;
  createdAt: string;
  submittedAt: string | null;
  decidedByLabel: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  openReviews: number;
  job: { phase: string; done: number; total: number | null; cancelRequested: boolean } | null;
}

export function uploadDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

export function uploadPath(dataDir: string, sha256: string): string {
  return path.join(uploadDir(dataDir), sha256);
}

export function tooLarge(max: number): UserError {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  return new UserError('invalid', 'file_too_large', {
    id: `Berkas melebihi batas ${mb(max)} MB. Pecah berkas menjadi beberapa berkas (misalnya per kecamatan) lalu unggah satu per satu.`,
    en: `The file exceeds the ${mb(max)} MB limit. Split it into several files (for example per kecamatan) and upload them one by one.`,
  }, { limitBytes: max });
}

/**
 * Stores an upload in the data folder under its SHA-256 and returns the hash. Written to a
 * temporary name and renamed, so a crash never leaves a half file under a hash; counted while
 * streaming, so an oversized upload stops at the limit instead of filling the disk.
 */
export async function storeUpload(dataDir: string, source: string | Readable, maxBytes: number): Promise<{ sha256: string; bytes: number }> {
  await fs.promises.mkdir(uploadDir(dataDir), { recursive: true });
  const tmp = path.join(uploadDir(dataDir), `.incoming-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const hash = createHash('sha256');
  let bytes = 0;
  // Opened before streaming, so that on failure the file is known to exist and can be removed.
  const handle = await fs.promises.open(tmp, 'w');
  const out = handle.createWriteStream();
  try {
    await pipeline(typeof source === 'string' ? fs.createReadStream(source) : source, async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        bytes += chunk.length;
        if (bytes > maxBytes) throw tooLarge(maxBytes);
        hash.update(chunk);
        yield chunk;
      }
    }, out);
    if (bytes === 0) {
      throw new UserError('invalid', 'file_empty', { id: 'Berkas kosong (0 byte). Pilih berkas yang berisi data.', en: 'The file is empty (0 bytes). Choose a file with data.' });
    }
    const sha256 = hash.digest('hex');
    await fs.promises.rename(tmp, uploadPath(dataDir, sha256));
    return { sha256, bytes };
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

export interface NewBatch {
  programme: Programme;
  areaCode: string;
  source: 'file' | 'form';
  fileName: string | null;
  sha256: string;
  bytes: number;
  createdBy: number | null;
  createdByLabel: string;
  /** Import even when the same file was imported before. */
  force?: boolean;
}

export async function createBatch(tx: Queryable, b: NewBatch): Promise<number> {
  const p = b.programme;
  if (p.status !== 'active') {
    throw new UserError('invalid', 'programme_not_open', {
      id: `Program ${p.code} tidak menerima usulan (status: ${p.status === 'closed' ? 'ditutup' : 'draf'}). Pilih program yang sedang berjalan.`,
      en: `Programme ${p.code} does not accept proposals (status: ${p.status}). Choose a running programme.`,
    });
  }
  const funder = p.funderAreaCode;
  const inside = b.areaCode === funder || b.areaCode.startsWith(`${funder}.`) || funder.startsWith(`${b.areaCode}.`);
  if (!inside) {
    throw new UserError('invalid', 'area_outside_programme', {
      id: `Wilayah ${b.areaCode} berada di luar wilayah program ${p.code} (${funder}). Pilih program yang mencakup wilayah Anda.`,
      en: `Area ${b.areaCode} lies outside programme ${p.code}'s area (${funder}). Choose a programme that covers your area.`,
    });
  }
  if (!b.force && b.source === 'file') {
    const [earlier] = await tx.query<{ id: number; status: string; created_at: string }>(
      `SELECT id, status, created_at::text FROM intake_batch
        WHERE programme_id = $1 AND file_sha256 = $2 AND status NOT IN ('failed', 'cancelled', 'returned')
        ORDER BY id DESC LIMIT 1`,
      [p.id, b.sha256],
    );
    if (earlier) {
      throw new UserError('conflict', 'already_imported', {
        id: `Berkas yang sama persis sudah diimpor sebagai batch #${earlier.id} (status: ${earlier.status}). Buka batch itu; bila memang ingin mengimpor ulang, centang "impor ulang" (baris perintah: --force).`,
        en: `This exact file was already imported as batch #${earlier.id} (status: ${earlier.status}). Open that batch; to import it again anyway, tick "import again" (command line: --force).`,
      }, { batchId: earlier.id });
    }
  }
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO intake_batch (programme_id, area_code, source, file_name, file_sha256, file_bytes, created_by, created_by_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [p.id, b.areaCode, b.source, b.fileName, b.sha256, b.bytes, b.createdBy, b.createdByLabel],
  );
  await tx.query('INSERT INTO intake_job (batch_id) VALUES ($1)', [row!.id]);
  return row!.id;
}

const SUMMARY = `
  SELECT b.id, p.code AS "programmeCode", b.area_code AS "areaCode", a.name AS "areaName", b.source, b.file_name AS "fileName",
         b.format, b.sheet, b.status, b.counts, b.file_problems AS "fileProblems", b.error, b.created_by AS "createdBy",
         b.created_by_label AS "createdByLabel", b.created_at::text AS "createdAt", b.submitted_at::text AS "submittedAt",
         b.decided_by_label AS "decidedByLabel", b.decided_at::text AS "decidedAt", b.decision_note AS "decisionNote",
         (SELECT count(*) FROM duplicate_review d WHERE d.batch_id = b.id AND d.decision IS NULL)::int AS "openReviews",
         CASE WHEN j.batch_id IS NULL THEN NULL ELSE jsonb_build_object('phase', j.phase, 'done', j.done, 'total', j.total, 'cancelRequested', j.cancel_requested) END AS job
    FROM intake_batch b
    JOIN programme p ON p.id = b.programme_id
    JOIN area a ON a.code = b.area_code
    LEFT JOIN intake_job j ON j.batch_id = b.id`;

export async function getBatch(tx: Queryable, id: number): Promise<BatchSummary> {
  const [row] = await tx.query<BatchSummary>(`${SUMMARY} WHERE b.id = $1`, [id]);
  if (!row) {
    throw new UserError('not_found', 'batch_unknown', {
      id: `Batch #${id} tidak ada atau berada di luar wilayah Anda.`,
      en: `Batch #${id} does not exist or lies outside your area.`,
    });
  }
  return row;
}

export async function listBatches(tx: Queryable, opts: { programmeId?: number; status?: BatchStatus; limit?: number } = {}): Promise<BatchSummary[]> {
  return tx.query<BatchSummary>(
    `${SUMMARY} WHERE ($1::bigint IS NULL OR b.programme_id = $1) AND ($2::text IS NULL OR b.status = $2)
      ORDER BY b.id DESC LIMIT $3`,
    [opts.programmeId ?? null, opts.status ?? null, opts.limit ?? 50],
  );
}
