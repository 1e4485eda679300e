/**
 * BPJS invoices (tagihan) of a programme: upload one, see what the reconciliation found (counts,
 * sums, the first lines of each finding), download the report for BPJS, withdraw a wrong one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { alertFor } from '../alert.js';
import { formatDateTime, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { formatMonth } from '../../domain/billing.js';
import { differences, explainLine, FINDING_HELP, FINDING_LABELS, FINDINGS } from '../../domain/reconciliation.js';
import { getProgramme } from '../../features/programmes/programmes.js';
import { listBills } from '../../features/enrollment/billing.js';
import { listInvoices, withdrawInvoice, type FindingLine } from '../../features/enrollment/reconcile.js';
import { invoiceDetail, sendInvoiceReport, uploadInvoice } from '../../features/enrollment/invoice-routes.js';

const tr = (lang: Lang, m: Message) => m[lang];
const access = { kind: 'permission', permission: 'billing.manage' } as const;

const STATUS: Record<string, Message> = { reconciled: { id: 'Dicocokkan', en: 'Reconciled' }, withdrawn: { id: 'Ditarik', en: 'Withdrawn' } };

function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, code: string, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const { p, invoices, bills } = await scoped(req, async (tx) => {
    const p = await getProgramme(tx, code);
    return { p, invoices: await listInvoices(tx, p), bills: await listBills(tx, p) };
  });
  const billed = bills.filter((b) => b.status !== 'cancelled');
  const L = (m: Message) => tr(lang, m);
  return page(req, reply, {
    title: `${L({ id: 'Tagihan BPJS', en: 'BPJS invoices' })} — ${p.code}`,
    status,
    body: html`${message ?? ''}
<p><a href="/programmes/${p.code}">← ${p.code} — ${p.name}</a></p>
<section aria-labelledby="upload-h"><h2 id="upload-h">${L({ id: 'Impor tagihan BPJS', en: 'Import a BPJS invoice' })}</h2>
<p>${L({
      id: 'Berkas XLSX atau CSV dari BPJS dengan kolom KPJ dan/atau NIK, Nama, dan Iuran (atau JKK dan JKM). Setiap baris dicocokkan dengan tagihan kami pada bulan yang sama; bila ada baris yang tidak terbaca, tidak ada yang disimpan.',
      en: 'An XLSX or CSV file from BPJS with KPJ and/or NIK, Nama and Iuran (or JKK and JKM) columns. Every line is compared with our bill of the same month; if any line cannot be read, nothing is stored.',
    })}</p>
${billed.length === 0
      ? html`<p class="alert" role="alert">${L({ id: 'Belum ada bulan yang ditagih. Hitung tagihan bulan itu dulu (lindung billing run).', en: 'No month is billed yet. Compute that month\'s bill first (lindung billing run).' })}</p>`
      : html`<form method="post" action="/programmes/${p.code}/invoices?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="stack-form">
  <div><label for="month">${L({ id: 'Bulan iuran', en: 'Contribution month' })}</label><select id="month" name="month" required>${billed.map((b) => html`<option value="${b.month}">${formatMonth(b.month, lang)} (${L({ id: 'tagihan kami', en: 'our bill' })} #${b.id}, ${formatRupiah(b.amount)})</option>`)}</select></div>
  <div><label for="number">${L({ id: 'Nomor tagihan BPJS (boleh kosong)', en: 'BPJS invoice number (optional)' })}</label><input id="number" name="number" maxlength="100"></div>
  <div><label for="file">${L({ id: 'Berkas', en: 'File' })}</label><input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div>
  <div><button type="submit">${L({ id: 'Unggah dan cocokkan', en: 'Upload and reconcile' })}</button></div>
</form>`}
</section>
<section aria-labelledby="list-h"><h2 id="list-h">${L({ id: 'Tagihan yang sudah diimpor', en: 'Imported invoices' })}</h2>
${invoices.length === 0 ? html`<p role="status">${L({ id: 'Belum ada tagihan BPJS.', en: 'No BPJS invoices yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="invoices">
<thead><tr><th scope="col">#</th><th scope="col">${L({ id: 'Bulan', en: 'Month' })}</th><th scope="col">${L({ id: 'Nomor', en: 'Number' })}</th><th scope="col">${L({ id: 'Baris', en: 'Lines' })}</th><th scope="col">${L({ id: 'Tagihan BPJS', en: 'BPJS invoice' })}</th><th scope="col">${L({ id: 'Tagihan kami', en: 'Our bill' })}</th><th scope="col">${L({ id: 'Perlu dijawab', en: 'To answer' })}</th><th scope="col">${L({ id: 'Status', en: 'Status' })}</th></tr></thead>
<tbody>${invoices.map((i) => html`<tr>
  <td data-label="#"><a href="/invoices/${i.id}">#${i.id}</a></td>
  <td data-label="${L({ id: 'Bulan', en: 'Month' })}">${formatMonth(i.month, lang)}</td>
  <td data-label="${L({ id: 'Nomor', en: 'Number' })}">${i.number ?? '—'}</td>
  <td data-label="${L({ id: 'Baris', en: 'Lines' })}" class="num">${formatNumber(i.lines, lang)}</td>
  <td data-label="${L({ id: 'Tagihan BPJS', en: 'BPJS invoice' })}" class="num">${formatRupiah(i.amount)}</td>
  <td data-label="${L({ id: 'Tagihan kami', en: 'Our bill' })}" class="num">${formatRupiah(i.billAmount)}</td>
  <td data-label="${L({ id: 'Perlu dijawab', en: 'To answer' })}" class="num">${formatNumber(differences(i.findings), lang)}</td>
  <td data-label="${L({ id: 'Status', en: 'Status' })}">${L(STATUS[i.status]!)}</td>
</tr>`)}</tbody></table></div>`}
</section>`,
  });
}

function linesTable(lang: Lang, month: string, lines: FindingLine[], id: string): SafeHtml {
  const L = (m: Message) => tr(lang, m);
  return html`<div class="table-wrap"><table class="stack" id="${id}">
<thead><tr><th scope="col">${L({ id: 'Baris', en: 'Line' })}</th><th scope="col">KPJ</th><th scope="col">NIK</th><th scope="col">${L({ id: 'Nama', en: 'Name' })}</th><th scope="col">${L({ id: 'Ditagih BPJS', en: 'Billed by BPJS' })}</th><th scope="col">${L({ id: 'Menurut kami', en: 'Ours' })}</th><th scope="col">${L({ id: 'Keterangan', en: 'Explanation' })}</th></tr></thead>
<tbody>${lines.map((l) => html`<tr>
  <td data-label="${L({ id: 'Baris', en: 'Line' })}">${l.lineNo ?? '—'}</td>
  <td data-label="KPJ">${l.kpj ?? '—'}</td>
  <td data-label="NIK">${l.nik ?? '—'}</td>
  <td data-label="${L({ id: 'Nama', en: 'Name' })}">${l.name ?? '—'}</td>
  <td data-label="${L({ id: 'Ditagih BPJS', en: 'Billed by BPJS' })}" class="num">${l.amount === null ? '—' : formatRupiah(l.amount)}</td>
  <td data-label="${L({ id: 'Menurut kami', en: 'Ours' })}" class="num">${l.expected === null ? '—' : formatRupiah(l.expected)}</td>
  <td data-label="${L({ id: 'Keterangan', en: 'Explanation' })}">${explainLine({ ...l, month }, lang)}</td>
</tr>`)}</tbody></table></div>`;
}

async function invoicePage(req: FastifyRequest, reply: FastifyReply, id: number, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const L = (m: Message) => tr(lang, m);
  const inv = await invoiceDetail(req, id);
  const f = inv.findings;
  return page(req, reply, {
    title: `${L({ id: 'Tagihan BPJS', en: 'BPJS invoice' })} #${inv.id} — ${inv.programmeCode} ${formatMonth(inv.month, lang)}`,
    status,
    body: html`${message ?? ''}
<p><a href="/programmes/${inv.programmeCode}/invoices">← ${L({ id: 'Tagihan BPJS program', en: 'BPJS invoices of programme' })} ${inv.programmeCode}</a></p>
${inv.status === 'withdrawn' ? html`<div class="alert" role="status">${L({ id: 'Tagihan ini DITARIK', en: 'This invoice was WITHDRAWN' })} ${inv.withdrawnAt ? formatDateTime(new Date(inv.withdrawnAt), lang) : ''} ${L({ id: 'oleh', en: 'by' })} ${inv.withdrawnBy}: ${inv.withdrawalReason}</div>` : ''}
<dl class="facts" id="invoice-facts">
  <dt>${L({ id: 'Nomor tagihan BPJS', en: 'BPJS invoice number' })}</dt><dd>${inv.number ?? '—'}</dd>
  <dt>${L({ id: 'Berkas', en: 'File' })}</dt><dd>${inv.fileName ?? '—'}</dd>
  <dt>${L({ id: 'Diimpor', en: 'Imported' })}</dt><dd>${formatDateTime(new Date(inv.createdAt), lang)} ${L({ id: 'oleh', en: 'by' })} ${inv.createdBy}</dd>
  <dt>${L({ id: 'Total tagihan BPJS', en: 'BPJS invoice total' })}</dt><dd>${formatRupiah(inv.amount)} (${formatNumber(inv.lines, lang)} ${L({ id: 'baris', en: 'lines' })})</dd>
  <dt>${L({ id: 'Total tagihan kami', en: 'Our bill total' })}</dt><dd>${formatRupiah(inv.billAmount)} (${formatNumber(inv.billPersons, lang)} ${L({ id: 'orang', en: 'people' })}, ${L({ id: 'tagihan', en: 'bill' })} #${inv.billId})</dd>
  <dt>${L({ id: 'Selisih (BPJS − kami)', en: 'Difference (BPJS − ours)' })}</dt><dd><strong>${formatRupiah(inv.difference)}</strong></dd>
</dl>
<p><a href="/invoices/${inv.id}/report.xlsx" download>${L({ id: 'Unduh laporan untuk BPJS (XLSX)', en: 'Download the report for BPJS (XLSX)' })}</a></p>
<h2>${L({ id: 'Temuan', en: 'Findings' })}</h2>
<div class="table-wrap"><table class="stack" id="findings">
<thead><tr><th scope="col">${L({ id: 'Temuan', en: 'Finding' })}</th><th scope="col">${L({ id: 'Baris', en: 'Lines' })}</th><th scope="col">${L({ id: 'Ditagih BPJS', en: 'Billed by BPJS' })}</th><th scope="col">${L({ id: 'Menurut kami', en: 'Ours' })}</th></tr></thead>
<tbody>${FINDINGS.map((k) => html`<tr>
  <th scope="row" data-label="${L({ id: 'Temuan', en: 'Finding' })}">${f[k].lines > 0 && k !== 'match' ? html`<a href="#${k}">${L(FINDING_LABELS[k])}</a>` : L(FINDING_LABELS[k])}</th>
  <td data-label="${L({ id: 'Baris', en: 'Lines' })}" class="num">${formatNumber(f[k].lines, lang)}</td>
  <td data-label="${L({ id: 'Ditagih BPJS', en: 'Billed by BPJS' })}" class="num">${formatRupiah(f[k].amount)}</td>
  <td data-label="${L({ id: 'Menurut kami', en: 'Ours' })}" class="num">${formatRupiah(f[k].expected)}</td>
</tr>`)}</tbody></table></div>
${FINDINGS.filter((k) => k !== 'match' && (inv.samples[k]?.length ?? 0) > 0).map((k) => html`<section aria-labelledby="${k}"><h3 id="${k}">${L(FINDING_LABELS[k])} (${formatNumber(f[k].lines, lang)})</h3>
<p>${L(FINDING_HELP[k])}${f[k].lines > (inv.samples[k]?.length ?? 0) ? html` ${L({ id: `Ditampilkan ${inv.samples[k]!.length} baris pertama; semuanya ada di laporan.`, en: `The first ${inv.samples[k]!.length} lines are shown; all are in the report.` })}` : ''}</p>
${linesTable(lang, inv.month, inv.samples[k]!, `lines-${k}`)}</section>`)}
${inv.status === 'reconciled' ? html`<h2>${L({ id: 'Tarik tagihan ini', en: 'Withdraw this invoice' })}</h2>
<p>${L({ id: 'Tarik bila berkasnya salah; tagihan tetap tersimpan di riwayat dan berkas perbaikannya dapat diimpor.', en: 'Withdraw it when the file is wrong; it stays in the history and the corrected file can be imported.' })}</p>
<form method="post" action="/invoices/${inv.id}/withdraw" class="stack-form">${csrfField(req)}
  <div><label for="reason">${L({ id: 'Alasan', en: 'Reason' })}</label><input id="reason" name="reason" required maxlength="500"></div>
  <div><button type="submit">${L({ id: 'Tarik tagihan', en: 'Withdraw the invoice' })}</button></div>
</form>` : ''}`,
  });
}

export function invoicePages(app: FastifyInstance): void {
  const codeOf = (req: FastifyRequest) => (req.params as { code: string }).code;
  const idOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    return Number.isSafeInteger(id) && id > 0 ? id : 0;
  };
  route(app, {
    method: 'GET', url: '/programmes/:code/invoices', summary: 'BPJS invoices of a programme', tags: ['web'], web: true, access,
    handler: async (req, reply) => listPage(req, reply, codeOf(req)),
  });
  route(app, {
    method: 'POST', url: '/programmes/:code/invoices', summary: 'Upload a BPJS invoice', tags: ['web'], web: true, access,
    handler: async (req, reply) => {
      try {
        const r = await uploadInvoice(req, codeOf(req));
        return reply.redirect(`/invoices/${r.id}`, 303);
      } catch (e) {
        const alert = alertFor(req.lang, e);
        if (!alert) throw e;
        return listPage(req, reply, codeOf(req), alert, 422);
      }
    },
  });
  route(app, {
    method: 'GET', url: '/invoices/:id', summary: 'A BPJS invoice', tags: ['web'], web: true, access,
    handler: async (req, reply) => invoicePage(req, reply, idOf(req)),
  });
  route(app, {
    method: 'GET', url: '/invoices/:id/report.xlsx', summary: 'Reconciliation report', tags: ['web'], web: true, access,
    handler: async (req, reply) => sendInvoiceReport(req, reply, idOf(req), { lang: 'id' }),
  });
  route(app, {
    method: 'POST', url: '/invoices/:id/withdraw', summary: 'Withdraw a BPJS invoice', tags: ['web'], web: true, access,
    handler: async (req, reply) => {
      const id = idOf(req);
      try {
        await scoped(req, (tx) => withdrawInvoice(tx, id, String((req.body as { reason?: string }).reason ?? ''), req.session!.user.username));
        return reply.redirect(`/invoices/${id}`, 303);
      } catch (e) {
        const alert = alertFor(req.lang, e);
        if (!alert) throw e;
        return invoicePage(req, reply, id, alert, 422);
      }
    },
  });
}
