/**
 * Two letters of a claim, as A4 PDFs in Indonesian, with every amount also in words:
 *
 * - the decision letter (Surat Pemberitahuan Keputusan Klaim): the member, the event, coverage on
 *   the event date, the decision — approved with the amount, its components and their legal basis,
 *   and who receives what; or rejected with the reason;
 * - the payout notice (Pemberitahuan Pembayaran Manfaat): per payee, the amount, the bank, the
 *   account (last four digits), the transfer's reference and what the bank said about it.
 *
 * Letters are printed and handed to families: NIK and account numbers are always masked, whatever
 * the role of the person printing. Reading is done inside the caller's transaction (row-level
 * security: a claim outside the area is "not found").
 */
import PDFDocument from 'pdfkit';
import type { Queryable } from '../../db/types.js';
import type { ClaimPayeeRow } from './claims.js';
import { formatDate } from '../../domain/billing.js';
import { winAnsi } from '../../domain/card.js';
import { CLAIM_STATUS_LABEL, CLAIM_TYPE_LABEL, type ClaimStatus, type ClaimType } from '../../domain/claim-dashboard.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { isHeirRelation, RELATION_LABEL } from '../../domain/heirs.js';
import type { Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import { maskAccount, maskNik } from '../../domain/nik.js';
import { rupiahDenganTerbilang, terbilangKalimat } from '../../domain/terbilang.js';
import { UserError } from '../../domain/user-error.js';

export type LetterKind = 'decision' | 'payout';

const MEMBER: Message = { id: 'Peserta sendiri', en: 'The member' };

/** Heirs' relations in words (heirs.ts); a benefit paid to the living goes to the member himself. */
export const relationLabel = (r: string): Message =>
  isHeirRelation(r) ? RELATION_LABEL[r] : ['peserta', 'self', 'member'].includes(r) ? MEMBER : { id: r.replace(/_/g, ' '), en: r.replace(/_/g, ' ') };

const LINE_STATUS: Record<string, Message> = {
  sent: { id: 'Dikirim ke bank, menunggu konfirmasi', en: 'Sent to the bank, awaiting confirmation' },
  success: { id: 'Berhasil ditransfer', en: 'Transferred' },
  failed: { id: 'Gagal', en: 'Failed' },
  reversed: { id: 'Dibatalkan bank (dana kembali)', en: 'Reversed by the bank' },
  cancelled: { id: 'Dibatalkan', en: 'Cancelled' },
};

/** A payee as the claim page shows them (without the heir link), with their transfers. */
export interface LetterPayee extends Omit<ClaimPayeeRow, 'heirId'> {
  /** Transfer attempts, oldest first. */
  transfers: {
    reference: string;
    amount: number;
    status: 'sent' | 'success' | 'failed' | 'reversed' | 'cancelled';
    bankReference: string | null;
    failureReason: string | null;
    sentAt: string;
    confirmedAt: string | null;
    retryOf: number | null;
  }[];
}

export interface LetterData {
  claim: {
    id: number;
    claimNo: string;
    type: ClaimType;
    status: ClaimStatus;
    eventDate: string;
    eventPlace: string | null;
    description: string | null;
    covered: boolean;
    entitledAmount: number;
    approvedAmount: number | null;
    rejectionReason: string | null;
    /** The checker's note with the decision (why the approved amount differs, say). */
    decisionNote: string | null;
    documentsCompleteOn: string | null;
    slaDue: string | null;
    submittedOn: string | null;
    decidedOn: string | null;
    decidedBy: string | null;
    paidOn: string | null;
    confirmedOn: string | null;
    entitlement: Partial<Entitlement>;
    coverage: { covered?: boolean; coverageStart?: string | null; programmeCode?: string | null; funderName?: string | null; reason?: Message | null; answer?: { reason?: Message } } & Record<string, unknown>;
  };
  member: { fullName: string; nik: string; sex: 'L' | 'P'; kpj: string | null; village: string | null; district: string | null; regency: string | null };
  programme: { code: string; name: string; funderName: string; funderType: string } | null;
  payees: LetterPayee[];
}

const day = (col: string) => `(${col} AT TIME ZONE 'Asia/Makassar')::date`;

/** Everything a letter shows, read in the caller's scope. */
export async function letterData(tx: Queryable, claimId: number): Promise<LetterData> {
  const [c] = await tx.query<{
    id: number; claim_no: string; type: ClaimType; status: ClaimStatus; event_date: string; event_place: string | null; description: string | null;
    covered: boolean; entitled_amount: number; approved_amount: number | null; rejection_reason: string | null; decision_note: string | null; complete_on: string | null; sla_due: string | null;
    submitted_on: string | null; decided_on: string | null; decided_by_label: string | null; paid_on: string | null; confirmed_on: string | null;
    entitlement: Partial<Entitlement>; coverage: LetterData['claim']['coverage']; person_id: number; membership_id: number | null; programme_id: number | null; village_code: string;
  }>(
    `SELECT id, claim_no, type, status, event_date, event_place, description, covered, entitled_amount, approved_amount, rejection_reason, decision_note,
            ${day('documents_complete_at')} AS complete_on, sla_due, ${day('submitted_at')} AS submitted_on, ${day('decided_at')} AS decided_on,
            decided_by_label, ${day('paid_at')} AS paid_on, ${day('confirmed_at')} AS confirmed_on, entitlement, coverage, person_id, membership_id, programme_id, village_code
       FROM claim WHERE id = $1`,
    [claimId],
  );
  if (!c) {
    throw new UserError('not_found', 'claim_unknown', { id: `Klaim #${claimId} tidak ada (atau di luar wilayah Anda).`, en: `Claim #${claimId} does not exist (or is outside your area).` });
  }
  const [m] = await tx.query<{ full_name: string; nik: string; sex: 'L' | 'P'; kpj: string | null; village: string | null; district: string | null; regency: string | null }>(
    `SELECT p.full_name, p.nik, p.sex,
            (SELECT kpj FROM membership WHERE id = $2) AS kpj,
            (SELECT name FROM area WHERE code = $3) AS village,
            (SELECT name FROM area WHERE code = left($3, 8)) AS district,
            (SELECT name FROM area WHERE code = left($3, 5)) AS regency
       FROM person p WHERE p.id = $1`,
    [c.person_id, c.membership_id, c.village_code],
  );
  const [p] = c.programme_id === null ? [] : await tx.query<{ code: string; name: string; funder_name: string; funder_type: string }>(
    'SELECT code, name, funder_name, funder_type FROM programme WHERE id = $1', [c.programme_id]);
  const payees = await tx.query<{ id: number; full_name: string; relation: string; amount: number; bank_name: string; bank_account: string; account_holder: string }>(
    'SELECT id, full_name, relation, amount, bank_name, bank_account, account_holder FROM claim_payee WHERE claim_id = $1 ORDER BY id', [claimId]);
  const lines = await tx.query<{
    id: number; payee_id: number; reference: string; amount: number; status: LetterPayee['transfers'][number]['status']; bank_reference: string | null;
    failure_reason: string | null; sent_on: string; confirmed_on: string | null; retry_of: number | null;
  }>(
    `SELECT l.id, l.payee_id, l.reference, l.amount, l.status, l.bank_reference, l.failure_reason, ${day('b.created_at')} AS sent_on,
            ${day('b.confirmed_at')} AS confirmed_on, l.retry_of
       FROM payout_line l JOIN payout_batch b ON b.id = l.batch_id
      WHERE l.claim_id = $1 ORDER BY l.id`,
    [claimId],
  );
  return {
    claim: {
      id: c.id, claimNo: c.claim_no, type: c.type, status: c.status, eventDate: c.event_date, eventPlace: c.event_place, description: c.description,
      covered: c.covered, entitledAmount: c.entitled_amount, approvedAmount: c.approved_amount, rejectionReason: c.rejection_reason, decisionNote: c.decision_note,
      documentsCompleteOn: c.complete_on, slaDue: c.sla_due, submittedOn: c.submitted_on, decidedOn: c.decided_on, decidedBy: c.decided_by_label,
      paidOn: c.paid_on, confirmedOn: c.confirmed_on, entitlement: c.entitlement ?? {}, coverage: c.coverage ?? {},
    },
    // The member row can be outside the area after a move; the claim still names them.
    member: m
      ? { fullName: m.full_name, nik: m.nik, sex: m.sex, kpj: m.kpj, village: m.village, district: m.district, regency: m.regency }
      : { fullName: '—', nik: '', sex: 'L', kpj: null, village: null, district: null, regency: null },
    programme: p ? { code: p.code, name: p.name, funderName: p.funder_name, funderType: p.funder_type } : null,
    payees: payees.map((x) => ({
      id: x.id, fullName: x.full_name, relation: x.relation, amount: x.amount, bankName: x.bank_name, bankAccount: x.bank_account, accountHolder: x.account_holder,
      transfers: lines.filter((l) => l.payee_id === x.id).map((l) => ({
        reference: l.reference, amount: l.amount, status: l.status, bankReference: l.bank_reference, failureReason: l.failure_reason,
        sentAt: l.sent_on, confirmedAt: l.confirmed_on, retryOf: l.retry_of,
      })),
    })),
  };
}

const DECIDED: readonly ClaimStatus[] = ['approved', 'rejected', 'paid', 'confirmed'];
const PAID: readonly ClaimStatus[] = ['paid', 'confirmed'];

/** Why a letter cannot be made yet, or null when it can. */
export function letterRefusal(kind: LetterKind, d: LetterData): Message | null {
  const s = CLAIM_STATUS_LABEL[d.claim.status];
  if (kind === 'decision' && !DECIDED.includes(d.claim.status)) {
    return {
      id: `Surat keputusan klaim ${d.claim.claimNo} belum bisa dibuat: klaim masih berstatus "${s.id}". Surat dibuat setelah BPJS memutuskan (disetujui atau ditolak).`,
      en: `The decision letter of claim ${d.claim.claimNo} cannot be made yet: the claim is "${s.en}". It is made once BPJS has decided (approved or rejected).`,
    };
  }
  const sent = d.payees.some((p) => p.transfers.some((t) => t.status === 'sent' || t.status === 'success'));
  if (kind === 'payout' && !PAID.includes(d.claim.status) && !sent) {
    return {
      id: `Pemberitahuan pembayaran klaim ${d.claim.claimNo} belum bisa dibuat: belum ada transfer yang dikirim ke bank (status "${s.id}").`,
      en: `The payout notice of claim ${d.claim.claimNo} cannot be made yet: no transfer has been sent to the bank (status "${s.en}").`,
    };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Drawing

const MARGIN = 56; // 2 cm
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const ITALIC = 'Helvetica-Oblique';
const GREY = '#444444';
type Doc = PDFKit.PDFDocument;

export interface LetterOptions {
  /** Deflate the page content (default true); false leaves the text readable in the file (tests). */
  compress?: boolean;
  /** When the letter is printed (YYYY-MM-DD), for the footer. */
  printedOn: string;
}

const w = (doc: Doc) => doc.page.width - 2 * MARGIN;
const bottom = (doc: Doc) => doc.page.height - MARGIN - 24;
const t = (s: string) => winAnsi(s);

function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function letterhead(doc: Doc, d: LetterData): void {
  const funder = d.programme?.funderName ?? 'Pemerintah Provinsi Nusa Tenggara Timur';
  const office = d.programme?.funderType === 'province' || !d.programme
    // domain.md §5: the province's office for labour (it runs the programme and its claims desk).
    ? 'DINAS KOPERASI, TENAGA KERJA DAN TRANSMIGRASI'
    : d.programme.name.toUpperCase();
  doc.font(BOLD).fontSize(13).fillColor('black').text(t(funder.toUpperCase()), MARGIN, MARGIN, { width: w(doc), align: 'center' });
  doc.font(BOLD).fontSize(11).text(t(office), { width: w(doc), align: 'center' });
  doc.font(FONT).fontSize(8.5).fillColor(GREY)
    .text(t(`Program perlindungan Jaminan Sosial Ketenagakerjaan bagi pekerja rentan${d.programme ? ` · ${d.programme.code}` : ''}`), { width: w(doc), align: 'center' });
  const y = doc.y + 4;
  doc.moveTo(MARGIN, y).lineTo(MARGIN + w(doc), y).lineWidth(1.6).strokeColor('black').stroke();
  doc.moveTo(MARGIN, y + 2.5).lineTo(MARGIN + w(doc), y + 2.5).lineWidth(0.5).stroke();
  doc.fillColor('black');
  doc.y = y + 14;
}

/** Label : value rows, the value wrapping in its column. */
function fields(doc: Doc, rows: [string, string][], labelWidth = 150): void {
  const x = MARGIN;
  for (const [k, v] of rows) {
    doc.font(FONT).fontSize(9.5);
    const h = Math.max(doc.heightOfString(t(v), { width: w(doc) - labelWidth - 10 }), 11);
    ensureRoom(doc, h + 1.5);
    const y = doc.y;
    doc.text(t(k), x, y, { width: labelWidth, lineBreak: false });
    doc.text(':', x + labelWidth, y, { width: 8, lineBreak: false });
    doc.text(t(v), x + labelWidth + 10, y, { width: w(doc) - labelWidth - 10 });
    doc.y = Math.max(doc.y, y + h) + 1.5;
  }
  doc.x = MARGIN;
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** A ruled table; a row that does not fit starts a new page with the header again. */
function table(doc: Doc, cols: Column[], rows: string[][], opts: { boldLast?: boolean } = {}): void {
  const total = cols.reduce((a, c) => a + c.width, 0);
  const scale = w(doc) / total;
  const widths = cols.map((c) => c.width * scale);
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const pad = 4;
  const heightOf = (cells: string[], font: string) => {
    doc.font(font).fontSize(9);
    return Math.max(...cells.map((c, i) => doc.heightOfString(t(c), { width: widths[i]! - 2 * pad }))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, fill: string | null) => {
    const h = heightOf(cells, font);
    const y = doc.y;
    if (fill) doc.save().rect(MARGIN, y, w(doc), h).fill(fill).restore();
    doc.font(font).fontSize(9).fillColor('black');
    cells.forEach((c, i) => doc.text(t(c), xs[i]! + pad, y + pad, { width: widths[i]! - 2 * pad, align: cols[i]!.align ?? 'left' }));
    doc.moveTo(MARGIN, y + h).lineTo(MARGIN + w(doc), y + h).lineWidth(0.4).strokeColor('#999999').stroke();
    doc.y = y + h;
  };
  const header = () => drawRow(cols.map((c) => c.header), BOLD, '#E8EEF5');
  ensureRoom(doc, heightOf(cols.map((c) => c.header), BOLD) + (rows[0] ? heightOf(rows[0], FONT) : 0));
  header();
  rows.forEach((r, i) => {
    const font = opts.boldLast && i === rows.length - 1 ? BOLD : FONT;
    if (doc.y + heightOf(r, font) > bottom(doc)) {
      doc.addPage();
      header();
    }
    drawRow(r, font, null);
  });
  doc.x = MARGIN;
  doc.moveDown(0.6);
}

function heading(doc: Doc, text: string): void {
  ensureRoom(doc, 40);
  doc.moveDown(0.4);
  doc.font(BOLD).fontSize(10.5).fillColor('black').text(t(text), MARGIN, doc.y, { width: w(doc) });
  doc.moveDown(0.25);
}

function paragraph(doc: Doc, text: string, opts: { font?: string; size?: number; color?: string } = {}): void {
  doc.font(opts.font ?? FONT).fontSize(opts.size ?? 9.5).fillColor(opts.color ?? 'black');
  ensureRoom(doc, doc.heightOfString(t(text), { width: w(doc) }));
  // Left-aligned, not justified: pdfkit drops the spaces of justified lines, and copy-paste of the text then loses them.
  doc.text(t(text), MARGIN, doc.y, { width: w(doc) });
  doc.fillColor('black');
  doc.moveDown(0.3);
}

function signature(doc: Doc, d: LetterData, on: string | null): void {
  ensureRoom(doc, 110);
  doc.moveDown(0.6);
  const x = MARGIN + w(doc) * 0.55;
  const width = w(doc) * 0.45;
  const y = doc.y;
  doc.font(FONT).fontSize(10).text(t(`${on ? formatDate(on, 'id') : ''}`), x, y, { width });
  if (d.programme?.funderType === 'province' || !d.programme) {
    doc.text(t('Kepala Dinas Koperasi, Tenaga Kerja dan Transmigrasi'), x, doc.y, { width });
    doc.text(t('Provinsi Nusa Tenggara Timur'), x, doc.y, { width });
  } else {
    doc.text(t(`a.n. ${d.programme.funderName}`), x, doc.y, { width });
  }
  doc.moveDown(2.8);
  doc.text('(.......................................................)', x, doc.y, { width });
  doc.font(FONT).fontSize(8).fillColor(GREY).text(t('Nama dan NIP pejabat, tanda tangan dan cap dinas'), x, doc.y, { width });
  doc.fillColor('black');
  doc.x = MARGIN;
}

function footers(doc: Doc, d: LetterData, title: string, printedOn: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would start a new page: lift the margin for the footer.
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN + 8;
    doc.font(FONT).fontSize(7.5).fillColor('#555555');
    doc.text(t(`${title} · Klaim ${d.claim.claimNo} · dicetak dari Lindung ${formatDate(printedOn, 'id')}`), MARGIN, y, { width: w(doc) * 0.75, lineBreak: false });
    doc.text(`Halaman ${i - range.start + 1} dari ${range.count}`, MARGIN + w(doc) * 0.75, y, { width: w(doc) * 0.25, align: 'right', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
}

function newDoc(title: string, d: LetterData, o: LetterOptions): { doc: Doc; done: Promise<Buffer> } {
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, bufferPages: true, compress: o.compress ?? true, lang: 'id-ID',
    info: { Title: `${title} ${d.claim.claimNo}`, Author: 'Lindung', Subject: `${CLAIM_TYPE_LABEL[d.claim.type].id} — ${d.member.fullName}`, Creator: 'Lindung' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  return { doc, done };
}

const isDeath = (type: ClaimType) => type === 'jkm_death' || type === 'jkk_death' || type === 'funeral';
const place = (m: LetterData['member']) => [m.village && `Desa/Kel. ${m.village}`, m.district && `Kec. ${m.district}`, m.regency].filter(Boolean).join(', ');

function addressee(d: LetterData): string[] {
  const lines: string[] = ['Kepada Yth.'];
  if (d.payees.length) {
    for (const p of d.payees) lines.push(`${p.fullName} (${relationLabel(p.relation).id})`);
  } else if (isDeath(d.claim.type)) {
    lines.push(`Ahli waris almarhum${d.member.sex === 'P' ? 'ah' : ''} ${d.member.fullName}`);
  } else {
    lines.push(`Sdr. ${d.member.fullName}`);
  }
  const where = place(d.member);
  if (where) lines.push(`di ${where}`);
  return lines;
}

function memberFields(d: LetterData): [string, string][] {
  const cov = d.claim.coverage;
  const rows: [string, string][] = [
    ['Nama peserta', d.member.fullName],
    ['NIK', d.member.nik ? maskNik(d.member.nik) : '—'],
    ['Nomor KPJ', d.member.kpj ?? '—'],
    ['Program', d.programme ? `${d.programme.code} — ${d.programme.name}` : '—'],
    ['Iuran dibayar oleh', d.programme?.funderName ?? (typeof cov.funderName === 'string' ? cov.funderName : '—')],
  ];
  if (typeof cov.coverageStart === 'string') rows.push(['Peserta sejak', formatDate(cov.coverageStart, 'id')]);
  rows.push(['Jenis klaim', CLAIM_TYPE_LABEL[d.claim.type].id]);
  rows.push(['Tanggal kejadian', formatDate(d.claim.eventDate, 'id')]);
  if (d.claim.eventPlace) rows.push(['Tempat kejadian', d.claim.eventPlace]);
  if (typeof d.claim.entitlement.membershipMonths === 'number') rows.push(['Masa kepesertaan', `${d.claim.entitlement.membershipMonths} bulan penuh pada tanggal kejadian`]);
  if (d.claim.documentsCompleteOn) rows.push(['Berkas lengkap', formatDate(d.claim.documentsCompleteOn, 'id')]);
  if (d.claim.submittedOn) rows.push(['Diajukan ke BPJS', formatDate(d.claim.submittedOn, 'id')]);
  return rows;
}

/** The decision letter. Refuses (UserError) a claim not decided yet. */
export function decisionLetterPdf(d: LetterData, o: LetterOptions): Promise<Buffer> {
  const refusal = letterRefusal('decision', d);
  if (refusal) throw new UserError('conflict', 'claim_not_decided', refusal);
  const title = 'Surat Pemberitahuan Keputusan Klaim';
  const { doc, done } = newDoc(title, d, o);
  const c = d.claim;
  const approved = c.status !== 'rejected';
  letterhead(doc, d);

  fields(doc, [
    ['Nomor klaim', c.claimNo],
    ['Tanggal keputusan', c.decidedOn ? formatDate(c.decidedOn, 'id') : '—'],
    ['Perihal', `Keputusan klaim ${CLAIM_TYPE_LABEL[c.type].id}`],
  ], 110);
  doc.moveDown(0.6);
  for (const l of addressee(d)) doc.font(FONT).fontSize(10).text(t(l), MARGIN, doc.y, { width: w(doc) });
  doc.moveDown(0.8);
  doc.font(BOLD).fontSize(12).text(t(title.toUpperCase()), MARGIN, doc.y, { width: w(doc), align: 'center' });
  doc.moveDown(0.6);
  paragraph(doc, 'Dengan hormat,');
  paragraph(doc, `Bersama ini kami sampaikan keputusan atas klaim ${CLAIM_TYPE_LABEL[c.type].id} peserta Jaminan Sosial Ketenagakerjaan berikut:`);
  fields(doc, memberFields(d));

  heading(doc, 'Keputusan');
  if (approved) {
    const amount = c.approvedAmount ?? 0;
    doc.font(BOLD).fontSize(11).text('DISETUJUI', MARGIN, doc.y, { width: w(doc) });
    doc.moveDown(0.2);
    paragraph(doc, `Manfaat yang disetujui sebesar ${rupiahDenganTerbilang(amount)}.`);
    const comps = c.entitlement.components ?? [];
    if (comps.length) {
      const rows = comps.map((k) => [k.label?.id ?? k.component, `${k.reason?.id ?? ''}${k.legalBasis ? ` (${k.legalBasis}${k.verified === false ? ', belum diverifikasi' : ''})` : ''}`, formatRupiah(k.amount)]);
      rows.push(['Jumlah menurut aturan', '', formatRupiah(c.entitlement.total ?? c.entitledAmount)]);
      table(doc, [{ header: 'Komponen', width: 28 }, { header: 'Dasar perhitungan', width: 52 }, { header: 'Jumlah', width: 20, align: 'right' }], rows, { boldLast: true });
    }
    const ruled = c.entitlement.total ?? c.entitledAmount;
    if (amount !== ruled) {
      paragraph(doc, `Nilai yang disetujui BPJS Ketenagakerjaan (${formatRupiah(amount)}) berbeda dari perhitungan menurut aturan (${formatRupiah(ruled)}); keputusan BPJS yang berlaku.`, { font: ITALIC, size: 9 });
    }
    if (c.decisionNote) paragraph(doc, `Catatan keputusan: ${c.decisionNote}`);
    const sch = c.entitlement.scholarship;
    if (sch && sch.eligible) paragraph(doc, `Beasiswa pendidikan anak: ${sch.conditions?.id ?? ''}`, { size: 9.5 });
    if (c.entitlement.unverified) {
      paragraph(doc, 'Catatan: sebagian komponen di atas memakai aturan yang belum diverifikasi terhadap naskah peraturan; nilai akhirnya mengikuti keputusan BPJS Ketenagakerjaan.', { font: ITALIC, size: 8.5, color: GREY });
    }
    heading(doc, 'Penerima manfaat');
    if (d.payees.length) {
      const rows = d.payees.map((p) => [p.fullName, relationLabel(p.relation).id, `${p.bankName} ${maskAccount(p.bankAccount)} a.n. ${p.accountHolder}`, formatRupiah(p.amount)]);
      rows.push(['Jumlah', '', '', formatRupiah(d.payees.reduce((a, p) => a + p.amount, 0))]);
      table(doc, [{ header: 'Nama', width: 28 }, { header: 'Hubungan', width: 18 }, { header: 'Rekening', width: 36 }, { header: 'Jumlah', width: 18, align: 'right' }], rows, { boldLast: true });
      if (d.payees.length > 1) paragraph(doc, 'Manfaat dibagi sama rata di antara ahli waris pada urutan yang berhak; sisa pembagian dalam rupiah diberikan kepada penerima pertama.', { size: 9 });
    } else {
      paragraph(doc, 'Penerima manfaat ditetapkan menurut urutan ahli waris yang sah.');
    }
    if (!PAID.includes(c.status)) {
      paragraph(doc, `Manfaat akan ditransfer melalui Bank NTT ke rekening penerima${c.slaDue ? `; batas waktu layanan ${formatDate(c.slaDue, 'id')} (tiga hari kerja sejak berkas lengkap)` : ''}. Pemberitahuan pembayaran akan dikirim setelah transfer dilakukan.`);
    } else {
      paragraph(doc, `Manfaat telah dikirim ke bank pada ${c.paidOn ? formatDate(c.paidOn, 'id') : '—'}; rinciannya ada pada pemberitahuan pembayaran.`);
    }
  } else {
    doc.font(BOLD).fontSize(11).text('DITOLAK', MARGIN, doc.y, { width: w(doc) });
    doc.moveDown(0.2);
    paragraph(doc, `Alasan: ${c.rejectionReason ?? '—'}`);
    if (c.decisionNote) paragraph(doc, `Catatan keputusan: ${c.decisionNote}`);
    const why = c.coverage.reason?.id ?? c.coverage.answer?.reason?.id;
    if (!c.covered && why) paragraph(doc, `Pada tanggal kejadian peserta tidak terlindungi: ${why}.`);
    paragraph(doc, `Perhitungan menurut aturan pada tanggal kejadian: ${rupiahDenganTerbilang(c.entitledAmount)}. Tidak ada manfaat yang dibayarkan atas klaim ini.`);
    paragraph(doc, 'Bila ada dokumen atau keterangan baru, silakan hubungi operator desa/kelurahan atau kabupaten/kota untuk memeriksanya kembali.');
  }
  const reasons = c.entitlement.reasons ?? [];
  if (reasons.length) {
    heading(doc, 'Pertimbangan');
    for (const r of reasons) paragraph(doc, `•  ${r.id}`, { size: 9 });
  }
  paragraph(doc, 'Demikian pemberitahuan ini kami sampaikan. Atas perhatiannya kami ucapkan terima kasih.');
  if (c.decidedBy) paragraph(doc, `Keputusan dicatat oleh ${c.decidedBy}.`, { size: 8.5, color: GREY });
  signature(doc, d, c.decidedOn);
  footers(doc, d, title, o.printedOn);
  doc.end();
  return done;
}

/** The payout notice. Refuses (UserError) a claim with no transfer sent yet. */
export function payoutNoticePdf(d: LetterData, o: LetterOptions): Promise<Buffer> {
  const refusal = letterRefusal('payout', d);
  if (refusal) throw new UserError('conflict', 'claim_not_paid', refusal);
  const title = 'Pemberitahuan Pembayaran Manfaat';
  const { doc, done } = newDoc(title, d, o);
  const c = d.claim;
  letterhead(doc, d);
  fields(doc, [
    ['Nomor klaim', c.claimNo],
    ['Tanggal', c.paidOn ? formatDate(c.paidOn, 'id') : formatDate(o.printedOn, 'id')],
    ['Perihal', `Pembayaran manfaat ${CLAIM_TYPE_LABEL[c.type].id}`],
  ], 110);
  doc.moveDown(0.6);
  for (const l of addressee(d)) doc.font(FONT).fontSize(10).text(t(l), MARGIN, doc.y, { width: w(doc) });
  doc.moveDown(0.8);
  doc.font(BOLD).fontSize(12).text(t(title.toUpperCase()), MARGIN, doc.y, { width: w(doc), align: 'center' });
  doc.moveDown(0.6);
  paragraph(doc, 'Dengan hormat,');
  paragraph(doc, `Manfaat klaim ${CLAIM_TYPE_LABEL[c.type].id} atas nama peserta ${d.member.fullName} (NIK ${d.member.nik ? maskNik(d.member.nik) : '—'}, KPJ ${d.member.kpj ?? '—'}), kejadian tanggal ${formatDate(c.eventDate, 'id')}, yang disetujui sebesar ${rupiahDenganTerbilang(c.approvedAmount ?? 0)}, telah dibayarkan melalui Bank NTT dengan rincian berikut:`);

  let transferred = 0;
  let pending = 0;
  for (const p of d.payees) {
    const last = p.transfers[p.transfers.length - 1];
    heading(doc, `${p.fullName} — ${relationLabel(p.relation).id}`);
    const rows: [string, string][] = [
      ['Jumlah', formatRupiah(p.amount)],
      ['Terbilang', terbilangKalimat(p.amount)],
      ['Bank', p.bankName],
      ['Nomor rekening', maskAccount(p.bankAccount)],
      ['Atas nama', p.accountHolder],
    ];
    if (last) {
      rows.push(['Referensi transfer', last.reference]);
      rows.push(['Tanggal kirim ke bank', formatDate(last.sentAt, 'id')]);
      const status = LINE_STATUS[last.status]?.id ?? last.status;
      rows.push(['Status', `${status}${last.bankReference ? ` — referensi bank ${last.bankReference}` : ''}${last.confirmedAt && last.status === 'success' ? `, dikonfirmasi ${formatDate(last.confirmedAt, 'id')}` : ''}${last.failureReason ? ` — ${last.failureReason}` : ''}`]);
      const earlier = p.transfers.slice(0, -1).filter((x) => x.status === 'failed' || x.status === 'reversed');
      if (earlier.length) {
        rows.push(['Percobaan sebelumnya', earlier.map((x) => `${x.reference}: ${LINE_STATUS[x.status]?.id ?? x.status}${x.failureReason ? ` (${x.failureReason})` : ''}`).join('; ')]);
      }
      if (last.status === 'success') transferred += last.amount;
      else if (last.status === 'sent') pending += last.amount;
    } else {
      rows.push(['Status', 'Belum dikirim ke bank']);
    }
    fields(doc, rows, 140);
  }
  heading(doc, 'Jumlah');
  fields(doc, [
    ['Jumlah manfaat', rupiahDenganTerbilang(d.payees.reduce((a, p) => a + p.amount, 0))],
    ['Sudah berhasil ditransfer', formatRupiah(transferred)],
    ...(pending ? [['Menunggu konfirmasi bank', formatRupiah(pending)] as [string, string]] : []),
  ], 140);
  paragraph(doc, 'Mohon periksa rekening penerima. Bila dana belum masuk dalam tiga hari kerja setelah tanggal kirim, atau nama dan nomor rekening di atas tidak sesuai, segera hubungi operator desa/kelurahan atau kabupaten/kota dengan menyebut nomor klaim dan referensi transfer.');
  paragraph(doc, 'Demikian pemberitahuan ini kami sampaikan.');
  signature(doc, d, c.paidOn ?? o.printedOn);
  footers(doc, d, title, o.printedOn);
  doc.end();
  return done;
}

export function letterPdf(kind: LetterKind, d: LetterData, o: LetterOptions): Promise<Buffer> {
  return kind === 'decision' ? decisionLetterPdf(d, o) : payoutNoticePdf(d, o);
}

export const letterFileName = (kind: LetterKind, d: LetterData) =>
  `${kind === 'decision' ? 'surat-keputusan' : 'pemberitahuan-pembayaran'}-${d.claim.claimNo.replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;
