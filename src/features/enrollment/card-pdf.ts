/**
 * Member cards as PDF: credit-card size (85.6 × 54 mm), ten to an A4 sheet with cut marks, in
 * Indonesian, each with a QR code of its verification address.
 *
 * Written as a stream: pdfkit flushes each finished page, and the writer waits whenever the
 * destination (a file or an HTTP response) is full, so memory stays at about one page of cards
 * however many are printed. The QR code is drawn as vector rectangles, not as an image: sharp at
 * any printer resolution and a few hundred bytes per card.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import {
  CARD_MM, CARDS_PER_SHEET, PT_PER_MM, cutLines, darkRuns, formatPeriod, sheetSlots, winAnsi,
} from '../../domain/card.js';
import type { PrintCard } from './cards.js';

export interface CardSheetOptions {
  /** Where the verification page lives, e.g. https://lindung.nttprov.go.id (no trailing slash). */
  baseUrl: string;
  programme: { code: string; name: string; funderName: string; benefits: readonly string[] };
  /** Uncompressed content streams (tests read the drawing); printing always compresses. */
  compress?: boolean;
}

export function verificationUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v/${token}`;
}

const W = CARD_MM.width * PT_PER_MM;
const H = CARD_MM.height * PT_PER_MM;
const PAD = 8;
const HEADER = 34;
const QR_SIZE = 62;
const QUIET = 2; // modules of white around the code, inside its square
const GREEN = '#0b6e4f';
const GREY = '#555555';
const INK = '#111111';

type Doc = PDFKit.PDFDocument;

/** Writes `text` on one line within `width`, shrinking the type down to `min`, then cutting it with '…'. */
function fitted(doc: Doc, text: string, x: number, y: number, width: number, font: string, size: number, min: number): void {
  let s = size;
  let t = winAnsi(text);
  doc.font(font);
  while (s > min && doc.fontSize(s).widthOfString(t) > width) s -= 0.25;
  doc.fontSize(s);
  if (doc.widthOfString(t) > width) {
    while (t.length > 1 && doc.widthOfString(`${t}…`) > width) t = t.slice(0, -1);
    t = `${t.trimEnd()}…`;
  }
  doc.text(t, x, y, { lineBreak: false });
}

/**
 * A name on one line if it fits at a readable size, else on two lines split between words (long
 * Flores and Sumba names are common), shrinking only as a last resort.
 */
function nameLines(doc: Doc, name: string, x: number, y: number, width: number): void {
  const text = winAnsi(name.toUpperCase());
  doc.font('Helvetica-Bold');
  if (doc.fontSize(7.5).widthOfString(text) <= width) {
    fitted(doc, text, x, y, width, 'Helvetica-Bold', 9.5, 7.5);
    return;
  }
  const words = text.split(/\s+/);
  let best = 1;
  for (let i = 1; i < words.length; i++) {
    if (doc.fontSize(7).widthOfString(words.slice(0, i).join(' ')) <= width) best = i;
  }
  fitted(doc, words.slice(0, best).join(' '), x, y - 1, width, 'Helvetica-Bold', 7, 5);
  fitted(doc, words.slice(best).join(' '), x, y + 5.8, width, 'Helvetica-Bold', 7, 5);
}

function label(doc: Doc, text: string, x: number, y: number): void {
  doc.font('Helvetica').fontSize(5.5).fillColor(GREY).text(text, x, y, { lineBreak: false });
}

function drawQr(doc: Doc, url: string, x: number, y: number): void {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const m = QR_SIZE / (n + 2 * QUIET);
  doc.save().translate(x + QUIET * m, y + QUIET * m).scale(m);
  for (const [cx, cy, w] of darkRuns(n, (r, c) => qr.modules.get(r, c) === 1)) doc.rect(cx, cy, w, 1);
  doc.fill('#000000').restore();
}

function drawCard(doc: Doc, card: PrintCard, x: number, y: number, o: CardSheetOptions): void {
  const url = verificationUrl(o.baseUrl, card.token);
  const corner = 3.18 * PT_PER_MM;
  doc.save();
  // A faint outline with the card's rounded corners: a guide for a corner punch, inside the cut.
  doc.roundedRect(x + 0.5, y + 0.5, W - 1, H - 1, corner).lineWidth(0.3).strokeColor('#bbbbbb').stroke();
  doc.save().roundedRect(x + 0.5, y + 0.5, W - 1, H - 1, corner).clip();
  doc.rect(x + 0.5, y + 0.5, W - 1, HEADER).fill(GREEN);
  doc.restore();
  doc.fillColor('#ffffff');
  fitted(doc, 'KARTU PESERTA BPJS KETENAGAKERJAAN', x + PAD, y + 8, W - 2 * PAD, 'Helvetica-Bold', 8, 6);
  fitted(doc, `Dibiayai oleh ${o.programme.funderName}`, x + PAD, y + 20, W - 2 * PAD, 'Helvetica', 6.5, 4.5);

  const colW = W - 2 * PAD - QR_SIZE - 6;
  const top = y + HEADER + 6;
  label(doc, 'Nama', x + PAD, top);
  doc.fillColor(INK);
  nameLines(doc, card.fullName, x + PAD, top + 7, colW);
  label(doc, 'No. KPJ', x + PAD, top + 22);
  doc.fillColor(INK);
  fitted(doc, card.kpj, x + PAD, top + 29, colW, 'Helvetica-Bold', 9.5, 6);
  label(doc, 'Program', x + PAD, top + 43);
  doc.fillColor(INK);
  fitted(doc, `${o.programme.benefits.join(' + ')} · ${o.programme.code}`, x + PAD, top + 50, colW, 'Helvetica-Bold', 8, 5.5);
  label(doc, 'Masa perlindungan', x + PAD, top + 64);
  doc.fillColor(INK);
  fitted(doc, formatPeriod(card.period, 'id'), x + PAD, top + 71, colW, 'Helvetica', 7.5, 5);

  const qx = x + W - PAD - QR_SIZE;
  drawQr(doc, url, qx, top - 2);
  doc.fillColor(GREY);
  fitted(doc, 'Pindai untuk cek keabsahan', qx + 2, top + QR_SIZE - 1, QR_SIZE - 4, 'Helvetica', 4.5, 3.5);

  doc.fillColor(GREY);
  fitted(doc, `Desa/Kel. ${card.village}, Kec. ${card.district}`, x + PAD, y + H - 20, W - 2 * PAD, 'Helvetica', 5.5, 4);
  fitted(doc, `Cek kartu: ${url}`, x + PAD, y + H - 12, W - 2 * PAD, 'Helvetica', 4.5, 3.5);
  doc.restore();
}

/** Short marks in the margins along every cut line of the grid. */
function drawCutMarks(doc: Doc): void {
  const { xs, ys, left, right, top, bottom } = cutLines();
  const gap = 1.5 * PT_PER_MM;
  const len = 6 * PT_PER_MM;
  doc.save().lineWidth(0.4).strokeColor('#000000');
  for (const x of xs) {
    doc.moveTo(x, top - gap).lineTo(x, top - gap - len);
    doc.moveTo(x, bottom + gap).lineTo(x, bottom + gap + len);
  }
  for (const y of ys) {
    doc.moveTo(left - gap, y).lineTo(left - gap - len, y);
    doc.moveTo(right + gap, y).lineTo(right + gap + len, y);
  }
  doc.stroke().restore();
}

function drawSheet(doc: Doc, cards: readonly PrintCard[], o: CardSheetOptions, sheet: number): void {
  doc.addPage({ size: 'A4', margin: 0 });
  drawCutMarks(doc);
  const slots = sheetSlots();
  cards.forEach((c, i) => drawCard(doc, c, slots[i]!.x, slots[i]!.y, o));
  doc.font('Helvetica').fontSize(6).fillColor(GREY)
    .text(winAnsi(`${o.programme.code} · lembar ${sheet} · potong pada garis tanda`), cutLines().left, 841.89 - 14, { lineBreak: false });
}

/** Waits until `out` takes more; refuses to go on once it is closed (the client went away). */
async function drained(out: Writable): Promise<void> {
  if (out.destroyed) throw new Error('card output closed before the end');
  if (!out.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      reject(new Error('card output closed before the end'));
    };
    out.once('drain', done);
    out.once('close', closed);
  });
}

/**
 * Renders the cards from `pages` into `out` and ends it. Returns how many cards and sheets were
 * written. On a failure `out` is destroyed with the error (a half PDF is never passed as whole).
 */
export async function writeCardsPdf(out: Writable, pages: AsyncIterable<readonly PrintCard[]>, o: CardSheetOptions): Promise<{ cards: number; sheets: number }> {
  const doc = new PDFDocument({
    autoFirstPage: false,
    compress: o.compress ?? true,
    info: { Title: `Kartu peserta ${o.programme.code}`, Author: 'Lindung', Subject: o.programme.name, Creator: 'Lindung' },
  });
  doc.on('data', (chunk: Buffer) => out.write(chunk));
  const ended = once(doc, 'end');
  let cards = 0;
  let sheets = 0;
  let pending: PrintCard[] = [];
  const flush = async () => {
    sheets++;
    drawSheet(doc, pending, o, sheets);
    pending = [];
    await drained(out);
  };
  try {
    for await (const page of pages) {
      for (const card of page) {
        pending.push(card);
        cards++;
        if (pending.length === CARDS_PER_SHEET) await flush();
      }
    }
    if (pending.length || sheets === 0) await flush();
    doc.end();
    await ended;
    out.end();
    return { cards, sheets };
  } catch (e) {
    out.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
}
