/**
 * Enrollment screens of a programme: submissions to BPJS and their answers, and the monthly
 * bills with their payments (SP2D).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { alertFor } from '../alert.js';
import { formatDate, formatDateTime, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { parseRupiah } from '../../domain/money.js';
import { UserError } from '../../domain/user-error.js';
import { masker } from '../../features/registry/mask.js';
import { getProgramme } from '../../features/programmes/programmes.js';
import { createSubmission } from '../../features/enrollment/submissions.js';
import { candidatesByRegency, listSubmissions, rejectedCandidates } from '../../features/enrollment/submission-queries.js';
import { receiveResponse } from '../../features/enrollment/exchange.js';
import { listBills, recordPayment, runBilling } from '../../features/enrollment/billing.js';

const tr = (lang: Lang, m: Message) => m[lang];
const codeOf = (req: FastifyRequest) => (req.params as { code: string }).code;
const csrfField = (req: FastifyRequest) => html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
const BATCH_STATUS: Record<string, Message> = { open: { id: 'menunggu jawaban BPJS', en: 'awaiting BPJS\'s answer' }, answered: { id: 'sudah dijawab', en: 'answered' } };
const BILL_STATUS: Record<string, Message> = {
  issued: { id: 'belum dibayar', en: 'unpaid' }, partial: { id: 'dibayar sebagian', en: 'partly paid' }, paid: { id: 'lunas', en: 'paid' }, cancelled: { id: 'dibatalkan', en: 'cancelled' },
};

function notice(message: SafeHtml | string | null): SafeHtml {
  if (message === null) return html``;
  return typeof message === 'string' ? html`<div class="notice" role="status">${message}</div>` : message;
}

async function submissionsPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | string | null = null, status = 200) {
  const lang = req.lang;
  const user = req.session!.user;
  const mask = masker(user.role);
  const { p, items, toSubmit, rejected } = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, codeOf(req));
    return { p, items: await listSubmissions(tx, p.id), toSubmit: await candidatesByRegency(tx, p.id), rejected: await rejectedCandidates(tx, p.id) };
  });
  const manage = can(user.role, 'programmes.manage');
  const exchange = can(user.role, 'enrollment.exchange');
  const csrf = csrfField(req);
  const total = toSubmit.reduce((s, r) => s + r.candidates, 0);
  const L = {
    area: tr(lang, { id: 'Wilayah', en: 'Area' }), lines: tr(lang, { id: 'Baris', en: 'Lines' }), accepted: tr(lang, { id: 'Diterima', en: 'Accepted' }),
    rejected: tr(lang, { id: 'Ditolak', en: 'Rejected' }), status: tr(lang, { id: 'Status', en: 'Status' }), made: tr(lang, { id: 'Dibuat', en: 'Made' }),
    file: tr(lang, { id: 'Berkas', en: 'File' }), regency: tr(lang, { id: 'Kabupaten/Kota', en: 'Regency' }), candidates: tr(lang, { id: 'Calon belum diajukan', en: 'Candidates not yet submitted' }),
  };
  return page(req, reply, {
    title: `${p.code} — ${tr(lang, { id: 'Pengajuan ke BPJS', en: 'Submissions to BPJS' })}`,
    status,
    body: html`${notice(message)}
<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a></p>
<h2 id="to-submit">${tr(lang, { id: 'Calon peserta yang belum diajukan', en: 'Candidates not yet submitted' })}</h2>
${toSubmit.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Tidak ada calon yang menunggu pengajuan.', en: 'No candidates are waiting to be submitted.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="candidates-to-submit">
<thead><tr><th scope="col">${L.regency}</th><th scope="col">${L.candidates}</th>${manage ? html`<th scope="col"><span class="sr-only">${tr(lang, { id: 'Tindakan', en: 'Action' })}</span></th>` : ''}</tr></thead>
<tbody>${toSubmit.map((r) => html`<tr><td data-label="${L.regency}">${r.regencyName} (${r.regencyCode})</td><td data-label="${L.candidates}" class="num">${formatNumber(r.candidates, lang)}</td>${manage ? html`<td><form method="post" action="/programmes/${p.code}/submissions" class="inline">${csrf}<input type="hidden" name="area" value="${r.regencyCode}"><button type="submit">${tr(lang, { id: 'Buat batch pengajuan', en: 'Make a submission batch' })}</button></form></td>` : ''}</tr>`)}</tbody>
</table></div>
${manage && toSubmit.length > 1 ? html`<form method="post" action="/programmes/${p.code}/submissions" class="inline">${csrf}<input type="hidden" name="area" value="${p.funderAreaCode}"><button type="submit">${tr(lang, { id: `Ajukan semua (${formatNumber(total, 'id')} orang) dalam satu batch`, en: `Submit all (${formatNumber(total, 'en')} people) in one batch` })}</button></form>` : ''}`}
<h2 id="batches-h">${tr(lang, { id: 'Batch pengajuan', en: 'Submission batches' })}</h2>
${items.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Belum ada batch pengajuan.', en: 'No submission batches yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="batches">
<thead><tr><th scope="col">#</th><th scope="col">${L.area}</th><th scope="col">${L.lines}</th><th scope="col">${L.accepted}</th><th scope="col">${L.rejected}</th><th scope="col">${L.status}</th><th scope="col">${L.made}</th>${exchange ? html`<th scope="col">${L.file}</th>` : ''}</tr></thead>
<tbody>${items.map((b) => html`<tr id="batch-${b.id}"><td data-label="#">${b.id}</td><td data-label="${L.area}">${b.areaName}</td><td data-label="${L.lines}" class="num">${formatNumber(b.lines, lang)}</td>
<td data-label="${L.accepted}" class="num">${formatNumber(b.accepted, lang)}</td><td data-label="${L.rejected}" class="num">${formatNumber(b.rejected, lang)}</td>
<td data-label="${L.status}">${tr(lang, BATCH_STATUS[b.status]!)}</td><td data-label="${L.made}">${formatDateTime(new Date(b.createdAt), lang)} · ${b.createdBy}</td>
${exchange ? html`<td data-label="${L.file}"><a href="/api/submissions/${b.id}/file?format=xlsx" download>XLSX</a> · <a href="/api/submissions/${b.id}/file?format=csv" download>CSV</a>
${b.status === 'open' ? html`<form method="post" action="/programmes/${p.code}/submissions/${b.id}/response?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="stack-form">
<label for="answer-${b.id}">${tr(lang, { id: 'Jawaban BPJS (CSV/XLSX: NIK, KPJ, Status, TMT, Alasan)', en: 'BPJS\'s answer (CSV/XLSX: NIK, KPJ, Status, TMT, Reason)' })}</label>
<input type="file" id="answer-${b.id}" name="file" accept=".csv,.xlsx" required>
<button type="submit">${tr(lang, { id: 'Muat jawaban', en: 'Load the answer' })}</button></form>` : ''}</td>` : ''}</tr>`)}</tbody></table></div>`}
<h2 id="rejected-h">${tr(lang, { id: 'Ditolak BPJS: perlu diperbaiki', en: 'Turned away by BPJS: to correct' })}</h2>
${rejected.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Tidak ada calon yang ditolak.', en: 'No candidate was turned away.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="rejected">
<thead><tr><th scope="col">NIK</th><th scope="col">${tr(lang, { id: 'Nama', en: 'Name' })}</th><th scope="col">${tr(lang, { id: 'Desa/Kelurahan', en: 'Village' })}</th><th scope="col">${tr(lang, { id: 'Alasan BPJS', en: 'BPJS\'s reason' })}</th></tr></thead>
<tbody>${rejected.map((r) => html`<tr><td data-label="NIK">${mask.nik(r.nik)}</td><td data-label="${tr(lang, { id: 'Nama', en: 'Name' })}">${r.fullName}</td><td data-label="${tr(lang, { id: 'Desa/Kelurahan', en: 'Village' })}">${r.villageName}</td><td data-label="${tr(lang, { id: 'Alasan BPJS', en: 'BPJS\'s reason' })}">${r.reason}</td></tr>`)}</tbody></table></div>
<p class="muted">${tr(lang, { id: 'Setelah data diperbaiki di registri, calon ini ikut batch pengajuan berikutnya.', en: 'Once the data is corrected in the registry, these candidates go in the next submission batch.' })}</p>`}`,
  });
}

async function billsPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | string | null = null, status = 200) {
  const lang = req.lang;
  const { p, bills } = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, codeOf(req));
    return { p, bills: await listBills(tx, p) };
  });
  const csrf = csrfField(req);
  const L = {
    month: tr(lang, { id: 'Bulan', en: 'Month' }), people: tr(lang, { id: 'Peserta', en: 'People' }), per: tr(lang, { id: 'Iuran/orang', en: 'Per person' }),
    amount: tr(lang, { id: 'Tagihan', en: 'Amount' }), paid: tr(lang, { id: 'Dibayar', en: 'Paid' }), due: tr(lang, { id: 'Jatuh tempo', en: 'Due' }), status: tr(lang, { id: 'Status', en: 'Status' }),
    pay: tr(lang, { id: 'Catat pembayaran', en: 'Record a payment' }),
  };
  const totals = bills.reduce((s, b) => ({ amount: s.amount + b.amount, paid: s.paid + b.paid }), { amount: 0, paid: 0 });
  return page(req, reply, {
    title: `${p.code} — ${tr(lang, { id: 'Tagihan iuran', en: 'Contribution bills' })}`,
    status,
    body: html`${notice(message)}
<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a></p>
<form method="post" action="/programmes/${p.code}/bills" class="inline" id="run-billing">${csrf}
<label for="month">${tr(lang, { id: 'Hitung tagihan bulan', en: 'Compute the bill for' })}</label>
<input type="month" id="month" name="month" required min="${p.coverageStart.slice(0, 7)}" max="${p.coverageEnd.slice(0, 7)}">
<button type="submit">${tr(lang, { id: 'Hitung tagihan', en: 'Compute the bill' })}</button></form>
${bills.length === 0 ? html`<p class="muted">${tr(lang, { id: 'Belum ada tagihan.', en: 'No bills yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="bills">
<thead><tr><th scope="col">${L.month}</th><th scope="col">${L.people}</th><th scope="col">${L.per}</th><th scope="col">${L.amount}</th><th scope="col">${L.paid}</th><th scope="col">${L.due}</th><th scope="col">${L.status}</th><th scope="col">${L.pay}</th></tr></thead>
<tbody>${bills.map((b) => html`<tr id="bill-${b.id}"><td data-label="${L.month}">${b.month}</td><td data-label="${L.people}" class="num">${formatNumber(b.persons, lang)}</td><td data-label="${L.per}" class="num">${formatRupiah(b.perPerson)}</td>
<td data-label="${L.amount}" class="num">${formatRupiah(b.amount)}</td><td data-label="${L.paid}" class="num">${formatRupiah(b.paid)}</td><td data-label="${L.due}">${formatDate(b.dueDate, lang)}</td>
<td data-label="${L.status}">${tr(lang, BILL_STATUS[b.status] ?? { id: b.status, en: b.status })}</td>
<td data-label="${L.pay}">${b.paid < b.amount && b.status !== 'cancelled' ? html`<form method="post" action="/programmes/${p.code}/bills/${b.id}/payments" class="inline">${csrf}
<label><span class="sr-only">SP2D ${b.month}</span><input name="sp2d" required maxlength="60" placeholder="No. SP2D" size="14"></label>
<label><span class="sr-only">${tr(lang, { id: 'Tanggal bayar', en: 'Paid on' })} ${b.month}</span><input type="date" name="paidOn" required></label>
<label><span class="sr-only">${tr(lang, { id: 'Jumlah', en: 'Amount' })} ${b.month}</span><input name="amount" required inputmode="numeric" value="${formatRupiah(b.amount - b.paid)}" size="16"></label>
<button type="submit">${tr(lang, { id: 'Simpan', en: 'Save' })}</button></form>` : ''}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row" colspan="3">${tr(lang, { id: 'Jumlah', en: 'Total' })}</th><td class="num">${formatRupiah(totals.amount)}</td><td class="num">${formatRupiah(totals.paid)}</td><td colspan="3"></td></tr></tfoot></table></div>`}`,
  });
}

/** Runs a change and shows the page again with what happened, or with what to fix. */
async function act(req: FastifyRequest, reply: FastifyReply, show: typeof billsPage, fn: () => Promise<string>) {
  try {
    return await show(req, reply, await fn());
  } catch (e) {
    const alert = alertFor(req.lang, e);
    if (!alert) throw e;
    return show(req, reply, alert, e instanceof UserError && e.kind === 'not_found' ? 404 : 422);
  }
}

