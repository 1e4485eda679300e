/**
 * Claim payouts (/claims/payouts): approved claims ready to be paid and a button to put them in a
 * batch for Bank NTT; failed or reversed transfers with a form to send them again (with a
 * corrected account); the batches. A batch's page has its file (XLSX, CSV), the form to load the
 * bank's confirmation, and every transfer line with its status. The layout of the bank file is
 * set on /claims/payouts/layout.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { route } from '../../http/route.js';
import { actorOf, scoped } from '../../http/context.js';
import { html, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { alertFor } from '../alert.js';
import { formatDateTime, formatNumber, formatRupiah } from '../i18n.js';
import type { Lang, Message } from '../../domain/messages.js';
import { can } from '../../domain/roles.js';
import { CLAIM_TYPE_LABEL, isClaimType } from '../../domain/entitlement.js';
import { isHeirRelation, RELATION_LABEL } from '../../domain/heirs.js';
import { BATCH_STATUS_LABEL, LINE_STATUS_LABEL, PAYOUT_FIELDS, PAYOUT_FIELD_LABEL, PAYOUT_LINE_STATUSES, type LayoutColumn, type PayoutLineStatus } from '../../domain/payout.js';
import { createPayoutBatch, getPayoutLayout, listPayoutBatches, retryPayouts, setPayoutLayout, type PayoutLine, type ReadyClaim } from '../../features/claims/payouts.js';
import { payoutBatchDetail, payoutWork, sendPayoutFile, uploadConfirmation } from '../../features/claims/payout-routes.js';
import type { ConfirmationResult } from '../../features/claims/bank-confirmation.js';

const tr = (lang: Lang, m: Message) => m[lang];
const confirmAccess = { kind: 'permission', permission: 'claims.confirm' } as const;
const payAccess = { kind: 'permission', permission: 'claims.payout' } as const;
const rulesAccess = { kind: 'permission', permission: 'claims.rules' } as const;

function csrfField(req: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${req.session!.csrfToken}">`;
}

const typeLabel = (lang: Lang, t: string) => (isClaimType(t) ? CLAIM_TYPE_LABEL[t][lang] : t);
const relationLabel = (lang: Lang, r: string) => (isHeirRelation(r) ? RELATION_LABEL[r][lang] : r === 'peserta' ? tr(lang, { id: 'peserta sendiri', en: 'the member' }) : r);
const statusLabel = (lang: Lang, s: PayoutLineStatus) => html`<span class="status status-${s}">${LINE_STATUS_LABEL[s][lang]}</span>`;

function readyTable(lang: Lang, ready: ReadyClaim[], canPay: boolean): SafeHtml {
  const L = (m: Message) => tr(lang, m);
  return html`<div class="table-wrap"><table class="stack" id="ready-claims">
<thead><tr>${canPay ? html`<th scope="col">${L({ id: 'Pilih', en: 'Choose' })}</th>` : ''}<th scope="col">${L({ id: 'Klaim', en: 'Claim' })}</th><th scope="col">${L({ id: 'Peserta', en: 'Member' })}</th><th scope="col">${L({ id: 'Jenis', en: 'Type' })}</th><th scope="col">${L({ id: 'Wilayah', en: 'Area' })}</th><th scope="col">${L({ id: 'Penerima', en: 'Payees' })}</th><th scope="col">${L({ id: 'Dibayar sekarang', en: 'To pay now' })}</th><th scope="col">${L({ id: 'Keterangan', en: 'Remarks' })}</th></tr></thead>
<tbody>${ready.map((c) => html`<tr>
  ${canPay ? html`<td data-label="${L({ id: 'Pilih', en: 'Choose' })}">${c.problems.length ? '' : html`<input type="checkbox" name="claimId" value="${c.claimId}" id="claim-${c.claimId}" aria-label="${L({ id: 'Bayar klaim', en: 'Pay claim' })} ${c.claimNo}">`}</td>` : ''}
  <td data-label="${L({ id: 'Klaim', en: 'Claim' })}"><a href="/claims/${c.claimId}">${c.claimNo}</a></td>
  <td data-label="${L({ id: 'Peserta', en: 'Member' })}">${c.memberName}</td>
  <td data-label="${L({ id: 'Jenis', en: 'Type' })}">${typeLabel(lang, c.type)}</td>
  <td data-label="${L({ id: 'Wilayah', en: 'Area' })}">${c.villageCode}</td>
  <td data-label="${L({ id: 'Penerima', en: 'Payees' })}" class="num">${formatNumber(c.unsent, lang)} / ${formatNumber(c.payees, lang)}</td>
  <td data-label="${L({ id: 'Dibayar sekarang', en: 'To pay now' })}" class="num">${formatRupiah(c.unsentAmount)}</td>
  <td data-label="${L({ id: 'Keterangan', en: 'Remarks' })}">${c.problems.length ? html`<strong>${L({ id: 'Belum bisa dibayar', en: 'Cannot be paid yet' })}:</strong> ${c.problems.map((p) => p[lang]).join('; ')}` : L({ id: 'Siap', en: 'Ready' })}</td>
</tr>`)}</tbody></table></div>`;
}

function retryForms(req: FastifyRequest, lang: Lang, lines: PayoutLine[]): SafeHtml {
  const L = (m: Message) => tr(lang, m);
  return html`<div class="table-wrap"><table class="stack" id="retry-lines">
<thead><tr><th scope="col">${L({ id: 'Transfer', en: 'Transfer' })}</th><th scope="col">${L({ id: 'Klaim', en: 'Claim' })}</th><th scope="col">${L({ id: 'Penerima', en: 'Payee' })}</th><th scope="col">${L({ id: 'Nominal', en: 'Amount' })}</th><th scope="col">${L({ id: 'Status dan alasan', en: 'Status and reason' })}</th><th scope="col">${L({ id: 'Kirim ulang', en: 'Send again' })}</th></tr></thead>
<tbody>${lines.map((l) => html`<tr>
  <td data-label="${L({ id: 'Transfer', en: 'Transfer' })}">${l.reference}<br><a href="/claims/payouts/${l.batchId}">${L({ id: 'batch', en: 'batch' })} #${l.batchId}</a></td>
  <td data-label="${L({ id: 'Klaim', en: 'Claim' })}"><a href="/claims/${l.claimId}">${l.claimNo}</a><br>${l.memberName}</td>
  <td data-label="${L({ id: 'Penerima', en: 'Payee' })}">${l.payeeName} (${relationLabel(lang, l.relation)})<br>${l.bankName} ${l.bankAccount} a.n. ${l.accountHolder}</td>
  <td data-label="${L({ id: 'Nominal', en: 'Amount' })}" class="num">${formatRupiah(l.amount)}</td>
  <td data-label="${L({ id: 'Status dan alasan', en: 'Status and reason' })}">${statusLabel(lang, l.status)}${l.failureReason ? html`: ${l.failureReason}` : ''}</td>
  <td data-label="${L({ id: 'Kirim ulang', en: 'Send again' })}"><form method="post" action="/claims/payouts/retry" class="stack-form retry-form">${csrfField(req)}
    <input type="hidden" name="lineId" value="${l.id}">
    <div><label for="acc-${l.id}">${L({ id: 'Nomor rekening baru (kosongkan bila tetap)', en: 'New account number (blank: unchanged)' })}</label><input id="acc-${l.id}" name="bankAccount" inputmode="numeric" maxlength="40" autocomplete="off"></div>
    <div><label for="bank-${l.id}">${L({ id: 'Bank', en: 'Bank' })}</label><input id="bank-${l.id}" name="bankName" maxlength="100" value="${l.bankName}"></div>
    <div><label for="holder-${l.id}">${L({ id: 'Nama pemilik rekening', en: 'Account holder' })}</label><input id="holder-${l.id}" name="accountHolder" maxlength="200" value="${l.accountHolder}"></div>
    <div><button type="submit">${L({ id: 'Kirim ulang transfer ini', en: 'Send this transfer again' })}</button></div>
  </form></td>
</tr>`)}</tbody></table></div>
<form method="post" action="/claims/payouts/retry" class="stack-form" id="retry-all">${csrfField(req)}
${lines.map((l) => html`<input type="hidden" name="lineId" value="${l.id}">`)}
<div><button type="submit">${L({ id: `Kirim ulang semua (${lines.length}) tanpa perubahan rekening`, en: `Send all (${lines.length}) again with unchanged accounts` })}</button></div>
</form>`;
}

async function listPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const L = (m: Message) => tr(lang, m);
  const role = actorOf(req).role;
  const canPay = can(role, 'claims.payout');
  const work = canPay ? await payoutWork(req) : null;
  const batches = await scoped(req, (tx) => listPayoutBatches(tx, { limit: 200 }));
  const ready = work?.ready ?? [];
  const readyCount = ready.filter((c) => c.problems.length === 0).length;
  return page(req, reply, {
    title: L({ id: 'Pembayaran klaim ke Bank NTT', en: 'Claim payouts to Bank NTT' }),
    status,
    body: html`${message ?? ''}
<p>${L({
      id: 'Klaim yang disetujui dibayar lewat batch: satu baris transfer per penerima, dengan referensi yang dikembalikan bank dalam konfirmasinya. Setiap penerima dibayar satu kali saja; transfer yang gagal atau dibatalkan bank dikirim ulang di batch baru.',
      en: 'Approved claims are paid in batches: one transfer line per payee, with a reference the bank sends back in its confirmation. Every payee is paid once only; a transfer that failed or that the bank reversed is sent again in a new batch.',
    })}</p>
${can(role, 'claims.rules') ? html`<p><a href="/claims/payouts/layout">${L({ id: 'Tata letak berkas bank', en: 'Bank file layout' })}</a></p>` : ''}
${work ? html`<section aria-labelledby="ready-h"><h2 id="ready-h">${L({ id: 'Siap dibayar', en: 'Ready to be paid' })} (${formatNumber(readyCount, lang)})</h2>
${ready.length === 0 ? html`<p role="status">${L({ id: 'Tidak ada klaim disetujui yang menunggu pembayaran.', en: 'No approved claim is waiting to be paid.' })}</p>` : html`<form method="post" action="/claims/payouts" class="stack-form" id="create-batch">${csrfField(req)}
${readyTable(lang, ready, true)}
${readyCount > 0 ? html`<div><button type="submit" name="all" value="0">${L({ id: 'Buat batch dari klaim yang dipilih', en: 'Make a batch of the chosen claims' })}</button>
<button type="submit" name="all" value="1">${L({ id: `Buat batch dari semua klaim yang siap (${readyCount})`, en: `Make a batch of every ready claim (${readyCount})` })}</button></div>` : ''}
</form>`}
</section>
<section aria-labelledby="retry-h"><h2 id="retry-h">${L({ id: 'Perlu dikirim ulang', en: 'To send again' })} (${formatNumber(work.retries.length, lang)})</h2>
${work.retries.length === 0 ? html`<p role="status">${L({ id: 'Tidak ada transfer gagal atau dibatalkan yang menunggu.', en: 'No failed or reversed transfer is waiting.' })}</p>` : html`<p>${L({ id: 'Periksa alasannya dulu: bila rekening salah atau ditutup, tulis rekening yang benar (riwayat menyimpan yang lama).', en: 'Check the reason first: when the account was wrong or closed, give the right one (the history keeps the old one).' })}</p>${retryForms(req, lang, work.retries)}`}
</section>` : ''}
<section aria-labelledby="batches-h"><h2 id="batches-h">${L({ id: 'Batch pembayaran', en: 'Payout batches' })}</h2>
${batches.length === 0 ? html`<p role="status">${L({ id: 'Belum ada batch pembayaran.', en: 'No payout batches yet.' })}</p>` : html`<div class="table-wrap"><table class="stack" id="batches">
<thead><tr><th scope="col">#</th><th scope="col">${L({ id: 'Dibuat', en: 'Made' })}</th><th scope="col">${L({ id: 'Wilayah', en: 'Area' })}</th><th scope="col">${L({ id: 'Transfer', en: 'Transfers' })}</th><th scope="col">${L({ id: 'Nominal', en: 'Amount' })}</th><th scope="col">${L({ id: 'Berhasil', en: 'Succeeded' })}</th><th scope="col">${L({ id: 'Gagal/dibatalkan', en: 'Failed/reversed' })}</th><th scope="col">${L({ id: 'Status', en: 'Status' })}</th></tr></thead>
<tbody>${batches.map((b) => html`<tr>
  <td data-label="#"><a href="/claims/payouts/${b.id}">#${b.id}</a>${b.retries ? html` <small>(${L({ id: 'kirim ulang', en: 'retry' })})</small>` : ''}</td>
  <td data-label="${L({ id: 'Dibuat', en: 'Made' })}">${formatDateTime(new Date(b.createdAt), lang)} ${L({ id: 'oleh', en: 'by' })} ${b.createdBy}</td>
  <td data-label="${L({ id: 'Wilayah', en: 'Area' })}">${b.areaCode}${b.areaName ? ` ${b.areaName}` : ''}</td>
  <td data-label="${L({ id: 'Transfer', en: 'Transfers' })}" class="num">${formatNumber(b.lines, lang)}</td>
  <td data-label="${L({ id: 'Nominal', en: 'Amount' })}" class="num">${formatRupiah(b.amount)}</td>
  <td data-label="${L({ id: 'Berhasil', en: 'Succeeded' })}" class="num">${formatNumber(b.counts.success.lines, lang)}</td>
  <td data-label="${L({ id: 'Gagal/dibatalkan', en: 'Failed/reversed' })}" class="num">${formatNumber(b.counts.failed.lines + b.counts.reversed.lines, lang)}</td>
  <td data-label="${L({ id: 'Status', en: 'Status' })}">${BATCH_STATUS_LABEL[b.status][lang]}</td>
</tr>`)}</tbody></table></div>`}
</section>`,
  });
}

function confirmationMessage(lang: Lang, r: ConfirmationResult): SafeHtml {
  const L = (m: Message) => tr(lang, m);
  const back = r.claims.filter((c) => c.to === 'approved');
  const confirmed = r.claims.filter((c) => c.to === 'confirmed');
  return html`<div class="ok" role="status" id="confirmation-result">${L({ id: 'Konfirmasi bank diimpor', en: 'Bank confirmation imported' })}${r.fileName ? ` (${r.fileName})` : ''}: ${formatNumber(r.applied.success, lang)} ${L({ id: 'berhasil', en: 'succeeded' })}, ${formatNumber(r.applied.failed, lang)} ${L({ id: 'gagal', en: 'failed' })}, ${formatNumber(r.applied.reversed, lang)} ${L({ id: 'dibatalkan', en: 'reversed' })}${r.unchanged ? html`, ${formatNumber(r.unchanged, lang)} ${L({ id: 'tidak berubah', en: 'unchanged' })}` : ''}${r.pending + r.notInFile ? html`, ${formatNumber(r.pending + r.notInFile, lang)} ${L({ id: 'masih menunggu bank', en: 'still awaiting the bank' })}` : ''}.
${confirmed.length ? html`<br>${L({ id: 'Klaim selesai dibayar', en: 'Claims fully paid' })}: ${confirmed.map((c) => c.claimNo).join(', ')}.` : ''}
${back.length ? html`<br><strong>${L({ id: 'Klaim kembali ke "disetujui" (perlu kirim ulang)', en: 'Claims back to "approved" (to send again)' })}:</strong> ${back.map((c) => c.claimNo).join(', ')}.` : ''}
${r.warnings.map((w) => html`<br>${w[lang]}`)}</div>`;
}

async function batchPage(req: FastifyRequest, reply: FastifyReply, id: number, message: SafeHtml | null = null, status = 200) {
  const lang = req.lang;
  const L = (m: Message) => tr(lang, m);
  const b = await payoutBatchDetail(req, id);
  const role = actorOf(req).role;
  const canConfirm = can(role, 'claims.confirm');
  const shown = PAYOUT_LINE_STATUSES.filter((s) => b.counts[s].lines > 0);
  return page(req, reply, {
    title: `${L({ id: 'Batch pembayaran', en: 'Payout batch' })} #${b.id}`,
    status,
    body: html`${message ?? ''}
<p><a href="/claims/payouts">← ${L({ id: 'Pembayaran klaim', en: 'Claim payouts' })}</a></p>
<dl class="facts" id="batch-facts">
  <dt>${L({ id: 'Status', en: 'Status' })}</dt><dd>${BATCH_STATUS_LABEL[b.status][lang]}${b.confirmedAt ? ` (${formatDateTime(new Date(b.confirmedAt), lang)})` : ''}</dd>
  <dt>${L({ id: 'Dibuat', en: 'Made' })}</dt><dd>${formatDateTime(new Date(b.createdAt), lang)} ${L({ id: 'oleh', en: 'by' })} ${b.createdBy}</dd>
  <dt>${L({ id: 'Wilayah', en: 'Area' })}</dt><dd>${b.areaCode}${b.areaName ? ` ${b.areaName}` : ''}</dd>
  <dt>${L({ id: 'Transfer', en: 'Transfers' })}</dt><dd>${formatNumber(b.lines, lang)}, ${formatRupiah(b.amount)}</dd>
  ${shown.map((s) => html`<dt>${LINE_STATUS_LABEL[s][lang]}</dt><dd>${formatNumber(b.counts[s].lines, lang)}, ${formatRupiah(b.counts[s].amount)}</dd>`)}
  ${b.confirmedBy ? html`<dt>${L({ id: 'Konfirmasi terakhir dimuat oleh', en: 'Last confirmation loaded by' })}</dt><dd>${b.confirmedBy}</dd>` : ''}
</dl>
<ul class="actions" id="batch-downloads">
  <li><a href="/claims/payouts/${b.id}/file.xlsx" download>${L({ id: 'Unduh berkas untuk Bank NTT (XLSX, dengan lembar kontrol)', en: 'Download the file for Bank NTT (XLSX, with a control sheet)' })}</a></li>
  <li><a href="/claims/payouts/${b.id}/file.csv" download>${L({ id: 'Unduh berkas CSV', en: 'Download the CSV file' })}</a></li>
</ul>
${canConfirm ? html`<section aria-labelledby="confirm-h"><h2 id="confirm-h">${L({ id: 'Muat konfirmasi Bank NTT', en: 'Load Bank NTT\'s confirmation' })}</h2>
<p>${L({
      id: 'Berkas XLSX atau CSV dari bank dengan kolom Referensi (LDG…), Status (BERHASIL, GAGAL atau DIBATALKAN), dan bila ada Referensi Bank, Alasan, Nominal. Bila ada satu baris yang tidak dikenal atau salah batch, seluruh berkas ditolak dan tidak ada yang berubah. Pembalikan dana (DIBATALKAN) yang datang kemudian dimuat dengan berkas baru.',
      en: 'An XLSX or CSV file from the bank with Referensi (LDG…), Status (BERHASIL, GAGAL or DIBATALKAN) and, when there, Referensi Bank, Alasan, Nominal columns. If any line is unknown or of another batch, the whole file is refused and nothing changes. A reversal (DIBATALKAN) that comes later is loaded with a new file.',
    })}</p>
<form method="post" action="/claims/payouts/${b.id}/confirmation?_csrf=${encodeURIComponent(req.session!.csrfToken)}" enctype="multipart/form-data" class="stack-form" id="confirmation-form">
  <div><label for="file">${L({ id: 'Berkas konfirmasi', en: 'Confirmation file' })}</label><input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></div>
  <div><button type="submit">${L({ id: 'Muat konfirmasi', en: 'Load the confirmation' })}</button></div>
</form></section>` : ''}
<section aria-labelledby="lines-h"><h2 id="lines-h">${L({ id: 'Transfer', en: 'Transfers' })}</h2>
<div class="table-wrap"><table class="stack" id="batch-lines">
<thead><tr><th scope="col">${L({ id: 'Referensi', en: 'Reference' })}</th><th scope="col">${L({ id: 'Klaim', en: 'Claim' })}</th><th scope="col">${L({ id: 'Penerima', en: 'Payee' })}</th><th scope="col">${L({ id: 'Rekening', en: 'Account' })}</th><th scope="col">${L({ id: 'Nominal', en: 'Amount' })}</th><th scope="col">${L({ id: 'Status', en: 'Status' })}</th><th scope="col">${L({ id: 'Referensi bank / alasan', en: 'Bank reference / reason' })}</th></tr></thead>
<tbody>${b.items.map((l) => html`<tr id="line-${l.id}">
  <td data-label="${L({ id: 'Referensi', en: 'Reference' })}">${l.reference}${l.retryOf ? html`<br><small>${L({ id: 'kirim ulang baris', en: 'retry of line' })} #${l.retryOf}</small>` : ''}</td>
  <td data-label="${L({ id: 'Klaim', en: 'Claim' })}"><a href="/claims/${l.claimId}">${l.claimNo}</a><br>${l.memberName}</td>
  <td data-label="${L({ id: 'Penerima', en: 'Payee' })}">${l.payeeName} (${relationLabel(lang, l.relation)})</td>
  <td data-label="${L({ id: 'Rekening', en: 'Account' })}">${l.bankName} ${l.bankAccount}<br>a.n. ${l.accountHolder}</td>
  <td data-label="${L({ id: 'Nominal', en: 'Amount' })}" class="num">${formatRupiah(l.amount)}</td>
  <td data-label="${L({ id: 'Status', en: 'Status' })}">${statusLabel(lang, l.status)}${l.retriedBy ? html`<br><small>${L({ id: 'dikirim ulang sebagai baris', en: 'sent again as line' })} #${l.retriedBy}</small>` : ''}</td>
  <td data-label="${L({ id: 'Referensi bank / alasan', en: 'Bank reference / reason' })}">${l.bankReference ?? '—'}${l.failureReason ? html`<br>${l.failureReason}` : ''}</td>
</tr>`)}</tbody></table></div></section>`,
  });
}

async function layoutPage(req: FastifyRequest, reply: FastifyReply, message: SafeHtml | null = null, status = 200, given: LayoutColumn[] | null = null) {
  const lang = req.lang;
  const L = (m: Message) => tr(lang, m);
  const layout = await scoped(req, (tx) => getPayoutLayout(tx));
  const columns = given ?? layout.columns;
  const rows = [...columns, ...Array.from({ length: 3 }, () => null)];
  return page(req, reply, {
    title: L({ id: 'Tata letak berkas pembayaran bank', en: 'Bank payout file layout' }),
    status,
    body: html`${message ?? ''}
<p>${L({
      id: 'Kolom berkas pembayaran untuk Bank NTT, berurutan dari kiri. Tiap kolom berisi data dari transfer, atau teks tetap (misalnya kode bank). Kolom Referensi, Nomor Rekening dan Nominal wajib ada. Kosongkan judul untuk menghapus kolom.',
      en: 'The columns of the payout file for Bank NTT, from left to right. Each column holds a field of the transfer, or a fixed text (a bank code, say). Reference, account number and amount columns are required. Clear a title to remove a column.',
    })}</p>
<p>${layout.configured ? html`${L({ id: 'Terakhir diubah', en: 'Last changed' })} ${layout.updatedAt ? formatDateTime(new Date(layout.updatedAt), lang) : ''} ${L({ id: 'oleh', en: 'by' })} ${layout.updatedBy}.` : L({ id: 'Belum diatur: tata letak bawaan dipakai.', en: 'Not set: the default layout is used.' })}</p>
<form method="post" action="/claims/payouts/layout" class="stack-form" id="layout-form">${csrfField(req)}
<div class="table-wrap"><table class="stack" id="layout-columns">
<thead><tr><th scope="col">#</th><th scope="col">${L({ id: 'Judul kolom', en: 'Column title' })}</th><th scope="col">${L({ id: 'Isi dari data', en: 'Field' })}</th><th scope="col">${L({ id: 'atau teks tetap', en: 'or fixed text' })}</th></tr></thead>
<tbody>${rows.map((c, i) => html`<tr>
  <td data-label="#">${i + 1}</td>
  <td data-label="${L({ id: 'Judul kolom', en: 'Column title' })}"><input name="header" maxlength="60" aria-label="${L({ id: 'Judul kolom', en: 'Column title' })} ${i + 1}" value="${c?.header ?? ''}"></td>
  <td data-label="${L({ id: 'Isi dari data', en: 'Field' })}"><select name="field" aria-label="${L({ id: 'Isi kolom', en: 'Field of column' })} ${i + 1}"><option value="">—</option>${PAYOUT_FIELDS.map((f) => html`<option value="${f}"${c && 'field' in c && c.field === f ? html` selected` : ''}>${PAYOUT_FIELD_LABEL[f][lang]}</option>`)}</select></td>
  <td data-label="${L({ id: 'atau teks tetap', en: 'or fixed text' })}"><input name="value" maxlength="100" aria-label="${L({ id: 'Teks tetap kolom', en: 'Fixed text of column' })} ${i + 1}" value="${c && 'value' in c ? c.value : ''}"></td>
</tr>`)}</tbody></table></div>
<div><button type="submit">${L({ id: 'Simpan tata letak', en: 'Save the layout' })}</button></div>
</form>`,
  });
}

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The layout form's parallel lists as columns; rows without a title are left out. */
function layoutFromForm(body: Record<string, unknown>): LayoutColumn[] {
  const headers = list(body.header);
  const fields = list(body.field);
  const values = list(body.value);
  const out: LayoutColumn[] = [];
  headers.forEach((h, i) => {
    if (!h.trim()) return;
    const f = fields[i] ?? '';
    const v = values[i] ?? '';
    out.push((f ? { header: h, field: f } : { header: h, value: v }) as LayoutColumn);
  });
  return out;
}

