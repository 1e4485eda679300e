/**
 * /claims/dashboard: how the claims of the user's area stand — counts and amounts by status, type
 * and regency, the time from a complete file to payment, and the overdue list to act on — with a
 * filter (programme, regency, type, period of events) and the XLSX export of the same view.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { barChart } from '../chart.js';
import { formatDate, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import { todayInNtt } from '../../clock.js';
import { rupiahRingkas } from '../../domain/terbilang.js';
import {
  CLAIM_STATUS_LABEL, CLAIM_TYPE_LABEL, CLAIM_TYPES, TALLY_COLUMNS, percent, type ClaimTally, type TallyColumn,
} from '../../domain/claim-dashboard.js';
import { claimsDashboard, type ClaimsDashboard } from '../../features/claims/dashboard.js';
import { filterOf } from '../../features/claims/dashboard-routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const OVERDUE_SHOWN = 20;
/** The screen leaves two columns to the XLSX (entitled amount, approved count): the table fits a laptop. */
const COLUMNS = TALLY_COLUMNS.filter((c) => c.key !== 'entitledAmount' && c.key !== 'approved');

function cell(c: TallyColumn, t: ClaimTally, lang: Lang): string {
  const v = c.value(t);
  if (v === null) return '—';
  if (c.kind === 'money') return formatRupiah(v);
  if (c.kind === 'percent') return `${v}%`;
  return formatNumber(v, lang);
}

function tallyTable(id: string, lang: Lang, first: Message, rows: { key: string; label: SafeHtml | string; t: ClaimTally }[], total: ClaimTally | null): SafeHtml {
  const head = tr(lang, first);
  return html`<div class="table-wrap"><table class="stack" id="${id}">
<thead><tr><th scope="col">${head}</th>${COLUMNS.map((c) => html`<th scope="col" class="num">${tr(lang, c.label)}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr data-key="${r.key}"><td data-label="${head}">${r.label}</td>${COLUMNS.map((c) => html`<td class="num" data-label="${tr(lang, c.label)}" data-col="${c.key}">${cell(c, r.t, lang)}</td>`)}</tr>`)}</tbody>
${total ? html`<tfoot><tr><th scope="row">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th>${COLUMNS.map((c) => html`<td class="num" data-label="${tr(lang, c.label)}" data-col="${c.key}"><strong>${cell(c, total, lang)}</strong></td>`)}</tr></tfoot>` : ''}
</table></div>`;
}

