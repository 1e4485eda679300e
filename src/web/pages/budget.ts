/**
 * Screens for the Governor's questions: the programme summary per regency (with XLSX and PDF),
 * the budget with its forecast and scenarios, and the regents' pledges (Pakta) against what
 * their own programmes enrolled and paid.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { Problem } from '../../http/problem.js';
import { formatDate, formatNumber, formatRupiah } from '../i18n.js';
import { formatMonth } from '../../domain/billing.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { parseRupiah } from '../../domain/money.js';
import { UserError } from '../../domain/user-error.js';
import { todayInNtt } from '../../clock.js';
import { getProgramme } from '../../features/programmes/programmes.js';
import { budgetOf } from '../../features/enrollment/billing.js';
import { createScenario, defaultPerPerson, deleteScenario } from '../../features/enrollment/scenarios.js';
import { programmeSummary, SUMMARY_COLUMNS } from '../../features/enrollment/summary.js';
import { pledgeReport, savePledges, importPledgeFile, type PledgeProblem } from '../../features/enrollment/pledges.js';
import { rawPledge, withPledgeUpload } from '../../features/enrollment/budget-routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const codeOf = (req: FastifyRequest) => (req.params as { code: string }).code;
const csrfField = (req: FastifyRequest) => html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
const money = (v: number | null) => (v === null ? '—' : formatRupiah(v));
const pct = (part: number | null, whole: number) => (part === null || whole <= 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

type Flash = { ok: boolean; text: SafeHtml | string } | null;

function flash(f: Flash): SafeHtml {
  if (!f) return html``;
  return f.ok ? html`<div class="ok" role="status">${f.text}</div>` : html`<div class="alert" role="alert">${f.text}</div>`;
}

/** A refused change as a flash, with every problem of a pledge file listed. */
function refusal(lang: Lang, e: unknown): Flash {
  if (e instanceof UserError && Array.isArray(e.extra.problems)) {
    const list = e.extra.problems as PledgeProblem[];
    return { ok: false, text: html`${tr(lang, { id: 'Tidak ada yang disimpan. Perbaiki lalu kirim lagi:', en: 'Nothing was saved. Fix these and send again:' })}<ul class="problems">${list.map((p) => html`<li>${p[lang]}</li>`)}</ul>` };
  }
  if (e instanceof UserError) return { ok: false, text: e.text[lang] };
  if (e instanceof Problem && e.status < 500) return { ok: false, text: e.detail[lang] };
  return null;
}

async function attempt(req: FastifyRequest, reply: FastifyReply, fn: () => Promise<unknown>, done: Message, show: (f: Flash, status?: number) => Promise<FastifyReply>) {
  try {
    await fn();
    return show({ ok: true, text: done[req.lang] });
  } catch (e) {
    const f = refusal(req.lang, e);
    if (!f) throw e;
    return show(f, 422);
  }
}

// ---------------------------------------------------------------------------
// Summary per regency

