/**
 * The documents a claim needs (domain.md §4) and how an uploaded file is recognised.
 *
 * Pure. A checklist is per claim type, with one condition: the marriage book is needed only when
 * the spouse is among the heirs who receive. A file's type is read from its first bytes (PDF
 * `%PDF-`, JPEG `FF D8 FF`, PNG's 8-byte signature), never from its name or the browser's word:
 * a renamed program or web page is refused.
 */
import { isDeath, type ClaimType } from './entitlement.js';
import type { Message } from './messages.js';

export const DOCUMENT_KINDS = [
  'kpj_card', 'ktp_member', 'death_certificate', 'kk', 'heir_certificate', 'heir_ktp', 'bank_book', 'marriage_book',
  'accident_report', 'medical_report', 'medical_bill', 'incapacity_letter', 'disability_certificate', 'other',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export function isDocumentKind(v: unknown): v is DocumentKind {
  return typeof v === 'string' && (DOCUMENT_KINDS as readonly string[]).includes(v);
}

export const DOCUMENT_LABEL: Record<DocumentKind, Message> = {
  kpj_card: { id: 'Kartu peserta BPJS Ketenagakerjaan (KPJ)', en: 'BPJS Ketenagakerjaan membership card (KPJ)' },
  ktp_member: { id: 'KTP peserta', en: 'The member\'s identity card (KTP)' },
  death_certificate: { id: 'Akta kematian', en: 'Death certificate' },
  kk: { id: 'Kartu Keluarga (KK)', en: 'Family card (KK)' },
  heir_certificate: { id: 'Surat keterangan ahli waris', en: 'Heir certificate' },
  heir_ktp: { id: 'KTP ahli waris', en: 'The heirs\' identity cards (KTP)' },
  bank_book: { id: 'Buku tabungan (halaman nomor rekening)', en: 'Bank book (the account number page)' },
  marriage_book: { id: 'Buku nikah / akta perkawinan', en: 'Marriage book or certificate' },
  accident_report: { id: 'Laporan kecelakaan dari polisi atau tempat kerja', en: 'Accident report from the police or the workplace' },
  medical_report: { id: 'Resume medis / surat keterangan dokter', en: 'Medical summary or doctor\'s statement' },
  medical_bill: { id: 'Kuitansi / rincian biaya perawatan', en: 'Receipts or itemised medical bill' },
  incapacity_letter: { id: 'Surat dokter: lama tidak mampu bekerja', en: 'Doctor\'s letter: how long unable to work' },
  disability_certificate: { id: 'Surat keterangan cacat dari dokter (persentase)', en: 'Doctor\'s disability statement (percentage)' },
  other: { id: 'Dokumen lain', en: 'Other document' },
};

const DEATH: DocumentKind[] = ['kpj_card', 'ktp_member', 'death_certificate', 'kk', 'heir_certificate', 'heir_ktp', 'bank_book'];
const ACCIDENT: DocumentKind[] = ['accident_report', 'medical_report'];

/** Documents always required for the type (the marriage book is added by `checklist` when it applies). */
export function requiredDocuments(type: ClaimType): DocumentKind[] {
  switch (type) {
    case 'jkm_death':
      return [...DEATH];
    case 'jkk_death':
      return [...DEATH, ...ACCIDENT];
    case 'funeral':
      return ['kpj_card', 'ktp_member', 'death_certificate', 'kk', 'heir_ktp', 'bank_book'];
    case 'jkk_medical':
      return ['kpj_card', 'ktp_member', ...ACCIDENT, 'medical_bill', 'bank_book'];
    case 'jkk_temporary':
      return ['kpj_card', 'ktp_member', ...ACCIDENT, 'incapacity_letter', 'bank_book'];
    case 'jkk_disability_total':
    case 'jkk_disability_partial':
      return ['kpj_card', 'ktp_member', ...ACCIDENT, 'disability_certificate', 'bank_book'];
  }
}

export interface ChecklistItem {
  kind: DocumentKind;
  label: Message;
  required: boolean;
  /** Why it is required when that depends on the case (the marriage book). */
  because: Message | null;
  uploaded: number;
}

export interface Checklist {
  items: ChecklistItem[];
  missing: DocumentKind[];
  complete: boolean;
}

/**
 * The claim's checklist against what was uploaded. `spouseReceives`: a spouse is among the heirs
 * who receive (then the marriage book proves the marriage).
 */
export function checklist(type: ClaimType, uploaded: readonly DocumentKind[], opts: { spouseReceives?: boolean } = {}): Checklist {
  const counts = new Map<DocumentKind, number>();
  for (const k of uploaded) counts.set(k, (counts.get(k) ?? 0) + 1);
  const items: ChecklistItem[] = requiredDocuments(type).map((kind) => ({ kind, label: DOCUMENT_LABEL[kind], required: true, because: null, uploaded: counts.get(kind) ?? 0 }));
  if ((isDeath(type) || type === 'funeral') && opts.spouseReceives) {
    items.push({
      kind: 'marriage_book', label: DOCUMENT_LABEL.marriage_book, required: true, uploaded: counts.get('marriage_book') ?? 0,
      because: { id: 'karena suami/istri termasuk ahli waris penerima', en: 'because the spouse is among the heirs who receive' },
    });
  }
  // Uploads that are not on the list are shown too (an extra statement, a second page).
  for (const [kind, n] of counts) {
    if (!items.some((i) => i.kind === kind)) items.push({ kind, label: DOCUMENT_LABEL[kind], required: false, because: null, uploaded: n });
  }
  const missing = items.filter((i) => i.required && i.uploaded === 0).map((i) => i.kind);
  return { items, missing, complete: missing.length === 0 };
}

/** The kinds offered for upload, the type's own first (any kind may be uploaded: an extra page is no harm). */
export function uploadOrder(type: ClaimType): DocumentKind[] {
  const first = requiredDocuments(type);
  if (isDeath(type) || type === 'funeral') first.push('marriage_book');
  return [...new Set([...first, ...DOCUMENT_KINDS])];
}

// ---------------------------------------------------------------------------
// Uploaded files

export type DocumentMediaType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** 10 MB per file: a phone photo or a 150-dpi scan of a few pages is well under it. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The file's real type from its first bytes; null when it is none of PDF, JPEG, PNG. */
export function detectMediaType(head: Uint8Array): DocumentMediaType | null {
  // %PDF- may follow a BOM or blank lines (some scanners write them); PDF readers look in the
  // first 1024 bytes. Anything else before it is some other file quoting "%PDF-".
  let i = 0;
  while (i < head.length && i < 1024 && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0xef || head[i] === 0xbb || head[i] === 0xbf)) i++;
  if (head.length >= i + 5 && String.fromCharCode(...head.subarray(i, i + 5)) === '%PDF-') return 'application/pdf';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && PNG.every((b, i) => head[i] === b)) return 'image/png';
  return null;
}