function query(d: ClaimsDashboard): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(d.filter)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function dashboardPage(req: FastifyRequest, reply: FastifyReply) {
  const lang = req.lang;
  const today = todayInNtt();
  let problem: Message | null = null;
  let status = 200;
  const { d, programmes } = await scoped(req, async (tx) => {
    const programmes = await tx.query<{ code: string; name: string }>('SELECT code, name FROM programme ORDER BY fiscal_year DESC, code');
    try {
      return { d: await claimsDashboard(tx, filterOf(req.query as Record<string, unknown>), today, { overdueLimit: OVERDUE_SHOWN }), programmes };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problem = e.text;
      status = e.kind === 'forbidden' ? 403 : e.kind === 'not_found' ? 404 : 422;
      return { d: await claimsDashboard(tx, {}, today, { overdueLimit: OVERDUE_SHOWN }), programmes };
    }
  });
  const f = d.filter;
  const t = d.total;
  const n = (v: number) => formatNumber(v, lang);
  const within = percent(t.timeToPayment.withinSla, t.timeToPayment.paid);
  const L = {
    regency: tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' }), type: tr(lang, { id: 'Jenis klaim', en: 'Claim type' }), status: tr(lang, { id: 'Status', en: 'Status' }),
    claims: tr(lang, { id: 'Klaim', en: 'Claims' }), entitled: tr(lang, { id: 'Hak menurut aturan', en: 'Entitled by the rules' }), approved: tr(lang, { id: 'Nilai disetujui', en: 'Approved amount' }),
    no: tr(lang, { id: 'No. klaim', en: 'Claim no.' }), name: tr(lang, { id: 'Peserta', en: 'Member' }), due: tr(lang, { id: 'Batas SLA', en: 'SLA due' }),
    complete: tr(lang, { id: 'Berkas lengkap', en: 'Documents complete' }), late: tr(lang, { id: 'Hari kerja terlambat', en: 'Working days late' }),
    days: tr(lang, { id: 'Hari kerja sampai dibayar', en: 'Working days to payment' }),
  };
  const typeOptions = CLAIM_TYPES.map((c) => html`<option value="${c}"${f.type === c ? html` selected` : ''}>${tr(lang, CLAIM_TYPE_LABEL[c])}</option>`);
  const regencyOptions = Object.entries(d.regencyNames).map(([code, name]) => html`<option value="${code}"${f.regency === code ? html` selected` : ''}>${name}</option>`);
  const body = html`${problem ? html`<div class="alert" role="alert">${tr(lang, problem)}</div>` : ''}
<p class="muted">${tr(lang, { id: 'Per', en: 'As of' })} ${formatDate(d.asOf, lang)} · ${tr(lang, {
    id: `Batas waktu layanan (SLA): ${d.slaDays} hari kerja sejak berkas lengkap; hari Sabtu, Minggu, libur nasional dan libur daerah tidak dihitung.`,
    en: `Service level (SLA): ${d.slaDays} working days from a complete file; Saturdays, Sundays, national and regional holidays do not count.`,
  })}</p>
<form method="get" action="/claims/dashboard" class="search" id="dashboard-filter" role="search">
  <div><label for="f-programme">${tr(lang, { id: 'Program', en: 'Programme' })}</label><select id="f-programme" name="programme"><option value="">${tr(lang, { id: 'Semua program', en: 'All programmes' })}</option>${programmes.map((p) => html`<option value="${p.code}"${f.programme === p.code ? html` selected` : ''}>${p.code} — ${p.name}</option>`)}</select></div>
  <div><label for="f-regency">${L.regency}</label><select id="f-regency" name="regency"><option value="">${tr(lang, { id: 'Semua di wilayah Anda', en: 'All of your area' })}</option>${regencyOptions}</select></div>
  <div><label for="f-type">${L.type}</label><select id="f-type" name="type"><option value="">${tr(lang, { id: 'Semua jenis', en: 'All types' })}</option>${typeOptions}</select></div>
  <div><label for="f-from">${tr(lang, { id: 'Kejadian dari', en: 'Events from' })}</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
  <div><label for="f-to">${tr(lang, { id: 'sampai', en: 'to' })}</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
  <div><button type="submit">${tr(lang, { id: 'Tampilkan', en: 'Show' })}</button></div>
</form>
<ul class="actions" id="dashboard-downloads">
  <li><a href="/api/claims/dashboard.xlsx${query(d)}" download>${tr(lang, { id: 'Unduh XLSX (ringkasan, per kabupaten, waktu bayar, terlambat, daftar klaim)', en: 'Download XLSX (summary, per regency, time to payment, overdue, claim list)' })}</a></li>
  <li><a href="/claims">${tr(lang, { id: 'Daftar klaim', en: 'Claim list' })}</a></li>
</ul>
<div class="cards" id="headline">
  <div class="card"><span>${tr(lang, { id: 'Klaim terdaftar', en: 'Claims registered' })}</span><strong data-testid="claims-total">${n(t.claims)}</strong></div>
  <div class="card"><span>${tr(lang, { id: 'Dalam proses', en: 'Open' })}</span><strong>${n(t.open)}</strong></div>
  <div class="card"><span>${tr(lang, { id: 'Terlambat (lewat SLA)', en: 'Overdue (past the SLA)' })}</span><strong data-testid="claims-overdue">${n(t.overdue)}</strong><small class="muted">${tr(lang, { id: `${n(t.onTime)} masih dalam SLA`, en: `${n(t.onTime)} still within the SLA` })}</small></div>
  <div class="card"><span>${tr(lang, { id: 'Dibayar', en: 'Paid' })}</span><strong data-testid="claims-paid" title="${formatRupiah(t.paidAmount)}">${rupiahRingkas(t.paidAmount, lang)}</strong><small class="muted">${formatRupiah(t.paidAmount)} · ${n(t.paid)} ${tr(lang, { id: 'klaim', en: 'claims' })}; ${tr(lang, { id: 'dikonfirmasi bank', en: 'confirmed by the bank' })} ${formatRupiah(t.confirmedAmount)}</small></div>
  <div class="card"><span>${tr(lang, { id: 'Disetujui', en: 'Approved' })}</span><strong title="${formatRupiah(t.approvedAmount)}">${rupiahRingkas(t.approvedAmount, lang)}</strong><small class="muted">${formatRupiah(t.approvedAmount)} · ${n(t.approved)} ${tr(lang, { id: 'klaim', en: 'claims' })}</small></div>
  <div class="card"><span>${tr(lang, { id: 'Waktu sampai dibayar (median)', en: 'Time to payment (median)' })}</span><strong data-testid="claims-median-days">${t.timeToPayment.medianDays === null ? '—' : `${t.timeToPayment.medianDays} ${tr(lang, { id: 'hari kerja', en: 'working days' })}`}</strong><small class="muted">${within === null ? '' : tr(lang, { id: `${within}% dibayar dalam SLA`, en: `${within}% paid within the SLA` })}</small></div>
</div>

<h2 id="overdue">${tr(lang, { id: 'Klaim terlambat', en: 'Overdue claims' })} (${n(d.overdue.count)})</h2>
${d.overdue.count === 0 ? html`<p class="muted">${tr(lang, { id: 'Tidak ada klaim yang melewati batas waktu.', en: 'No claim is past its due date.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="overdue-list">
<thead><tr><th scope="col">${L.no}</th><th scope="col">${L.name}</th><th scope="col">${L.type}</th><th scope="col">${L.regency}</th><th scope="col">${L.status}</th><th scope="col">${L.complete}</th><th scope="col">${L.due}</th><th scope="col" class="num">${L.late}</th></tr></thead>
<tbody>${d.overdue.items.map((o) => html`<tr data-claim="${o.claimNo}">
  <td data-label="${L.no}"><a href="/claims/${o.id}">${o.claimNo}</a></td>
  <td data-label="${L.name}">${o.fullName ?? '—'}${o.villageName ? html`<br><small class="muted">${o.villageName}</small>` : ''}</td>
  <td data-label="${L.type}">${tr(lang, CLAIM_TYPE_LABEL[o.type])}</td>
  <td data-label="${L.regency}">${o.regencyName}</td>
  <td data-label="${L.status}">${tr(lang, CLAIM_STATUS_LABEL[o.status])}</td>
  <td data-label="${L.complete}">${formatDate(o.documentsCompleteOn, lang)}</td>
  <td data-label="${L.due}">${formatDate(o.slaDue, lang)}</td>
  <td class="num" data-label="${L.late}"><strong>${o.workingDaysLate}</strong></td>
</tr>`)}</tbody>
</table></div>
${d.overdue.count > d.overdue.items.length ? html`<p class="muted">${tr(lang, { id: `Menampilkan ${d.overdue.items.length} yang paling lama; semua ada di berkas XLSX (lembar "Terlambat").`, en: `Showing the ${d.overdue.items.length} oldest; all of them are in the XLSX (sheet "Terlambat").` })}</p>` : ''}`}

<h2>${tr(lang, { id: 'Per status', en: 'By status' })}</h2>
<div class="table-wrap"><table class="stack" id="by-status">
<thead><tr><th scope="col">${L.status}</th><th scope="col" class="num">${L.claims}</th><th scope="col" class="num">${L.entitled}</th><th scope="col" class="num">${L.approved}</th></tr></thead>
<tbody>${d.byStatus.map((s) => html`<tr data-key="${s.status}"><td data-label="${L.status}">${tr(lang, CLAIM_STATUS_LABEL[s.status])}</td><td class="num" data-label="${L.claims}">${n(s.count)}</td><td class="num" data-label="${L.entitled}">${formatRupiah(s.entitledAmount)}</td><td class="num" data-label="${L.approved}">${formatRupiah(s.approvedAmount)}</td></tr>`)}</tbody>
</table></div>

<h2>${tr(lang, { id: 'Per jenis klaim', en: 'By claim type' })}</h2>
${tallyTable('by-type', lang, { id: 'Jenis klaim', en: 'Claim type' }, d.byType.map((r) => ({ key: r.type, label: tr(lang, CLAIM_TYPE_LABEL[r.type]), t: r })), t)}

<h2>${tr(lang, { id: 'Per kabupaten/kota', en: 'By regency' })}</h2>
${d.regencies.some((r) => r.paidAmount > 0) ? barChart(d.regencies.filter((r) => r.claims > 0).map((r) => ({ label: r.regencyName.replace(/^Kabupaten /, ''), value: r.paidAmount })), { title: tr(lang, { id: 'Nilai klaim dibayar per kabupaten/kota', en: 'Claims paid per regency' }), format: (v) => formatRupiah(v) }) : ''}
${tallyTable('by-regency', lang, { id: 'Kabupaten/Kota', en: 'Regency' }, d.regencies.map((r) => ({ key: r.regencyCode, label: html`<a href="/claims/dashboard?${new URLSearchParams({ ...Object.fromEntries(Object.entries(f).filter(([, v]) => v)), regency: r.regencyCode }).toString()}">${r.regencyName}</a>`, t: r })), t)}

<h2>${tr(lang, { id: 'Waktu dari berkas lengkap sampai dibayar', en: 'Time from a complete file to payment' })}</h2>
${t.timeToPayment.paid === 0 ? html`<p class="muted">${tr(lang, { id: 'Belum ada klaim yang dibayar.', en: 'No claim has been paid yet.' })}</p>` : html`<p>${tr(lang, {
    id: `${n(t.timeToPayment.paid)} klaim dibayar: rata-rata ${t.timeToPayment.averageDays} hari kerja, median ${t.timeToPayment.medianDays}, 90% paling lama ${t.timeToPayment.p90Days}, terlama ${t.timeToPayment.maxDays}; ${n(t.timeToPayment.withinSla)} (${within}%) dibayar sampai batas SLA.`,
    en: `${n(t.timeToPayment.paid)} claims paid: average ${t.timeToPayment.averageDays} working days, median ${t.timeToPayment.medianDays}, 90% within ${t.timeToPayment.p90Days}, longest ${t.timeToPayment.maxDays}; ${n(t.timeToPayment.withinSla)} (${within}%) paid by the SLA due date.`,
  })}</p>
<div class="table-wrap"><table class="stack" id="payment-days">
<thead><tr><th scope="col">${L.days}</th><th scope="col" class="num">${L.claims}</th><th scope="col">${tr(lang, { id: 'Dalam SLA', en: 'Within the SLA' })}</th></tr></thead>
<tbody>${d.paymentBuckets.map((b) => html`<tr><td data-label="${L.days}">${tr(lang, b.label)}</td><td class="num" data-label="${L.claims}">${n(b.count)}</td><td data-label="${tr(lang, { id: 'Dalam SLA', en: 'Within the SLA' })}">${b.withinSla ? tr(lang, { id: 'ya', en: 'yes' }) : tr(lang, { id: 'tidak', en: 'no' })}</td></tr>`)}</tbody>
</table></div>`}
<p class="muted">${tr(lang, {
    id: 'Terlambat: berkas lengkap, diajukan ke BPJS atau disetujui, dan tanggal batas SLA sudah lewat. Dibayar: dikirim ke Bank NTT (termasuk yang sudah dikonfirmasi bank). Hak menurut aturan: klaim yang tidak ditolak atau dibatalkan.',
    en: 'Overdue: documents complete, submitted to BPJS or approved, and the SLA due date has passed. Paid: sent to Bank NTT (including those the bank confirmed). Entitled by the rules: claims not rejected or withdrawn.',
  })}</p>`;
  return page(req, reply, { title: tr(lang, { id: 'Dasbor klaim', en: 'Claims dashboard' }), body, status });
}

export function claimsDashboardPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/claims/dashboard', summary: 'Claims dashboard', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'claims.read' },
    handler: dashboardPage,
  });
}
