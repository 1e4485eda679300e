/**
 * Member cards on screen: the print page of a programme (which regency, how many cards) and the
 * public verification page a card's QR code opens.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { html } from '../html.js';
import { page } from '../layout.js';
import { formatDateTime, formatNumber } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { formatPeriod, sheetsFor } from '../../domain/card.js';
import { getProgramme } from '../../features/programmes/programmes.js';
import { countCards, defaultCardArea, listCardPrints, regencyCardCounts, verifyCard } from '../../features/enrollment/cards.js';
import { CARD_CHECK_RATE } from '../../features/enrollment/card-routes.js';
import { todayInNtt } from '../../clock.js';

const tr = (lang: Lang, m: Message) => m[lang];
const CodeParams = Type.Object({ code: Type.String({ maxLength: 32 }) });
const TokenParams = Type.Object({ token: Type.String({ maxLength: 64 }) });

export function cardPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/programmes/:code/cards', summary: 'Print member cards of a programme', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'cards.print' }, schema: { params: CodeParams },
    handler: async (req, reply) => {
      const lang = req.lang;
      const actor = actorOf(req);
      const { code } = req.params as Static<typeof CodeParams>;
      const { p, regencies, whole, wholeArea, prints } = await scoped(req, async (tx) => {
        const p = await getProgramme(tx, code);
        const wholeArea = defaultCardArea(p, actor.areaCode);
        return { p, wholeArea, whole: await countCards(tx, p.id, wholeArea), regencies: await regencyCardCounts(tx, p.id), prints: await listCardPrints(tx, p.id) };
      });
      const n = (v: number) => formatNumber(v, lang);
      const withCards = regencies.filter((r) => r.active > 0);
      const options = [
        ...(withCards.length > 1 || (withCards.length === 1 && withCards[0]!.code !== wholeArea)
          ? [{ value: wholeArea, label: `${tr(lang, { id: 'Seluruh wilayah Anda', en: 'All of your area' })} (${wholeArea}) — ${n(whole.active)} ${tr(lang, { id: 'kartu', en: 'cards' })}` }]
          : []),
        ...withCards.map((r) => ({ value: r.code, label: `${r.name} — ${n(r.active)} ${tr(lang, { id: 'kartu', en: 'cards' })}` })),
      ];
      const period = formatPeriod({ from: p.coverageStart, to: p.coverageEnd }, lang);
      return page(req, reply, {
        title: `${tr(lang, { id: 'Kartu peserta', en: 'Member cards' })} — ${p.code}`,
        body: html`<p><a href="/programmes/${p.code}">${p.code} — ${p.name}</a></p>
<p class="muted">${tr(lang, {
          id: `Kartu ukuran kartu kredit (85,6 × 54 mm), 10 kartu per lembar A4 dengan tanda potong, diurutkan menurut kecamatan, desa dan nama untuk penyerahan di kabupaten/kota. Hanya peserta aktif (sudah menerima KPJ) yang dicetak. Kode QR membuka halaman cek yang hanya menunjukkan sah atau tidaknya kartu. Masa program: ${period}.`,
          en: `Credit-card-sized cards (85.6 × 54 mm), 10 to an A4 sheet with cut marks, ordered by district, village and name for the regency hand-over. Only active members (with a KPJ number) are printed. The QR code opens a check page that shows only whether the card is valid. Programme period: ${period}.`,
        })}</p>
<div class="table-wrap"><table class="stack" id="card-counts">
<thead><tr><th scope="col">${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}</th><th scope="col" class="num">${tr(lang, { id: 'Peserta aktif (kartu)', en: 'Active members (cards)' })}</th><th scope="col" class="num">${tr(lang, { id: 'Lembar A4', en: 'A4 sheets' })}</th><th scope="col" class="num">${tr(lang, { id: 'Belum pernah dicetak', en: 'Never printed' })}</th></tr></thead>
<tbody>${regencies.map((r) => html`<tr><td data-label="${tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' })}">${r.name}</td><td class="num" data-label="${tr(lang, { id: 'Kartu', en: 'Cards' })}">${n(r.active)}</td><td class="num" data-label="${tr(lang, { id: 'Lembar', en: 'Sheets' })}">${n(sheetsFor(r.active))}</td><td class="num" data-label="${tr(lang, { id: 'Belum dicetak', en: 'Never printed' })}">${n(r.active - r.printed)}</td></tr>`)}</tbody>
</table></div>
${options.length
  ? html`<form method="get" action="/programmes/${p.code}/cards.pdf" class="form-grid" id="print-cards">
  <div><label for="area">${tr(lang, { id: 'Wilayah yang dicetak', en: 'Area to print' })}</label><select id="area" name="area">${options.map((o) => html`<option value="${o.value}">${o.label}</option>`)}</select></div>
  <p class="muted">${tr(lang, { id: 'Mencetak ulang memakai kode kartu yang sama; setiap pencetakan dicatat di riwayat.', en: 'Reprinting keeps the same card codes; every print is recorded in the history.' })}</p>
  <div><button type="submit">${tr(lang, { id: 'Unduh kartu (PDF)', en: 'Download cards (PDF)' })}</button></div>
</form>`
  : html`<p class="alert" role="status">${tr(lang, { id: 'Belum ada peserta aktif di wilayah Anda: kartu dicetak setelah BPJS menerima peserta dan menerbitkan KPJ.', en: 'No active members in your area yet: cards are printed once BPJS accepts members and issues KPJ numbers.' })}</p>`}
${prints.length ? html`<h2>${tr(lang, { id: 'Riwayat pencetakan', en: 'Print history' })}</h2>
<div class="table-wrap"><table class="stack" id="card-prints">
<thead><tr><th scope="col">${tr(lang, { id: 'Waktu', en: 'When' })}</th><th scope="col">${tr(lang, { id: 'Oleh', en: 'By' })}</th><th scope="col">${tr(lang, { id: 'Wilayah', en: 'Area' })}</th><th scope="col" class="num">${tr(lang, { id: 'Kartu', en: 'Cards' })}</th></tr></thead>
<tbody>${prints.map((c) => html`<tr><td data-label="${tr(lang, { id: 'Waktu', en: 'When' })}">${formatDateTime(new Date(c.at), lang)}</td><td data-label="${tr(lang, { id: 'Oleh', en: 'By' })}">${c.by}</td><td data-label="${tr(lang, { id: 'Wilayah', en: 'Area' })}">${c.areaName ?? c.area}</td><td class="num" data-label="${tr(lang, { id: 'Kartu', en: 'Cards' })}">${n(c.cards)}</td></tr>`)}</tbody>
</table></div>` : ''}`,
      });
    },
  });

  route(app, {
    method: 'GET', url: '/v/:token', summary: 'Public check of a member card (no personal data)', tags: ['web'], web: true,
    access: { kind: 'public' }, schema: { params: TokenParams }, rateLimit: CARD_CHECK_RATE,
    handler: async (req, reply) => {
      const r = await verifyCard(app.db, (req.params as Static<typeof TokenParams>).token, todayInNtt());
      reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
      const period = r.periodFrom && r.periodTo ? { from: r.periodFrom, to: r.periodTo } : null;
      // Whoever scans a card may read either language: both are shown, Indonesian first.
      return page(req, reply, {
        title: 'Cek kartu peserta · Member card check',
        body: html`<div class="${r.valid ? 'ok' : 'alert'}" role="status" id="card-verdict" data-state="${r.state}">
  <p lang="id"><strong>${r.message.id}</strong></p>
  <p lang="en">${r.message.en}</p>
</div>
${r.programme ? html`<dl class="fields">
  <dt>Program <span lang="en">/ Programme</span></dt><dd>${r.programme.name} (${r.programme.code})</dd>
  ${period ? html`<dt>Masa perlindungan <span lang="en">/ Coverage</span></dt><dd>${formatPeriod(period, 'id')}<br><span lang="en" class="muted">${formatPeriod(period, 'en')}</span></dd>` : ''}
</dl>` : ''}
<p class="muted" lang="id">Halaman ini hanya menunjukkan sah atau tidaknya kartu; data pribadi peserta tidak ditampilkan. Untuk klaim, hubungi BPJS Ketenagakerjaan atau dinas tenaga kerja.</p>
<p class="muted" lang="en">This page only shows whether the card is valid; no personal data is shown. For claims, contact BPJS Ketenagakerjaan or the labour office.</p>`,
      });
    },
  });
}