export function claimPayoutPages(app: FastifyInstance): void {
  const idOf = (req: FastifyRequest) => {
    const id = Number((req.params as { id: string }).id);
    return Number.isSafeInteger(id) && id > 0 ? id : 0;
  };
  const fail = async (req: FastifyRequest, e: unknown, render: (alert: SafeHtml) => Promise<FastifyReply>) => {
    const alert = alertFor(req.lang, e);
    if (!alert) throw e;
    return render(alert);
  };
  route(app, {
    method: 'GET', url: '/claims/payouts', summary: 'Claim payouts', tags: ['web'], web: true, access: confirmAccess,
    handler: async (req, reply) => listPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/claims/payouts', summary: 'Make a payout batch', tags: ['web'], web: true, access: payAccess,
    handler: async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const all = String(body.all ?? '') === '1';
      const claimIds = list(body.claimId).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
      try {
        if (!all && claimIds.length === 0) {
          return await listPage(req, reply, html`<div class="alert" role="alert">${tr(req.lang, { id: 'Pilih klaim yang akan dibayar, atau buat batch dari semua klaim yang siap.', en: 'Choose the claims to pay, or make a batch of every ready claim.' })}</div>`, 422);
        }
        const r = await scoped(req, (tx) => createPayoutBatch(tx, { claimIds: all ? null : claimIds }, actorOf(req).username));
        return reply.redirect(`/claims/payouts/${r.id}`, 303);
      } catch (e) {
        return fail(req, e, (alert) => listPage(req, reply, alert, 422));
      }
    },
  });
  route(app, {
    method: 'POST', url: '/claims/payouts/retry', summary: 'Send failed transfers again', tags: ['web'], web: true, access: payAccess,
    handler: async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const ids = list(body.lineId).map(Number);
      const accounts = list(body.bankAccount);
      const banks = list(body.bankName);
      const holders = list(body.accountHolder);
      // One line's form carries its corrections; the "all" form carries only the ids.
      const requests = ids.map((lineId, i) => ({ lineId, bankAccount: accounts[i] ?? null, bankName: banks[i] ?? null, accountHolder: holders[i] ?? null }));
      try {
        const r = await scoped(req, (tx) => retryPayouts(tx, requests, actorOf(req).username));
        return reply.redirect(`/claims/payouts/${r.id}`, 303);
      } catch (e) {
        return fail(req, e, (alert) => listPage(req, reply, alert, 422));
      }
    },
  });
  route(app, {
    method: 'GET', url: '/claims/payouts/layout', summary: 'Bank payout file layout', tags: ['web'], web: true, access: rulesAccess,
    handler: async (req, reply) => layoutPage(req, reply),
  });
  route(app, {
    method: 'POST', url: '/claims/payouts/layout', summary: 'Save the bank payout file layout', tags: ['web'], web: true, access: rulesAccess,
    handler: async (req, reply) => {
      const columns = layoutFromForm((req.body ?? {}) as Record<string, unknown>);
      try {
        await scoped(req, (tx) => setPayoutLayout(tx, columns, actorOf(req).username));
        return await layoutPage(req, reply, html`<div class="ok" role="status">${tr(req.lang, { id: 'Tata letak disimpan.', en: 'Layout saved.' })}</div>`);
      } catch (e) {
        return fail(req, e, (alert) => layoutPage(req, reply, alert, 422, columns));
      }
    },
  });
  route(app, {
    method: 'GET', url: '/claims/payouts/:id', summary: 'A payout batch', tags: ['web'], web: true, access: confirmAccess,
    handler: async (req, reply) => batchPage(req, reply, idOf(req)),
  });
  route(app, {
    method: 'GET', url: '/claims/payouts/:id/file.xlsx', summary: 'Payout file (XLSX)', tags: ['web'], web: true, access: confirmAccess,
    handler: async (req, reply) => sendPayoutFile(req, reply, idOf(req), 'xlsx'),
  });
  route(app, {
    method: 'GET', url: '/claims/payouts/:id/file.csv', summary: 'Payout file (CSV)', tags: ['web'], web: true, access: confirmAccess,
    handler: async (req, reply) => sendPayoutFile(req, reply, idOf(req), 'csv'),
  });
  route(app, {
    method: 'POST', url: '/claims/payouts/:id/confirmation', summary: 'Load the bank confirmation', tags: ['web'], web: true, access: confirmAccess,
    handler: async (req, reply) => {
      const id = idOf(req);
      try {
        const r = await uploadConfirmation(req, id);
        return await batchPage(req, reply, id, confirmationMessage(req.lang, r));
      } catch (e) {
        return fail(req, e, (alert) => batchPage(req, reply, id, alert, 422));
      }
    },
  });
}
