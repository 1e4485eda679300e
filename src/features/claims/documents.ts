/**
 * A claim's documents: scans and photos of the papers on its checklist (claim-documents.ts).
 *
 * A file is accepted when its content is a PDF, JPEG or PNG (read from its first bytes, whatever
 * its name says), at most 10 MB, not empty, and not the same file uploaded to this claim before.
 * Files are kept in the database with the claim (one backup holds everything), their bytes in
 * claim_document_content so the history holds the sha256 rather than a copy; the size limit keeps
 * that reasonable. Documents may be added until the claim is decided, and removed only
 * while it is a draft: once the file is declared complete, what it was complete with stays.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Queryable } from '../../db/types.js';
import { CLAIM_STATUS_LABEL, type ClaimStatus } from '../../domain/claim-dashboard.js';
import {
  DOCUMENT_KINDS,
  DOCUMENT_LABEL,
  MAX_DOCUMENT_BYTES,
  describeContent,
  detectMediaType,
  formatMegabytes,
  isDocumentKind,
  type DocumentKind,
  type DocumentMediaType,
} from '../../domain/claim-documents.js';
import { UserError } from '../../domain/user-error.js';
import { notFound } from './claims.js';

export interface UploadInput {
  kind: string;
  fileName: string;
  /** The file's bytes, or its first MAX_DOCUMENT_BYTES + 1 when it was larger (see sizeBytes). */
  content: Uint8Array;
  /** The file's full size, counted while it streamed in (may exceed content.length). */
  sizeBytes: number;
}

export interface StoredDocument {
  id: number;
  claimId: number;
  kind: DocumentKind;
  fileName: string;
  mediaType: DocumentMediaType;
  sizeBytes: number;
  sha256: string;
}

const UPLOAD_OPEN: readonly ClaimStatus[] = ['draft', 'documents_complete', 'submitted'];

/** Refuses a file before anything is stored: too big, empty, not a PDF/JPEG/PNG. */
export function checkFile(input: UploadInput): DocumentMediaType {
  const name = input.fileName || 'berkas';
  if (input.sizeBytes > MAX_DOCUMENT_BYTES) {
    throw new UserError('invalid', 'document_too_large', {
      id: `Berkas "${name}" berukuran ${formatMegabytes(input.sizeBytes, 'id')}; batasnya ${formatMegabytes(MAX_DOCUMENT_BYTES, 'id')} per berkas. Pindai ulang dengan resolusi lebih rendah (150 dpi, hitam-putih atau abu-abu cukup), atau foto dokumen dengan ponsel, atau pisahkan per halaman — lalu unggah lagi.`,
      en: `The file "${name}" is ${formatMegabytes(input.sizeBytes, 'en')}; the limit is ${formatMegabytes(MAX_DOCUMENT_BYTES, 'en')} per file. Scan it again at a lower resolution (150 dpi, black and white or greyscale is enough), or photograph it with a phone, or split it by page — then upload again.`,
    }, { sizeBytes: input.sizeBytes, limitBytes: MAX_DOCUMENT_BYTES });
  }
  if (input.sizeBytes === 0 || input.content.length === 0) {
    throw new UserError('invalid', 'document_empty', { id: `Berkas "${name}" kosong (0 byte). Pilih berkas pindaian yang benar.`, en: `The file "${name}" is empty (0 bytes). Choose the right scan.` });
  }
  const media = detectMediaType(input.content);
  if (!media) {
    const seen = describeContent(input.content);
    throw new UserError('invalid', 'document_type', {
      id: `Berkas "${name}" bukan PDF, JPEG, atau PNG: isinya terbaca sebagai ${seen.id}. Nama berkas tidak menentukan jenisnya. Unggah pindaian atau foto dokumen sebagai PDF, JPG, atau PNG.`,
      en: `The file "${name}" is not a PDF, JPEG or PNG: its content reads as ${seen.en}. A file's name does not make its type. Upload a scan or photo of the document as PDF, JPG or PNG.`,
    });
  }
  return media;
}

function cleanName(name: string): string {
  // Browsers on Windows may send the whole path; keep the last part, without control characters.
  const base = path.win32.basename(path.posix.basename(name || 'berkas')).replace(/[\p{Cc}]/gu, '').trim();
  return (base || 'berkas').slice(0, 200);
}

async function claimForDocuments(tx: Queryable, claimId: number): Promise<{ status: ClaimStatus; village_code: string; claim_no: string }> {
  const [c] = await tx.query<{ status: ClaimStatus; village_code: string; claim_no: string }>('SELECT status, village_code, claim_no FROM claim WHERE id = $1 FOR UPDATE', [claimId]);
  if (!c) throw notFound(claimId);
  return c;
}