async function reportPage(req: FastifyRequest, reply: FastifyReply) {
  const lang = req.lang;
  const s = await scoped(req, async (tx) => programmeSummary(tx, await getProgramme(tx, codeOf(req)), todayInNtt()));
  const p = s.programme;
  const regency = tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' });
  const cell = (v: number | null, isMoney: boolean) => (isMoney ? money(v) : v === null ? '—' : formatNumber(v, lang));
  const showUnallocated = s.unallocated !== null && (s.unallocated.billed !== 0 || s.unallocated.paid !== 0);
  return page(req, reply, {
    title: `${p.code} — ${tr(lang, { id: 'Ringkasan per kabupaten/kota', en: 'Summary per regency' })}`,
    body: html`<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a></p>
<p class="muted">${tr(lang, { id: 'Per', en: 'As of' })} ${formatDate(s.asOf, lang)} · ${tr(lang, { id: 'Pendana', en: 'Funder' })}: ${p.funderName} · ${tr(lang, { id: 'Masa perlindungan', en: 'Coverage' })} ${formatDate(p.coverageStart, lang)} – ${formatDate(p.coverageEnd, lang)}</p>
<ul class="actions" id="report-downloads">
  <li><a href="/api/programmes/${p.code}/summary.xlsx" download>${tr(lang, { id: 'Unduh XLSX', en: 'Download XLSX' })}</a></li>
  <li><a href="/api/programmes/${p.code}/summary.pdf" download>${tr(lang, { id: 'Unduh PDF (bahasa Indonesia)', en: 'Download PDF (Indonesian)' })}</a></li>
  <li><a href="/programmes/${p.code}/budget">${tr(lang, { id: 'Anggaran dan perkiraan', en: 'Budget and forecast' })}</a></li>
</ul>
${s.moneyVisible ? '' : html`<p class="muted" id="money-hidden">${tr(lang, { id: 'Kolom uang kosong (—): tagihan dan pembayaran program ini hanya terlihat oleh wilayah pendana.', en: 'Money columns are empty (—): this programme\'s bills and payments are visible to the funder\'s area only.' })}</p>`}
<div class="table-wrap"><table class="stack" id="summary-table">
<thead><tr><th scope="col">${regency}</th>${SUMMARY_COLUMNS.map((c) => html`<th scope="col" class="num">${tr(lang, c.label)}</th>`)}</tr></thead>
<tbody>${s.regencies.map((r) => html`<tr data-regency="${r.regencyCode}"><td data-label="${regency}">${r.regencyName}</td>${SUMMARY_COLUMNS.map((c) => html`<td class="num" data-label="${tr(lang, c.label)}">${cell(r[c.key], c.money)}</td>`)}</tr>`)}
${showUnallocated ? html`<tr id="unallocated"><td data-label="${regency}"><em>${tr(lang, { id: 'Tagihan tanpa rincian per kabupaten/kota', en: 'Bills without a breakdown per regency' })}</em></td>${SUMMARY_COLUMNS.map((c) => html`<td class="num" data-label="${tr(lang, c.label)}">${c.money ? money(s.unallocated![c.key as 'billed' | 'paid' | 'outstanding']) : ''}</td>`)}</tr>` : ''}</tbody>
<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th>${SUMMARY_COLUMNS.map((c) => html`<td class="num" data-label="${tr(lang, c.label)}"><strong>${cell(s.total[c.key], c.money)}</strong></td>`)}</tr></tfoot>
</table></div>
<p class="muted">${tr(lang, {
      id: 'Calon: disetujui, belum diajukan ke BPJS. Non-aktif: tiga bulan iuran tidak dibayar. Pembayaran (SP2D) dicatat per tagihan dan dibagi ke kabupaten/kota menurut porsi tagihannya.',
      en: 'Candidates: approved, not yet submitted to BPJS. Lapsed: three months unpaid. Payments (SP2D) are recorded per bill and shared over regencies by their part of it.',
    })}</p>`,
  });
}

// ---------------------------------------------------------------------------
// Budget, forecast, scenarios