export function enrollmentPages(app: FastifyInstance): void {
  route(app, {
    method: 'GET', url: '/programmes/:code/submissions', summary: 'Submissions to BPJS', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'enrollment.read' }, handler: async (req, reply) => submissionsPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/submissions', summary: 'Make a submission batch', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'programmes.manage' },
    handler: async (req, reply) => act(req, reply, submissionsPage, async () => {
      const area = String((req.body as { area?: string }).area ?? '');
      const r = await scoped(req, async (tx) => createSubmission(tx, await getProgramme(tx, codeOf(req)), area, actorOf(req).username));
      return tr(req.lang, { id: `Batch #${r.id} dibuat: ${formatNumber(r.lines, 'id')} orang. Unduh berkasnya untuk BPJS.`, en: `Batch #${r.id} made: ${formatNumber(r.lines, 'en')} people. Download its file for BPJS.` });
    }),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/submissions/:id/response', summary: 'Load BPJS\'s answer', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'enrollment.exchange' },
    handler: async (req, reply) => act(req, reply, submissionsPage, async () => {
      const r = await receiveResponse(req, Number((req.params as { id: string }).id));
      return tr(req.lang, {
        id: `Jawaban BPJS untuk batch #${r.batch} diterapkan: ${formatNumber(r.accepted, 'id')} diterima, ${formatNumber(r.rejected, 'id')} ditolak${r.unanswered ? `, ${formatNumber(r.unanswered, 'id')} belum dijawab` : ''}.`,
        en: `BPJS's answer for batch #${r.batch} applied: ${formatNumber(r.accepted, 'en')} accepted, ${formatNumber(r.rejected, 'en')} rejected${r.unanswered ? `, ${formatNumber(r.unanswered, 'en')} not yet answered` : ''}.`,
      });
    }),
  });
  route(app, {
    method: 'GET', url: '/programmes/:code/bills', summary: 'Contribution bills', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'billing.manage' }, handler: async (req, reply) => billsPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/bills', summary: 'Compute a month\'s bill', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'billing.manage' },
    handler: async (req, reply) => act(req, reply, billsPage, async () => {
      const month = String((req.body as { month?: string }).month ?? '');
      const b = await scoped(req, async (tx) => runBilling(tx, await getProgramme(tx, codeOf(req)), month, actorOf(req).username));
      return tr(req.lang, {
        id: `Tagihan ${b.month}: ${formatNumber(b.persons, 'id')} orang × ${formatRupiah(b.perPerson)} = ${formatRupiah(b.amount)}, jatuh tempo ${formatDate(b.dueDate, 'id')}.`,
        en: `Bill ${b.month}: ${formatNumber(b.persons, 'en')} people × ${formatRupiah(b.perPerson)} = ${formatRupiah(b.amount)}, due ${formatDate(b.dueDate, 'en')}.`,
      });
    }),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/bills/:id/payments', summary: 'Record a payment', tags: ['web'], web: true,
    access: { kind: 'permission', permission: 'billing.manage' },
    handler: async (req, reply) => act(req, reply, billsPage, async () => {
      const body = req.body as { sp2d?: string; paidOn?: string; amount?: string };
      const amount = parseRupiah(String(body.amount ?? ''));
      if (!amount.ok) throw new UserError('invalid', 'amount_invalid', amount.message);
      const b = await scoped(req, (tx) => recordPayment(tx, Number((req.params as { id: string }).id), { sp2d: String(body.sp2d ?? '').trim(), paidOn: String(body.paidOn ?? ''), amount: amount.value }, actorOf(req).username));
      return tr(req.lang, { id: `Pembayaran dicatat: tagihan ${b.month} dibayar ${formatRupiah(b.paid)} dari ${formatRupiah(b.amount)}.`, en: `Payment recorded: bill ${b.month} paid ${formatRupiah(b.paid)} of ${formatRupiah(b.amount)}.` });
    }),
  });
}