export async function uploadDocument(tx: Queryable, claimId: number, input: UploadInput, byLabel: string): Promise<StoredDocument> {
  if (!isDocumentKind(input.kind)) {
    throw new UserError('invalid', 'document_kind', {
      id: `Jenis dokumen "${input.kind}" tidak dikenal. Pilih salah satu: ${DOCUMENT_KINDS.join(', ')}.`,
      en: `Document kind "${input.kind}" is not known. Choose one of: ${DOCUMENT_KINDS.join(', ')}.`,
    });
  }
  const kind = input.kind;
  const media = checkFile(input);
  const c = await claimForDocuments(tx, claimId);
  if (!UPLOAD_OPEN.includes(c.status)) {
    throw new UserError('conflict', 'documents_closed', {
      id: `Klaim ${c.claim_no} sudah ${CLAIM_STATUS_LABEL[c.status].id.toLowerCase()}: dokumen tidak dapat ditambah lagi.`,
      en: `Claim ${c.claim_no} is already ${CLAIM_STATUS_LABEL[c.status].en.toLowerCase()}: no more documents can be added.`,
    });
  }
  const sha256 = createHash('sha256').update(input.content).digest('hex');
  const [dup] = await tx.query<{ kind: DocumentKind; file_name: string }>('SELECT kind, file_name FROM claim_document WHERE claim_id = $1 AND sha256 = $2', [claimId, sha256]);
  if (dup) {
    throw new UserError('conflict', 'document_duplicate', {
      id: `Berkas yang sama persis sudah diunggah untuk klaim ini sebagai "${DOCUMENT_LABEL[dup.kind].id}" (${dup.file_name}).`,
      en: `The very same file was already uploaded to this claim as "${DOCUMENT_LABEL[dup.kind].en}" (${dup.file_name}).`,
    });
  }
  const fileName = cleanName(input.fileName);
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO claim_document (claim_id, kind, file_name, media_type, size_bytes, sha256, uploaded_by_label, village_code)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [claimId, kind, fileName, media, input.content.length, sha256, byLabel, c.village_code],
  );
  await tx.query('INSERT INTO claim_document_content (document_id, content, village_code) VALUES ($1, $2, $3)', [row!.id, input.content, c.village_code]);
  return { id: Number(row!.id), claimId, kind, fileName, mediaType: media, sizeBytes: input.content.length, sha256 };
}

export interface DocumentContent {
  fileName: string;
  mediaType: DocumentMediaType;
  content: Buffer;
}

export async function getDocument(tx: Queryable, claimId: number, documentId: number): Promise<DocumentContent> {
  const [d] = await tx.query<{ file_name: string; media_type: DocumentMediaType; content: Uint8Array }>(
    `SELECT d.file_name, d.media_type, coalesce(b.content, d.content) AS content
       FROM claim_document d LEFT JOIN claim_document_content b ON b.document_id = d.id
      WHERE d.id = $1 AND d.claim_id = $2`,
    [documentId, claimId],
  );
  if (!d) throw new UserError('not_found', 'document_not_found', { id: `Dokumen #${documentId} tidak ada pada klaim ini (atau di luar wilayah Anda).`, en: `Document #${documentId} is not on this claim (or is outside your area).` });
  return { fileName: d.file_name, mediaType: d.media_type, content: Buffer.from(d.content.buffer, d.content.byteOffset, d.content.byteLength) };
}

/** Removes a wrong upload while the claim is a draft (the history keeps that it was there). */
export async function removeDocument(tx: Queryable, claimId: number, documentId: number): Promise<void> {
  const c = await claimForDocuments(tx, claimId);
  if (c.status !== 'draft') {
    throw new UserError('conflict', 'documents_frozen', {
      id: `Klaim ${c.claim_no} sudah ${CLAIM_STATUS_LABEL[c.status].id.toLowerCase()}: dokumennya tidak dapat dihapus lagi (hanya ditambah).`,
      en: `Claim ${c.claim_no} is already ${CLAIM_STATUS_LABEL[c.status].en.toLowerCase()}: its documents can no longer be removed (only added).`,
    });
  }
  const rows = await tx.query<{ id: number }>('DELETE FROM claim_document WHERE id = $1 AND claim_id = $2 RETURNING id', [documentId, claimId]);
  if (!rows[0]) throw new UserError('not_found', 'document_not_found', { id: `Dokumen #${documentId} tidak ada pada klaim ini.`, en: `Document #${documentId} is not on this claim.` });
}
