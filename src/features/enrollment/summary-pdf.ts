/**
 * The programme summary as a PDF in Indonesian: A4 landscape, title, "per 24 November 2026", the
 * table per regency with its total row, the source, and "Halaman 1 dari 2" on every page.
 * Rupiah are written the Indonesian way (Rp10.080.000.000), counts with dots for thousands.
 */
import PDFDocument from 'pdfkit';
import { formatDate } from '../../domain/billing.js';
import { formatRupiah } from '../../domain/money.js';
import type { SummaryTotal } from '../../domain/summary.js';
import { SUMMARY_COLUMNS, summarySource, type ProgrammeSummary } from './summary.js';

export interface PdfOptions {
  /** Deflate the page content (default true); false leaves the text readable in the file (tests). */
  compress?: boolean;
}

const MARGIN = 36;
const ROW = 15;
const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const SIZE = 8;

const count = (n: number) => n.toLocaleString('id-ID');

export function summaryPdf(s: ProgrammeSummary, opts: PdfOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', layout: 'landscape', margin: MARGIN, bufferPages: true, compress: opts.compress ?? true,
    info: { Title: `Ringkasan Program ${s.programme.code}`, Author: 'Lindung', Subject: `Ringkasan per kabupaten/kota per ${formatDate(s.asOf, 'id')}` },
    lang: 'id-ID',
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN - 2 * ROW; // room for the footer
  const first = 140;
  const moneyWidth = 86;
  const countWidth = (width - first - 3 * moneyWidth) / (SUMMARY_COLUMNS.length - 3);
  const widths = [first, ...SUMMARY_COLUMNS.map((c) => (c.money ? moneyWidth : countWidth))];
  const xs = widths.map((_, i) => MARGIN + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const cells = (label: string, r: Record<keyof SummaryTotal, number | null>) => [
    label,
    ...SUMMARY_COLUMNS.map((c) => {
      const v = r[c.key];
      if (v === null || v === undefined) return '—';
      return c.money ? formatRupiah(v) : count(v);
    }),
  ];
  const drawRow = (values: string[], y: number, font: string, shade = false) => {
    if (shade) doc.save().rect(MARGIN, y - 3, width, ROW).fill('#EEF3FA').restore();
    doc.font(font).fontSize(SIZE).fillColor('black');
    values.forEach((v, i) => {
      doc.text(v, xs[i]! + 2, y, { width: widths[i]! - 4, align: i === 0 ? 'left' : 'right', lineBreak: false, ellipsis: true });
    });
  };
  const header = (y: number) => {
    doc.save().rect(MARGIN, y - 4, width, ROW + 8).fill('#DDEBF7').restore();
    doc.font(BOLD).fontSize(SIZE).fillColor('black');
    const labels = ['Kabupaten/Kota', ...SUMMARY_COLUMNS.map((c) => c.label.id)];
    labels.forEach((v, i) => doc.text(v, xs[i]! + 2, y, { width: widths[i]! - 4, align: i === 0 ? 'left' : 'right', lineBreak: false }));
    return y + ROW + 6;
  };

  doc.font(BOLD).fontSize(15).text('Ringkasan Program per Kabupaten/Kota', MARGIN, MARGIN);
  doc.font(BOLD).fontSize(11).text(`${s.programme.code} — ${s.programme.name}`, { width });
  doc.font(FONT).fontSize(10).text(`per ${formatDate(s.asOf, 'id')}`);
  doc.fontSize(9).fillColor('#333333')
    .text(`Pendana: ${s.programme.funderName} · Tahun anggaran ${s.programme.fiscalYear} · Masa perlindungan ${formatDate(s.programme.coverageStart, 'id')} s.d. ${formatDate(s.programme.coverageEnd, 'id')}`, { width });
  doc.fillColor('black');
  let y = header(doc.y + 12);

  const lines: { values: string[]; font: string }[] = s.regencies.map((r) => ({ values: cells(r.regencyName, r), font: FONT }));
  if (s.unallocated && (s.unallocated.billed !== 0 || s.unallocated.paid !== 0)) {
    const u = s.unallocated;
    lines.push({ values: cells('Tagihan tanpa rincian', { quota: null, candidates: null, waiting: null, submitted: null, active: null, lapsed: null, ended: null, ...u }), font: 'Helvetica-Oblique' });
  }
  lines.forEach((l, i) => {
    if (y + ROW > bottom) {
      doc.addPage();
      y = header(MARGIN);
    }
    drawRow(l.values, y, l.font, i % 2 === 1);
    y += ROW;
  });
  if (y + ROW > bottom) {
    doc.addPage();
    y = header(MARGIN);
  }
  doc.moveTo(MARGIN, y - 3).lineTo(MARGIN + width, y - 3).lineWidth(0.8).stroke();
  drawRow(cells('Jumlah', s.total), y, BOLD);
  y += ROW + 6;

  const notes = [summarySource(s).id, 'Calon: disetujui, belum diajukan ke BPJS. Non-aktif: tiga bulan iuran tidak dibayar. Belum dibayar: ditagih dikurangi dibayar.'];
  if (!s.moneyVisible) notes.push('Kolom uang bertanda — : tagihan dan pembayaran program ini hanya terlihat oleh wilayah pendana.');
  doc.font(FONT).fontSize(7.5).fillColor('#333333');
  for (const n of notes) {
    if (y + ROW > bottom) {
      doc.addPage();
      y = MARGIN;
    }
    doc.text(n, MARGIN, y, { width });
    y = doc.y + 2;
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would start a new page: lift the margin for the footer.
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const footY = doc.page.height - MARGIN - 10;
    doc.font(FONT).fontSize(7.5).fillColor('#555555');
    doc.text(`Lindung · ${s.programme.code} · per ${formatDate(s.asOf, 'id')}`, MARGIN, footY, { width: width / 2, lineBreak: false });
    doc.text(`Halaman ${i - range.start + 1} dari ${range.count}`, MARGIN + width / 2, footY, { width: width / 2, align: 'right', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
  doc.end();
  return done;
}