/** What a refused file looks like, in words, from its first bytes (for the message). */
export function describeContent(head: Uint8Array): Message {
  const text = Array.from(head.subarray(0, 64), (b) => String.fromCharCode(b)).join('');
  if (head[0] === 0x4d && head[1] === 0x5a) return { id: 'program Windows (EXE)', en: 'a Windows program (EXE)' };
  if (head[0] === 0x50 && head[1] === 0x4b) return { id: 'arsip ZIP atau dokumen Office (DOCX/XLSX)', en: 'a ZIP archive or an Office document (DOCX/XLSX)' };
  if (head[0] === 0xd0 && head[1] === 0xcf) return { id: 'dokumen Office lama (DOC/XLS)', en: 'an old Office document (DOC/XLS)' };
  if (/^\s*<(!doctype|html|\?xml|svg)/i.test(text)) return { id: 'halaman web atau XML/SVG', en: 'a web page or XML/SVG' };
  if (text.startsWith('GIF8')) return { id: 'gambar GIF', en: 'a GIF image' };
  if (text.startsWith('RIFF') && text.slice(8, 12) === 'WEBP') return { id: 'gambar WEBP', en: 'a WEBP image' };
  if (text.slice(4, 12).includes('ftyp')) return { id: 'foto HEIC atau video', en: 'a HEIC photo or a video' };
  if (head.length === 0) return { id: 'berkas kosong', en: 'an empty file' };
  return { id: 'jenis berkas yang tidak dikenal', en: 'an unknown kind of file' };
}

/** "12,3 MB" / "12.3 MB"; "850 KB" below a megabyte. */
export function formatMegabytes(bytes: number, lang: 'id' | 'en'): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / (1024 * 1024);
  const s = mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
  return `${lang === 'id' ? s.replace('.', ',') : s} MB`;
}