async function budgetPage(req: FastifyRequest, reply: FastifyReply, f: Flash = null, status = 200) {
  const lang = req.lang;
  const user = req.session!.user;
  const { p, b, perPerson } = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, codeOf(req));
    return { p, b: await budgetOf(tx, p, todayInNtt()), perPerson: await defaultPerPerson(tx, p).catch(() => null) };
  });
  const manage = can(user.role, 'programmes.manage');
  const rest = b.forecast.restOfYear;
  const next = b.forecast.nextYear;
  const L = {
    name: tr(lang, { id: 'Skenario', en: 'Scenario' }), workers: tr(lang, { id: 'Pekerja', en: 'Workers' }), months: tr(lang, { id: 'Bulan', en: 'Months' }),
    per: tr(lang, { id: 'Iuran per orang per bulan', en: 'Per person per month' }), total: tr(lang, { id: 'Jumlah', en: 'Total' }),
    month: tr(lang, { id: 'Bulan', en: 'Month' }), tariff: tr(lang, { id: 'Tarif', en: 'Tariff' }), members: tr(lang, { id: 'Peserta aktif', en: 'Active members' }),
    amount: tr(lang, { id: 'Perkiraan', en: 'Forecast' }),
  };
  return page(req, reply, {
    title: `${p.code} — ${tr(lang, { id: 'Anggaran dan perkiraan', en: 'Budget and forecast' })}`,
    status,
    body: html`${flash(f)}
<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a> · <a href="/programmes/${p.code}/report">${tr(lang, { id: 'Ringkasan per kabupaten/kota', en: 'Summary per regency' })}</a>${p.funderType === 'regency' ? html` · <a href="/pledges?year=${p.fiscalYear}">${tr(lang, { id: 'Pakta kabupaten/kota', en: 'Regency pledges' })}</a>` : ''}</p>
<h2>${tr(lang, { id: 'Anggaran tahun', en: 'Budget of fiscal year' })} ${p.fiscalYear}</h2>
<dl class="fields" id="budget-facts">
  <dt>${tr(lang, { id: 'Kebutuhan', en: 'Cost' })}</dt><dd>${formatNumber(b.quota, lang)} × ${b.months} ${tr(lang, { id: 'bulan', en: 'months' })} × ${formatRupiah(b.perPersonPerMonth)} = <strong>${formatRupiah(b.total)}</strong></dd>
  <dt>${tr(lang, { id: 'Pagu (APBD)', en: 'Allocation (APBD)' })}</dt><dd>${money(b.allocation)}${p.budgetLine ? html` <span class="muted">(${p.budgetLine})</span>` : ''}</dd>
  <dt>${tr(lang, { id: 'Ditagih', en: 'Billed' })}</dt><dd>${formatRupiah(b.billed)}</dd>
  <dt>${tr(lang, { id: 'Dibayar', en: 'Paid' })}</dt><dd>${formatRupiah(b.paid)}</dd>
  <dt>${tr(lang, { id: 'Belum dibayar', en: 'Outstanding' })}</dt><dd>${formatRupiah(b.outstanding)}</dd>
  <dt>${tr(lang, { id: 'Terikat', en: 'Committed' })}</dt><dd>${formatRupiah(b.committed)} <span class="muted">${tr(lang, { id: '(ditagih + pemegang tempat × bulan tersisa × tarif)', en: '(billed + people holding a place × months left × tariff)' })}</span></dd>
  <dt>${tr(lang, { id: 'Sisa pagu', en: 'Remaining' })}</dt><dd>${money(b.remaining)}${b.shortfall ? html` <strong class="alert">${tr(lang, { id: 'Kekurangan', en: 'Shortfall' })} ${formatRupiah(b.shortfall)}</strong>` : ''}</dd>
</dl>
<h2>${tr(lang, { id: 'Perkiraan sisa tahun', en: 'Forecast for the rest of the year' })} ${rest.fiscalYear}</h2>
${rest.months === 0 ? html`<p class="muted">${tr(lang, { id: 'Semua bulan tahun anggaran ini sudah ditagih.', en: 'Every month of this fiscal year is billed.' })}</p>` : html`<p id="forecast-rest">${formatNumber(rest.activeMembers, lang)} ${tr(lang, { id: 'peserta aktif', en: 'active members' })} × ${rest.months} ${tr(lang, { id: 'bulan', en: 'months' })} (${formatMonth(rest.from!, lang)} – ${formatMonth(rest.to!, lang)}) ${tr(lang, { id: 'pada tarif yang berlaku tiap bulan', en: 'at each month\'s tariff' })} = <strong>${formatRupiah(rest.total)}</strong></p>
<div class="table-wrap"><table class="stack" id="forecast-months">
<thead><tr><th scope="col">${L.month}</th><th scope="col" class="num">${L.members}</th><th scope="col" class="num">${L.tariff}</th><th scope="col" class="num">${L.amount}</th></tr></thead>
<tbody>${rest.byMonth.map((m) => html`<tr><td data-label="${L.month}">${formatMonth(m.month, lang)}</td><td class="num" data-label="${L.members}">${formatNumber(m.persons, lang)}</td><td class="num" data-label="${L.tariff}">${formatRupiah(m.perPersonPerMonth)}</td><td class="num" data-label="${L.amount}">${formatRupiah(m.amount)}</td></tr>`)}</tbody>
</table></div>`}
<p>${tr(lang, { id: 'Perkiraan belanja setahun (ditagih + perkiraan)', en: 'Expected spending for the year (billed + forecast)' })}: <strong id="year-end">${formatRupiah(b.forecast.yearEnd)}</strong>${b.forecast.yearEndRemaining === null ? '' : html`; ${tr(lang, { id: 'sisa pagu', en: 'left of the allocation' })} <strong>${formatRupiah(b.forecast.yearEndRemaining)}</strong>`}</p>
<h2>${tr(lang, { id: 'Skenario tahun', en: 'Scenarios for' })} ${next.fiscalYear}</h2>
${next.scenarios.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Belum ada skenario.', en: 'No scenarios yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="scenarios">
<thead><tr><th scope="col">${L.name}</th><th scope="col" class="num">${L.workers}</th><th scope="col" class="num">${L.months}</th><th scope="col" class="num">${L.per}</th><th scope="col" class="num">${L.total}</th>${manage ? html`<th scope="col"></th>` : ''}</tr></thead>
<tbody>${next.scenarios.map((s) => html`<tr><td data-label="${L.name}">${s.name}</td><td class="num" data-label="${L.workers}">${formatNumber(s.workers, lang)}</td><td class="num" data-label="${L.months}">${s.months}</td><td class="num" data-label="${L.per}">${formatRupiah(s.perPersonPerMonth)}</td><td class="num" data-label="${L.total}"><strong>${formatRupiah(s.total)}</strong></td>${manage ? html`<td><form method="post" action="/programmes/${p.code}/scenarios/${s.id}/delete" class="inline">${csrfField(req)}<button type="submit" aria-label="${tr(lang, { id: 'Hapus skenario', en: 'Remove scenario' })} ${s.name}">${tr(lang, { id: 'Hapus', en: 'Remove' })}</button></form></td>` : ''}</tr>`)}</tbody>
</table></div>`}
${manage ? html`<h3>${tr(lang, { id: 'Tambah skenario', en: 'Add a scenario' })}</h3>
<form method="post" action="/programmes/${p.code}/scenarios" class="form-grid" id="scenario-form">${csrfField(req)}
  <div><label for="sc-name">${L.name}</label><input id="sc-name" name="name" required maxlength="100" placeholder="${tr(lang, { id: `Usulan ${next.fiscalYear}`, en: `Proposal ${next.fiscalYear}` })}"></div>
  <div><label for="sc-workers">${L.workers}</label><input id="sc-workers" name="workers" required inputmode="numeric" placeholder="50.000"></div>
  <div><label for="sc-months">${L.months}</label><input id="sc-months" name="months" required inputmode="numeric" value="12"></div>
  <div><label for="sc-per">${L.per}</label><input id="sc-per" name="perPerson" inputmode="numeric" placeholder="${perPerson === null ? '' : formatRupiah(perPerson)}" aria-describedby="sc-per-help">
    <small id="sc-per-help" class="muted">${perPerson === null ? tr(lang, { id: 'Wajib: tabel tarif belum punya tarif untuk Januari tahun depan.', en: 'Required: the tariff table has no tariff for January next year.' }) : tr(lang, { id: `Kosongkan untuk tarif yang berlaku Januari ${next.fiscalYear} (${formatRupiah(perPerson)}).`, en: `Leave empty for the tariff in force in January ${next.fiscalYear} (${formatRupiah(perPerson)}).` })}</small></div>
  <div><button type="submit">${tr(lang, { id: 'Simpan skenario', en: 'Save scenario' })}</button></div>
</form>` : ''}`,
  });
}

/** "50.000", "50000", "Rp16.800" → whole number; NaN when unreadable (the feature then refuses). */
function wholeNumber(v: unknown): number {
  const s = String(v ?? '').trim();
  if (!s) return NaN;
  const r = parseRupiah(s);
  return r.ok ? r.value : NaN;
}

// ---------------------------------------------------------------------------
// Pledges

async function pledgesPage(req: FastifyRequest, reply: FastifyReply, f: Flash = null, status = 200) {
  const lang = req.lang;
  const user = req.session!.user;
  const q = req.query as { year?: string };
  const year = /^\d{4}$/.test(q.year ?? '') ? Number(q.year) : undefined;
  const { r, regencies } = await scoped(req, async (tx) => ({
    r: await pledgeReport(tx, { year, today: todayInNtt() }),
    regencies: await tx.query<{ code: string; name: string }>('SELECT code, name FROM area WHERE level = 2 AND lindung_in_area(code) ORDER BY code'),
  }));
  const manage = can(user.role, 'pledges.manage');
  const L = {
    regency: tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' }), places: tr(lang, { id: 'Pekerja dijanjikan', en: 'Places pledged' }), amount: tr(lang, { id: 'Nilai dijanjikan', en: 'Amount pledged' }),
    signed: tr(lang, { id: 'Ditandatangani', en: 'Signed' }), document: tr(lang, { id: 'Dokumen', en: 'Document' }), programme: tr(lang, { id: 'Program kabupaten/kota', en: 'Regency programme' }),
    enrolled: tr(lang, { id: 'Terdaftar (aktif + diajukan)', en: 'Enrolled (active + submitted)' }), placesPct: tr(lang, { id: '% tempat', en: '% of places' }),
    billed: tr(lang, { id: 'Ditagih', en: 'Billed' }), paid: tr(lang, { id: 'Dibayar', en: 'Paid' }), paidPct: tr(lang, { id: '% nilai dibayar', en: '% of amount paid' }),
  };
  const years = [...new Set([r.fiscalYear, ...r.years])].sort((a, b) => b - a);
  return page(req, reply, {
    title: tr(lang, { id: 'Pakta Perlindungan: janji kabupaten/kota', en: 'Protection pact: regency pledges' }),
    status,
    body: html`${flash(f)}
<p class="muted">${tr(lang, {
      id: 'Janji bupati/wali kota untuk ikut membiayai perlindungan pekerja rentan (gotong royong), dibandingkan dengan yang sudah didaftarkan dan dibayar oleh program kabupaten/kota itu sendiri pada tahun anggaran yang sama.',
      en: 'Regents\' pledges to co-fund the protection of vulnerable workers (gotong royong), against what each regency\'s own programme of the same fiscal year has enrolled and paid.',
    })}</p>
<nav aria-label="${tr(lang, { id: 'Tahun anggaran', en: 'Fiscal year' })}"><ul class="actions">${years.map((y) => html`<li><a href="/pledges?year=${y}"${y === r.fiscalYear ? html` aria-current="page"` : ''}>${tr(lang, { id: 'TA', en: 'FY' })} ${y}</a></li>`)}</ul></nav>
${r.items.length === 0 ? html`<p class="muted">${tr(lang, { id: `Belum ada pakta untuk tahun anggaran ${r.fiscalYear}.`, en: `No pledges for fiscal year ${r.fiscalYear} yet.` })}</p>` : html`<div class="table-wrap"><table class="stack" id="pledges">
<thead><tr><th scope="col">${L.regency}</th><th scope="col" class="num">${L.places}</th><th scope="col" class="num">${L.amount}</th><th scope="col">${L.signed}</th><th scope="col">${L.document}</th><th scope="col">${L.programme}</th><th scope="col" class="num">${L.enrolled}</th><th scope="col" class="num">${L.placesPct}</th><th scope="col" class="num">${L.billed}</th><th scope="col" class="num">${L.paid}</th><th scope="col" class="num">${L.paidPct}</th></tr></thead>
<tbody>${r.items.map((i) => html`<tr data-regency="${i.regencyCode}">
  <td data-label="${L.regency}">${i.regencyName}</td>
  <td class="num" data-label="${L.places}">${formatNumber(i.places, lang)}</td>
  <td class="num" data-label="${L.amount}">${formatRupiah(i.amount)}</td>
  <td data-label="${L.signed}">${formatDate(i.signedOn, lang)}</td>
  <td data-label="${L.document}">${i.document ?? '—'}</td>
  <td data-label="${L.programme}">${i.programmes.length ? i.programmes.map((c, n) => html`${n ? ', ' : ''}<a href="/programmes/${c}/report">${c}</a>`) : html`<span class="muted">${tr(lang, { id: 'belum ada', en: 'none yet' })}</span>`}</td>
  <td class="num" data-label="${L.enrolled}">${i.enrolled === null ? '—' : formatNumber(i.enrolled, lang)}</td>
  <td class="num" data-label="${L.placesPct}">${pct(i.enrolled, i.places)}</td>
  <td class="num" data-label="${L.billed}">${money(i.billed)}</td>
  <td class="num" data-label="${L.paid}">${money(i.paid)}</td>
  <td class="num" data-label="${L.paidPct}">${pct(i.paid, i.amount)}</td>
</tr>`)}</tbody>
<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num"><strong>${formatNumber(r.total.places, lang)}</strong></td><td class="num"><strong>${formatRupiah(r.total.amount)}</strong></td><td></td><td></td><td></td><td class="num"><strong>${r.total.enrolled === null ? '—' : formatNumber(r.total.enrolled, lang)}</strong></td><td class="num">${pct(r.total.enrolled, r.total.places)}</td><td class="num"><strong>${money(r.total.billed)}</strong></td><td class="num"><strong>${money(r.total.paid)}</strong></td><td class="num">${pct(r.total.paid, r.total.amount)}</td></tr></tfoot>
</table></div>
<p class="muted">${tr(lang, { id: 'Angka terdaftar dan dibayar hanya tampil untuk kabupaten/kota di wilayah kerja Anda (—).', en: 'Enrolled and paid figures show only for regencies in your area (—).' })}</p>`}
${manage && regencies.length ? html`<h2>${tr(lang, { id: 'Catat atau ubah satu pakta', en: 'Record or change one pledge' })}</h2>
<form method="post" action="/pledges" class="form-grid" id="pledge-form">${csrfField(req)}
  <div><label for="pl-regency">${L.regency}</label><select id="pl-regency" name="regency" required>${regencies.map((a) => html`<option value="${a.code}">${a.name} (${a.code})</option>`)}</select></div>
  <div><label for="pl-year">${tr(lang, { id: 'Tahun anggaran', en: 'Fiscal year' })}</label><input id="pl-year" name="fiscalYear" required inputmode="numeric" value="${r.fiscalYear}"></div>
  <div><label for="pl-places">${L.places}</label><input id="pl-places" name="places" required inputmode="numeric" placeholder="2.829"></div>
  <div><label for="pl-amount">${L.amount}</label><input id="pl-amount" name="amount" required placeholder="Rp570.326.400"></div>
  <div><label for="pl-signed">${tr(lang, { id: 'Tanggal tanda tangan', en: 'Signed on' })}</label><input id="pl-signed" name="signedOn" type="date"></div>
  <div><label for="pl-doc">${tr(lang, { id: 'Nomor dokumen', en: 'Document reference' })}</label><input id="pl-doc" name="document" maxlength="200"></div>
  <div><button type="submit">${tr(lang, { id: 'Simpan pakta', en: 'Save pledge' })}</button></div>
</form>
<h2>${tr(lang, { id: 'Impor pakta dari berkas', en: 'Import pledges from a file' })}</h2>
<p class="muted">${tr(lang, {
      id: 'CSV atau XLSX dengan kolom Kabupaten/Kota (nama atau kode, mis. Ende atau 53.08), Tahun Anggaran, Jumlah Pekerja, Nilai (Rp, mis. 4.752.720.000), dan boleh Tanggal Tanda Tangan serta Nomor Dokumen. Semua baris disimpan, atau tidak ada sama sekali bila satu baris salah.',
      en: 'CSV or XLSX with the columns Kabupaten/Kota (name or code, e.g. Ende or 53.08), Tahun Anggaran, Jumlah Pekerja, Nilai (Rp, e.g. 4.752.720.000), and optionally Tanggal Tanda Tangan and Nomor Dokumen. Every row is saved, or none if one row is wrong.',
    })}</p>
<form method="post" action="/pledges/import?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="form-grid" id="pledge-import">
  <div><label for="pl-file">${tr(lang, { id: 'Berkas (CSV atau XLSX)', en: 'File (CSV or XLSX)' })}</label><input id="pl-file" name="file" type="file" required accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"></div>
  <div><button type="submit">${tr(lang, { id: 'Impor', en: 'Import' })}</button></div>
</form>` : ''}`,
  });
}

export function budgetPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/programmes/:code/report', summary: 'Programme summary per regency', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: reportPage,
  });
  route(app, {
    method: 'GET', url: '/programmes/:code/budget', summary: 'Budget, forecast and scenarios', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => budgetPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/scenarios', summary: 'Add a budget scenario', tags: ['web'], web: true, access: { kind: 'permission', permission: 'programmes.manage' },
    handler: async (req, reply) => {
      const b = req.body as Record<string, string | undefined>;
      const per = String(b.perPerson ?? '').trim();
      return attempt(req, reply, () => scoped(req, async (tx) => createScenario(tx, await getProgramme(tx, codeOf(req)), {
        name: String(b.name ?? ''), workers: wholeNumber(b.workers), months: wholeNumber(b.months), perPersonPerMonth: per ? wholeNumber(per) : null,
      })), { id: 'Skenario disimpan.', en: 'Scenario saved.' }, (f, status) => budgetPage(req, reply, f, status));
    },
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/scenarios/:id/delete', summary: 'Remove a budget scenario', tags: ['web'], web: true, access: { kind: 'permission', permission: 'programmes.manage' },
    handler: async (req, reply) => {
      const id = Number((req.params as { id: string }).id);
      return attempt(req, reply, () => scoped(req, async (tx) => deleteScenario(tx, await getProgramme(tx, codeOf(req)), id)),
        { id: 'Skenario dihapus (tetap tercatat di riwayat).', en: 'Scenario removed (kept in the history).' }, (f, status) => budgetPage(req, reply, f, status));
    },
  });
  route(app, {
    method: 'GET', url: '/pledges', summary: 'Regency pledges (Pakta)', tags: ['web'], web: true, access: { kind: 'signed_in' },
    handler: async (req, reply) => pledgesPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/pledges', summary: 'Record one pledge', tags: ['web'], web: true, access: { kind: 'permission', permission: 'pledges.manage' },
    handler: async (req, reply) => {
      const b = req.body as Record<string, string | undefined>;
      return attempt(req, reply, () => scoped(req, (tx) => savePledges(tx, [{ rowNo: null, values: rawPledge(b) }], { today: todayInNtt() })),
        { id: 'Pakta disimpan.', en: 'Pledge saved.' }, (f, status) => pledgesPage(req, reply, f, status));
    },
  });
  route(app, {
    method: 'POST', url: '/pledges/import', summary: 'Import pledges', tags: ['web'], web: true, access: { kind: 'permission', permission: 'pledges.manage' },
    handler: async (req, reply) => {
      let saved = { created: 0, updated: 0, unchanged: 0 };
      return attempt(req, reply, async () => {
        saved = await withPledgeUpload(req, (file) => scoped(req, (tx) => importPledgeFile(tx, file, todayInNtt())));
      }, {
        id: 'Berkas pakta diimpor.', en: 'Pledge file imported.',
      }, (f, status) => pledgesPage(req, reply, f && f.ok ? { ok: true, text: tr(req.lang, {
        id: `Berkas pakta diimpor: ${saved.created} baru, ${saved.updated} diubah, ${saved.unchanged} tidak berubah.`,
        en: `Pledge file imported: ${saved.created} new, ${saved.updated} changed, ${saved.unchanged} unchanged.`,
      }) } : f, status));
    },
  });
}
